"""Session reminders and registration notices: planned by the tick, sent through the ledger.

Time is frozen by passing `now` to the planners; the messages go out through Django's real SMTP
backend to a real SMTP server (aiosmtpd), and one test runs a real Celery worker on Redis.
"""

import datetime
import zoneinfo
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType

from alliance.mail import services
from alliance.mail.models import Delivery
from meetings.models import Registration, StrategicSession
from meetings.reminders import (
    plan_registration_notices,
    plan_session_reminders,
    reminder_due_at,
    reminder_key,
)
from members.models import Membership, Organisation, User
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.meetings.factories import RegistrationFactory, SessionFactory, autumn_clock_change
from tests.support.celery_worker import CeleryCluster, wait_until
from tests.support.smtp import SMTPServer

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
JERUSALEM = zoneinfo.ZoneInfo("Asia/Jerusalem")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
Kind = Delivery.Kind
# A year ahead of the real clock, so registrations made "now" precede every reminder.
YEAR = datetime.date.today().year + 1  # noqa: DTZ011 (a calendar year, not a moment)


def _session_after_autumn_change(**fields: object) -> StrategicSession:
    """A Jerusalem session at 10:00 two days after the clocks go back (summer to winter)."""
    day = autumn_clock_change(YEAR) + datetime.timedelta(days=2)
    starts = datetime.datetime.combine(day, datetime.time(10), tzinfo=JERUSALEM)
    fields.setdefault("year", YEAR)
    fields.setdefault("quarter", 4)
    return SessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=6), **fields)


def _registrant(session: StrategicSession, **user_fields: object) -> Registration:
    membership = MembershipFactory(user=UserFactory(**user_fields))
    return RegistrationFactory(session=session, membership=membership)


def _rows(kind: str = Kind.SESSION_REMINDER) -> list[Delivery]:
    return list(Delivery.objects.filter(kind=kind).select_related("recipient").order_by("pk"))


def _send_all() -> services.ChunkOutcome:
    ids = list(Delivery.objects.filter(state=Delivery.State.PENDING).values_list("pk", flat=True))
    return services.send_deliveries(delivery_ids=ids)


# When ------------------------------------------------------------------------------------------


def test_the_week_before_reminder_keeps_the_local_hour_across_the_clock_change() -> None:
    session = _session_after_autumn_change()
    week_before = reminder_due_at(starts_at=session.starts_at, days=7, zone=JERUSALEM)

    # Summer time a week earlier: 10:00 is 07:00 UTC, not the 08:00 that "start minus 7 x 24 h"
    # would give (that would be 11:00 on the registrant's clock).
    assert week_before.astimezone(JERUSALEM).time() == datetime.time(10)
    assert session.starts_at - week_before == datetime.timedelta(days=7, hours=1)


@pytest.mark.parametrize("zone", [JERUSALEM, BERLIN, NEW_YORK], ids=lambda z: z.key)
@pytest.mark.parametrize("days", [7, 1])
def test_reminders_arrive_once_at_the_start_time_on_the_registrants_own_clock(
    smtp_settings: SMTPServer, zone: zoneinfo.ZoneInfo, days: int
) -> None:
    session = _session_after_autumn_change(reminder_days=[7, 1])
    registration = _registrant(session, time_zone=zone.key)
    due = reminder_due_at(starts_at=session.starts_at, days=days, zone=zone)
    local_start = session.starts_at.astimezone(zone)
    assert due.astimezone(zone).time() == local_start.time()
    assert due.astimezone(zone).date() == local_start.date() - datetime.timedelta(days=days)

    plan_session_reminders(now=due - datetime.timedelta(seconds=1))
    already = {row.subject_key for row in _rows()}
    assert reminder_key(session, days) not in already, "not a second early"

    # Two ticks at the due moment and one a little later (a doubled or slow beat).
    plan_session_reminders(now=due)
    plan_session_reminders(now=due)
    plan_session_reminders(now=due + datetime.timedelta(minutes=2))
    rows = [row for row in _rows() if row.subject_key == reminder_key(session, days)]
    assert [row.recipient_id for row in rows] == [registration.user_id]

    _send_all()
    _send_all()
    assert Counter(smtp_settings.handler.recipients())[registration.user.email] == len(
        {row.subject_key for row in _rows()}
    ), "each planned reminder arrived once"


def test_missed_earlier_reminders_are_not_sent_late_only_the_latest_due_one() -> None:
    session = _session_after_autumn_change(reminder_days=[7, 1])
    registration = _registrant(session, time_zone="Asia/Jerusalem")
    day_before = reminder_due_at(starts_at=session.starts_at, days=1, zone=JERUSALEM)

    plan_session_reminders(now=day_before + datetime.timedelta(minutes=1))

    assert [row.subject_key for row in _rows()] == [reminder_key(session, 1)]
    assert _rows()[0].recipient_id == registration.user_id


def test_a_reminder_that_came_due_before_the_seat_was_confirmed_is_not_sent() -> None:
    session = _session_after_autumn_change(reminder_days=[7, 1])
    week_before = reminder_due_at(starts_at=session.starts_at, days=7, zone=JERUSALEM)
    late = _registrant(session, time_zone="Asia/Jerusalem")
    Registration.objects.filter(pk=late.pk).update(
        status_changed_at=week_before + datetime.timedelta(days=2)
    )

    plan_session_reminders(now=week_before + datetime.timedelta(days=3))
    assert _rows() == []

    day_before = reminder_due_at(starts_at=session.starts_at, days=1, zone=JERUSALEM)
    plan_session_reminders(now=day_before)
    assert [row.subject_key for row in _rows()] == [reminder_key(session, 1)]


def test_staff_choose_the_offsets_per_session() -> None:
    session = _session_after_autumn_change(reminder_days=[3])
    _registrant(session, time_zone="Asia/Jerusalem")

    plan_session_reminders(now=reminder_due_at(starts_at=session.starts_at, days=7, zone=JERUSALEM))
    assert _rows() == []
    plan_session_reminders(now=reminder_due_at(starts_at=session.starts_at, days=3, zone=JERUSALEM))
    assert [row.subject_key for row in _rows()] == [reminder_key(session, 3)]


# Who -------------------------------------------------------------------------------------------


def test_only_confirmed_registrants_with_reminders_on_are_reminded() -> None:
    session = _session_after_autumn_change()
    confirmed = _registrant(session)
    _registrant(session, session_reminders=False)
    waiting = _registrant(session)
    Registration.objects.filter(pk=waiting.pk).update(status=Registration.Status.WAITLISTED)
    gone = _registrant(session)
    Registration.objects.filter(pk=gone.pk).update(status=Registration.Status.CANCELLED)

    plan_session_reminders(now=session.starts_at - datetime.timedelta(hours=1))

    assert [row.recipient_id for row in _rows()] == [confirmed.user_id]


def test_a_person_who_turns_reminders_off_after_planning_is_skipped(
    smtp_settings: SMTPServer,
) -> None:
    session = _session_after_autumn_change()
    registration = _registrant(session)
    plan_session_reminders(now=session.starts_at - datetime.timedelta(hours=1))
    User.objects.filter(pk=registration.user_id).update(session_reminders=False)

    _send_all()

    assert smtp_settings.handler.messages == []
    assert _rows()[0].state == Delivery.State.SKIPPED


@pytest.mark.parametrize(
    "status", [StrategicSession.Status.CANCELLED, StrategicSession.Status.DRAFT]
)
def test_a_cancelled_session_gets_no_reminders(
    smtp_settings: SMTPServer, status: StrategicSession.Status
) -> None:
    session = _session_after_autumn_change()
    _registrant(session)
    due = session.starts_at - datetime.timedelta(hours=1)
    plan_session_reminders(now=due)
    assert len(_rows()) == 1, "planned while the session was going ahead"

    StrategicSession.objects.filter(pk=session.pk).update(status=status)
    plan_session_reminders(now=due + datetime.timedelta(minutes=2))
    _send_all()

    assert smtp_settings.handler.messages == []
    assert [row.state for row in _rows()] == [Delivery.State.SKIPPED]


# What ------------------------------------------------------------------------------------------


def test_the_first_reminder_carries_logistics_the_join_link_the_message_and_the_ics(
    smtp_settings: SMTPServer, settings
) -> None:
    settings.SESSION_TRAVEL_CONTACT = "travel@alliance.example.org"
    session = _session_after_autumn_change(
        format=StrategicSession.Format.HYBRID,
        venue_name="Olive Court",
        address="12 Nablus Road",
        reminder_message="Bring your passport for the checkpoint.",
    )
    registration = _registrant(session, time_zone="Europe/Berlin", full_name="Dana Levi")
    Registration.objects.filter(pk=registration.pk).update(needs_travel_assistance=True)
    week_before = reminder_due_at(starts_at=session.starts_at, days=7, zone=BERLIN)
    plan_session_reminders(now=week_before)
    _send_all()

    (received,) = smtp_settings.handler.messages
    message = received.message
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "In 7 days" in message["Subject"]
    for body in (text, html):
        assert "12 Nablus Road" in body
        assert "travel@alliance.example.org" in body
        assert "Bring your passport for the checkpoint." in body
        assert "https://meet.example.org/secret-room" in body
        assert "Europe/Berlin" in body, "times in the registrant's own zone"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert "secret-room" in attachment.get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_day_before_reminder_has_the_join_link_but_no_logistics(
    smtp_settings: SMTPServer, settings
) -> None:
    settings.SESSION_TRAVEL_CONTACT = "travel@alliance.example.org"
    session = _session_after_autumn_change(address="12 Nablus Road")
    _registrant(session, time_zone="Asia/Jerusalem")
    plan_session_reminders(now=reminder_due_at(starts_at=session.starts_at, days=1, zone=JERUSALEM))
    _send_all()

    (received,) = smtp_settings.handler.messages
    text = received.message.get_body(preferencelist=("plain",)).get_content()
    assert "Tomorrow" in received.message["Subject"]
    assert "https://meet.example.org/secret-room" in text
    assert "travel@alliance.example.org" not in text


def test_an_in_person_session_sends_no_join_link(smtp_settings: SMTPServer) -> None:
    session = _session_after_autumn_change(format=StrategicSession.Format.IN_PERSON)
    _registrant(session)
    plan_session_reminders(now=session.starts_at - datetime.timedelta(hours=1))
    _send_all()

    (received,) = smtp_settings.handler.messages
    assert "secret-room" not in received.message.as_string()


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("he", "rtl"), ("en", "ltr")])
def test_a_reminder_speaks_the_registrants_language(
    smtp_settings: SMTPServer, language: str, direction: str
) -> None:
    session = _session_after_autumn_change()
    _registrant(session, preferred_language=language)
    plan_session_reminders(now=session.starts_at - datetime.timedelta(hours=1))
    _send_all()

    (received,) = smtp_settings.handler.messages
    html = received.message.get_body(preferencelist=("html",)).get_content()
    assert f'lang="{language}" dir="{direction}"' in html


# Changes ---------------------------------------------------------------------------------------


def test_a_rescheduled_session_sends_a_changed_notice_and_new_reminders(
    smtp_settings: SMTPServer,
) -> None:
    session = _session_after_autumn_change(reminder_days=[7, 1])
    reminded = _registrant(session, time_zone="Asia/Jerusalem")
    week_before = reminder_due_at(starts_at=session.starts_at, days=7, zone=JERUSALEM)
    plan_session_reminders(now=week_before)
    _send_all()
    assert len(smtp_settings.handler.messages) == 1
    # Someone who registered after that reminder went out: nothing to correct for them.
    newcomer = _registrant(session, time_zone="Asia/Jerusalem")

    moved_by = datetime.timedelta(days=14)
    StrategicSession.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + moved_by, ends_at=session.ends_at + moved_by
    )
    session.refresh_from_db()
    plan_session_reminders(now=week_before + datetime.timedelta(hours=1))
    plan_session_reminders(now=week_before + datetime.timedelta(hours=2))

    (changed,) = _rows(Kind.SESSION_CHANGED)
    assert changed.recipient_id == reminded.user_id
    _send_all()
    notice = smtp_settings.handler.messages[-1].message
    assert "New date or time" in notice["Subject"]
    assert notice.get_content_type() == "multipart/mixed"
    assert any(p.get_content_type() == "text/calendar" for p in notice.iter_attachments())

    # The reminders are recomputed for the new start, for both of them.
    new_week_before = reminder_due_at(starts_at=session.starts_at, days=7, zone=JERUSALEM)
    plan_session_reminders(now=new_week_before)
    new_rows = [row for row in _rows() if row.subject_key == reminder_key(session, 7)]
    assert {row.recipient_id for row in new_rows} == {reminded.user_id, newcomer.user_id}


def test_a_reminder_planned_for_the_old_start_is_not_sent_after_a_move(
    smtp_settings: SMTPServer,
) -> None:
    session = _session_after_autumn_change()
    _registrant(session)
    plan_session_reminders(now=session.starts_at - datetime.timedelta(hours=1))
    StrategicSession.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + datetime.timedelta(days=30),
        ends_at=session.ends_at + datetime.timedelta(days=30),
    )

    _send_all()

    assert smtp_settings.handler.messages == []
    assert [row.state for row in _rows()] == [Delivery.State.SKIPPED]


# Registration notices --------------------------------------------------------------------------


def test_members_are_told_once_when_registration_opens(smtp_settings: SMTPServer) -> None:
    opens = datetime.datetime(YEAR, 9, 1, 9, tzinfo=UTC)
    session = _session_after_autumn_change(registration_opens_at=opens)
    members = [MembershipFactory().user for _ in range(3)]
    MembershipFactory(user=UserFactory(session_reminders=False))
    MembershipFactory(organisation=OrganisationFactory(status=Organisation.Status.LAPSED))
    UserFactory()  # no organisation at all

    plan_registration_notices(now=opens - datetime.timedelta(minutes=1))
    assert _rows(Kind.REGISTRATION_OPENED) == []
    plan_registration_notices(now=opens)
    plan_registration_notices(now=opens + datetime.timedelta(minutes=2))

    rows = _rows(Kind.REGISTRATION_OPENED)
    assert sorted(row.recipient_id for row in rows) == sorted(m.pk for m in members)
    assert {row.subject_key for row in rows} == {f"session:{session.pk}:registration_opened"}


def test_representatives_of_organisations_not_yet_registered_get_one_closing_reminder(
    smtp_settings: SMTPServer, settings
) -> None:
    settings.REGISTRATION_CLOSING_NOTICE_DAYS = 3
    closes = datetime.datetime(YEAR, 10, 1, 12, tzinfo=UTC)
    session = _session_after_autumn_change(registration_closes_at=closes)
    silent = OrganisationFactory(name_en="Silent Springs")
    registered = OrganisationFactory(name_en="Early Birds")
    silent_rep = MembershipFactory(organisation=silent, role=Membership.Role.REPRESENTATIVE).user
    registered_rep = MembershipFactory(
        organisation=registered, role=Membership.Role.REPRESENTATIVE
    ).user
    MembershipFactory(organisation=silent)  # a plain member: not asked to act
    RegistrationFactory(session=session, membership=MembershipFactory(organisation=registered))

    plan_registration_notices(now=closes - datetime.timedelta(days=4))
    assert _rows(Kind.REGISTRATION_CLOSING) == []
    for hours in (0, 1, 24):
        plan_registration_notices(
            now=closes - datetime.timedelta(days=3) + datetime.timedelta(hours=hours)
        )

    (row,) = _rows(Kind.REGISTRATION_CLOSING)
    assert row.recipient_id == silent_rep.pk
    assert registered_rep.pk not in {r.recipient_id for r in _rows(Kind.REGISTRATION_CLOSING)}

    services.send_deliveries(delivery_ids=[row.pk])
    (received,) = smtp_settings.handler.messages
    assert "Silent Springs" in received.message.get_body(preferencelist=("plain",)).get_content()


def test_the_closing_reminder_is_dropped_once_the_organisation_registers(
    smtp_settings: SMTPServer,
) -> None:
    closes = datetime.datetime(YEAR, 10, 1, 12, tzinfo=UTC)
    session = _session_after_autumn_change(registration_closes_at=closes)
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, role=Membership.Role.REPRESENTATIVE)
    plan_registration_notices(now=closes - datetime.timedelta(days=1))
    RegistrationFactory(session=session, membership=MembershipFactory(organisation=organisation))

    services.send_deliveries(delivery_ids=[row.pk for row in _rows(Kind.REGISTRATION_CLOSING)])

    assert smtp_settings.handler.messages == []


# Real worker -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_sends_due_reminders_once_however_many_ticks(
    celery_cluster: CeleryCluster, smtp_server: SMTPServer
) -> None:
    from django.utils import timezone

    # Due now by the real clock: the session starts in 20 hours, so the 1-day reminder is due.
    starts = timezone.now() + datetime.timedelta(hours=20)
    session = SessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=4))
    registrations = [_registrant(session) for _ in range(7)]
    Registration.objects.filter(session=session).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=10)
    )
    celery_cluster.start_worker("worker1")
    celery_cluster.start_worker("worker2")

    for _ in range(3):
        celery_cluster.send("alliance.mail.tasks.dispatch_due_deliveries_task")

    def settled() -> bool:
        rows = Delivery.objects.filter(kind=Kind.SESSION_REMINDER)
        return rows.count() == 7 and not rows.exclude(state=Delivery.State.SENT).exists()

    wait_until(settled, timeout=90, what="seven reminders sent")
    wait_until(lambda: celery_cluster.queue_length() == 0, timeout=60, what="an empty queue")
    received = Counter(smtp_server.handler.recipients())
    assert received == Counter(r.user.email for r in registrations)
    assert all(
        any(p.get_content_type() == "text/calendar" for p in m.message.iter_attachments())
        for m in smtp_server.handler.messages
    )


# The staff form -------------------------------------------------------------------------------


def test_staff_set_the_reminder_days_and_message_on_the_session_form(staff) -> None:
    from django.urls import reverse

    from tests.conftest import login_client
    from tests.meetings.test_staff_pages import _form_data

    session = SessionFactory(year=2031, quarter=2)
    client = login_client(staff)
    page = client.get(reverse("meetings:session_edit", args=[session.pk])).content.decode()
    assert 'value="7, 1"' in page

    response = client.post(
        reverse("meetings:session_edit", args=[session.pk]),
        _form_data(reminder_days="14; 2, 14", reminder_message="Bring your permit."),
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.reminder_days == [14, 2]
    assert session.reminder_message == "Bring your permit."


@pytest.mark.parametrize("typed", ["seven", "0", "61", "7, -1"])
def test_bad_reminder_days_are_a_form_error_and_change_nothing(staff, typed: str) -> None:
    from django.urls import reverse

    from tests.conftest import login_client
    from tests.meetings.test_staff_pages import _form_data

    session = SessionFactory(year=2031, quarter=2)

    response = login_client(staff).post(
        reverse("meetings:session_edit", args=[session.pk]), _form_data(reminder_days=typed)
    )

    assert response.status_code == 200
    assert "reminder_days" in response.context["form"].errors
    session.refresh_from_db()
    assert session.reminder_days == [7, 1]


@pytest.mark.parametrize("size", [2, 10])
def test_planning_reminders_costs_the_same_queries_at_any_size(
    size: int, django_assert_num_queries
) -> None:
    session = _session_after_autumn_change()
    for _ in range(size):
        _registrant(session)
    ContentType.objects.get_for_model(StrategicSession)  # cached for the life of the process
    # The sessions; per session: its registrants, the INSERT of the due reminders, and the
    # reminders already sent for an older start (the changed notices' INSERT is skipped when
    # there is nobody to tell).
    with django_assert_num_queries(4):
        plan_session_reminders(now=session.starts_at - datetime.timedelta(hours=1))
    assert len(_rows()) == size
