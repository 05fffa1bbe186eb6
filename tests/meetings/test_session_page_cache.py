"""The session page's shared sections (round tables, summaries, open actions, balance) are
cached under a digest of what they show: personas loading the page in turn each see their own
view, and a change shows on the next load, however it was made (service, admin, a bare UPDATE)."""

import pytest
from django.urls import reverse
from django.utils import translation

from alliance.fragments import render_fragment
from meetings import notes
from meetings.models import Registration, RoundTable, RoundTableNote, StrategicSession
from meetings.services import join_round_table
from members.models import Organisation, User
from tests.conftest import login_client
from tests.factories import OrganisationFactory
from tests.meetings.factories import RoundTableFactory, SessionFactory, in_days, member_of, register
from tests.meetings.notes.conftest import make_note

S = StrategicSession.Status


def _page(user: User, session: StrategicSession, language: str = "en") -> str:
    with translation.override(language):
        url = reverse("meetings:session_detail", args=[session.pk])
    response = login_client(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def held_session(db: None) -> StrategicSession:
    return SessionFactory(
        title="Jericho session", status=S.HELD, starts_at=in_days(-10), ends_at=in_days(-10, 16)
    )


@pytest.mark.django_db
def test_staff_and_members_in_turn_each_see_their_own_summaries(
    held_session, member: User, staff: User
) -> None:
    table = RoundTableFactory(session=held_session, topic="Water and land")
    make_note(table, None, "published", summary="Shared point sumwordshared.")
    make_note(table, None, "staffonly", summary="Internal point sumwordinternal.")
    for _turn in range(2):
        staff_page = _page(staff, held_session)
        member_page = _page(member, held_session)
        assert "sumwordshared" in staff_page and "sumwordinternal" in staff_page
        assert "sumwordshared" in member_page and "sumwordinternal" not in member_page


@pytest.mark.django_db
def test_per_person_parts_are_never_shared(organisation: Organisation, staff: User) -> None:
    session = SessionFactory(capacity=None)
    registered = member_of(organisation, full_name="Rana Registered")
    register(session, registered)
    stranger = member_of(OrganisationFactory(), full_name="Sami Stranger")
    for _turn in range(2):
        registered_page = _page(registered, session)
        stranger_page = _page(stranger, session)
        staff_page = _page(staff, session)
        assert session.join_url in registered_page
        assert "Cancel my registration" in registered_page
        assert session.join_url not in stranger_page
        assert "Cancel my registration" not in stranger_page
        assert reverse("meetings:session_edit", args=[session.pk]) in staff_page
        assert reverse("meetings:session_edit", args=[session.pk]) not in registered_page
        # The balance section is shared by all three: the same figures in each.
        assert "1 registered, 0 attended." in registered_page
        assert "1 registered, 0 attended." in stranger_page
        assert "1 registered, 0 attended." in staff_page


@pytest.mark.django_db
def test_a_published_edited_or_withdrawn_summary_shows_on_the_next_load(
    held_session, member: User, staff: User
) -> None:
    table = RoundTableFactory(session=held_session, topic="Water and land")
    assert "No summaries have been published" in _page(member, held_session)
    note = make_note(table, None, "submitted", summary="We agreed on wells.")
    assert "We agreed on wells." not in _page(member, held_session)
    notes.publish_note(note=note, user=staff)
    assert "We agreed on wells." in _page(member, held_session)
    # Changes that bypass the services (the admin, a data fix) are seen just the same.
    RoundTableNote.objects.filter(pk=note.pk).update(summary="We agreed on springs.")
    page = _page(member, held_session)
    assert "We agreed on springs." in page and "wells" not in page
    RoundTableNote.objects.filter(pk=note.pk).update(staff_only=True)
    assert "We agreed on springs." not in _page(member, held_session)
    assert "We agreed on springs." in _page(staff, held_session)
    table.topic = "Springs and wells"
    table.save()
    assert "Springs and wells" in _page(staff, held_session)


@pytest.mark.django_db
def test_the_balance_follows_registrations_attendance_and_names(
    organisation: Organisation, member: User, staff: User
) -> None:
    session = SessionFactory(capacity=None)
    assert "0 registered, 0 attended." in _page(member, session)
    registration = register(session, member)
    assert "1 registered, 0 attended." in _page(member, session)
    Registration.objects.filter(pk=registration.pk).update(attended=True)
    assert "1 registered, 1 attended." in _page(member, session)
    Organisation.objects.filter(pk=organisation.pk).update(name_en="Renamed Circle")
    assert "Renamed Circle" in _page(member, session)
    Registration.objects.filter(pk=registration.pk).delete()
    page = _page(member, session)
    assert "0 registered, 0 attended." in page and "Renamed Circle" not in page


@pytest.mark.django_db
def test_cached_sections_follow_the_language(held_session, member: User) -> None:
    table = RoundTableFactory(session=held_session, topic="Water and land")
    make_note(table, None, "published", summary="Shared point.")
    english = _page(member, held_session, "en")
    arabic = _page(member, held_session, "ar")
    with translation.override("ar"):
        heading = translation.gettext("Round-table summaries")
        balance = translation.gettext("Participation balance")
        table_url = reverse("meetings:round_table_detail", args=[table.pk])
    assert heading != "Round-table summaries"  # the Arabic catalogue has it
    assert heading in arabic and heading not in english
    assert balance in arabic and balance not in english
    assert table_url in arabic and table_url not in english


@pytest.mark.django_db
def test_each_table_shows_its_latest_summaries_as_excerpts(held_session, member: User) -> None:
    crowded = RoundTableFactory(session=held_session, topic="Crowded table")
    quiet = RoundTableFactory(session=held_session, topic="Quiet table")
    for index in range(5):
        make_note(
            crowded,
            None,
            "published",
            summary=f"**Point** number{index} with [a link](https://example.org).",
            published_at=in_days(-5 + index),
        )
    make_note(quiet, None, "published", summary="A single point.")
    page = _page(member, held_session)
    # The three latest of the crowded table, newest first, and a link to the other two.
    shown = [f"number{index}" for index in range(5) if f"number{index}" in page]
    assert shown == ["number2", "number3", "number4"]
    assert page.index("number4") < page.index("number3") < page.index("number2")
    assert "2 more summaries on the round table" in page
    assert reverse("meetings:round_table_detail", args=[crowded.pk]) + "#table-notes" in page
    assert "A single point." in page
    # Excerpts are plain text: no Markdown syntax, no markup from the summary.
    assert "Point number4 with a link." in page
    assert "**Point**" not in page and 'href="https://example.org"' not in page


@pytest.mark.django_db
def test_open_actions_name_hidden_organisations_to_staff_only(
    held_session, member: User, staff: User
) -> None:
    table = RoundTableFactory(session=held_session, topic="Water and land")
    note = make_note(table, None, "published")
    hidden = OrganisationFactory(
        name_en="Quiet Partners", visibility=Organisation.Visibility.HIDDEN
    )
    note.actions.create(description="Map the springs", organisation=hidden)
    following = SessionFactory(title="Next one", starts_at=in_days(20), ends_at=in_days(20, 16))
    for _turn in range(2):
        member_page = _page(member, following)
        staff_page = _page(staff, following)
        assert "Map the springs" in member_page and "Map the springs" in staff_page
        assert "Quiet Partners" not in member_page
        assert "Quiet Partners" in staff_page


@pytest.mark.django_db
def test_a_shared_section_is_rendered_from_plain_values_only(held_session) -> None:
    with pytest.raises(TypeError, match="plain values"):
        render_fragment("meetings/notes/_session_notes.html", {"session": held_session})
    with pytest.raises(TypeError, match="plain values"):
        render_fragment("meetings/notes/_session_notes.html", {"label": S.HELD.label})
    data = {"session_id": held_session.pk, "tables": [], "open_actions": []}
    first = render_fragment("meetings/notes/_session_notes.html", data)
    assert render_fragment("meetings/notes/_session_notes.html", data) == first


@pytest.mark.django_db
def test_the_round_tables_show_each_reader_their_own_seat_and_follow_changes(
    organisation: Organisation,
) -> None:
    session = SessionFactory(capacity=None)
    table = RoundTableFactory(session=session, topic="Water and land", capacity=None)
    seated = member_of(organisation, full_name="Sara Seated")
    standing = member_of(organisation, full_name="Sam Standing")
    join_round_table(round_table=table, registration=register(session, seated), actor=seated)
    register(session, standing)
    for _turn in range(2):
        assert "You are at this table" in _page(seated, session)
        assert "You are at this table" not in _page(standing, session)
        assert "1 participant" in _page(standing, session)
    # Changes made any way show on the next load: a facilitator added, a topic renamed.
    table.facilitators.add(member_of(organisation, full_name="Fadi Facilitator"))
    assert "Facilitated by Fadi Facilitator" in _page(standing, session)
    RoundTable.objects.filter(pk=table.pk).update(topic="Springs and wells")
    page = _page(standing, session)
    assert "Springs and wells" in page and "Water and land" not in page
