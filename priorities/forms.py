import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import StrategicSession
from members.models import Organisation
from priorities.models import Priority


class BoardFilterForm(forms.Form):
    """The board's filters; bad values are ignored rather than shown as errors."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All current (not set aside)")), *Priority.Status.choices],
    )
    mine = forms.BooleanField(label=_("Endorsed by my organisation"), required=False)
    # Set by the board's "see all" links: filtering keeps to the theme being browsed.
    theme = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class EndorseForm(forms.Form):
    """Endorse on behalf of one of the organisations the person represents."""

    organisation = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Organisation.objects.none(), empty_label=None
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by the network's staff and by your organisation's people."),
    )

    def __init__(self, *args: object, organisations: QuerySet[Organisation], **kwargs: object):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.helper = FormHelper()
        self.helper.form_tag = False


class ProgressUpdateForm(forms.Form):
    """A dated entry for the priority's timeline."""

    happened_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    body = forms.CharField(
        label=_("What happened (Markdown)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The network's staff"),
    )

    def __init__(
        self,
        *args: object,
        organisations: QuerySet[Organisation],
        staff: bool,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if not staff:
            # Champions always write for their organisation.
            self.fields["organisation"].required = True
            self.fields["organisation"].empty_label = None
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_happened_on(self) -> datetime.date:
        happened_on = self.cleaned_data["happened_on"]
        if happened_on > timezone.localdate():
            raise forms.ValidationError(_("An update records what already happened."))
        return happened_on


class AgreeAtSessionForm(forms.Form):
    """The admin's "mark agreed" step: the session where the network agreed them."""

    session = forms.ModelChoiceField(
        label=_("Agreed at session"),
        queryset=StrategicSession.objects.exclude(status=StrategicSession.Status.CANCELLED),
    )


class MergeForm(forms.Form):
    """The admin's merge step: which of the chosen priorities survives."""

    survivor = forms.ModelChoiceField(
        label=_("Keep this priority"),
        queryset=Priority.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args: object, priorities: QuerySet[Priority], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = priorities
