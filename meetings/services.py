"""Every state change in the meetings app goes through a function here.

Seats are counted under a row lock on the session (SELECT ... FOR UPDATE), so two people
registering at the same moment for the last seat are served one after the other: capacity and
seats per organisation are never exceeded. Emails are queued once the transaction commits.
"""

import zoneinfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.emails import RegistrationEmail, build_registration_email
from meetings.models import (
    CalendarFeed,
    Registration,
    RoundTable,
    RoundTableParticipant,
    StrategicSession,
)
from meetings.permissions import ensure_may_register, is_session_staff, may_manage_registration
from members.models import Organisation, User

Status = StrategicSession.Status

# The status machine: from each status, the statuses a session may move to.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.OPEN, Status.CANCELLED}),
    Status.OPEN: frozenset({Status.CLOSED, Status.CANCELLED}),
    Status.CLOSED: frozenset({Status.OPEN, Status.HELD, Status.CANCELLED}),
    Status.HELD: frozenset(),
    Status.CANCELLED: frozenset(),
}

# Fields a staff member edits on the session form (status and the calendar revision are not).
SESSION_FORM_FIELDS = [
    "title",
    "year",
    "quarter",
    "sequence",
    "time_zone",
    "starts_at",
    "ends_at",
    "format",
    "venue_name",
    "address",
    "city",
    "join_url",
    "capacity",
    "seats_per_organisation",
    "registration_opens_at",
    "registration_closes_at",
    "interpretation_languages",
    "agenda",
    "balance_threshold_percent",
    "reminder_days",
    "reminder_message",
]


def _queue_email(registration: Registration, kind: RegistrationEmail) -> None:
    from meetings.tasks import send_registration_email_task

    registration_id = registration.pk
    transaction.on_commit(lambda: send_registration_email_task.delay(registration_id, kind.value))


def _lock_session(session: StrategicSession) -> StrategicSession:
    return StrategicSession.objects.select_for_update().get(pk=session.pk)


# Sessions -------------------------------------------------------------------------------------


@transaction.atomic
def schedule_session(
    *,
    session: StrategicSession,
    actor: User,
    copy_round_tables_from: StrategicSession | None = None,
) -> StrategicSession:
    """Save a new session as a draft, optionally with the round tables of an earlier one."""
    if not is_session_staff(actor):
        raise PermissionDenied
    now = timezone.now()
    session.status = Status.DRAFT
    session.ics_sequence = 0
    session.created_at = now
    session.updated_at = now
    session.full_clean()
    session.save()
    if copy_round_tables_from is not None:
        for source in copy_round_tables_from.round_tables.prefetch_related("facilitators"):
            copy = RoundTable.objects.create(
                session=session,
                topic=source.topic,
                description=source.description,
                language=source.language,
                room=source.room,
                capacity=source.capacity,
            )
            copy.facilitators.set(source.facilitators.all())
    return session


@transaction.atomic
def update_session(*, session: StrategicSession, actor: User) -> StrategicSession:
    """Save a staff member's edits; calendars see a new revision; freed seats go to the queue."""
    if not is_session_staff(actor):
        raise PermissionDenied
    locked = _lock_session(session)
    session.status = locked.status
    session.ics_sequence = locked.ics_sequence + 1
    session.updated_at = timezone.now()
    session.full_clean()
    session.save(update_fields=[*SESSION_FORM_FIELDS, "ics_sequence", "updated_at"])
    _fill_free_seats(session)
    return session


@transaction.atomic
def transition_session(*, session: StrategicSession, to: str, actor: User) -> StrategicSession:
    """Move a session along the status machine, refusing any move the table does not allow."""
    if not is_session_staff(actor):
        raise PermissionDenied
    locked = _lock_session(session)
    now = timezone.now()
    if to not in ALLOWED_TRANSITIONS[locked.status]:
        raise ValidationError(
            _("A session that is “%(current)s” cannot become “%(target)s”."),
            code="transition_not_allowed",
            params={
                "current": Status(locked.status).label,
                "target": Status(to).label if to in Status.values else to,
            },
        )
    if to == Status.HELD and locked.starts_at > now:
        raise ValidationError(
            _("A session can be marked as held only once it has started."), code="not_started"
        )
    if to == Status.OPEN and locked.ends_at <= now:
        raise ValidationError(
            _("Registration cannot open for a session that has already ended."), code="ended"
        )
    locked.status = to
    locked.ics_sequence += 1
    locked.updated_at = now
    locked.save(update_fields=["status", "ics_sequence", "updated_at"])
    if to == Status.CANCELLED:
        for registration in locked.registrations.exclude(status=Registration.Status.CANCELLED):
            _queue_email(registration, RegistrationEmail.SESSION_CANCELLED)
    session.refresh_from_db()
    return locked


def publish_session(*, session: StrategicSession, actor: User) -> StrategicSession:
    """Open a draft (or closed) session for registration."""
    return transition_session(session=session, to=Status.OPEN, actor=actor)


def close_registration(*, session: StrategicSession, actor: User) -> StrategicSession:
    """Stop taking registrations."""
    return transition_session(session=session, to=Status.CLOSED, actor=actor)


def mark_session_held(*, session: StrategicSession, actor: User) -> StrategicSession:
    """Record that the session took place."""
    return transition_session(session=session, to=Status.HELD, actor=actor)


def cancel_session(*, session: StrategicSession, actor: User) -> StrategicSession:
    """Call the session off; everyone registered or waiting is told by email."""
    return transition_session(session=session, to=Status.CANCELLED, actor=actor)


# Registration ---------------------------------------------------------------------------------


def _seat_counts(session: StrategicSession) -> dict[int | None, int]:
    """Confirmed seats by organisation id, with the total under the key None."""
    rows = (
        Registration.objects.filter(session=session, status=Registration.Status.CONFIRMED)
        .values("organisation_id")
        .annotate(n=Count("pk"))
    )
    counts: dict[int | None, int] = {row["organisation_id"]: row["n"] for row in rows}
    counts[None] = sum(counts.values())
    return counts


def _has_free_seat(
    session: StrategicSession, organisation_id: int, counts: dict[int | None, int]
) -> bool:
    if session.capacity is not None and counts[None] >= session.capacity:
        return False
    per_org = session.seats_per_organisation
    return per_org is None or counts.get(organisation_id, 0) < per_org


@transaction.atomic
def register_for_session(
    *,
    session: StrategicSession,
    person: User,
    organisation: Organisation,
    actor: User,
    interpretation_language: str = "",
    accessibility_needs: str = "",
    dietary_needs: str = "",
    needs_travel_assistance: bool = False,
    travel_details: str = "",
) -> Registration:
    """Give `person` a seat for `organisation`, or a place on the waitlist when none is free."""
    ensure_may_register(actor, person, organisation)
    locked = _lock_session(session)
    if not locked.registration_window_is_open():
        raise ValidationError(_("Registration for this session is not open."), code="not_open")
    if interpretation_language and interpretation_language not in locked.interpretation_languages:
        raise ValidationError(
            _("Interpretation into that language is not offered at this session."),
            code="no_interpretation",
        )
    already = (
        Registration.objects.filter(session=locked, user=person)
        .exclude(status=Registration.Status.CANCELLED)
        .exists()
    )
    if already:
        raise ValidationError(
            _("%(person)s is already registered for this session."),
            code="already_registered",
            params={"person": person.full_name or person.email},
        )
    counts = _seat_counts(locked)
    confirmed = _has_free_seat(locked, organisation.pk, counts)
    now = timezone.now()
    registration = Registration.objects.create(
        session=locked,
        user=person,
        organisation=organisation,
        registered_by=actor,
        status=Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITLISTED,
        interpretation_language=interpretation_language,
        accessibility_needs=accessibility_needs.strip(),
        dietary_needs=dietary_needs.strip(),
        needs_travel_assistance=needs_travel_assistance,
        travel_details=travel_details.strip(),
        created_at=now,
        status_changed_at=now,
    )
    _queue_email(
        registration, RegistrationEmail.CONFIRMED if confirmed else RegistrationEmail.WAITLISTED
    )
    return registration


@transaction.atomic
def cancel_registration(*, registration: Registration, actor: User) -> Registration:
    """Give up a seat (or a place in the queue); a freed seat goes to the first who can take it."""
    if not may_manage_registration(actor, registration):
        raise PermissionDenied
    session = _lock_session(registration.session)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return registration
    if session.status in (Status.HELD, Status.CANCELLED):
        raise ValidationError(
            _("Registrations for a session that was held or cancelled cannot change."),
            code="session_over",
        )
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.status_changed_at = timezone.now()
    registration.save(update_fields=["status", "status_changed_at"])
    registration.round_table_seats.all().delete()
    _queue_email(registration, RegistrationEmail.CANCELLED)
    if was_confirmed:
        _fill_free_seats(session)
    return registration


def _fill_free_seats(session: StrategicSession) -> list[Registration]:
    """Promote waiting people, first come first served, while seats are free for them.

    Runs inside the caller's transaction, with the session row locked. Someone whose
    organisation has used its seats is passed over, not removed: they keep their place.
    """
    if session.status not in (Status.OPEN, Status.CLOSED) or session.starts_at <= timezone.now():
        return []
    counts = _seat_counts(session)
    promoted: list[Registration] = []
    waiting = Registration.objects.filter(
        session=session, status=Registration.Status.WAITLISTED
    ).order_by("created_at", "pk")
    for registration in waiting.select_for_update():
        if session.capacity is not None and counts[None] >= session.capacity:
            break
        if not _has_free_seat(session, registration.organisation_id, counts):
            continue
        registration.status = Registration.Status.CONFIRMED
        registration.status_changed_at = timezone.now()
        registration.save(update_fields=["status", "status_changed_at"])
        counts[None] += 1
        counts[registration.organisation_id] = counts.get(registration.organisation_id, 0) + 1
        _queue_email(registration, RegistrationEmail.PROMOTED)
        promoted.append(registration)
    return promoted


@transaction.atomic
def record_attendance(*, session: StrategicSession, present_ids: set[int], actor: User) -> int:
    """Mark exactly these confirmed registrations present, and the other confirmed ones absent."""
    if not is_session_staff(actor):
        raise PermissionDenied
    locked = _lock_session(session)
    if locked.status in (Status.DRAFT, Status.CANCELLED):
        raise ValidationError(
            _("Attendance is taken only for sessions that are going ahead."), code="not_held"
        )
    today = timezone.localdate(timezone=_session_zone(locked))
    if today < timezone.localdate(locked.starts_at, timezone=_session_zone(locked)):
        raise ValidationError(
            _("Attendance can be taken from the day of the session on."), code="too_early"
        )
    return Registration.objects.filter(session=locked, status=Registration.Status.CONFIRMED).update(
        attended=Case(When(pk__in=present_ids, then=Value(True)), default=Value(False)),
    )


def _session_zone(session: StrategicSession) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(session.time_zone)


# Round tables ---------------------------------------------------------------------------------


@transaction.atomic
def save_round_table(
    *, round_table: RoundTable, facilitators: list[User], actor: User
) -> RoundTable:
    """Create or update a round table and its facilitators."""
    if not is_session_staff(actor):
        raise PermissionDenied
    round_table.full_clean()
    round_table.save()
    round_table.facilitators.set(facilitators)
    if round_table.capacity is not None and round_table.participants.count() > round_table.capacity:
        raise ValidationError(
            _("More people already sit at this table than the new capacity allows."),
            code="over_capacity",
        )
    return round_table


@transaction.atomic
def join_round_table(
    *, round_table: RoundTable, registration: Registration, actor: User
) -> RoundTableParticipant:
    """Seat a confirmed registrant at a round table: they sign up, or staff assign them."""
    if registration.user_id != actor.pk and not is_session_staff(actor):
        raise PermissionDenied
    locked = RoundTable.objects.select_for_update().get(pk=round_table.pk)
    if registration.session_id != locked.session_id:
        raise ValidationError(_("That person is not registered for this session."), code="other")
    if registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(
            _("Only people with a confirmed seat at the session can join a round table."),
            code="not_confirmed",
        )
    if RoundTableParticipant.objects.filter(round_table=locked, registration=registration).exists():
        raise ValidationError(_("Already at this round table."), code="already")
    if locked.capacity is not None and locked.participants.count() >= locked.capacity:
        raise ValidationError(_("This round table is full."), code="full")
    return RoundTableParticipant.objects.create(
        round_table=locked, registration=registration, assigned_by=actor
    )


@transaction.atomic
def leave_round_table(*, participant: RoundTableParticipant, actor: User) -> None:
    """Free a round-table seat: the participant leaves, or staff take them off."""
    if participant.registration.user_id != actor.pk and not is_session_staff(actor):
        raise PermissionDenied
    participant.delete()


# Calendar feed --------------------------------------------------------------------------------


@transaction.atomic
def create_calendar_feed(*, user: User) -> CalendarFeed:
    """A new secret feed address; any earlier address stops working."""
    revoke_calendar_feed(user=user)
    return CalendarFeed.objects.create(user=user)


@transaction.atomic
def revoke_calendar_feed(*, user: User) -> int:
    """Turn off the person's feed address; calendar apps subscribed to it get 404 from now on."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# Email ----------------------------------------------------------------------------------------


def send_registration_email(*, registration_id: int, kind: str) -> bool:
    """Render and send one registration email; False when the registration no longer exists."""
    registration = (
        Registration.objects.select_related("session", "user", "organisation", "registered_by")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        return False
    build_registration_email(registration, RegistrationEmail(kind)).send()
    return True
