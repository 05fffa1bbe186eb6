"""Reads for round-table notes. Every selector starts from permissions.readable_notes_for(),
the one visibility rule, and returns what its page needs in a fixed number of queries."""

import datetime
import difflib
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from meetings.models import (
    NoteAction,
    NoteKeyPoint,
    NoteRecommendation,
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


def list_notes_for(*, user: User) -> QuerySet[RoundTableNote]:
    """Every note the reader may read, latest session first (1 query; items not fetched)."""
    return (
        readable_notes_for(user)
        .select_related("round_table__session")
        .order_by("-round_table__session__starts_at", "round_table__topic", "-created_at", "pk")
    )


def search_notes_for(*, user: User, query: str) -> QuerySet[RoundTableNote]:
    """Notes the reader may read that match `query`: summaries (and key points, recommendations
    and actions) for every reader, the full record only where the reader may read it.

    PostgreSQL full text search with the 'simple' configuration (no stemming, so it works the
    same for Arabic and Hebrew words) or-ed with the 'english' one (stems English words);
    a plain case-insensitive match on other databases.
    """
    notes = list_notes_for(user=user)
    query = query.strip()
    if not query:
        return notes.none()
    if connection.vendor == "postgresql":
        terms = SearchQuery(query, config="simple", search_type="websearch") | SearchQuery(
            query, config="english", search_type="websearch"
        )

        def vector(*fields: str) -> SearchVector:
            return SearchVector(*fields, config="simple") + SearchVector(*fields, config="english")

        shared_match = Q(shared_vector=terms) | Exists(
            _items_matching(OuterRef("pk"), lambda qs, f: qs.annotate(v=vector(f)).filter(v=terms))
        )
        # Whether the reader may read the record is asked before its (costly) vector is built:
        # PostgreSQL evaluates the AND in this order (Q(a=, b=) would sort the vector first).
        return notes.annotate(
            shared_vector=vector("summary", "round_table__topic"),
            full_vector=vector("body"),
        ).filter(shared_match | (Q(reader_has_full_record=True) & Q(full_vector=terms)))
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
