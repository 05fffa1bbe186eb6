import json
from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from alliance.urls_for import url_maker
from members import hub
from members.decorators import require_action
from members.forms import (
    DeleteAccountForm,
    DirectoryFilterForm,
    InvitationForm,
    InvitationListFilterForm,
    SettingsForm,
)
from members.invitations import SIGNUP_SESSION_KEY, read_invitation_token
from members.models import IMAGE_SUFFIXES, Invitation, Organisation, Sector, User
from members.permissions import (
    Action,
    get_organisation_for_user,
    get_person_for_user,
    may,
)
from members.personal_data import export_personal_data
from members.selectors import (
    get_directory_country_counts,
    get_organisation_profile,
    get_person_profile,
    get_sector_ids_of,
    list_contact_details,
    list_directory,
    list_invitations,
    list_memberships_of,
    list_organisation_people,
    list_recently_joined,
    list_sectors,
)
from members.services import (
    INVITATION_LIFETIME,
    accept_invitation,
    invite_member,
    request_account_deletion,
    resend_invitation,
    revoke_invitation,
    set_preferred_language,
    update_settings,
)
from priorities.models import Theme

DIRECTORY_PAGE_SIZE = 24
INVITATIONS_PAGE_SIZE = 50


@require_action(Action.USE_HUB)
def home(request: HttpRequest) -> HttpResponse:
    """The hub home: my organisations, the next session, priorities, notes, newcomers."""
    context = {
        "memberships": list_memberships_of(user=request.user),
        "themes": Theme.objects.filter(is_active=True),
        "recently_joined": list_recently_joined(user=request.user),
        "may_invite": may(request.user, Action.INVITE_PEOPLE),
        "may_see_hidden": may(request.user, Action.VIEW_HIDDEN_ORGANISATIONS),
    }
    # Sessions, registrations, priorities and notes come from the apps that own them.
    context.update(hub.home_context(request))
    return render(request, "members/home.html", context)


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    """What the portal keeps about people, and why. Readable before signing in."""
    return render(request, "members/privacy.html")


@login_not_required
@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a signed-in person the choice is remembered."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {"en", "ar", "he"}:
        set_preferred_language(user=request.user, language=language)
    return response


# Directory and profiles ---------------------------------------------------------------------


@require_action(Action.VIEW_DIRECTORY)
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """The member organisations the viewer may see: search, filters, sort and pages."""
    sectors = list(list_sectors())
    by_country = get_directory_country_counts(user=request.user)
    form = DirectoryFilterForm(
        request.GET or None,
        sectors=[(sector.slug, sector.name) for sector in sectors],
        countries=[country for country in by_country if country],
    )
    if form.is_bound:
        form.is_valid()  # errors are shown; the valid filters still apply
    filters = form.filters()
    page = Paginator(list_directory(user=request.user, filters=filters), DIRECTORY_PAGE_SIZE)
    if not form.is_filtered:
        # Unfiltered, the directory is every organisation counted by country: no second count.
        page.count = sum(by_country.values())
    page_obj = page.get_page(request.GET.get("page"))
    organisations = list(page_obj.object_list)
    sector_ids = get_sector_ids_of(organisations=organisations)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/directory.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page_obj,
            "cards": _directory_cards(organisations, sectors=sectors, sector_ids=sector_ids),
            "page_query": query.urlencode(),
            "is_filtered": form.is_filtered,
        },
    )


def _directory_cards(
    organisations: Iterable[Organisation],
    *,
    sectors: list[Sector],
    sector_ids: dict[int, set[int]],
) -> list[dict[str, object]]:
    """What each directory card shows, worked out here once rather than by filters, {% url %}
    and localised lookups in the template's loop (the loop was most of the page's time).

    Dicts rather than objects: the template engine looks a name up as a key first.
    """
    page_url = url_maker("members:organisation")
    logo_url = url_maker("members:organisation_logo")
    cards = []
    for organisation in organisations:
        name = organisation.name
        cards.append(
            {
                "name": name,
                "url": page_url(organisation.slug),
                "logo_url": logo_url(organisation.slug) if organisation.logo else "",
                "initial": name[:1].upper(),
                "community": organisation.get_community_display(),
                "place": ", ".join(
                    part for part in (organisation.city, organisation.country) if part
                ),
                # As the truncatewords:30 filter does.
                "description": Truncator(organisation.description).words(30, truncate=" …"),
                "status": (
                    organisation.get_status_display()
                    if organisation.status != Organisation.Status.ACTIVE
                    else ""
                ),
                "hidden": organisation.visibility == Organisation.Visibility.HIDDEN,
                # In the order of `sectors` (by English name), as the prefetch gave them.
                "sectors": [
                    sector.name for sector in sectors if sector.pk in sector_ids[organisation.pk]
                ],
            }
        )
    return cards


@require_action(Action.VIEW_DIRECTORY)
@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One organisation's page: about, sectors, its listed people (404 if hidden from viewer)."""
    organisation = get_organisation_profile(user=request.user, slug=slug)
    context = {
        "organisation": organisation,
        "people": list_organisation_people(user=request.user, organisation=organisation),
        "sees_everyone": may(request.user, Action.VIEW_HIDDEN_ORGANISATIONS),
        "may_invite": may(request.user, Action.INVITE_PEOPLE),
    }
    context.update(hub.organisation_context(request, organisation))
    return render(request, "members/organisation_detail.html", context)


def _private_file(field_file: object) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    # The type comes from our list of picture suffixes, never from guessing at the file.
    content_type = IMAGE_SUFFIXES.get(PurePath(field_file.name).suffix.lower(), "image/png")
    response = FileResponse(handle, content_type=content_type)
    # Pictures are behind the sign-in and the visibility rule: never in a shared cache.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_action(Action.VIEW_DIRECTORY)
@require_GET
def organisation_logo(request: HttpRequest, slug: str) -> FileResponse:
    """The organisation's logo, for those who may see the organisation."""
    organisation = get_organisation_for_user(request.user, slug)
    if not organisation.logo:
        raise Http404
    return _private_file(organisation.logo)


@require_action(Action.VIEW_DIRECTORY)
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's profile, with the contact details the viewer may see."""
    person = get_person_profile(user=request.user, person_id=person_id)
    return render(
        request,
        "members/person_detail.html",
        {
            "person": person,
            "memberships": person.visible_memberships,
            "contact_details": list_contact_details(viewer=request.user, person=person),
            "is_self": person.pk == request.user.pk,
        },
    )


@require_action(Action.VIEW_DIRECTORY)
@require_GET
def person_photo(request: HttpRequest, person_id: int) -> FileResponse:
    """A person's photo, for those who may see the person."""
    person = get_person_for_user(request.user, person_id)
    if not person.photo:
        raise Http404
    return _private_file(person.photo)


# Settings, data export, deletion ------------------------------------------------------------


@never_cache
def account_settings(request: HttpRequest) -> HttpResponse:
    """A person's profile, contact visibility, language, time zone and notifications."""
    user = request.user
    memberships = list(list_memberships_of(user=user))
    form = SettingsForm(
        request.POST or None,
        request.FILES or None,
        instance=user,
        memberships=memberships,
        initial={"languages_spoken": user.languages_spoken},
    )
    if request.method == "POST" and form.is_valid():
        update_settings(
            user=user,
            changes=form.profile_changes(),
            photo=request.FILES.get("photo"),
            remove_photo=form.cleaned_data["remove_photo"],
            membership_titles=form.membership_titles(),
        )
        language = user.preferred_language
        with translation.override(language):
            messages.success(request, _("Your settings are saved."))
            response = redirect(reverse("members:settings"))
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    if request.method == "POST":
        # The form came back with errors: reload the instance so the page shows saved values
        # where the person has not typed anything.
        user.refresh_from_db()
    return render(
        request,
        "members/settings.html",
        {"form": form, "memberships": memberships},
    )


@never_cache
@require_GET
def data_export(request: HttpRequest) -> HttpResponse:
    """Everything the portal holds about the signed-in person, as a JSON download."""
    data = export_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"alliance-hub-my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
def delete_account(request: HttpRequest) -> HttpResponse:
    """Ask for the account to be deleted: closed at once, personal data erased."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        request_account_deletion(user=request.user)
        logout(request)
        return render(request, "members/account_deleted.html")
    return render(request, "members/delete_account.html", {"form": form})


# Invitations --------------------------------------------------------------------------------


@login_not_required
@never_cache
def accept_invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: explain it, and on confirming open the way in.

    GET only shows the invitation (mail scanners follow links); POST uses it: a new person is
    sent to sign-up with the address fixed, a person with an account gets the membership.
    """
    max_age = int(INVITATION_LIFETIME.total_seconds()) + 3600
    invitation = read_invitation_token(token, max_age_seconds=max_age)
    if invitation is None:
        return render(request, "members/invitation_invalid.html", {"reason": "invalid"}, status=404)
    state = invitation.state
    if state != Invitation.State.PENDING:
        return render(
            request,
            "members/invitation_invalid.html",
            {"reason": state.value, "invitation": invitation},
            status=410,
        )
    existing = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    signed_in_as_other = (
        request.user.is_authenticated and request.user.email.lower() != invitation.email.lower()
    )
    if request.method == "POST" and not signed_in_as_other:
        if existing is not None:
            try:
                accept_invitation(invitation=invitation, user=existing)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(request.path)
            messages.success(
                request,
                _("You now belong to %(organisation)s.")
                % {"organisation": invitation.organisation.name},
            )
            if request.user.is_authenticated:
                return redirect("members:home")
            return redirect(f"{reverse('account_login')}?next={reverse('members:home')}")
        request.session[SIGNUP_SESSION_KEY] = invitation.pk
        return redirect("account_signup")
    return render(
        request,
        "members/invitation_accept.html",
        {
            "invitation": invitation,
            "has_account": existing is not None,
            "signed_in_as_other": signed_in_as_other,
        },
    )


@require_action(Action.INVITE_PEOPLE)
@require_GET
def invitation_list(request: HttpRequest) -> HttpResponse:
    """Staff: pending, accepted, expired and revoked invitations, and who invited whom."""
    form = InvitationListFilterForm(request.GET or None)
    state, query = "", ""
    if form.is_bound and form.is_valid():
        state, query = form.cleaned_data["state"], form.cleaned_data["q"].strip()
    page_obj = Paginator(
        list_invitations(state=state, query=query), INVITATIONS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "members/invitation_list.html",
        {"form": form, "page_obj": page_obj, "page_query": params.urlencode()},
    )


@require_action(Action.INVITE_PEOPLE)
def invitation_create(request: HttpRequest) -> HttpResponse:
    """Staff: invite a person by email to an organisation with a role."""
    initial = {"language": translation.get_language()}
    if request.GET.get("organisation"):
        organisation = Organisation.objects.filter(slug=request.GET["organisation"]).first()
        if organisation is not None:
            initial["organisation"] = organisation.pk
    form = InvitationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invite_member(
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                language=form.cleaned_data["language"],
                invited_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if invitation.accepted_at:
                text = _("%(email)s already had an account: they now belong to %(organisation)s.")
            else:
                text = _("The invitation to %(email)s for %(organisation)s is on its way.")
            messages.success(
                request,
                text % {"email": invitation.email, "organisation": invitation.organisation.name},
            )
            return redirect("members:invitation_list")
    return render(request, "members/invitation_form.html", {"form": form})


@require_action(Action.INVITE_PEOPLE)
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponseRedirect:
    """Staff: revoke an invitation that was not accepted yet."""
    invitation = get_object_or_404(Invitation, pk=invitation_id)
    try:
        revoke_invitation(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email}
        )
    return redirect("members:invitation_list")


@require_action(Action.INVITE_PEOPLE)
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponseRedirect:
    """Staff: send an invitation again, valid for another 14 days."""
    invitation = get_object_or_404(Invitation, pk=invitation_id)
    try:
        resend_invitation(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation to %(email)s is sent again.") % {"email": invitation.email}
        )
    return redirect("members:invitation_list")
