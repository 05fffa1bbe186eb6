"""The notes' visibility matrix: each persona against each note state and layer, on every path
that shows notes, for content and for existence (a hidden note is a 404, never a 403)."""

import pytest
from django.urls import reverse

from meetings import note_selectors
from meetings.permissions import note_layers_for, readable_notes_for
from members.models import User
from tests.conftest import login_client
from tests.meetings.notes.conftest import STATES, World, full_marker, summary_marker

PERSONAS = ["outsider", "member", "participant", "rapporteur", "facilitator", "staff", "admin"]

# persona -> state -> layers read: "" (the note is hidden), "summary", or "full" (both layers).
EXPECTED: dict[str, dict[str, str]] = {
    "outsider": dict.fromkeys(STATES, ""),
    "member": {
        "draft": "",
        "submitted": "",
        "published": "summary",
        "archived": "summary",
        "staffonly": "",
    },
    "participant": {
        "draft": "",
        "submitted": "",
        "published": "full",
        "archived": "full",
        "staffonly": "",
    },
    "rapporteur": {**dict.fromkeys(STATES, "full"), "staffonly": ""},
    "facilitator": {**dict.fromkeys(STATES, "full"), "staffonly": ""},
    "staff": dict.fromkeys(STATES, "full"),
    "admin": dict.fromkeys(STATES, "full"),
}


@pytest.fixture
def people(world: World, outsider: User, member: User, staff: User, admin_user: User) -> dict:
    return {
        "outsider": outsider,
        "member": member,
        "participant": world.participant,
        "rapporteur": world.rapporteur,
        "facilitator": world.facilitator,
        "staff": staff,
        "admin": admin_user,
    }


def _cases() -> list[tuple[str, str]]:
    return [(persona, state) for persona in PERSONAS for state in STATES]


def _assert_layers(html: str, state: str, expected: str) -> None:
    assert (summary_marker(state) in html) == (expected in ("summary", "full")), (state, expected)
    assert (full_marker(state) in html) == (expected == "full"), (state, expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "state"), _cases())
def test_note_detail(world: World, people: dict, persona: str, state: str) -> None:
    expected = EXPECTED[persona][state]
    note = world.notes[state]
    response = login_client(people[persona]).get(reverse("meetings:note_detail", args=[note.pk]))
    if not expected:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    _assert_layers(response.content.decode(), state, expected)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_note_that_does_not_exist_looks_like_a_hidden_one(people: dict, persona: str) -> None:
    response = login_client(people[persona]).get(reverse("meetings:note_detail", args=[999999]))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "state"), _cases())
def test_permission_functions(world: World, people: dict, persona: str, state: str) -> None:
    expected = EXPECTED[persona][state]
    user = people[persona]
    readable = readable_notes_for(user)
    note = readable.filter(pk=world.notes[state].pk).first()
    assert (note is not None) == bool(expected)
    if note is not None:
        layers = note_layers_for(user, note)
        assert layers.summary
        assert layers.full_record == (expected == "full")
        # Without the annotation, the layers come out the same.
        assert note_layers_for(user, world.notes[state]).full_record == (expected == "full")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_note_list(world: World, people: dict, persona: str) -> None:
    response = login_client(people[persona]).get(reverse("meetings:note_search"))
    if persona == "outsider":
        assert response.status_code == 403
        return
    listed = {note.pk for note in response.context["notes"]}
    for state, note in world.notes.items():
        assert (note.pk in listed) == bool(EXPECTED[persona][state]), state
        # The list shows summaries only, never the full record.
        assert full_marker(state) not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "state"), _cases())
def test_search_by_summary_and_by_full_record(
    world: World, people: dict, persona: str, state: str
) -> None:
    expected = EXPECTED[persona][state]
    client = login_client(people[persona])
    url = reverse("meetings:note_search")
    by_summary = client.get(url, {"q": summary_marker(state)})
    by_full = client.get(url, {"q": full_marker(state)})
    if persona == "outsider":
        assert by_summary.status_code == by_full.status_code == 403
        return
    found_by_summary = {n.pk for n in by_summary.context["notes"]}
    found_by_full = {n.pk for n in by_full.context["notes"]}
    pk = world.notes[state].pk
    assert (pk in found_by_summary) == bool(expected)
    # Searching the full record finds only notes whose full record the reader may read.
    assert (pk in found_by_full) == (expected == "full")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_compiled_page_and_session_page(world: World, people: dict, persona: str) -> None:
    client = login_client(people[persona])
    for name in ("meetings:session_compiled", "meetings:session_detail"):
        response = client.get(reverse(name, args=[world.session.pk]))
        if persona == "outsider":
            # The session page (another feature's) refuses outsiders whatever the session.
            assert response.status_code == (404 if name == "meetings:session_compiled" else 403)
            continue
        html = response.content.decode()
        for state in STATES:
            # Only published summaries appear, and only to those who may read them.
            shown = state == "published" or (state == "staffonly" and persona in ("staff", "admin"))
            assert (summary_marker(state) in html) == shown, (name, state)
            assert full_marker(state) not in html


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_hub_home_recent_notes(world: World, people: dict, persona: str) -> None:
    response = login_client(people[persona]).get(reverse("members:home"))
    recent = {note.pk for note in response.context.get("recent_notes") or []}
    for state, note in world.notes.items():
        assert (note.pk in recent) == bool(EXPECTED[persona][state]), state


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_digest_selector_carries_published_shared_summaries_only(
    world: World, people: dict, persona: str
) -> None:
    found = {n.pk for n in note_selectors.list_published_summaries_for(user=people[persona])}
    expected = {world.notes["published"].pk} if persona != "outsider" else set()
    assert found == expected


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_round_table_page_lists_only_readable_notes(
    world: World, people: dict, persona: str
) -> None:
    response = login_client(people[persona]).get(
        reverse("meetings:round_table_detail", args=[world.table.pk])
    )
    if persona == "outsider":
        assert response.status_code == 403
        return
    html = response.content.decode()
    for state, note in world.notes.items():
        link = reverse("meetings:note_detail", args=[note.pk])
        assert (f'href="{link}"' in html) == bool(EXPECTED[persona][state]), state


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "member", "participant", "rapporteur"])
def test_history_and_review_are_for_staff(world: World, people: dict, persona: str) -> None:
    client = login_client(people[persona])
    note = world.notes["published"]
    assert client.get(reverse("meetings:note_history", args=[note.pk])).status_code in (403, 404)
    assert client.get(reverse("meetings:note_review")).status_code == 403
    response = client.post(reverse("meetings:note_review_action", args=[note.pk, "archive"]))
    assert response.status_code in (403, 404)
    note.refresh_from_db()
    assert note.status == "published"


@pytest.mark.django_db
def test_drafts_of_a_draft_session_are_hidden_from_non_staff(world: World, people: dict) -> None:
    world.session.status = "draft"
    world.session.save()
    for persona in ("member", "participant", "rapporteur"):
        assert not readable_notes_for(people[persona]).exists()
    assert readable_notes_for(people["staff"]).count() == len(STATES)
