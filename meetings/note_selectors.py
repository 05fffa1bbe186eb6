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
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import CombinedExpression
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from alliance.search import Lexemes, SearchDocument, search_terms
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
        # note of the water table whose summary speaks of funding. The topic's vector is built
        # per note only for tables whose topic has a word of the query (600-odd topics, cheap
        # to test per search): for every other note, summary and topic match exactly as the
        # summary alone, which is stored.
        worded_tables = (
            RoundTable.objects.alias(words=Lexemes(SearchDocument("topic")))
            .filter(words__overlap=Lexemes(SearchDocument(Value(query))))
            .values("pk")
        )
        notes = notes.alias(
            shared_document=CombinedExpression(
                F("search_summary"),
                "||",
                SearchDocument("round_table__topic"),
                output_field=SearchVectorField(),
            )
        )
        summary_and_topic_match = Case(
            When(round_table_id__in=worded_tables, then=Q(shared_document=terms)),
            default=Q(search_summary=terms),
            output_field=BooleanField(),
        )
        shared_match = (
            Q(summary_and_topic_match)
            | Q(pk__in=NoteKeyPoint.objects.filter(search_document=terms).values("note_id"))
            | Q(pk__in=NoteRecommendation.objects.filter(search_document=terms).values("note_id"))
            | Q(pk__in=NoteAction.objects.filter(search_document=terms).values("note_id"))
        )
        # Whether the reader may read the record is asked before its (larger, TOASTed) vector
        # is read: PostgreSQL evaluates the AND in this order (Q(a=, b=) would sort them).
        return notes.filter(
            shared_match | (Q(reader_has_full_record=True) & Q(search_record=terms))
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


def list_open_actions_for(*, user: User, session: StrategicSession) -> QuerySet[NoteAction]:
    """Open actions from the notes (readable, shared) of the held session right before this
    one, soonest due first (1 query)."""
    previous = (
        StrategicSession.objects.filter(
            starts_at__lt=session.starts_at, status=StrategicSession.Status.HELD
        )
        .order_by("-starts_at", "-pk")
        .values("pk")[:1]
    )
    readable = readable_notes_for(user).filter(
        round_table__session=Subquery(previous), status__in=SHARED
    )
    return (
        NoteAction.objects.filter(note__in=readable.values("pk"), done_at__isnull=True)
        .select_related("organisation", "note__round_table")
        .defer(*NOTE_VIA_ITEM_DOCUMENTS)
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


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
