"""Session reminders and registration notices, planned into the delivery ledger (alliance.mail).

Nothing here is scheduled as a delayed task. Every beat tick runs the planners below, which insert
the rows that have become due (idempotently: the ledger's unique key is recipient, kind and
subject_key), and the ledger sends them. The subject keys carry what makes a message distinct:

- "session:<id>:reminder:<days>d:<start>" — a reschedule gives new keys, so reminders are
  recomputed for the new start; a row for an older start is skipped when it comes to be sent.
- "session:<id>:changed:<start>" — to whoever already had a reminder for an older start.
- "session:<id>:registration_opened" and "session:<id>:registration_closing:<closes>".

A reminder `days` before a session falls at the session's starting time as the registrant's own
clock shows it, that many calendar days earlier: a clock change in between moves it with the
wall clock, not by an hour. Builders check the session again when a row is sent, so a session
cancelled or moved after planning sends nothing stale.
"""

import datetime
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation

from alliance.mail.models import Delivery
from alliance.mail.registry import MailingList, register_kind, register_planner
from alliance.mail.services import build_delivery_email, plan_deliveries
from meetings.calendar import registration_status_for_calendar, session_ics, session_url
from meetings.models import Registration, StrategicSession
from members.models import Membership, Organisation, User

Status = StrategicSession.Status
Kind = Delivery.Kind
# Sessions further ahead than this have no reminder due (the form caps the days at 60).
_HORIZON = datetime.timedelta(days=62)
_GOING_AHEAD = (Status.OPEN, Status.CLOSED)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE)


def _moment_marker(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def reminder_key(session: StrategicSession, days: int) -> str:
    """The subject key of the `days`-before reminder for the session's current start."""
    return f"session:{session.pk}:reminder:{days}d:{_moment_marker(session.starts_at)}"


def changed_key(session: StrategicSession) -> str:
    """The subject key of the "session changed" notice for the session's current start."""
    return f"session:{session.pk}:changed:{_moment_marker(session.starts_at)}"


def opened_key(session: StrategicSession) -> str:
    """The subject key of the "registration is open" notice."""
    return f"session:{session.pk}:registration_opened"


def closing_key(session: StrategicSession) -> str:
    """The subject key of the "registration closes soon" reminder to representatives."""
    closes = session.registration_closes_at
    return f"session:{session.pk}:registration_closing:{_moment_marker(closes) if closes else ''}"


def reminder_due_at(
    *, starts_at: datetime.datetime, days: int, zone: zoneinfo.ZoneInfo
) -> datetime.datetime:
    """When the `days`-before reminder is due for someone living in `zone`.

    The same wall-clock time as the start, in `zone`, `days` calendar days earlier. A time the
    clocks skip moves forward with them; a time that occurs twice is taken the first time.
    """
    local_start = starts_at.astimezone(zone).replace(tzinfo=None)
    naive = local_start - datetime.timedelta(days=days)
    # Round-tripping through UTC normalises a time inside a spring-forward gap.
    return naive.replace(tzinfo=zone, fold=0).astimezone(datetime.UTC)


def _session_days(session: StrategicSession) -> list[int]:
    days = session.reminder_days or []
    return sorted({int(day) for day in days if isinstance(day, int) and day > 0}, reverse=True)


def _latest_due_days(
    session: StrategicSession, zone: zoneinfo.ZoneInfo, now: datetime.datetime
) -> tuple[int, datetime.datetime] | None:
    """The smallest offset whose time has come: earlier ones that were missed are not sent."""
    due = [
        (days, at)
        for days in _session_days(session)
        if (at := reminder_due_at(starts_at=session.starts_at, days=days, zone=zone)) <= now
    ]
    return min(due) if due else None


# Planners -------------------------------------------------------------------------------------


def plan_session_reminders(*, now: datetime.datetime | None = None) -> None:
    """Plan the reminders that have come due, and a changed notice after a reschedule."""
    now = now or timezone.now()
    sessions = StrategicSession.objects.filter(
        status__in=_GOING_AHEAD, starts_at__gt=now, starts_at__lte=now + _HORIZON
    ).order_by("pk")
    session_type = ContentType.objects.get_for_model(StrategicSession)
    for session in sessions:
        _plan_reminders_for(session, now)
        _plan_changed_notices_for(session, session_type)


def _plan_reminders_for(session: StrategicSession, now: datetime.datetime) -> None:
    registrants = Registration.objects.filter(
        session=session,
        status=Registration.Status.CONFIRMED,
        user__is_active=True,
        user__session_reminders=True,
    ).values_list("user_id", "user__time_zone", "status_changed_at")
    by_days: dict[int, list[int]] = defaultdict(list)
    for user_id, zone_name, confirmed_at in registrants:
        latest = _latest_due_days(session, _zone(zone_name), now)
        if latest is None:
            continue
        days, due_at = latest
        # A reminder that came due before the person had their seat is not news to them: the
        # confirmation they got then carried the same details.
        if due_at < confirmed_at:
            continue
        by_days[days].append(user_id)
    for days, user_ids in by_days.items():
        plan_deliveries(
            kind=Kind.SESSION_REMINDER,
            subject_key=reminder_key(session, days),
            recipient_ids=user_ids,
            subject=session,
        )


def _plan_changed_notices_for(session: StrategicSession, session_type: ContentType) -> None:
    marker = _moment_marker(session.starts_at)
    reminded_for_older_start = (
        Delivery.objects.filter(
            kind=Kind.SESSION_REMINDER,
            content_type=session_type,
            object_id=session.pk,
            state=Delivery.State.SENT,
        )
        .exclude(subject_key__endswith=f":{marker}")
        .values("recipient_id")
    )
    recipients = (
        Registration.objects.filter(session=session, user_id__in=reminded_for_older_start)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("user_id", flat=True)
    )
    plan_deliveries(
        kind=Kind.SESSION_CHANGED,
        subject_key=changed_key(session),
        recipient_ids=recipients,
        subject=session,
    )


def _not_planned(kind: str, subject_key: str) -> Q:
    # Filtering out people who already have a row keeps a tick from re-inserting thousands of
    # rows only for ON CONFLICT to drop them.
    return ~Exists(
        Delivery.objects.filter(recipient=OuterRef("pk"), kind=kind, subject_key=subject_key)
    )


def plan_registration_notices(*, now: datetime.datetime | None = None) -> None:
    """Tell members when registration opens; remind representatives of organisations that
    have not registered, once, shortly before registration closes."""
    now = now or timezone.now()
    open_now = StrategicSession.objects.filter(status=Status.OPEN, starts_at__gt=now).filter(
        Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now),
        Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now),
    )
    subscribed = User.objects.filter(is_active=True, session_reminders=True)
    notice = datetime.timedelta(days=settings.REGISTRATION_CLOSING_NOTICE_DAYS)
    for session in open_now.order_by("pk"):
        key = opened_key(session)
        members = (
            subscribed.filter(
                Exists(
                    Membership.objects.filter(
                        user=OuterRef("pk"), organisation__status=Organisation.Status.ACTIVE
                    )
                )
            )
            .filter(_not_planned(Kind.REGISTRATION_OPENED, key))
            .values_list("pk", flat=True)
        )
        plan_deliveries(
            kind=Kind.REGISTRATION_OPENED, subject_key=key, recipient_ids=members, subject=session
        )
        closes = session.registration_closes_at
        if closes is None or now < closes - notice:
            continue
        key = closing_key(session)
        representatives = (
            subscribed.filter(
                Exists(_unregistered_representations(session).filter(user=OuterRef("pk")))
            )
            .filter(_not_planned(Kind.REGISTRATION_CLOSING, key))
            .values_list("pk", flat=True)
        )
        plan_deliveries(
            kind=Kind.REGISTRATION_CLOSING,
            subject_key=key,
            recipient_ids=representatives,
            subject=session,
        )


def _unregistered_representations(session: StrategicSession) -> QuerySet[Membership]:
    """Representative memberships of active organisations with nobody registered yet."""
    registered = Registration.objects.filter(
        session=session, organisation=OuterRef("organisation")
    ).exclude(status=Registration.Status.CANCELLED)
    return Membership.objects.filter(
        role=Membership.Role.REPRESENTATIVE,
        organisation__status=Organisation.Status.ACTIVE,
    ).exclude(Exists(registered))


# Builders -------------------------------------------------------------------------------------


def _key_parts(delivery: Delivery) -> list[str]:
    return delivery.subject_key.split(":")


def _session_of(delivery: Delivery) -> StrategicSession | None:
    return StrategicSession.objects.filter(pk=delivery.object_id).first()


def _ics_filename(session: StrategicSession) -> str:
    return f"session-{session.year}-q{session.quarter}-{session.sequence}.ics"


def _session_email(
    delivery: Delivery,
    *,
    session: StrategicSession,
    template: str,
    context: dict[str, object],
    registration: Registration | None = None,
) -> EmailMessage:
    """Render a session email in the recipient's language and time zone, .ics attached when
    the recipient holds a registration."""
    recipient = delivery.recipient
    zone = _zone(recipient.time_zone)
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    include_join_url = (
        registration is not None
        and registration.status == Registration.Status.CONFIRMED
        and session.is_online
        and bool(session.join_url)
    )
    with translation.override(language), timezone.override(zone):
        message = build_delivery_email(
            delivery=delivery,
            template_prefix=f"meetings/email/{template}",
            context={
                "session": session,
                "session_url": session_url(session),
                "join_url": session.join_url if include_join_url else "",
                "registration": registration,
                "recipient_time_zone": zone.key,
                "other_time_zone": zone.key != session.time_zone,
                "cancelled": False,
                **context,
            },
        )
        if registration is not None:
            ics = session_ics(
                session,
                include_join_url=include_join_url,
                status=registration_status_for_calendar(registration),
            )
            message.attach(_ics_filename(session), ics, "text/calendar")
    return message


def _current_registration(session: StrategicSession, user: User) -> Registration | None:
    return (
        Registration.objects.filter(session=session, user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("organisation")
        .first()
    )


def build_session_reminder(delivery: Delivery) -> EmailMessage | None:
    """A reminder before the session; None when it was cancelled, moved, or the seat given up."""
    parts = _key_parts(delivery)
    session = _session_of(delivery)
    if session is None or session.status not in _GOING_AHEAD:
        return None
    if parts[-1] != _moment_marker(session.starts_at):
        return None  # planned for a start the session no longer has
    registration = _current_registration(session, delivery.recipient)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return None
    days = int(parts[3].removesuffix("d"))
    session_days = _session_days(session)
    # Logistics travel with the earliest reminder, when there is still time to act on them.
    first = not session_days or days >= session_days[0]
    return _session_email(
        delivery,
        session=session,
        template="reminder",
        registration=registration,
        context={
            "days": days,
            "with_logistics": first and session.is_in_person,
            "travel_contact": settings.SESSION_TRAVEL_CONTACT,
            "staff_message": session.reminder_message.strip(),
        },
    )


def build_session_changed(delivery: Delivery) -> EmailMessage | None:
    """The session's new time, to someone who had a reminder for the old one."""
    session = _session_of(delivery)
    if session is None or session.status not in _GOING_AHEAD:
        return None
    if _key_parts(delivery)[-1] != _moment_marker(session.starts_at):
        return None  # moved again since: the notice for the newest start says it all
    registration = _current_registration(session, delivery.recipient)
    if registration is None:
        return None
    return _session_email(
        delivery, session=session, template="session_changed", registration=registration, context={}
    )


def build_registration_opened(delivery: Delivery) -> EmailMessage | None:
    """Registration is open; None once it no longer is or the person already registered."""
    session = _session_of(delivery)
    if session is None or not session.registration_window_is_open():
        return None
    if _current_registration(session, delivery.recipient) is not None:
        return None
    return _session_email(delivery, session=session, template="registration_opened", context={})


def build_registration_closing(delivery: Delivery) -> EmailMessage | None:
    """The organisations the representative speaks for that have not registered yet."""
    session = _session_of(delivery)
    if session is None or not session.registration_window_is_open():
        return None
    organisations = list(
        Organisation.objects.filter(
            pk__in=_unregistered_representations(session)
            .filter(user=delivery.recipient)
            .values("organisation_id")
        ).order_by("name_en", "pk")
    )
    if not organisations:
        return None
    return _session_email(
        delivery,
        session=session,
        template="registration_closing",
        context={"organisations": organisations},
    )


def register() -> None:
    """Plug reminders and registration notices into the ledger (called from AppConfig.ready)."""
    register_kind(Kind.SESSION_REMINDER, build_session_reminder, mailing_list=MailingList.REMINDERS)
    # A schedule change is news about a seat the person holds, not a mailing: it goes to
    # everyone who had a reminder for the old time (and so had reminders on).
    register_kind(Kind.SESSION_CHANGED, build_session_changed)
    register_kind(
        Kind.REGISTRATION_OPENED, build_registration_opened, mailing_list=MailingList.REMINDERS
    )
    register_kind(
        Kind.REGISTRATION_CLOSING, build_registration_closing, mailing_list=MailingList.REMINDERS
    )
    register_planner(plan_session_reminders)
    register_planner(plan_registration_notices)
