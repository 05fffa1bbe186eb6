"""Forms of the members app: they check the shape of input; services apply the rules."""

import zoneinfo
from functools import cache

from allauth.core import context as allauth_context
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.http import HttpRequest
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from members.invitations import get_signup_invitation
from members.models import (
    IMAGE_FORMATS,
    SPOKEN_LANGUAGES,
    Invitation,
    Membership,
    Organisation,
    User,
    validate_image_upload,
)
from members.selectors import DIRECTORY_SORTS, DirectoryFilters


class SignupDetailsForm(forms.Form):
    """The extra field allauth's sign-up asks for: the person's name.

    allauth builds its sign-up form on this class, so the invitation's address is fixed here:
    the email field is disabled and carries the invited address, whatever is posted.
    """

    full_name = forms.CharField(label=_("Full name"), max_length=200)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        request = allauth_context.request
        invitation = get_signup_invitation(request) if request is not None else None
        if invitation is not None and "email" in self.fields:
            self.initial["email"] = invitation.email
            self.fields["email"].initial = invitation.email
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("The address your invitation was sent to.")

    def signup(self, request: HttpRequest, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


# Directory -------------------------------------------------------------------------------


def _attributes_html(attrs: dict[str, object]) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them (True bare, False left out)."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class _StringSelect(forms.Select):
    """A select that writes the markup of Django's select.html in Python: the widget templates
    (an include for each option) were the larger part of the directory's filter form."""

    def _render(
        self, template_name: str, context: dict[str, object], renderer: object = None
    ) -> SafeString:
        widget = context["widget"]
        if any(group_name for group_name, _choices, _index in widget["optgroups"]):
            return super()._render(template_name, context, renderer)  # no optgroups here
        options = "".join(
            f'\n  <option value="{escape(option["value"])}"'
            f"{_attributes_html(option['attrs'])}>{escape(option['label'])}</option>"
            for _group, choices, _index in widget["optgroups"]
            for option in choices
        )
        html = f'<select name="{escape(widget["name"])}"{_attributes_html(widget["attrs"])}>'
        return mark_safe(f"{html}{options}\n</select>")  # noqa: S308 - every value is escaped.


class _StringSearchInput(forms.TextInput):
    """A search box written like Django's input.html, without the template."""

    input_type = "search"

    def _render(
        self, template_name: str, context: dict[str, object], renderer: object = None
    ) -> SafeString:
        widget = context["widget"]
        value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        html = (
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}'
            f"{_attributes_html(widget['attrs'])}>"
        )
        return mark_safe(html)  # noqa: S308 - every value is escaped.


class DirectoryFilterForm(forms.Form):
    """The directory's search box, filters and sort order (all optional, read from GET)."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=200, widget=_StringSearchInput
    )
    community = forms.ChoiceField(
        label=_("Community"),
        required=False,
        choices=[("", _("All communities")), *Organisation.Community.choices],
        widget=_StringSelect,
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False, widget=_StringSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=_StringSelect)
    status = forms.ChoiceField(
        label=_("Membership status"),
        required=False,
        choices=[("", _("Any status")), *Organisation.Status.choices],
        widget=_StringSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        widget=_StringSelect,
        choices=[
            ("name", _("Name")),
            ("-joined", _("Most recently joined")),
            ("country", _("Country and city")),
            ("relevance", _("Best match (when searching)")),
        ],
    )

    def __init__(
        self, *args: object, sectors: list[tuple[str, str]], countries: list[str], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("All sectors")), *sectors]
        self.fields["country"].choices = [
            ("", _("All countries")),
            *[(country, country) for country in countries],
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css
        self.fields["q"].widget.attrs["placeholder"] = _("Name in any language, city or topic")

    def filters(self) -> DirectoryFilters:
        """The valid part of the input; an invalid value is shown as an error and ignored."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        sort = data.get("sort") or ""
        if sort not in DIRECTORY_SORTS:
            sort = "relevance" if data.get("q") else "name"
        return DirectoryFilters(
            query=(data.get("q") or "").strip(),
            community=data.get("community") or "",
            sector=data.get("sector") or "",
            country=data.get("country") or "",
            status=data.get("status") or "",
            sort=sort,
        )

    @property
    def is_filtered(self) -> bool:
        filters = self.filters()
        return any(
            (filters.query, filters.community, filters.sector, filters.country, filters.status)
        )


# Settings --------------------------------------------------------------------------------


@cache
def _time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(
        name for name in zoneinfo.available_timezones() if "/" in name and "Etc/" not in name
    )
    return [(name, name.replace("_", " ")) for name in [*names, "UTC"]]


phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-.]{6,30}$",
    _("Enter a phone number with digits, spaces and an optional leading +."),
)


class SettingsForm(forms.ModelForm):
    """A person's profile, who sees their contact details, language, time zone, notifications."""

    languages_spoken = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        choices=SPOKEN_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)
    photo = forms.ImageField(
        label=_("Photo (optional)"),
        required=False,
        validators=[validate_image_upload],
        help_text=_("PNG, JPEG or WebP, at most 2 MB. Shown to members only if you are listed."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f"image/{fmt.lower()}" for fmt in IMAGE_FORMATS)}
        ),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=40, validators=[phone_validator]
    )

    class Meta:
        model = User
        fields = [
            "full_name",
            "bio",
            "languages_spoken",
            "listed_in_directory",
            "phone",
            "messaging_handle",
            "email_visibility",
            "phone_visibility",
            "messaging_visibility",
            "preferred_language",
            "time_zone",
            "digest_frequency",
            "session_reminders",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4, "maxlength": 600}),
            "email_visibility": forms.RadioSelect,
            "phone_visibility": forms.RadioSelect,
            "messaging_visibility": forms.RadioSelect,
            "digest_frequency": forms.RadioSelect,
        }

    def __init__(self, *args: object, memberships: list[Membership], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        title_fields = []
        for membership in memberships:
            name = f"title_{membership.pk}"
            self.fields[name] = forms.CharField(
                label=_("Your title at %(organisation)s")
                % {"organisation": membership.organisation.name},
                required=False,
                max_length=120,
                initial=membership.title,
                help_text=_("Your role there: %(role)s.") % {"role": membership.get_role_display()},
            )
            title_fields.append(name)
        self.fields["preferred_language"].choices = settings.LANGUAGES
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Profile"),
                "full_name",
                *title_fields,
                "bio",
                "languages_spoken",
                "photo",
                "remove_photo",
                "listed_in_directory",
            ),
            Fieldset(
                _("Contact details and who sees them"),
                HTML(
                    format_html(
                        '<p class="form-text">{}</p>',
                        _(
                            "Staff always see your contact details. Choose for each one "
                            "whether members of the network see it too."
                        ),
                    )
                ),
                "email_visibility",
                "phone",
                "phone_visibility",
                "messaging_handle",
                "messaging_visibility",
            ),
            Fieldset(_("Language and time zone"), "preferred_language", "time_zone"),
            Fieldset(_("Notifications"), "digest_frequency", "session_reminders"),
            Submit("save", _("Save settings"), css_class="mt-2"),
        )

    def membership_titles(self) -> dict[int, str]:
        """The titles entered per membership id."""
        return {
            membership.pk: self.cleaned_data.get(f"title_{membership.pk}", "").strip()
            for membership in self.memberships
        }

    def profile_changes(self) -> dict[str, object]:
        """The user fields to save, from the cleaned input."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DeleteAccountForm(forms.Form):
    """Asks for the password again, so a left-open browser cannot delete an account."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account will be closed and my personal data erased, "
            "and that this cannot be undone."
        )
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password


# Invitations -----------------------------------------------------------------------------


class InvitationForm(forms.Form):
    """Staff invite a person by email to an organisation with a role."""

    email = forms.EmailField(label=_("Email address"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name_en", "slug"),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        help_text=_("The invitation email is written in this language."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("invite", _("Send invitation")))


class InvitationListFilterForm(forms.Form):
    """The staff invitation list's filters."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), *Invitation.State.choices],
    )
    q = forms.CharField(label=_("Email or organisation"), required=False, max_length=200)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].widget.attrs["class"] = "form-select"
        self.fields["q"].widget.attrs["class"] = "form-control"
