"""The session .ics and the personal calendar feed, parsed back with the icalendar library."""

import datetime
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.calendar import session_ics
from meetings.models import CalendarFeed, StrategicSession
from meetings.services import (
    cancel_registration,
    cancel_session,
    create_calendar_feed,
    publish_session,
    revoke_calendar_feed,
    update_session,
)
from members.models import Organisation
from tests.conftest import login_client
from tests.meetings.factories import SessionFactory, autumn_clock_change, member_of, register

JERUSALEM = zoneinfo.ZoneInfo("Asia/Jerusalem")


def _event(content: bytes):
    calendar = Calendar.from_ical(content)
    (event,) = calendar.events
    return calendar, event


@pytest.fixture
def dst_session(db: None) -> StrategicSession:
    # Israel's clocks go back in late October: a retreat next year spans the change.
    change = autumn_clock_change(timezone.localdate().year + 1)
    return SessionFactory(
        title="Autumn retreat",
        starts_at=datetime.datetime.combine(
            change - datetime.timedelta(days=1), datetime.time(9), tzinfo=JERUSALEM
        ),
        ends_at=datetime.datetime.combine(
            change + datetime.timedelta(days=1), datetime.time(17), tzinfo=JERUSALEM
        ),
        status=StrategicSession.Status.DRAFT,
    )


@pytest.mark.django_db
def test_the_ics_carries_local_times_across_a_daylight_saving_change(dst_session) -> None:
    calendar, event = _event(session_ics(dst_session))
    assert event["DTSTART"].params["TZID"] == "Asia/Jerusalem"
    assert event.start == dst_session.starts_at
    assert event.end == dst_session.ends_at
    assert (event.start.hour, event.end.hour) == (9, 17)
    # Summer time at the start (UTC+3), winter time at the end (UTC+2).
    assert event.start.utcoffset() == datetime.timedelta(hours=3)
    assert event.end.utcoffset() == datetime.timedelta(hours=2)
    assert event.start.astimezone(datetime.UTC).hour == 6
    assert event.end.astimezone(datetime.UTC).hour == 15
    (timezone_component,) = calendar.timezones
    assert timezone_component["TZID"] == "Asia/Jerusalem"


@pytest.mark.django_db
def test_the_uid_is_stable_and_the_sequence_rises_on_every_change(dst_session, staff) -> None:
    _cal, before = _event(session_ics(dst_session))
    assert before["SEQUENCE"] == 0
    dst_session.title = "Autumn retreat (new venue)"
    update_session(session=dst_session, actor=staff)
    _cal, edited = _event(session_ics(dst_session))
    publish_session(session=dst_session, actor=staff)
    dst_session.refresh_from_db()
    _cal, published = _event(session_ics(dst_session))
    assert before["UID"] == edited["UID"] == published["UID"]
    assert str(before["UID"]).startswith(f"strategic-session-{dst_session.pk}@")
    assert (edited["SEQUENCE"], published["SEQUENCE"]) == (1, 2)
    assert str(edited["SUMMARY"]) == "Autumn retreat (new venue)"
    assert str(published["STATUS"]) == "CONFIRMED"


@pytest.mark.django_db
def test_a_cancelled_session_is_cancelled_in_the_ics(staff) -> None:
    session = SessionFactory()
    cancel_session(session=session, actor=staff)
    session.refresh_from_db()
    _cal, event = _event(session_ics(session))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


@pytest.mark.django_db
def test_the_ics_has_the_venue_and_the_agenda(db: None) -> None:
    session = SessionFactory(
        format=StrategicSession.Format.IN_PERSON,
        venue_name="Hillside Guesthouse",
        city="Beit Jala",
        agenda="1. Welcome",
    )
    _cal, event = _event(session_ics(session))
    assert str(event["LOCATION"]) == "Hillside Guesthouse, Nablus Road, Beit Jala"
    assert "1. Welcome" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(reverse("meetings:session_detail", args=[session.pk]))


@pytest.mark.django_db
def test_the_downloaded_ics_has_the_join_link_only_for_registrants(member, organisation) -> None:
    session = SessionFactory()
    url = reverse("meetings:session_calendar", args=[session.pk])
    client = login_client(member)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert session.join_url not in response.content.decode()

    register(session, member)
    _cal, event = _event(client.get(url).content)
    assert session.join_url in str(event["DESCRIPTION"])


@pytest.mark.django_db
def test_the_ics_of_a_draft_is_not_found_for_members(member) -> None:
    session = SessionFactory(status=StrategicSession.Status.DRAFT)
    url = reverse("meetings:session_calendar", args=[session.pk])
    assert login_client(member).get(url).status_code == 404


# The personal feed ----------------------------------------------------------------------------


def _feed_url(feed: CalendarFeed) -> str:
    return reverse("meetings:calendar_feed", args=[feed.token])


@pytest.mark.django_db
def test_the_feed_lists_my_sessions_without_a_login(member, organisation) -> None:
    mine = SessionFactory(title="Mine")
    waiting = SessionFactory(title="Waiting", capacity=1)
    SessionFactory(title="Not mine")
    register(waiting, member_of(organisation))
    register(mine, member)
    register(waiting, member)
    feed = create_calendar_feed(user=member)

    response = Client().get(_feed_url(feed))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(event["SUMMARY"]): event for event in calendar.events}
    assert set(events) == {"Mine", "Waiting"}
    assert str(events["Mine"]["STATUS"]) == "CONFIRMED"
    assert mine.join_url in str(events["Mine"]["DESCRIPTION"])
    assert str(events["Waiting"]["STATUS"]) == "TENTATIVE"
    assert waiting.join_url not in str(events["Waiting"]["DESCRIPTION"])


@pytest.mark.django_db
def test_the_feed_shows_a_cancelled_registration_no_more(member) -> None:
    session = SessionFactory(title="Dropped")
    registration = register(session, member)
    cancel_registration(registration=registration, actor=member)
    feed = create_calendar_feed(user=member)
    calendar = Calendar.from_ical(Client().get(_feed_url(feed)).content)
    assert calendar.events == []


@pytest.mark.django_db
def test_the_feed_marks_a_cancelled_session_cancelled(member, staff) -> None:
    session = SessionFactory()
    register(session, member)
    cancel_session(session=session, actor=staff)
    feed = create_calendar_feed(user=member)
    (event,) = Calendar.from_ical(Client().get(_feed_url(feed)).content).events
    assert str(event["STATUS"]) == "CANCELLED"


@pytest.mark.django_db
def test_a_revoked_feed_answers_404(member) -> None:
    feed = create_calendar_feed(user=member)
    assert Client().get(_feed_url(feed)).status_code == 200
    revoke_calendar_feed(user=member)
    assert Client().get(_feed_url(feed)).status_code == 404


@pytest.mark.django_db
def test_a_new_feed_address_retires_the_old_one(member) -> None:
    old = create_calendar_feed(user=member)
    new = create_calendar_feed(user=member)
    assert old.token != new.token
    assert Client().get(_feed_url(old)).status_code == 404
    assert Client().get(_feed_url(new)).status_code == 200


@pytest.mark.django_db
def test_a_made_up_token_answers_404(db: None) -> None:
    response = Client().get(reverse("meetings:calendar_feed", args=["not-a-real-token"]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_feed_stops_when_the_person_is_no_longer_a_member(member, organisation) -> None:
    feed = create_calendar_feed(user=member)
    organisation.status = Organisation.Status.LAPSED
    organisation.save()
    assert Client().get(_feed_url(feed)).status_code == 404


@pytest.mark.django_db
def test_the_feed_settings_page_makes_renews_and_revokes(member) -> None:
    client = login_client(member)
    url = reverse("meetings:calendar_feed_settings")
    assert client.get(url).status_code == 200
    client.post(url, {"action": "create"})
    first = CalendarFeed.objects.get(user=member, revoked_at__isnull=True)
    page = client.get(url).content.decode()
    assert first.token in page
    client.post(url, {"action": "renew"})
    second = CalendarFeed.objects.get(user=member, revoked_at__isnull=True)
    assert second.token != first.token
    client.post(url, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=member, revoked_at__isnull=True).exists()
