"""Forms check the shape of input; the rules about seats and statuses live in services."""

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from meetings.models import Registration, RoundTable, StrategicSession
from meetings.services import SESSION_FORM_FIELDS
from members.models import Membership, User
from members.permissions import ADMIN_GROUP, STAFF_GROUP, active_member_filter

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"
LOCAL_TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, as typed; the form applies the session's own time zone.

    Django's DateTimeField would read the value in the viewer's time zone; a session in
    Jerusalem scheduled by someone in London must still start at 10:00 Jerusalem time.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT_FORMAT)

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("input_formats", [LOCAL_INPUT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_python(self, value: object) -> datetime.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=None) if value.tzinfo is None else value
        try:
            result = parse_datetime(str(value).strip())
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        if result is None:
            result = forms.fields.BaseTemporalField.to_python(self, value)
        return result

    def prepare_value(self, value: object) -> object:
        return value


def make_aware_in(naive: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """A wall-clock time in `zone` as an aware datetime; times skipped by a clock change fail.

    A time that occurs twice (when the clocks go back) is taken at its first occurrence.
    """
    if naive.tzinfo is not None:
        return naive
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            _("%(time)s does not exist in %(zone)s: the clocks go forward then."),
            code="nonexistent_time",
            params={"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": zone.key},
        )
    return aware


def to_local_naive(value: datetime.datetime | None, zone_name: str) -> datetime.datetime | None:
    """An aware datetime as wall-clock time in the named zone, for a form's initial value."""
    if value is None:
        return None
    return value.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)


MAX_REMINDER_DAYS = 60


class ReminderDaysField(forms.CharField):
    """Days before the session, typed as "7, 1"; stored as a list of distinct whole days."""

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list | tuple):
            return ", ".join(str(day) for day in value)
        return value

    def to_python(self, value: object) -> list[int]:
        text = super().to_python(value)
        days: set[int] = set()
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= MAX_REMINDER_DAYS:
                raise ValidationError(
                    _("Give whole days between 1 and %(max)s, separated by commas."),
                    code="invalid_reminder_days",
                    params={"max": MAX_REMINDER_DAYS},
                )
            days.add(int(part))
        return sorted(days, reverse=True)


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SessionForm(forms.ModelForm):
    """Schedule or edit a session. Dates and times are in the session's time zone."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zone_choices,
        initial=settings.DEFAULT_USER_TIME_ZONE,
        help_text=_("The dates and times below are in this time zone."),
    )
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    registration_opens_at = LocalDateTimeField(
        label=_("Registration opens"),
        required=False,
        help_text=_("Leave empty to open as soon as the session is published."),
    )
    registration_closes_at = LocalDateTimeField(
        label=_("Registration closes"),
        required=False,
        help_text=_("Leave empty to take registrations until you close them."),
    )
    interpretation_languages = forms.MultipleChoiceField(
        label=_("Interpretation offered into"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    join_url = forms.URLField(
        label=_("Online join link"),
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to people with a confirmed seat."),
    )
    copy_from = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reminder_days = ReminderDaysField(
        label=_("Reminders (days before)"),
        required=False,
        initial="7, 1",
        help_text=_(
            "Registrants are reminded this many days before the start, e.g. “7, 1”. "
            "Leave empty for no reminders."
        ),
    )

    class Meta:
        model = StrategicSession
        fields = SESSION_FORM_FIELDS
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 8}),
            "reminder_message": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in LOCAL_TIME_FIELDS:
                self.initial[name] = to_local_naive(
                    getattr(self.instance, name), self.instance.time_zone
                )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        if zone_name:
            zone = zoneinfo.ZoneInfo(zone_name)
            for name in LOCAL_TIME_FIELDS:
                value = cleaned.get(name)
                if isinstance(value, datetime.datetime):
                    try:
                        cleaned[name] = make_aware_in(value, zone)
                    except ValidationError as error:
                        self.add_error(name, error)
        session_format = cleaned.get("format")
        in_person = session_format in (
            StrategicSession.Format.IN_PERSON,
            StrategicSession.Format.HYBRID,
        )
        if in_person and not (cleaned.get("venue_name") or cleaned.get("city")):
            self.add_error("city", _("Give a venue or a city for a session held in person."))
        capacity = cleaned.get("capacity")
        per_org = cleaned.get("seats_per_organisation")
        if capacity is not None and per_org is not None and per_org > capacity:
            self.add_error(
                "seats_per_organisation",
                _("Seats per organisation cannot be more than the capacity."),
            )
        closes = cleaned.get("registration_closes_at")
        ends = cleaned.get("ends_at")
        both_aware = all(
            isinstance(value, datetime.datetime) and value.tzinfo for value in (closes, ends)
        )
        if both_aware and closes > ends:
            self.add_error(
                "registration_closes_at",
                _("Registration cannot close after the session has ended."),
            )
        return cleaned


class RegistrationForm(forms.Form):
    """Register oneself, or a colleague (for representatives), with optional needs."""

    registrant = forms.ModelChoiceField(
        label=_("Who is coming"),
        queryset=Membership.objects.none(),
        empty_label=None,
    )
    interpretation_language = forms.ChoiceField(
        label=_("Interpretation into"), required=False, choices=()
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    dietary_needs = forms.CharField(
        label=_("Dietary needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    needs_travel_assistance = forms.BooleanField(
        label=_("Needs help with travel, a crossing or a permit"), required=False
    )
    travel_details = forms.CharField(
        label=_("Travel or permit details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: where you travel from, and which permit you hold or need."),
    )

    def __init__(
        self,
        *args: object,
        session: StrategicSession,
        user: User,
        memberships: QuerySet[Membership],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        registrant = self.fields["registrant"]
        registrant.queryset = memberships
        registrant.label_from_instance = lambda membership: (
            _("Me, for %(organisation)s") % {"organisation": membership.organisation.name}
            if membership.user_id == user.pk
            else f"{membership.user.full_name or membership.user.email}"
            f" ({membership.organisation.name})"
        )
        languages = dict(settings.LANGUAGES)
        offered = [code for code in session.interpretation_languages if code in languages]
        if offered:
            self.fields["interpretation_language"].choices = [
                ("", _("None needed")),
                *[(code, languages[code]) for code in offered],
            ]
        else:
            del self.fields["interpretation_language"]
        if not session.is_in_person:
            del self.fields["needs_travel_assistance"]
            del self.fields["travel_details"]
            del self.fields["dietary_needs"]


class AttendanceForm(forms.Form):
    """The on-the-day checklist: tick everyone who is present."""

    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=Registration.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: object, registrations: QuerySet[Registration], **kwargs: object):
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.queryset = registrations
        field.label_from_instance = lambda registration: (
            f"{registration.user.full_name or registration.user.email}"
            f" ({registration.organisation.name})"
        )


def people_who_can_take_a_role() -> QuerySet[User]:
    """Active members and staff: those who can facilitate a table or write its report."""
    return (
        User.objects.filter(is_active=True)
        .filter(active_member_filter() | Q(groups__name__in=[STAFF_GROUP, ADMIN_GROUP]))
        .distinct()
        .order_by("full_name", "email")
    )


class RoundTableForm(forms.ModelForm):
    """A round table's topic, language, room, capacity and people."""

    class Meta:
        model = RoundTable
        fields = ["topic", "description", "language", "facilitators", "rapporteur", "room"]
        fields += ["capacity"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "facilitators": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        people = people_who_can_take_a_role()
        self.fields["facilitators"].queryset = people
        self.fields["rapporteur"].queryset = people


class AssignParticipantForm(forms.Form):
    """Staff seat a registrant at a round table."""

    registration = forms.ModelChoiceField(
        label=_("Registrant"), queryset=Registration.objects.none()
    )

    def __init__(self, *args: object, registrations: QuerySet[Registration], **kwargs: object):
        super().__init__(*args, **kwargs)
        field = self.fields["registration"]
        field.queryset = registrations
        field.label_from_instance = lambda registration: (
            f"{registration.user.full_name or registration.user.email}"
            f" ({registration.organisation.name})"
        )
