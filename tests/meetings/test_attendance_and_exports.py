"""On the day: the attendance checklist, and CSV exports of registrations and attendance."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import Registration, StrategicSession
from meetings.services import record_attendance
from members.models import Organisation
from tests.conftest import login_client
from tests.factories import OrganisationFactory
from tests.meetings.factories import SessionFactory, in_days, member_of, register

S = StrategicSession.Status


@pytest.fixture
def today_session(db: None) -> StrategicSession:
    return SessionFactory(starts_at=in_days(0, 8), capacity=3)


def _csv(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8").lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.django_db
def test_staff_tick_who_is_present(staff, today_session, organisation) -> None:
    people = [member_of(organisation) for _ in range(4)]
    registrations = [register(today_session, person) for person in people]  # 3 seats + 1 waiting
    client = login_client(staff)
    url = reverse("meetings:session_attendance", args=[today_session.pk])
    page = client.get(url).content.decode()
    for person in people[:3]:
        assert person.full_name in page
    assert people[3].full_name not in page  # the waitlist is not on the checklist

    response = client.post(url, {"present": [registrations[0].pk, registrations[2].pk]})
    assert response.status_code == 302
    attended = set(
        Registration.objects.filter(session=today_session, attended=True).values_list(
            "pk", flat=True
        )
    )
    assert attended == {registrations[0].pk, registrations[2].pk}

    # Unticking someone marks them absent again.
    client.post(url, {"present": [registrations[2].pk]})
    registrations[0].refresh_from_db()
    assert not registrations[0].attended


@pytest.mark.django_db
def test_a_waiting_person_cannot_be_ticked(staff, today_session, organisation) -> None:
    for _ in range(3):
        register(today_session, member_of(organisation))
    waiting = register(today_session, member_of(organisation))
    response = login_client(staff).post(
        reverse("meetings:session_attendance", args=[today_session.pk]), {"present": [waiting.pk]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    waiting.refresh_from_db()
    assert not waiting.attended


@pytest.mark.django_db
def test_attendance_waits_for_the_day(staff, organisation) -> None:
    session = SessionFactory(starts_at=in_days(3))
    registration = register(session, member_of(organisation))
    with pytest.raises(ValidationError, match="day of the session"):
        record_attendance(session=session, present_ids={registration.pk}, actor=staff)
    response = login_client(staff).post(
        reverse("meetings:session_attendance", args=[session.pk]), {"present": [registration.pk]}
    )
    assert "day of the session" in response.content.decode()


@pytest.mark.django_db
def test_no_attendance_for_a_cancelled_session(staff, organisation) -> None:
    session = SessionFactory(starts_at=in_days(0, 8))
    registration = register(session, member_of(organisation))
    session.status = S.CANCELLED
    session.save()
    with pytest.raises(ValidationError):
        record_attendance(session=session, present_ids={registration.pk}, actor=staff)


@pytest.mark.django_db
def test_registrations_export_to_csv_with_needs(staff, today_session, organisation) -> None:
    person = member_of(organisation, full_name="Layla Haddad", email="layla@example.org")
    register(
        today_session,
        person,
        dietary_needs="Halal",
        needs_travel_assistance=True,
        travel_details="Permit from Bethlehem",
    )
    response = login_client(staff).get(
        reverse("meetings:registrations_csv", args=[today_session.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    (row,) = _csv(response)
    assert row["Name"] == "Layla Haddad"
    assert row["Email"] == "layla@example.org"
    assert row["Organisation"] == organisation.name
    assert row["Status"] == "Confirmed"
    assert row["Dietary needs"] == "Halal"
    assert row["Needs travel or permit help"] == "yes"
    assert row["Travel or permit details"] == "Permit from Bethlehem"
    assert row["Attended"] == "no"


@pytest.mark.django_db
def test_attendance_exports_to_csv(staff, today_session) -> None:
    org = OrganisationFactory(name_ar="منتدى الخليل", name_en="", community="palestinian")
    present = register(today_session, member_of(org, full_name="Present Person"))
    register(today_session, member_of(org, full_name="Absent Person"))
    record_attendance(session=today_session, present_ids={present.pk}, actor=staff)
    response = login_client(staff).get(reverse("meetings:attendance_csv", args=[today_session.pk]))
    rows = {row["Name"]: row for row in _csv(response)}
    assert rows["Present Person"]["Attended"] == "yes"
    assert rows["Absent Person"]["Attended"] == "no"
    assert rows["Present Person"]["Organisation"] == "منتدى الخليل"
    assert rows["Present Person"]["Community"] == str(Organisation.Community.PALESTINIAN.label)


@pytest.mark.django_db
def test_csv_cells_cannot_run_as_formulas(staff, today_session, organisation) -> None:
    register(today_session, member_of(organisation, full_name='=HYPERLINK("http://x")'))
    response = login_client(staff).get(
        reverse("meetings:registrations_csv", args=[today_session.pk])
    )
    (row,) = _csv(response)
    assert row["Name"].startswith("'=")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["meetings:registrations_csv", "meetings:attendance_csv"])
@pytest.mark.parametrize("persona", ["member", "representative"])
def test_exports_are_for_staff_only(request, today_session, name, persona) -> None:
    client = login_client(request.getfixturevalue(persona))
    assert client.get(reverse(name, args=[today_session.pk])).status_code == 403
