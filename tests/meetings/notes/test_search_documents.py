"""Search over the stored documents (generated columns): every write path keeps them right, the
layers stay apart, and the notes list pages through them without reading them."""

import pytest
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import CombinedExpression
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import note_selectors, notes
from meetings.models import (
    NoteAction,
    NoteKeyPoint,
    NoteRecommendation,
    RoundTable,
    RoundTableNote,
)
from meetings.permissions import readable_notes_for
from meetings.services import save_round_table
from members.models import User
from tests.conftest import login_client
from tests.meetings.factories import RoundTableFactory
from tests.meetings.notes.conftest import World, make_note

URL = reverse("meetings:note_search")


def _found(client, query: str) -> set[int]:
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    return {note.pk for note in response.context["notes"]}


def _save(note: RoundTableNote, editor: User, **texts: str) -> None:
    kept = {
        "summary": note.summary,
        "body": note.body,
        "key_point": "",
        "recommendation": "",
        "action": "",
    }
    kept.update(texts)
    notes.save_note(
        note=note,
        editor=editor,
        body=kept["body"],
        summary=kept["summary"],
        sign_summary=False,
        key_points=[notes.TextItem(text=kept["key_point"])] if kept["key_point"] else [],
        recommendations=(
            [notes.TextItem(text=kept["recommendation"])] if kept["recommendation"] else []
        ),
        actions=[notes.ActionItem(description=kept["action"])] if kept["action"] else [],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("layer", ["summary", "key_point", "recommendation", "action"])
def test_an_edit_through_the_service_is_found_by_its_new_words_and_not_its_old_ones(
    world: World, member: User, layer: str
) -> None:
    note = world.notes["published"]
    client = login_client(member)
    _save(note, world.rapporteur, **{layer: "The olive harvest brought everyone together"})
    # 'english' stems: "harvests" finds "harvest"; 'simple' finds the word as written.
    assert note.pk in _found(client, "harvests")
    assert note.pk in _found(client, "olive")
    _save(note, world.rapporteur, **{layer: "Irrigation schedules were shared"})
    assert note.pk not in _found(client, "harvest")
    assert note.pk in _found(client, "irrigation")


@pytest.mark.django_db
def test_new_words_of_the_full_record_are_found_only_by_readers_of_the_full_record(
    world: World, member: User, staff: User
) -> None:
    note = world.notes["published"]
    _save(note, staff, body="Everything said about the desalination plant.")
    assert note.pk in _found(login_client(world.participant), "desalination")
    assert note.pk in _found(login_client(world.rapporteur), "desalination")
    assert note.pk in _found(login_client(staff), "desalination")
    assert note.pk not in _found(login_client(member), "desalination")


@pytest.mark.django_db
def test_a_topic_word_finds_the_tables_readable_notes(world: World, member: User) -> None:
    other = RoundTableFactory(session=world.session, topic="Youth exchanges")
    elsewhere = make_note(other, None, "published")
    # The world's table is "Water and land": its readable notes, not the other table's.
    found = _found(login_client(member), "land")
    assert found == {world.notes["published"].pk, world.notes["archived"].pk}
    assert _found(login_client(member), "youth") == {elsewhere.pk}


@pytest.mark.django_db
def test_summary_and_topic_are_searched_as_one_document(world: World, member: User) -> None:
    client = login_client(member)
    published = world.notes["published"].pk
    # "water" is in the topic only, the marker in the summary only: together they still match.
    assert _found(client, "water sumwordpublished") == {published}
    # And a word of the topic excluded excludes the table's notes, as it always did.
    assert _found(client, "sumwordpublished -land") == set()
    assert _found(client, "sumwordpublished -youth") == {published}


@pytest.mark.django_db
def test_documents_are_kept_for_bulk_created_notes_and_items(world: World, member: User) -> None:
    note = RoundTableNote.objects.bulk_create(
        [
            RoundTableNote(
                round_table=world.table,
                status=RoundTableNote.Status.PUBLISHED,
                summary="Bulk summary",
                published_at=world.notes["published"].published_at,
            )
        ]
    )[0]
    NoteKeyPoint.objects.bulk_create([NoteKeyPoint(note=note, text="Greenhouse cooperative")])
    NoteRecommendation.objects.bulk_create([NoteRecommendation(note=note, text="Seed library")])
    NoteAction.objects.bulk_create([NoteAction(note=note, description="Compost workshop")])
    client = login_client(member)
    for word in ("bulk", "greenhouse", "library", "compost"):
        assert _found(client, word) == {note.pk}, word


@pytest.mark.django_db
def test_web_search_syntax_still_works(world: World, member: User) -> None:
    client = login_client(member)
    published, archived = world.notes["published"].pk, world.notes["archived"].pk
    assert _found(client, "sumwordpublished OR sumwordarchived") == {published, archived}
    assert _found(client, "shared -sumwordarchived") == {published}
    assert _found(client, '"shared points"') == {published, archived}
    assert _found(client, '"points shared"') == set()


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"q": "water"}])
def test_the_notes_pages_never_read_the_stored_documents(
    world: World, member: User, staff: User, params: dict
) -> None:
    for user in (member, staff):
        client = login_client(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, params).status_code == 200
        for query in queries.captured_queries:
            select_list = query["sql"].split(" FROM ", 1)[0]
            assert "search_" not in select_list, query["sql"]
    note = note_selectors.list_notes_for(user=member).first()
    assert {"search_summary", "search_record"} <= note.get_deferred_fields()


@pytest.mark.django_db
def test_history_records_leave_the_documents_out(world: World, staff: User) -> None:
    note = world.notes["published"]
    _save(note, staff, summary="A redacted summary", key_point="A point")
    historical = {field.name for field in note.history.model._meta.get_fields()}
    assert not {"search_summary", "search_record"} & historical
    assert note.history.latest().summary == "A redacted summary"
    assert "search_document" not in {
        field.name for field in NoteKeyPoint.history.model._meta.get_fields()
    }


def _add_published(world: World, count: int) -> None:
    for index in range(count):
        make_note(world.table, None, "published", summary=f"paged {index}")


@pytest.mark.django_db
def test_pages_of_the_list_and_of_a_search(world: World, member: User) -> None:
    _add_published(world, 30)
    client = login_client(member)
    everything = list(note_selectors.list_notes_for(user=member))
    first = client.get(URL)
    assert [n.pk for n in first.context["notes"]] == [n.pk for n in everything[:25]]
    assert first.context["page"].paginator.count == len(everything) == 32
    second = client.get(URL, {"page": 2})
    assert [n.pk for n in second.context["notes"]] == [n.pk for n in everything[25:]]
    # Past the end, below 1 or not a number: as Django's Paginator.get_page answers.
    assert client.get(URL, {"page": 9}).context["page"].number == 2
    assert client.get(URL, {"page": 0}).context["page"].number == 2
    assert client.get(URL, {"page": "x"}).context["page"].number == 1
    searched = client.get(URL, {"q": "paged", "page": 2})
    assert searched.context["page"].paginator.count == 30
    assert len(searched.context["notes"]) == 5
    empty = client.get(URL, {"q": "nothingmatchesthis", "page": 3})
    assert empty.context["page"].paginator.count == 0 and empty.context["notes"] == []


@pytest.mark.django_db
def test_a_renamed_table_is_found_by_its_new_topic_and_not_its_old_one(
    world: World, member: User, staff: User
) -> None:
    client = login_client(member)
    readable = {world.notes["published"].pk, world.notes["archived"].pk}
    assert _found(client, "land") == readable
    # Through the service (model save) and in bulk (update()): the database keeps the topic's
    # stored document either way.
    world.table.topic = "Olive groves"
    save_round_table(round_table=world.table, facilitators=[world.facilitator], actor=staff)
    assert _found(client, "land") == set()
    assert _found(client, "groves") == readable
    assert _found(client, "olive sumwordpublished") == {world.notes["published"].pk}
    RoundTable.objects.filter(pk=world.table.pk).update(topic="Desert springs")
    assert _found(client, "groves") == set()
    assert _found(client, "springs -sumwordarchived") == {world.notes["published"].pk}


def _reference_search(user: User, query: str) -> list[int]:
    """What a search finds, by its definition: summary and topic as one document, the items,
    and the full record for readers of it, every document built from the texts at query time."""
    terms = SearchQuery(query, config="simple", search_type="websearch") | SearchQuery(
        query, config="english", search_type="websearch"
    )

    def document(*fields: str) -> SearchVector:
        return SearchVector(*fields, config="simple") + SearchVector(*fields, config="english")

    def items(model: type, field: str) -> Exists:
        matching = model.objects.annotate(document=document(field)).filter(document=terms)
        return Exists(matching.filter(note_id=OuterRef("pk")))

    notes = readable_notes_for(user).annotate(
        shared=CombinedExpression(
            document("summary"),
            "||",
            document("round_table__topic"),
            output_field=SearchVectorField(),
        ),
        record=document("body"),
    )
    found = notes.filter(
        Q(shared=terms)
        | items(NoteKeyPoint, "text")
        | items(NoteRecommendation, "text")
        | items(NoteAction, "description")
        | Q(reader_has_full_record=True, record=terms)
    )
    return list(found.order_by(*note_selectors.NOTE_ORDER).values_list("pk", flat=True))


REFERENCE_QUERIES = [
    "water",  # a topic word: every readable note of the table
    "water sumwordpublished",  # topic and summary together
    "sumwordpublished -land",  # a topic word excluded
    "sumwordpublished -youth",
    "land OR exchanges",
    '"water and land"',  # a phrase of the topic
    '"shared points"',  # a phrase of the summaries
    '"land shared"',  # not a phrase across summary and topic
    "youth kpword",  # topic of one table, key point of a note of it
    "recword",
    "actword -youth",
    "fullwordpublished",  # the full record, for its readers only
    "fullworddraft water",
    "sharing",  # English stemming
    "nothingmatchesthis",
]


@pytest.mark.django_db
def test_search_finds_what_its_definition_says_for_every_persona(
    world: World, member: User, staff: User, admin_user: User, outsider: User
) -> None:
    other = RoundTableFactory(session=world.session, topic="Youth exchanges")
    for state in ("published", "draft", "staffonly"):
        note = make_note(other, world.rapporteur, state, summary=f"Water points {state}.")
        note.key_points.create(text=f"kpword {state}")
        note.recommendations.create(text=f"recword {state}")
        note.actions.create(description=f"actword {state}")
    world.notes["archived"].key_points.create(text="kpword land")
    people = [
        member,
        world.participant,
        world.rapporteur,
        world.facilitator,
        staff,
        admin_user,
    ]
    for user in people:
        client = login_client(user)
        for query in REFERENCE_QUERIES:
            expected = _reference_search(user, query)
            found = note_selectors.search_notes_for(user=user, query=query)
            assert list(found.values_list("pk", flat=True)) == expected, (user.email, query)
            page = client.get(URL, {"q": query}).context["page"]
            assert [note.pk for note in page.object_list] == expected[:25], (user.email, query)
    assert any(_reference_search(member, query) for query in REFERENCE_QUERIES)
