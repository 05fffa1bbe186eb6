"""Provenance: a reader sees where a priority came from, but only what they may open."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import NoteRecommendation, RoundTable, RoundTableNote, StrategicSession
from members.models import Organisation, User
from tests.conftest import login_client
from tests.factories import MembershipFactory, UserFactory
from tests.priorities.factories import (
    NoteFactory,
    PriorityFactory,
    RoundTableFactory,
    SessionFactory,
)

STATUS = RoundTableNote.Status


@pytest.fixture
def sourced(db: None):
    held = SessionFactory(title="Beit Jala 2025", status=StrategicSession.Status.HELD)
    draft = SessionFactory(title="Draft planning session", status=StrategicSession.Status.DRAFT)
    open_table = RoundTableFactory(session=held, topic="Trauma healing table")
    draft_table = RoundTableFactory(session=draft, topic="Secret agenda table")
    NoteFactory(round_table=open_table, status=STATUS.PUBLISHED, summary="Published summary text")
    NoteFactory(round_table=open_table, status=STATUS.DRAFT, summary="Draft summary text")
    NoteFactory(round_table=open_table, status=STATUS.SUBMITTED, summary="Submitted summary")
    NoteFactory(round_table=open_table, status=STATUS.ARCHIVED, summary="Archived summary")
    NoteFactory(round_table=draft_table, status=STATUS.PUBLISHED, summary="Hidden table summary")
    priority = PriorityFactory()
    priority.source_sessions.add(held, draft)
    priority.source_round_tables.add(open_table, draft_table)
    return priority


@pytest.mark.django_db
def test_members_see_published_summaries_of_visible_round_tables_only(
    member: User, sourced
) -> None:
    response = login_client(member).get(sourced.get_absolute_url())
    html = response.content.decode()
    assert "Beit Jala 2025" in html
    assert "Trauma healing table" in html
    assert "Published summary text" in html
    for hidden in (
        "Draft planning session",
        "Secret agenda table",
        "Draft summary text",
        "Submitted summary",
        "Archived summary",
        "Hidden table summary",
    ):
        assert hidden not in html, hidden
    provenance = response.context["provenance"]
    notes = [n.note for rt in provenance.round_tables for n in rt.notes]
    assert all(note.status == STATUS.PUBLISHED for note in notes)


@pytest.mark.django_db
def test_staff_see_every_source_but_still_only_published_summaries(staff: User, sourced) -> None:
    html = login_client(staff).get(sourced.get_absolute_url()).content.decode()
    assert "Draft planning session" in html
    assert "Secret agenda table" in html
    assert "Hidden table summary" in html
    assert "Draft summary text" not in html


@pytest.mark.django_db
def test_no_link_to_a_note_the_reader_may_not_read(member: User, sourced) -> None:
    html = login_client(member).get(sourced.get_absolute_url()).content.decode()
    unpublished = RoundTableNote.objects.exclude(status=STATUS.PUBLISHED)
    for note in unpublished:
        assert f"/notes/{note.pk}/" not in html
    hidden_tables = sourced.source_round_tables.filter(
        session__status=StrategicSession.Status.DRAFT
    )
    for table in hidden_tables:
        assert f"/round-tables/{table.pk}/" not in html


@pytest.mark.django_db
def test_a_priority_without_sources_says_so(member: User) -> None:
    priority = PriorityFactory()
    html = login_client(member).get(priority.get_absolute_url()).content.decode()
    assert "No sources are recorded" in html
    assert reverse("priorities:board") in html


@pytest.mark.django_db
def test_visible_sources_link_to_their_pages(member: User, sourced) -> None:
    response = login_client(member).get(sourced.get_absolute_url())
    provenance = response.context["provenance"]
    held = provenance.sessions[0][0]
    assert provenance.sessions == [(held, reverse("meetings:session_detail", args=[held.pk]))]
    (table,) = provenance.round_tables
    assert table.url == reverse("meetings:round_table_detail", args=[table.round_table.pk])
    html = response.content.decode()
    assert f'href="{table.url}"' in html
    # Every link the page shows to the meetings app opens for this reader.
    client = login_client(member)
    for url in [url for _s, url in provenance.sessions] + [table.url]:
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_recommendations_show_only_from_notes_the_reader_may_read(
    member: User, staff: User, organisation: Organisation, sourced
) -> None:
    table = sourced.source_round_tables.get(topic="Trauma healing table")
    rapporteur = MembershipFactory(
        organisation=organisation, user=UserFactory(email="rapporteur@example.org")
    ).user
    RoundTable.objects.filter(pk=table.pk).update(rapporteur=rapporteur)
    client = login_client(member)
    client.get(sourced.get_absolute_url())  # warm the session
    with CaptureQueriesContext(connection) as without:
        client.get(sourced.get_absolute_url())
    shared = NoteRecommendation.objects.create(
        note=table.notes.get(status=STATUS.PUBLISHED), text="Shared recommendation"
    )
    drafted = NoteRecommendation.objects.create(
        note=table.notes.get(status=STATUS.DRAFT), text="Drafted recommendation"
    )
    sourced.source_recommendations.add(shared, drafted)
    with CaptureQueriesContext(connection) as with_them:
        html = client.get(sourced.get_absolute_url()).content.decode()
    assert len(with_them) == len(without)  # their notes, tables and sessions come along
    assert "Shared recommendation" in html
    assert f"(Trauma healing table, {table.session.quarter_label})" in html
    assert f'href="{reverse("meetings:note_detail", args=[shared.note_id])}"' in html
    assert "Drafted recommendation" not in html
    # The table's rapporteur writes its notes, drafts too; staff read every note.
    for reader in (rapporteur, staff):
        html = login_client(reader).get(sourced.get_absolute_url()).content.decode()
        assert "Shared recommendation" in html
        assert "Drafted recommendation" in html


@pytest.mark.django_db
def test_recommendations_need_no_source_round_table_but_a_readable_note(
    member: User, staff: User, sourced
) -> None:
    """A recommendation shows whether or not its table is a source, and never from a note
    the reader may not read: a staff-only note, a note of a draft session, an unshared one."""
    held = StrategicSession.objects.get(title="Beit Jala 2025")
    other_table = RoundTableFactory(session=held, topic="Water table")
    draft_table = RoundTable.objects.get(topic="Secret agenda table")
    texts = {
        "From another table": NoteFactory(round_table=other_table),
        "From a staff-only note": NoteFactory(round_table=other_table, staff_only=True),
        "From a draft session": NoteFactory(round_table=draft_table),
        "From a submitted note": NoteFactory(round_table=other_table, status=STATUS.SUBMITTED),
    }
    for text, note in texts.items():
        sourced.source_recommendations.add(NoteRecommendation.objects.create(note=note, text=text))
    shown = {
        reader: [
            r.recommendation.text
            for r in login_client(reader)
            .get(sourced.get_absolute_url())
            .context["provenance"]
            .recommendations
        ]
        for reader in (member, staff)
    }
    assert shown[member] == ["From another table"]
    assert sorted(shown[staff]) == sorted(texts)
    # The other table's published note is a recommendation's source, not a summary shown: its
    # table is not among the priority's round tables.
    provenance = login_client(member).get(sourced.get_absolute_url()).context["provenance"]
    assert [rt.round_table.topic for rt in provenance.round_tables] == ["Trauma healing table"]


@pytest.mark.django_db
def test_a_note_that_is_summary_and_source_shows_in_both_places(member: User, sourced) -> None:
    table = sourced.source_round_tables.get(topic="Trauma healing table")
    published = table.notes.get(status=STATUS.PUBLISHED)
    sourced.source_recommendations.add(
        NoteRecommendation.objects.create(note=published, text="Agreed at the table")
    )
    provenance = login_client(member).get(sourced.get_absolute_url()).context["provenance"]
    (shown_table,) = provenance.round_tables
    assert [n.note.pk for n in shown_table.notes] == [published.pk]
    assert shown_table.notes[0].note.summary == "Published summary text"
    assert [r.recommendation.text for r in provenance.recommendations] == ["Agreed at the table"]
    assert provenance.recommendations[0].url == reverse("meetings:note_detail", args=[published.pk])


@pytest.mark.django_db
def test_only_recommendations_without_round_tables(member: User) -> None:
    """A priority sourced by recommendations alone (no round table, no session)."""
    note = NoteFactory(round_table=RoundTableFactory(topic="Seed table"))
    priority = PriorityFactory()
    priority.source_recommendations.add(
        NoteRecommendation.objects.create(note=note, text="Only a recommendation")
    )
    html = login_client(member).get(priority.get_absolute_url()).content.decode()
    assert "Only a recommendation" in html
    assert "(Seed table, " in html
    assert "No sources are recorded" not in html
