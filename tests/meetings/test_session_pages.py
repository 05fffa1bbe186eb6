"""Session pages through the test client: who sees what, and who may do what."""

import pytest
from django.urls import reverse

from meetings.models import Registration, StrategicSession
from meetings.services import join_round_table
from tests.conftest import login_client
from tests.meetings.factories import (
    RoundTableFactory,
    SessionFactory,
    in_days,
    member_of,
    register,
)

S = StrategicSession.Status


# Who may open which page ---------------------------------------------------------------------

MEMBER_PAGES = ["meetings:session_list", "meetings:calendar_feed_settings"]
SESSION_MEMBER_PAGES = ["meetings:session_detail", "meetings:session_register"]
STAFF_SESSION_PAGES = [
    "meetings:session_edit",
    "meetings:session_registrations",
    "meetings:registrations_csv",
    "meetings:session_attendance",
    "meetings:attendance_csv",
    "meetings:round_table_create",
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", 403), ("member", 200), ("representative", 200), ("staff", 200)],
)
@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages(request, persona: str, expected: int, name: str) -> None:
    user = request.getfixturevalue(persona)
    assert login_client(user).get(reverse(name)).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "open_status", "draft_status"),
    [
        ("outsider", 403, 403),
        ("member", 200, 404),  # a draft is not known to exist
        ("representative", 200, 404),
        ("staff", 200, 200),
        ("admin_user", 200, 200),
    ],
)
def test_session_detail_matrix(
    request, open_session, draft_session, persona: str, open_status: int, draft_status: int
) -> None:
    client = login_client(request.getfixturevalue(persona))
    url = "meetings:session_detail"
    assert client.get(reverse(url, args=[open_session.pk])).status_code == open_status
    assert client.get(reverse(url, args=[draft_session.pk])).status_code == draft_status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", 403), ("member", 403), ("representative", 403), ("admin_user", 200)],
)
@pytest.mark.parametrize("name", [*STAFF_SESSION_PAGES, "meetings:session_create"])
def test_staff_pages_are_for_staff(request, open_session, persona, expected, name) -> None:
    client = login_client(request.getfixturevalue(persona))
    args = [] if name == "meetings:session_create" else [open_session.pk]
    assert client.get(reverse(name, args=args)).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", STAFF_SESSION_PAGES)
def test_staff_pages_open_for_staff(staff, open_session, name) -> None:
    assert login_client(staff).get(reverse(name, args=[open_session.pk])).status_code == 200


@pytest.mark.django_db
def test_staff_pages_need_mfa(staff_without_mfa, open_session) -> None:
    client = login_client(staff_without_mfa)
    response = client.get(reverse("meetings:session_create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.get(reverse("meetings:session_registrations", args=[open_session.pk]))
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_the_nav_links_to_sessions(member) -> None:
    page = login_client(member).get(reverse("members:home")).content.decode()
    assert reverse("meetings:session_list") in page


# The list ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_members_see_open_and_upcoming_sessions_and_history(member, staff) -> None:
    upcoming = SessionFactory(title="Next quarter")
    past = SessionFactory(
        title="Members meeting in Beit Jala", starts_at=in_days(-60), status=S.HELD
    )
    draft = SessionFactory(title="Unpublished draft", status=S.DRAFT)
    past_registration = Registration.objects.create(
        session=past,
        user=member,
        organisation=member.memberships.get().organisation,
        status=Registration.Status.CONFIRMED,
        attended=True,
    )
    page = login_client(member).get(reverse("meetings:session_list")).content.decode()
    assert upcoming.title in page
    assert past.title in page
    assert draft.title not in page
    assert "Attended" in page and past_registration.attended
    staff_page = login_client(staff).get(reverse("meetings:session_list")).content.decode()
    assert draft.title in staff_page


# Join link and needs -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_join_link_is_shown_only_to_registered_participants(
    member, representative, staff, organisation
) -> None:
    session = SessionFactory(capacity=1)
    url = reverse("meetings:session_detail", args=[session.pk])
    assert session.join_url not in login_client(member).get(url).content.decode()
    register(session, member)
    assert session.join_url in login_client(member).get(url).content.decode()
    # A colleague on the waitlist does not get it.
    waiting = member_of(organisation)
    register(session, waiting)
    assert session.join_url not in login_client(waiting).get(url).content.decode()
    assert session.join_url not in login_client(representative).get(url).content.decode()
    assert session.join_url in login_client(staff).get(url).content.decode()


@pytest.mark.django_db
def test_needs_are_visible_to_staff_only(member, representative, staff, organisation) -> None:
    session = SessionFactory(interpretation_languages=["ar"])
    register(
        session,
        member,
        interpretation_language="ar",
        accessibility_needs="Step-free access please",
        dietary_needs="Vegetarian meals",
        needs_travel_assistance=True,
        travel_details="Needs a permit to cross at Qalandia",
    )
    secrets = ["Step-free access please", "Vegetarian meals", "Qalandia"]
    detail = reverse("meetings:session_detail", args=[session.pk])
    for viewer in (member, representative, member_of(organisation)):
        page = login_client(viewer).get(detail).content.decode()
        assert not any(secret in page for secret in secrets)
    staff_page = login_client(staff).get(
        reverse("meetings:session_registrations", args=[session.pk])
    )
    assert all(secret in staff_page.content.decode() for secret in secrets)
    assert (
        login_client(representative)
        .get(reverse("meetings:session_registrations", args=[session.pk]))
        .status_code
        == 403
    )


# Registering through the page ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_registers_through_the_page(member, organisation) -> None:
    session = SessionFactory(interpretation_languages=["ar", "he"])
    membership = member.memberships.get()
    client = login_client(member)
    url = reverse("meetings:session_register", args=[session.pk])
    page = client.get(url).content.decode()
    assert "Me, for Olive Branch Dialogue Centre" in page
    response = client.post(
        url,
        {
            "registrant": membership.pk,
            "interpretation_language": "he",
            "dietary_needs": "Kosher",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(session=session, user=member)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.interpretation_language == "he"
    assert registration.dietary_needs == "Kosher"


@pytest.mark.django_db
def test_a_representative_registers_a_colleague_through_the_page(representative, member) -> None:
    session = SessionFactory()
    colleague_membership = member.memberships.get()
    client = login_client(representative)
    url = reverse("meetings:session_register", args=[session.pk])
    assert "Maya Member" in client.get(url).content.decode()
    client.post(url, {"registrant": colleague_membership.pk})
    registration = Registration.objects.get(session=session, user=member)
    assert registration.registered_by == representative


@pytest.mark.django_db
def test_a_member_cannot_pick_a_colleague(member, organisation) -> None:
    session = SessionFactory()
    colleague = member_of(organisation)
    client = login_client(member)
    url = reverse("meetings:session_register", args=[session.pk])
    response = client.post(url, {"registrant": colleague.memberships.get().pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_registering_twice_shows_a_clear_error(member) -> None:
    session = SessionFactory()
    register(session, member)
    client = login_client(member)
    response = client.post(
        reverse("meetings:session_register", args=[session.pk]),
        {"registrant": member.memberships.get().pk},
    )
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 1


@pytest.mark.django_db
def test_registering_for_a_closed_session_is_turned_away(member) -> None:
    session = SessionFactory(status=S.CLOSED)
    response = login_client(member).post(
        reverse("meetings:session_register", args=[session.pk]),
        {"registrant": member.memberships.get().pk},
    )
    assert response.status_code == 302
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_registering_for_a_draft_is_not_found(member, draft_session) -> None:
    response = login_client(member).get(
        reverse("meetings:session_register", args=[draft_session.pk])
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_cancelling_through_the_page(member, organisation) -> None:
    session = SessionFactory()
    registration = register(session, member)
    other = register(session, member_of(organisation))
    client = login_client(member)
    response = client.post(reverse("meetings:registration_cancel", args=[registration.pk]))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    # Someone else's registration: not found for a plain member.
    response = client.post(reverse("meetings:registration_cancel", args=[other.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_representative_sees_and_cancels_colleagues(representative, member) -> None:
    session = SessionFactory()
    registration = register(session, member)
    client = login_client(representative)
    page = client.get(reverse("meetings:session_detail", args=[session.pk])).content.decode()
    assert "Maya Member" in page
    client.post(reverse("meetings:registration_cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


@pytest.mark.django_db
def test_the_agenda_is_rendered_markdown_without_scripts(member) -> None:
    session = SessionFactory(
        agenda="## Morning\n\n[notes](https://example.org) <script>alert(1)</script>"
    )
    page = (
        login_client(member)
        .get(reverse("meetings:session_detail", args=[session.pk]))
        .content.decode()
    )
    assert "<h2>Morning</h2>" in page
    assert 'rel="noopener noreferrer nofollow"' in page
    assert "<script>alert(1)</script>" not in page


@pytest.mark.django_db
def test_the_list_orders_sessions_and_counts_seats_of_upcoming_ones(member, organisation) -> None:
    later = SessionFactory(title="Later session", starts_at=in_days(60), capacity=1)
    sooner = SessionFactory(title="Sooner session", starts_at=in_days(20), capacity=1)
    register(later, member)
    register(later, member_of(organisation))  # waits: one seat only
    older = SessionFactory(title="Older history", starts_at=in_days(-90), status=S.HELD)
    newer = SessionFactory(title="Newer history", starts_at=in_days(-30), status=S.HELD)
    page = login_client(member).get(reverse("meetings:session_list")).content.decode()
    titles = [sooner.title, later.title, newer.title, older.title]
    assert [page.index(title) for title in titles] == sorted(page.index(t) for t in titles)
    assert "1 of 1 seat taken" in page and "1 waiting" in page
    assert "0 of 1 seats taken" in page  # the sooner session, nobody yet
    assert "You are registered" in page


@pytest.mark.django_db
def test_the_round_tables_show_language_room_facilitators_seats_and_my_table(
    member, organisation
) -> None:
    session = SessionFactory(capacity=None)
    mine = RoundTableFactory(session=session, topic="Water", language="ar", room="Hall B")
    other = RoundTableFactory(session=session, topic="Youth", capacity=5, room="")
    mine.facilitators.add(member_of(organisation, full_name="Zaid Z"))
    mine.facilitators.add(member_of(organisation, full_name="Adi A"))
    join_round_table(round_table=mine, registration=register(session, member), actor=member)
    page = login_client(member).get(reverse("meetings:session_detail", args=[session.pk]))
    html = page.content.decode()
    water, youth = html.index("Water"), html.index("Youth")
    assert water < youth  # by topic
    water_item = html[water:youth]
    assert "1 participant" in water_item and "You are at this table" in water_item
    assert "Arabic" in water_item and "Hall B" in water_item
    assert "Facilitated by Adi A, Zaid Z" in water_item  # by name
    youth_item = html[youth : html.index("</ul>", youth)]
    assert "0 of 5 seats" in youth_item and "You are at this table" not in youth_item
    assert "Facilitated by" not in youth_item
    assert reverse("meetings:round_table_detail", args=[other.pk]) in html


@pytest.mark.django_db
def test_a_representative_sees_their_own_seat_apart_from_colleagues(representative, member) -> None:
    session = SessionFactory()
    register(session, representative)
    register(session, member)
    page = login_client(representative).get(reverse("meetings:session_detail", args=[session.pk]))
    html = page.content.decode()
    assert "You have a seat, for Olive Branch Dialogue Centre." in html
    colleagues = html[html.index('id="colleagues"') :]
    assert "Maya Member" in colleagues and "Rami Representative" not in colleagues
