"""Reads for round-table notes. Every selector starts from permissions.readable_notes_for(),
the one visibility rule, and returns what its page needs in a fixed number of queries."""

import datetime
import difflib
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVectorField
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.expressions import CombinedExpression
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from alliance.search import Lexemes, Matches, Overlaps, QueryWords, search_terms
from meetings.models import (
    NoteAction,
    NoteKeyPoint,
    NoteRecommendation,
    RoundTable,
    RoundTableNote,
    StrategicSession,
)
from meetings.permissions import readable_notes_for
from members.models import User

Status = RoundTableNote.Status
SHARED = (Status.PUBLISHED, Status.ARCHIVED)


def _with_items(notes: QuerySet[RoundTableNote]) -> QuerySet[RoundTableNote]:
    return notes.select_related("round_table__session").prefetch_related(
        "key_points",
        "recommendations",
        Prefetch("actions", queryset=NoteAction.objects.select_related("organisation")),
    )


# A note read through select_related from one of its items skips its search documents too
# (the models' manager leaves them out only of the notes' own queries).
NOTE_VIA_ITEM_DOCUMENTS = ("note__search_summary", "note__search_record")

# Latest session first, then by table; the note's own columns break ties.
NOTE_ORDER = ("-round_table__session__starts_at", "round_table__topic", "-created_at", "pk")


def list_notes_for(*, user: User) -> QuerySet[RoundTableNote]:
    """Every note the reader may read, latest session first (1 query; items not fetched)."""
    return readable_notes_for(user).select_related("round_table__session").order_by(*NOTE_ORDER)


def search_notes_for(*, user: User, query: str) -> QuerySet[RoundTableNote]:
    """Notes the reader may read that match `query`: summaries (and key points, recommendations
    and actions) and round-table topics for every reader, the full record only where the reader
    may read it.

    PostgreSQL full text search over the documents the database stores with each text
    (alliance.search.SearchDocument: 'simple', so Arabic and Hebrew words match as written, and
    'english', which stems); a plain case-insensitive match on other databases.
    """
    return _search(list_notes_for(user=user), query)


def _search(notes: QuerySet[RoundTableNote], query: str) -> QuerySet[RoundTableNote]:
    query = query.strip()
    if not query:
        return notes.none()
    if connection.vendor == "postgresql":
        terms = search_terms(query)
        # A note's summary and its table's topic are one document, so "water funding" finds a
        # note of the water table whose summary speaks of funding. The two stored documents
        # are joined only for the notes of tables whose topic has a word of the query (found
        # once per search from the tables' stored documents): for every other note, summary
        # and topic match exactly as the summary alone.
        worded_tables = RoundTable.objects.filter(
            Overlaps(Lexemes("search_topic"), QueryWords(query))
        ).values("pk")
        summary_and_topic = CombinedExpression(
            F("search_summary"),
            "||",
            F("round_table__search_topic"),
            output_field=SearchVectorField(),
        )
        summary_and_topic_match = Case(
            When(round_table_id__in=worded_tables, then=Matches(summary_and_topic, terms)),
            default=Matches("search_summary", terms),
            output_field=BooleanField(),
        )
        # The notes with a matching key point, recommendation or action: one set, found
        # through the items' GIN indexes and probed once per note. (order_by(): the items'
        # default orderings would join the notes in each part.)
        item_notes = [
            items.objects.filter(Matches("search_document", terms)).order_by().values("note_id")
            for items in (NoteKeyPoint, NoteRecommendation, NoteAction)
        ]
        item_notes = item_notes[0].union(*item_notes[1:], all=True)
        # The summary is matched row by row, within the visibility filter: with the note's
        # row read anyway, that costs less than a GIN index scan of the summaries (which
        # reads most of the notes' pages again for a common word). Keep the CASE, which
        # refers to the table: were every branch of the OR about the note alone, PostgreSQL
        # would test them all (the full record too, TOASTed) on every note before asking
        # whether the reader may read its full record.
        shared_match = Q(pk__in=item_notes) | Q(summary_and_topic_match)
        # Whether the reader may read the record is asked before its (larger, TOASTed) vector
        # is read: PostgreSQL evaluates the AND in this order (Q(a=, b=) would sort them).
        return notes.filter(
            shared_match | (Q(reader_has_full_record=True) & Q(Matches("search_record", terms)))
        )
    shared_match = (
        Q(summary__icontains=query)
        | Q(round_table__topic__icontains=query)
        | Exists(
            _items_matching(OuterRef("pk"), lambda qs, f: qs.filter(**{f"{f}__icontains": query}))
        )
    )
    return notes.filter(shared_match | Q(reader_has_full_record=True, body__icontains=query))


def _items_matching(note_ref: OuterRef, match) -> QuerySet:
    """One subquery over key points, recommendations and actions of a note."""
    key_points = match(NoteKeyPoint.objects.filter(note_id=note_ref), "text").values("pk")
    recommendations = match(NoteRecommendation.objects.filter(note_id=note_ref), "text").values(
        "pk"
    )
    actions = match(NoteAction.objects.filter(note_id=note_ref), "description").values("pk")
    return key_points.union(recommendations, actions, all=True)


class _CountedPaginator(Paginator):
    """A Paginator whose count is already known (from the page query's window count)."""

    def __init__(self, object_list: QuerySet, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property.


def _ids_and_total(
    notes: QuerySet[RoundTableNote], number: int, per_page: int
) -> list[tuple[int, int]]:
    bottom = (number - 1) * per_page
    counted = notes.annotate(total=Window(Count("*"))).values_list("pk", "total")
    return list(counted[bottom : bottom + per_page])


# What a row of the notes list shows (templates/meetings/notes/search.html).
_LISTED_FIELDS = (
    "summary",
    "status",
    "staff_only",
    "round_table",
    "round_table__topic",
    "round_table__session",
    "round_table__session__title",
    "round_table__session__year",
    "round_table__session__quarter",
    "round_table__session__sequence",
)


def page_of_notes(*, user: User, query: str = "", number: int | str | None, per_page: int) -> Page:
    """Page `number` of the notes the reader may read (search_notes_for's when `query` is
    given; list_notes_for's otherwise), with what the list shows of them, their tables and
    sessions; out-of-range numbers behave as Paginator.get_page (2 queries; 3 or 4 past the
    last page).

    The first query sorts only the matching ids and counts them in the same pass (a window
    count), so a search is evaluated once, not once for the count and again for the page; the
    second reads the page's notes by primary key.
    """
    notes = list_notes_for(user=user)
    found = _search(notes, query) if query.strip() else notes
    try:
        number = int(number or 1)
    except (TypeError, ValueError):
        number = 1
    ids_and_total = _ids_and_total(found, number, per_page) if number >= 1 else []
    if not ids_and_total and number != 1:
        # Past the end (or below 1): the last page, as Paginator.get_page answers.
        number = Paginator(found.values("pk"), per_page).num_pages
        ids_and_total = _ids_and_total(found, number, per_page)
    total = ids_and_total[0][1] if ids_and_total else 0
    paginator = _CountedPaginator(found, per_page, count=total)
    # These ids were chosen by readable_notes_for() a moment ago: reading them by primary key
    # (with only what a list row shows) spares compiling the visibility rule a second time.
    rows = (
        RoundTableNote.objects.filter(pk__in=[pk for pk, _total in ids_and_total])
        .select_related("round_table__session")
        .only(*_LISTED_FIELDS)
        .order_by(*NOTE_ORDER)
    )
    return paginator._get_page(rows, number, paginator)


def list_published_summaries_for(
    *, user: User, since: datetime.datetime | None = None
) -> QuerySet[RoundTableNote]:
    """Published summaries the reader may read, published at or after `since`, newest first.

    For digests and feeds: they carry the summary layer only and never a name; staff-only notes
    stay out even for staff, since a digest is meant to be shared.
    """
    notes = readable_notes_for(user).filter(status=Status.PUBLISHED, staff_only=False)
    if since is not None:
        notes = notes.filter(published_at__gte=since)
    return _with_items(notes).order_by("-published_at", "pk")


def list_recent_notes_for(*, user: User, limit: int = 5) -> list[RoundTableNote]:
    """The latest notes the reader may read, for the hub home (1 query)."""
    return list(
        readable_notes_for(user)
        .select_related("round_table__session")
        .order_by("-updated_at", "-pk")[:limit]
    )


def list_session_summaries_for(
    *, user: User, session: StrategicSession, with_items: bool = True
) -> QuerySet[RoundTableNote]:
    """A session's published summaries the reader may read, by table (1 query, or 4 with the
    key points, recommendations and actions)."""
    notes = readable_notes_for(user).filter(round_table__session=session, status=Status.PUBLISHED)
    notes = _with_items(notes) if with_items else notes.select_related("round_table__session")
    return notes.order_by("round_table__topic", "round_table_id", "published_at", "pk")


@dataclass(frozen=True)
class NoteVersion:
    """One saved version of a note, with a readable diff against the one before it."""

    history_id: int
    when: datetime.datetime
    who: str
    change: str
    status: str
    diffs: list[tuple[str, SafeString]]


_DIFFED_FIELDS = (
    ("summary", _("Summary")),
    ("body", _("Full record")),
    ("status", _("Status")),
    ("staff_only", _("Staff only")),
    ("sign_summary", _("Signed by the author")),
)


def _diff_html(old: str, new: str) -> SafeString:
    """A unified, line-by-line diff of two texts, escaped, each line marked added or removed."""
    lines = []
    for line in difflib.unified_diff(
        str(old).splitlines(), str(new).splitlines(), lineterm="", n=2
    ):
        if line.startswith(("---", "+++")):
            continue
        css = (
            "diff-add"
            if line.startswith("+")
            else "diff-del"
            if line.startswith("-")
            else "diff-hunk"
            if line.startswith("@@")
            else "diff-ctx"
        )
        lines.append(f'<span class="{css}">{escape(line)}</span>')
    return mark_safe("\n".join(lines))  # noqa: S308 - every line is escaped above.


def list_note_versions(*, note: RoundTableNote) -> list[NoteVersion]:
    """Every saved version of a note, newest first, with who, when and a diff (1 query)."""
    records = list(note.history.select_related("history_user").order_by("history_date", "pk"))
    versions = []
    previous = None
    for record in records:
        diffs = []
        for field, label in _DIFFED_FIELDS:
            old = getattr(previous, field, "") if previous is not None else ""
            new = getattr(record, field)
            if previous is None and not new:
                continue
            if previous is not None and old == new:
                continue
            diffs.append((str(label), _diff_html(old, new)))
        user = record.history_user
        versions.append(
            NoteVersion(
                history_id=record.history_id,
                when=record.history_date,
                who=(user.full_name or user.email) if user else "",
                change=record.get_history_type_display(),
                status=record.get_status_display(),
                diffs=diffs,
            )
        )
        previous = record
    return list(reversed(versions))
