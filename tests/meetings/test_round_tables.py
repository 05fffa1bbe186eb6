"""Round tables: sign up among the session's registrants, staff assign, and who sees who sits."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meetings import notes
from meetings.models import RoundTable, RoundTableNote, RoundTableParticipant, StrategicSession
from meetings.services import cancel_registration, join_round_table
from tests.conftest import login_client
from tests.meetings.factories import RoundTableFactory, SessionFactory, member_of, register
from tests.meetings.notes.conftest import make_note


@pytest.fixture
def table(open_session) -> RoundTable:
    return RoundTableFactory(session=open_session, topic="Healing and trust", capacity=2)


@pytest.mark.django_db
def test_a_registrant_joins_and_leaves_a_round_table(member, table) -> None:
    register(table.session, member)
    client = login_client(member)
    client.post(reverse("meetings:round_table_join", args=[table.pk]))
    seat = RoundTableParticipant.objects.get(round_table=table)
    assert seat.registration.user == member
    client.post(reverse("meetings:round_table_leave", args=[table.pk, seat.pk]))
    assert not RoundTableParticipant.objects.exists()


@pytest.mark.django_db
def test_only_confirmed_registrants_join(member, organisation, table) -> None:
    response = login_client(member).post(
        reverse("meetings:round_table_join", args=[table.pk]), follow=True
    )
    assert "Register for the session first" in response.content.decode()
    table.session.capacity = 1
    table.session.save()
    register(table.session, member_of(organisation))
    waiting = register(table.session, member)
    with pytest.raises(ValidationError, match="confirmed seat"):
        join_round_table(round_table=table, registration=waiting, actor=member)


@pytest.mark.django_db
def test_a_full_round_table_takes_nobody_else(organisation, table) -> None:
    people = [member_of(organisation) for _ in range(3)]
    registrations = [register(table.session, person) for person in people]
    for person, registration in zip(people[:2], registrations[:2], strict=True):
        join_round_table(round_table=table, registration=registration, actor=person)
    with pytest.raises(ValidationError, match="full"):
        join_round_table(round_table=table, registration=registrations[2], actor=people[2])


@pytest.mark.django_db
def test_a_registration_from_another_session_cannot_sit(member, table) -> None:
    elsewhere = register(SessionFactory(), member)
    with pytest.raises(ValidationError):
        join_round_table(round_table=table, registration=elsewhere, actor=member)


@pytest.mark.django_db
def test_nobody_seats_someone_else_but_staff(member, organisation, staff, table) -> None:
    colleague = member_of(organisation)
    registration = register(table.session, colleague)
    with pytest.raises(PermissionDenied):
        join_round_table(round_table=table, registration=registration, actor=member)
    response = login_client(staff).post(
        reverse("meetings:round_table_assign", args=[table.pk]),
        {"registration": registration.pk},
    )
    assert response.status_code == 302
    seat = RoundTableParticipant.objects.get(round_table=table)
    assert seat.registration == registration
    assert seat.assigned_by == staff


@pytest.mark.django_db
def test_cancelling_the_registration_frees_the_round_table_seat(member, table) -> None:
    registration = register(table.session, member)
    join_round_table(round_table=table, registration=registration, actor=member)
    cancel_registration(registration=registration, actor=member)
    assert not RoundTableParticipant.objects.exists()


@pytest.mark.django_db
def test_participants_are_listed_to_participants_and_staff_only(
    member, organisation, staff, table
) -> None:
    seated = member_of(organisation, full_name="Seated Person")
    join_round_table(round_table=table, registration=register(table.session, seated), actor=seated)
    facilitator = member_of(organisation, full_name="Facilitating Person")
    table.facilitators.add(facilitator)
    rapporteur = member_of(organisation, full_name="Reporting Person")
    table.rapporteur = rapporteur
    table.save()
    registered_elsewhere = member_of(organisation)
    register(table.session, registered_elsewhere)  # at the session, not at this table

    url = reverse("meetings:round_table_detail", args=[table.pk])
    for viewer in (seated, facilitator, rapporteur, staff):
        assert "Seated Person" in login_client(viewer).get(url).content.decode()
    for viewer in (member, registered_elsewhere):
        page = login_client(viewer).get(url)
        assert page.status_code == 200
        assert "Seated Person" not in page.content.decode()
        assert "1 of 2 taken" in page.content.decode()  # the count is not secret


@pytest.mark.django_db
def test_round_tables_of_a_draft_are_not_found_for_members(member, staff, draft_session) -> None:
    table = RoundTableFactory(session=draft_session)
    url = reverse("meetings:round_table_detail", args=[table.pk])
    assert login_client(member).get(url).status_code == 404
    assert login_client(staff).get(url).status_code == 200


@pytest.mark.django_db
def test_staff_add_and_edit_a_round_table(staff, member, open_session) -> None:
    client = login_client(staff)
    response = client.post(
        reverse("meetings:round_table_create", args=[open_session.pk]),
        {
            "topic": "Shared advocacy",
            "description": "Messages to **governments**",
            "language": "ar",
            "facilitators": [member.pk],
            "rapporteur": member.pk,
            "room": "Online breakout 2",
            "capacity": 15,
        },
    )
    assert response.status_code == 302
    table = RoundTable.objects.get(session=open_session)
    assert (table.topic, table.language, table.capacity) == ("Shared advocacy", "ar", 15)
    assert list(table.facilitators.all()) == [member]
    page = login_client(member).get(reverse("meetings:round_table_detail", args=[table.pk]))
    assert "<strong>governments</strong>" in page.content.decode()

    response = client.post(
        reverse("meetings:round_table_edit", args=[table.pk]),
        {"topic": "Shared advocacy messages", "language": "ar", "capacity": ""},
    )
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.topic == "Shared advocacy messages"
    assert table.capacity is None
    assert not table.facilitators.exists()


@pytest.mark.django_db
def test_capacity_cannot_drop_under_the_people_seated(staff, organisation, table) -> None:
    for _ in range(2):
        person = member_of(organisation)
        join_round_table(
            round_table=table, registration=register(table.session, person), actor=person
        )
    response = login_client(staff).post(
        reverse("meetings:round_table_edit", args=[table.pk]),
        {"topic": table.topic, "language": "en", "capacity": 1},
    )
    assert response.status_code == 200
    assert "More people already sit" in response.content.decode()
    table.refresh_from_db()
    assert table.capacity == 2


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "representative"])
def test_members_cannot_edit_round_tables(request, persona, table) -> None:
    client = login_client(request.getfixturevalue(persona))
    assert client.get(reverse("meetings:round_table_edit", args=[table.pk])).status_code == 403
    response = client.post(
        reverse("meetings:round_table_create", args=[table.session_id]), {"topic": "x"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_nobody_removes_someone_else_but_staff(member, organisation, table) -> None:
    other = member_of(organisation)
    seat = join_round_table(
        round_table=table, registration=register(table.session, other), actor=other
    )
    response = login_client(member).post(
        reverse("meetings:round_table_leave", args=[table.pk, seat.pk])
    )
    assert response.status_code == 404
    assert RoundTableParticipant.objects.filter(pk=seat.pk).exists()


@pytest.mark.django_db
def test_no_joining_once_the_session_is_over(member, table) -> None:
    register(table.session, member)
    table.session.status = StrategicSession.Status.CANCELLED
    table.session.save()
    page = login_client(member).get(reverse("meetings:round_table_detail", args=[table.pk]))
    assert "Join this round table" not in page.content.decode()


@pytest.mark.django_db
def test_the_table_page_lists_its_notes_with_the_start_of_each_summary(member, table) -> None:
    make_note(table, None, "published", summary="**Wells** first, then springs.")
    make_note(table, None, "draft", summary="Not shared yet.")
    page = (
        login_client(member)
        .get(reverse("meetings:round_table_detail", args=[table.pk]))
        .content.decode()
    )
    assert "Wells first, then springs." in page  # plain text, no Markdown syntax
    assert "Not shared yet." not in page  # a draft is for the table's writers and staff
    assert "fullword" not in page  # never the full record


@pytest.mark.django_db
def test_staff_and_members_in_turn_each_see_their_own_table_notes(member, staff, table) -> None:
    make_note(table, None, "published", summary="Shared point sumwordshared.")
    make_note(table, None, "staffonly", summary="Internal point sumwordinternal.")
    make_note(table, None, "draft", summary="Unfinished point sumworddraft.")
    url = reverse("meetings:round_table_detail", args=[table.pk])
    for _turn in range(2):
        staff_page = login_client(staff).get(url).content.decode()
        member_page = login_client(member).get(url).content.decode()
        assert all(w in staff_page for w in ("sumwordshared", "sumwordinternal", "sumworddraft"))
        assert "sumwordshared" in member_page
        assert "sumwordinternal" not in member_page and "sumworddraft" not in member_page
        # The button to start notes is the writers' (and staff's), with the viewer's own token.
        assert "Start notes for this table" in staff_page
        assert "Start notes for this table" not in member_page


@pytest.mark.django_db
def test_a_changed_table_note_shows_on_the_next_load(member, staff, table) -> None:
    url = reverse("meetings:round_table_detail", args=[table.pk])
    note = make_note(table, None, "submitted", summary="We agreed on wells.")
    assert "We agreed on wells." not in login_client(member).get(url).content.decode()
    notes.publish_note(note=note, user=staff)
    assert "We agreed on wells." in login_client(member).get(url).content.decode()
    RoundTableNote.objects.filter(pk=note.pk).update(summary="We agreed on springs.")
    page = login_client(member).get(url).content.decode()
    assert "We agreed on springs." in page and "wells" not in page
    RoundTableNote.objects.filter(pk=note.pk).delete()
    assert "No notes you may read yet." in login_client(member).get(url).content.decode()


@pytest.mark.django_db
def test_each_reader_sees_a_notes_date_by_their_own_clock(member, staff, table) -> None:
    note = make_note(table, None, "published")
    # 22:30 UTC on 1 March is already 2 March in Jerusalem.
    when = datetime.datetime(2026, 3, 1, 22, 30, tzinfo=datetime.UTC)
    RoundTableNote.objects.filter(pk=note.pk).update(created_at=when)
    member.time_zone, staff.time_zone = "UTC", "Asia/Jerusalem"
    member.save(update_fields=["time_zone"])
    staff.save(update_fields=["time_zone"])
    url = reverse("meetings:round_table_detail", args=[table.pk])
    for _turn in range(2):
        assert "Notes of March 1, 2026" in login_client(member).get(url).content.decode()
        assert "Notes of March 2, 2026" in login_client(staff).get(url).content.decode()


@pytest.mark.django_db
def test_seated_people_are_named_with_their_organisations(
    member, organisation, staff, table
) -> None:
    join_round_table(round_table=table, registration=register(table.session, member), actor=member)
    url = reverse("meetings:round_table_detail", args=[table.pk])
    mine = login_client(member).get(url).content.decode()
    assert "Maya Member" in mine and "(Olive Branch Dialogue Centre)" in mine
    assert "Leave the round table" in mine
    seat = RoundTableParticipant.objects.get(round_table=table)
    leave = reverse("meetings:round_table_leave", args=[table.pk, seat.pk])
    assert f'action="{leave}"' in mine
    staff_page = login_client(staff).get(url).content.decode()
    assert f'action="{leave}"' in staff_page and "Remove" in staff_page
