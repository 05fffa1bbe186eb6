"""The compiled page has no names; open actions carry to the next session; recommendations
become priorities and the link is kept."""

import pytest
from django.urls import reverse

from meetings import notes
from meetings.models import RoundTableNote, StrategicSession
from members.models import User
from priorities.models import Priority, Theme
from priorities.selectors import get_provenance
from priorities.services import create_priority, merge_priorities
from tests.conftest import login_client
from tests.meetings.factories import RoundTableFactory, SessionFactory, in_days
from tests.meetings.notes.conftest import World, make_note


@pytest.mark.django_db
def test_the_compiled_page_carries_no_names(world: World, staff: User) -> None:
    note = world.notes["published"]
    note.sign_summary = True
    note.save()
    note.actions.create(description="Draft a letter")
    html = (
        login_client(staff)
        .get(reverse("meetings:session_compiled", args=[world.session.pk]))
        .content.decode()
    )
    assert "sumwordpublished" in html
    assert "Draft a letter" in html
    for name in ("Rana Rapporteur", "Fadi Facilitator", "Paz Participant"):
        assert name not in html


@pytest.mark.django_db
def test_open_actions_appear_on_the_next_session_until_done(
    world: World, member: User, organisation
) -> None:
    note = world.notes["published"]
    action = note.actions.create(description="Map the springs", organisation=organisation)
    note.actions.create(description="Already handled", done_at=in_days(-1))
    world.notes["draft"].actions.create(description="From an unshared draft")
    following = SessionFactory(title="Next one", starts_at=in_days(20), ends_at=in_days(20, 16))
    url = reverse("meetings:session_detail", args=[following.pk])
    client = login_client(member)
    html = client.get(url).content.decode()
    assert "Map the springs" in html
    assert "Already handled" not in html
    assert "From an unshared draft" not in html
    # A member of the action's organisation marks it done; it leaves the page.
    client.post(reverse("meetings:note_action_done", args=[action.pk]), {"done": "1"})
    action.refresh_from_db()
    assert action.done_at is not None
    assert "Map the springs" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_staff_turn_a_recommendation_into_a_priority_in_one_admin_action(
    world: World, staff: User
) -> None:
    theme = Theme.objects.filter(is_active=True).first()
    recommendation = world.notes["published"].recommendations.create(text="Joint water council")
    response = login_client(staff).post(
        reverse("admin:meetings_noterecommendation_changelist"),
        {
            "action": "create_priority",
            "_selected_action": [recommendation.pk],
            "apply": "1",
            "theme": theme.pk,
        },
    )
    assert response.status_code == 302
    priority = Priority.objects.get(source_recommendations=recommendation)
    assert priority.status == Priority.Status.PROPOSED
    assert priority.title_en == "Joint water council"
    assert list(priority.source_round_tables.all()) == [world.table]
    assert list(priority.source_sessions.all()) == [world.session]
    # Twice is refused: the recommendation is already a priority.
    login_client(staff).post(
        reverse("admin:meetings_noterecommendation_changelist"),
        {
            "action": "create_priority",
            "_selected_action": [recommendation.pk],
            "apply": "1",
            "theme": theme.pk,
        },
    )
    assert Priority.objects.filter(source_recommendations=recommendation).count() == 1


@pytest.mark.django_db
def test_provenance_shows_recommendations_only_from_readable_notes(
    world: World, member: User, staff: User
) -> None:
    theme = Theme.objects.filter(is_active=True).first()
    shared = world.notes["published"].recommendations.create(text="Shared rec")
    hidden = world.notes["staffonly"].recommendations.create(text="Hidden rec")
    priority = create_priority(theme=theme, title_en="P", summary_en="S")
    priority.source_recommendations.add(shared, hidden)
    for_member = [
        r.recommendation for r in get_provenance(priority=priority, user=member).recommendations
    ]
    assert for_member == [shared]
    for_staff = {
        r.recommendation for r in get_provenance(priority=priority, user=staff).recommendations
    }
    assert for_staff == {shared, hidden}
    html = login_client(member).get(priority.get_absolute_url()).content.decode()
    assert "Shared rec" in html and "Hidden rec" not in html


@pytest.mark.django_db
def test_merging_priorities_keeps_the_recommendation_link(world: World) -> None:
    theme = Theme.objects.filter(is_active=True).first()
    recommendation = world.notes["published"].recommendations.create(text="Rec")
    survivor = create_priority(theme=theme, title_en="Keep", summary_en="S")
    duplicate = notes.create_priority_from_recommendation(
        recommendation=recommendation, theme=theme
    )
    merge_priorities(survivor=survivor, duplicates=[duplicate])
    assert list(survivor.source_recommendations.all()) == [recommendation]


@pytest.mark.django_db
def test_search_finds_arabic_and_hebrew_words(world: World, member: User) -> None:
    table = RoundTableFactory(session=world.session, topic="Languages")
    arabic = make_note(table, None, "published", summary="نتفق على مشاركة بيانات المياه")
    hebrew = make_note(table, None, "published", summary="הסכמנו לשתף נתוני מים")
    hidden = make_note(table, None, "draft", summary="מים בטיוטה")
    client = login_client(member)
    url = reverse("meetings:note_search")
    assert [n.pk for n in client.get(url, {"q": "المياه"}).context["notes"]] == [arabic.pk]
    found = [n.pk for n in client.get(url, {"q": "מים"}).context["notes"]]
    assert found == [hebrew.pk] and hidden.pk not in found
    # English is stemmed: "sharing" finds "share".
    english = make_note(table, None, "published", summary="We share the wells.")
    assert english.pk in [n.pk for n in client.get(url, {"q": "sharing"}).context["notes"]]


@pytest.mark.django_db
def test_search_on_sqlite_style_fallback_respects_visibility(
    world: World, member: User, monkeypatch
) -> None:
    from meetings import note_selectors

    monkeypatch.setattr(note_selectors.connection, "vendor", "sqlite")
    found = {n.pk for n in note_selectors.search_notes_for(user=member, query="wordpublished")}
    assert found == {world.notes["published"].pk}
    assert not note_selectors.search_notes_for(user=member, query="fullwordpublished").exists()
    _ = StrategicSession, RoundTableNote
