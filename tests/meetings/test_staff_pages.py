"""Staff schedule, edit, publish, close, cancel and copy sessions from their own pages."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings.models import RoundTable, StrategicSession
from tests.conftest import login_client
from tests.meetings.factories import (
    RoundTableFactory,
    SessionFactory,
    autumn_clock_change,
    in_days,
    register,
)

S = StrategicSession.Status
JERUSALEM = zoneinfo.ZoneInfo("Asia/Jerusalem")


def _form_data(**overrides: object) -> dict[str, object]:
    data = {
        "title": "Quarterly strategic session",
        "year": 2031,
        "quarter": 2,
        "sequence": 1,
        "time_zone": "Asia/Jerusalem",
        "starts_at": "2031-04-08T10:00",
        "ends_at": "2031-04-08T16:00",
        "format": "hybrid",
        "venue_name": "Olive Court",
        "address": "Nablus Road",
        "city": "Jerusalem",
        "join_url": "https://meet.example.org/q2",
        "capacity": 60,
        "seats_per_organisation": 3,
        "registration_opens_at": "",
        "registration_closes_at": "2031-04-01T18:00",
        "interpretation_languages": ["ar", "he"],
        "agenda": "1. Check-in",
        "balance_threshold_percent": 25,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_the_new_session_form_is_prefilled_with_next_quarter_and_last_venue(staff) -> None:
    SessionFactory(
        venue_name="Hillside Guesthouse",
        city="Beit Jala",
        starts_at=in_days(-40),
        status=S.HELD,
        interpretation_languages=["ar"],
    )
    response = login_client(staff).get(reverse("meetings:session_create"))
    initial = response.context["form"].initial
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    expected = (today.year, quarter + 1) if quarter < 4 else (today.year + 1, 1)
    assert (initial["year"], initial["quarter"]) == expected
    assert initial["venue_name"] == "Hillside Guesthouse"
    assert initial["city"] == "Beit Jala"
    assert initial["interpretation_languages"] == ["ar"]
    assert initial["starts_at"].time() == datetime.time(10, 0)
    assert 'value="Hillside Guesthouse"' in response.content.decode()


@pytest.mark.django_db
def test_scheduling_saves_a_draft_with_times_in_the_sessions_time_zone(staff) -> None:
    staff.time_zone = "Europe/London"  # the staff member's own zone must not matter
    staff.save()
    response = login_client(staff).post(reverse("meetings:session_create"), _form_data())
    assert response.status_code == 302
    session = StrategicSession.objects.get(year=2031, quarter=2)
    assert session.status == S.DRAFT
    assert session.starts_at == datetime.datetime(2031, 4, 8, 10, 0, tzinfo=JERUSALEM)
    assert session.registration_closes_at == datetime.datetime(2031, 4, 1, 18, 0, tzinfo=JERUSALEM)
    assert session.interpretation_languages == ["ar", "he"]


@pytest.mark.django_db
def test_times_stay_right_across_the_autumn_clock_change(staff) -> None:
    change = autumn_clock_change(2031)
    before, after = change - datetime.timedelta(days=1), change + datetime.timedelta(days=1)
    data = _form_data(
        year=2031,
        quarter=4,
        starts_at=f"{before.isoformat()}T09:00",
        ends_at=f"{after.isoformat()}T17:00",
        registration_closes_at="",
    )
    assert login_client(staff).post(reverse("meetings:session_create"), data).status_code == 302
    session = StrategicSession.objects.get(year=2031, quarter=4)
    # 09:00 summer time is 06:00 UTC; 17:00 winter time is 15:00 UTC.
    assert session.starts_at.astimezone(datetime.UTC).time() == datetime.time(6, 0)
    assert session.ends_at.astimezone(datetime.UTC).time() == datetime.time(15, 0)
    # Shown again as typed, in the session's zone.
    edit = login_client(staff).get(reverse("meetings:session_edit", args=[session.pk]))
    page = edit.content.decode()
    assert f'value="{before.isoformat()}T09:00"' in page
    assert f'value="{after.isoformat()}T17:00"' in page


@pytest.mark.django_db
def test_a_time_skipped_by_the_spring_clock_change_is_refused(staff) -> None:
    # Jerusalem skips 02:00-03:00 on the Friday before the last Sunday of March.
    zone = JERUSALEM
    day = datetime.date(2031, 3, 1)
    while True:
        noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=zone)
        if (noon + datetime.timedelta(days=1)).utcoffset() > noon.utcoffset():
            change = day + datetime.timedelta(days=1)
            break
        day += datetime.timedelta(days=1)
    data = _form_data(
        year=2031,
        quarter=1,
        starts_at=f"{change.isoformat()}T02:30",
        ends_at=f"{change.isoformat()}T16:00",
        registration_closes_at="",
    )
    response = login_client(staff).post(reverse("meetings:session_create"), data)
    assert response.status_code == 200
    assert "does not exist in Asia/Jerusalem" in response.content.decode()
    assert not StrategicSession.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": "2031-04-08T09:00"}, "A session must end after it starts."),
        ({"seats_per_organisation": 80}, "cannot be more than the capacity"),
        ({"format": "in_person", "venue_name": "", "city": ""}, "Give a venue or a city"),
        ({"registration_closes_at": "2031-05-01T10:00"}, "cannot close after the session"),
        ({"starts_at": "next Tuesday"}, "Enter a valid date/time"),
        ({"balance_threshold_percent": 120}, "percentage"),
    ],
)
def test_bad_input_gives_a_clear_error_and_saves_nothing(staff, overrides, message) -> None:
    response = login_client(staff).post(reverse("meetings:session_create"), _form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StrategicSession.objects.exists()


@pytest.mark.django_db
def test_a_quarter_takes_a_second_session_only_with_another_sequence(staff) -> None:
    SessionFactory(year=2031, quarter=2, sequence=1)
    client = login_client(staff)
    response = client.post(reverse("meetings:session_create"), _form_data())
    assert response.status_code == 200
    assert StrategicSession.objects.filter(year=2031, quarter=2).count() == 1
    response = client.post(reverse("meetings:session_create"), _form_data(sequence=2))
    assert response.status_code == 302
    assert StrategicSession.objects.get(year=2031, quarter=2, sequence=2).quarter_label == (
        "2031 Q2 (2)"
    )


@pytest.mark.django_db
def test_editing_keeps_the_status_and_raises_the_calendar_revision(staff) -> None:
    session = SessionFactory(status=S.OPEN, year=2031, quarter=2)
    response = login_client(staff).post(
        reverse("meetings:session_edit", args=[session.pk]), _form_data(title="Renamed")
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Renamed"
    assert session.status == S.OPEN
    assert session.ics_sequence == 1


@pytest.mark.django_db
def test_copying_a_past_session_prefills_and_copies_round_tables(staff) -> None:
    past = SessionFactory(
        title="Members' meeting 2025",
        starts_at=in_days(-60),
        status=S.HELD,
        city="Beit Jala",
        agenda="1. Welcome",
    )
    table = RoundTableFactory(session=past, topic="Healing and trust", capacity=12)
    table.facilitators.add(staff)
    client = login_client(staff)
    page = client.get(reverse("meetings:session_create") + f"?copy={past.pk}")
    assert page.context["form"].initial["agenda"] == "1. Welcome"
    assert page.context["form"].initial["copy_from"] == past.pk
    response = client.post(reverse("meetings:session_create"), _form_data(copy_from=past.pk))
    assert response.status_code == 302
    copy = StrategicSession.objects.get(year=2031, quarter=2)
    (copied_table,) = RoundTable.objects.filter(session=copy)
    assert copied_table.topic == "Healing and trust"
    assert copied_table.capacity == 12
    assert list(copied_table.facilitators.all()) == [staff]
    assert RoundTable.objects.filter(session=past).count() == 1


@pytest.mark.django_db
def test_publish_close_and_hold_through_the_pages(staff) -> None:
    session = SessionFactory(status=S.DRAFT, starts_at=in_days(-1), ends_at=in_days(1))
    client = login_client(staff)
    for action, status in (("publish", S.OPEN), ("close", S.CLOSED), ("hold", S.HELD)):
        url = reverse("meetings:session_transition", args=[session.pk, action])
        assert client.get(url).status_code == 200  # the confirmation page
        assert client.post(url).status_code == 302
        session.refresh_from_db()
        assert session.status == status


@pytest.mark.django_db
def test_a_forbidden_move_is_refused_with_a_message(staff) -> None:
    session = SessionFactory(status=S.DRAFT)
    client = login_client(staff)
    url = reverse("meetings:session_transition", args=[session.pk, "hold"])
    assert "cannot become" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "cannot become" in response.content.decode()
    session.refresh_from_db()
    assert session.status == S.DRAFT


@pytest.mark.django_db
def test_an_unknown_action_is_not_found(staff, open_session) -> None:
    url = reverse("meetings:session_transition", args=[open_session.pk, "explode"])
    assert login_client(staff).post(url).status_code == 404


@pytest.mark.django_db
def test_cancelling_a_session_emails_its_registrants(
    staff, member, django_capture_on_commit_callbacks
) -> None:
    session = SessionFactory()
    register(session, member)
    with django_capture_on_commit_callbacks(execute=True):
        login_client(staff).post(
            reverse("meetings:session_transition", args=[session.pk, "cancel"])
        )
    session.refresh_from_db()
    assert session.status == S.CANCELLED
    assert [message.to for message in mail.outbox] == [[member.email]]


@pytest.mark.django_db
def test_members_cannot_post_transitions(member, open_session) -> None:
    url = reverse("meetings:session_transition", args=[open_session.pk, "cancel"])
    assert login_client(member).post(url).status_code == 403
    open_session.refresh_from_db()
    assert open_session.status == S.OPEN
