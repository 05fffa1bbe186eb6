"""Digests: due at 08:00 in each member's own zone, once per period, showing only what the
recipient may see, sent through the ledger to a real SMTP server (aiosmtpd)."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command

from alliance.mail import services
from alliance.mail.models import Delivery
from meetings.models import RoundTableNote, StrategicSession
from members.digests import (
    DigestPeriod,
    get_digest_content,
    latest_period,
    plan_digests,
    render_digest,
)
from members.models import Organisation, User
from members.permissions import Role
from members.services import set_staff_roles
from priorities.models import Priority
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.meetings.factories import SessionFactory, autumn_clock_change
from tests.priorities.factories import NoteFactory, PriorityFactory, ProgressUpdateFactory
from tests.support.smtp import SMTPServer

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
JERUSALEM = zoneinfo.ZoneInfo("Asia/Jerusalem")
YEAR = datetime.date.today().year + 1  # noqa: DTZ011 (a calendar year, not a moment)
# The Monday after Jerusalem's (and Europe's) clocks go back, and the Monday before it.
MONDAY_AFTER = autumn_clock_change(YEAR) + datetime.timedelta(days=1)
MONDAY_BEFORE = MONDAY_AFTER - datetime.timedelta(days=7)
DIGEST = Delivery.Kind.DIGEST


def _member(**user_fields: object) -> User:
    user_fields.setdefault("digest_frequency", User.DigestFrequency.WEEKLY)
    return MembershipFactory(user=UserFactory(**user_fields)).user


def _keys_for(user: User) -> list[str]:
    return list(
        Delivery.objects.filter(kind=DIGEST, recipient=user)
        .order_by("pk")
        .values_list("subject_key", flat=True)
    )


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=UTC)


def _send_all() -> services.ChunkOutcome:
    ids = Delivery.objects.filter(state=Delivery.State.PENDING).values_list("pk", flat=True)
    return services.send_deliveries(delivery_ids=list(ids))


def _week_key(monday: datetime.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"digest:weekly:{year}-W{week:02d}"


# When ------------------------------------------------------------------------------------------


def test_a_weekly_digest_is_due_at_eight_on_monday_on_each_side_of_the_clock_change() -> None:
    jerusalem = _member(time_zone="Asia/Jerusalem")
    new_york = _member(time_zone="America/New_York")

    # Summer time in Jerusalem: 08:00 is 05:00 UTC; New York (still summer time): 12:00 UTC.
    plan_digests(now=_at(MONDAY_BEFORE, 4, 59))
    assert _week_key(MONDAY_BEFORE) not in _keys_for(jerusalem)
    plan_digests(now=_at(MONDAY_BEFORE, 5, 0))
    assert _keys_for(jerusalem) == [_week_key(MONDAY_BEFORE)]
    assert _keys_for(new_york) == [] or _week_key(MONDAY_BEFORE) not in _keys_for(new_york)
    plan_digests(now=_at(MONDAY_BEFORE, 12, 0))
    assert _week_key(MONDAY_BEFORE) in _keys_for(new_york)

    # After Jerusalem's clocks went back, 08:00 there is 06:00 UTC; New York changes a week
    # later, so it is still 12:00 UTC there.
    plan_digests(now=_at(MONDAY_AFTER, 5, 59))
    assert _week_key(MONDAY_AFTER) not in _keys_for(jerusalem)
    plan_digests(now=_at(MONDAY_AFTER, 6, 0))
    assert _keys_for(jerusalem) == [_week_key(MONDAY_BEFORE), _week_key(MONDAY_AFTER)]
    plan_digests(now=_at(MONDAY_AFTER, 11, 59))
    assert _week_key(MONDAY_AFTER) not in _keys_for(new_york)
    plan_digests(now=_at(MONDAY_AFTER, 12, 0))
    assert _keys_for(new_york) == [_week_key(MONDAY_BEFORE), _week_key(MONDAY_AFTER)]


def test_a_monthly_digest_is_due_at_eight_on_the_first_in_the_members_zone() -> None:
    tokyo = _member(time_zone="Asia/Tokyo", digest_frequency=User.DigestFrequency.MONTHLY)
    first = datetime.date(YEAR, 12, 1)

    # 08:00 in Tokyo on the 1st is 23:00 UTC on the last day of the month before.
    plan_digests(now=_at(first - datetime.timedelta(days=1), 22, 59))
    assert f"digest:monthly:{YEAR}-12" not in _keys_for(tokyo)
    plan_digests(now=_at(first - datetime.timedelta(days=1), 23, 0))
    assert f"digest:monthly:{YEAR}-12" in _keys_for(tokyo)
    plan_digests(now=_at(MONDAY_AFTER, 9))  # a Monday: nothing for monthly readers
    assert len(_keys_for(tokyo)) == len(set(_keys_for(tokyo)))


def test_a_doubled_tick_plans_one_digest_per_person_and_period() -> None:
    people = [_member(time_zone="Asia/Jerusalem") for _ in range(3)]
    now = _at(MONDAY_AFTER, 6, 0)

    for minutes in (0, 0, 2, 4):
        plan_digests(now=now + datetime.timedelta(minutes=minutes))

    for person in people:
        assert _keys_for(person) == [_week_key(MONDAY_AFTER)]


def test_only_people_who_want_a_digest_and_belong_get_one() -> None:
    wants = _member()
    _member(digest_frequency=User.DigestFrequency.OFF)
    _member(is_active=False)
    UserFactory(digest_frequency=User.DigestFrequency.WEEKLY)  # no organisation
    MembershipFactory(organisation=OrganisationFactory(status=Organisation.Status.LAPSED))
    staff = set_staff_roles(user=UserFactory(), roles={Role.STAFF})

    plan_digests(now=_at(MONDAY_AFTER, 6, 0))

    assert set(Delivery.objects.values_list("recipient_id", flat=True)) == {wants.pk, staff.pk}


def test_a_digest_missed_by_more_than_a_day_waits_for_the_next_period() -> None:
    person = _member()

    plan_digests(now=_at(MONDAY_AFTER + datetime.timedelta(days=2), 9))

    assert _keys_for(person) == []


# What ------------------------------------------------------------------------------------------


def _period(user: User) -> DigestPeriod:
    now = _at(MONDAY_AFTER, 7)
    return latest_period(
        frequency=user.digest_frequency, zone=zoneinfo.ZoneInfo(user.time_zone), now=now
    )


def _inside(period: DigestPeriod) -> datetime.datetime:
    return period.since + datetime.timedelta(days=2)


def _news(period: DigestPeriod) -> dict[str, object]:
    """Something new of every kind in the period, some of it hidden from members."""
    hidden = OrganisationFactory(
        name_en="Quiet Partners", visibility=Organisation.Visibility.HIDDEN
    )
    listed = OrganisationFactory(name_en="Open Doors")
    Organisation.objects.filter(pk__in=[hidden.pk, listed.pk]).update(
        joined_on=_inside(period).date()
    )
    priority = PriorityFactory(title_en="Water for all villages", agreed=True)
    Priority.objects.filter(pk=priority.pk).update(status_changed_at=_inside(period))
    update = ProgressUpdateFactory(
        priority=priority, organisation=hidden, body="A well was dug in the south hills."
    )
    type(update).objects.filter(pk=update.pk).update(created_at=_inside(period))
    upcoming = SessionFactory(
        title="Winter strategic session",
        year=YEAR + 1,
        quarter=1,
        starts_at=period.until + datetime.timedelta(days=20),
        ends_at=period.until + datetime.timedelta(days=20, hours=6),
    )
    draft = SessionFactory(
        title="Draft nobody may see",
        year=YEAR + 1,
        quarter=2,
        status=StrategicSession.Status.DRAFT,
        starts_at=period.until + datetime.timedelta(days=25),
        ends_at=period.until + datetime.timedelta(days=25, hours=6),
    )
    return {"hidden": hidden, "listed": listed, "upcoming": upcoming, "draft": draft}


def _bodies(received) -> tuple[str, str]:
    message = received.message
    return (
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )


def test_a_digest_shows_a_member_only_what_they_may_see(smtp_settings: SMTPServer) -> None:
    member = _member(time_zone="Asia/Jerusalem")
    news = _news(_period(member))

    plan_digests(now=_at(MONDAY_AFTER, 7))
    _send_all()

    (received,) = smtp_settings.handler.messages
    for body in _bodies(received):
        assert "Winter strategic session" in body
        assert "Registration is open" in body
        assert "Water for all villages" in body
        assert "A well was dug in the south hills." in body
        assert "Open Doors" in body
        assert "Quiet Partners" not in body, "a hidden organisation stays hidden"
        assert "Draft nobody may see" not in body
    assert news["hidden"].pk


def test_staff_see_hidden_organisations_in_their_digest(smtp_settings: SMTPServer) -> None:
    staff = set_staff_roles(
        user=UserFactory(digest_frequency=User.DigestFrequency.WEEKLY), roles={Role.STAFF}
    )
    _news(_period(staff))

    plan_digests(now=_at(MONDAY_AFTER, 7))
    _send_all()

    (received,) = smtp_settings.handler.messages
    text, _html = _bodies(received)
    assert "Quiet Partners" in text


def test_a_digest_has_both_parts_a_preferences_link_and_one_click_unsubscribe(
    smtp_settings: SMTPServer, settings
) -> None:
    settings.SITE_URL = "https://hub.example.org"
    member = _member()
    _news(_period(member))
    plan_digests(now=_at(MONDAY_AFTER, 7))
    _send_all()

    (received,) = smtp_settings.handler.messages
    text, html = _bodies(received)
    assert "https://hub.example.org/en/settings/" in text
    assert 'href="https://hub.example.org/en/settings/"' in html
    assert (
        received.message["List-Unsubscribe"]
        .strip()
        .startswith("<https://hub.example.org/mail/unsubscribe/")
    )
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "weekly digest" in received.message["Subject"]


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("he", "rtl"), ("en", "ltr")])
def test_a_digest_speaks_the_members_language_and_direction(
    smtp_settings: SMTPServer, language: str, direction: str
) -> None:
    member = _member(preferred_language=language)
    _news(_period(member))
    plan_digests(now=_at(MONDAY_AFTER, 7))
    _send_all()

    (received,) = smtp_settings.handler.messages
    _text, html = _bodies(received)
    assert f'lang="{language}" dir="{direction}"' in html
    assert f"/{language}/settings/" in html


def test_an_empty_digest_is_not_sent(smtp_settings: SMTPServer) -> None:
    member = _member()
    plan_digests(now=_at(MONDAY_AFTER, 7))

    outcome = _send_all()

    assert outcome.skipped == 1
    assert smtp_settings.handler.messages == []
    row = Delivery.objects.get(recipient=member)
    assert row.state == Delivery.State.SKIPPED


def test_a_hidden_note_never_appears_in_a_digest(smtp_settings: SMTPServer) -> None:
    member = _member()
    period = _period(member)
    _news(period)
    published_at = _inside(period)
    NoteFactory(summary="The youth exchange goes ahead in spring.", published_at=published_at)
    NoteFactory(summary="Secret point: staff only.", staff_only=True, published_at=published_at)
    NoteFactory(
        summary="Secret point: in a draft session.",
        published_at=published_at,
        round_table__session__status=StrategicSession.Status.DRAFT,
    )
    # Not published (the member even wrote one of them): never in anyone's digest.
    NoteFactory(
        summary="Secret point: my own draft.", status=RoundTableNote.Status.DRAFT, author=member
    )
    NoteFactory(summary="Secret point: under review.", status=RoundTableNote.Status.SUBMITTED)

    plan_digests(now=_at(MONDAY_AFTER, 7))
    _send_all()

    (received,) = smtp_settings.handler.messages
    for body in _bodies(received):
        assert "The youth exchange goes ahead in spring." in body
        assert "Secret point" not in body
        assert "Full record" not in body, "the full record is never in a digest"


def test_a_note_published_before_the_period_is_not_news_again() -> None:
    member = _member()
    period = _period(member)
    NoteFactory(summary="Old news.", published_at=period.since - datetime.timedelta(days=1))

    content = get_digest_content(user=member, period=period)

    assert content.notes == []
    assert content.is_empty


# Commands --------------------------------------------------------------------------------------


def test_preview_digest_prints_the_members_next_digest() -> None:
    member = _member(email="reader@example.org")
    SessionFactory(title="Spring strategic session")
    out = io.StringIO()

    call_command("preview_digest", "READER@example.org", stdout=out)

    text = out.getvalue()
    assert "Next digest for reader@example.org: digest:weekly:" in text
    assert "Subject: [Alliance Hub] Your weekly digest" in text
    assert "Spring strategic session" in text
    assert member.pk


def test_preview_digest_says_when_there_is_nothing_to_send() -> None:
    _member(email="quiet@example.org")
    out = io.StringIO()

    call_command("preview_digest", "quiet@example.org", stdout=out)

    assert "an empty digest is not sent" in out.getvalue()


def test_send_digests_dry_run_reports_who_would_get_what_and_sends_nothing() -> None:
    _member(email="busy@example.org")
    _member(email="off@example.org", digest_frequency=User.DigestFrequency.OFF)
    SessionFactory(title="Spring strategic session")
    out = io.StringIO()

    call_command("send_digests", "--dry-run", stdout=out)

    report = out.getvalue()
    assert "busy@example.org\tdigest:weekly:" in report
    assert "1 sessions" in report
    assert "off@example.org" not in report
    assert "Nothing was planned or sent." in report
    assert not Delivery.objects.exists()


def test_render_digest_matches_what_the_preview_shows() -> None:
    member = _member()
    period = _period(member)
    _news(period)
    content = get_digest_content(user=member, period=period)

    message = render_digest(user=member, content=content)

    assert "Water for all villages" in message.body


@pytest.mark.parametrize("size", [2, 10])
def test_planning_digests_costs_the_same_queries_at_any_size(
    size: int, django_assert_num_queries
) -> None:
    for _ in range(size):
        _member(time_zone="Asia/Jerusalem")
        _member(time_zone="America/New_York")
    # One query for the (zone, frequency) groups, then per group that is due: one SELECT of who
    # lacks a row and one INSERT … ON CONFLICT DO NOTHING.
    with django_assert_num_queries(3):
        plan_digests(now=_at(MONDAY_AFTER, 6, 30))  # due in Jerusalem, not yet in New York
    assert Delivery.objects.count() == size


def test_send_digests_plans_what_is_due_and_queues_it(monkeypatch) -> None:
    from alliance.mail.tasks import send_deliveries_task

    queued: list[list[int]] = []
    monkeypatch.setattr(send_deliveries_task, "delay", lambda ids: queued.append(ids))
    _member(time_zone="Asia/Jerusalem")
    out = io.StringIO()

    call_command("send_digests", stdout=out)

    planned = Delivery.objects.filter(kind=DIGEST).count()
    assert f"Planned {planned} digests" in out.getvalue()
