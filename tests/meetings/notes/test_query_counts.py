"""Note lists and search run a fixed number of queries, whatever the number of notes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import note_selectors
from members.models import User
from tests.conftest import login_client
from tests.meetings.notes.conftest import World, make_note


def _add_notes(world: World, count: int) -> None:
    for index in range(count):
        note = make_note(world.table, world.rapporteur, "published", summary=f"water {index}")
        note.key_points.create(text=f"point {index}")
        note.recommendations.create(text=f"rec {index}")
        note.actions.create(description=f"act {index}")


def _count(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "participant", "staff"])
@pytest.mark.parametrize("params", [{}, {"q": "water"}])
def test_note_list_and_search_do_not_grow_with_the_notes(
    world: World, member: User, staff: User, persona: str, params: dict
) -> None:
    user = {"member": member, "participant": world.participant, "staff": staff}[persona]
    client = login_client(user)
    url = reverse("meetings:note_search")
    _add_notes(world, 2)
    client.get(url, params)  # warm the session and the role cache
    small = _count(client, url, params)
    _add_notes(world, 12)
    large = _count(client, url, params)
    assert small == large


@pytest.mark.django_db
def test_note_list_query_count_is_pinned(
    world: World, member: User, django_assert_num_queries
) -> None:
    client = login_client(member)
    url = reverse("meetings:note_search")
    _add_notes(world, 3)
    client.get(url)
    # session, user, roles, the page's ids with the window count of all matches, the page of
    # notes.
    with django_assert_num_queries(5):
        client.get(url)
    _add_notes(world, 10)
    with django_assert_num_queries(5):
        client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 15])
def test_digest_selector_runs_four_queries(
    world: World, member: User, size: int, django_assert_num_queries
) -> None:
    _add_notes(world, size)
    member.refresh_from_db()
    from members.permissions import roles_of

    roles_of(member)
    # notes, key points, recommendations, actions with organisations
    with django_assert_num_queries(4):
        found = list(note_selectors.list_published_summaries_for(user=member))
        for note in found:
            list(note.key_points.all()), list(note.recommendations.all()), list(note.actions.all())
    assert len(found) == size + 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["meetings:session_compiled", "meetings:session_detail"])
def test_session_pages_do_not_grow_with_the_notes(world: World, member: User, name: str) -> None:
    client = login_client(member)
    url = reverse(name, args=[world.session.pk])
    _add_notes(world, 2)
    client.get(url)
    small = _count(client, url, {})
    _add_notes(world, 12)
    assert _count(client, url, {}) == small
