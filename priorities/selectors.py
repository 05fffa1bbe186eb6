"""Reads for the priorities app; each page's reads run in a fixed number of queries."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.urls import NoReverseMatch

from alliance.urls_for import url_maker
from meetings.models import NoteRecommendation, RoundTable, RoundTableNote, StrategicSession
from meetings.permissions import readable_notes_for, visible_sessions_q
from members.models import Membership, Organisation, User
from members.permissions import visible_organisations_for
from priorities.models import AGREED_STATUSES, Endorsement, Priority, ProgressUpdate, Theme

# Endorsements that count: not withdrawn, from organisations that are members now.
ACTIVE_ENDORSEMENT = Q(withdrawn_at__isnull=True, organisation__status=Organisation.Status.ACTIVE)


def active_endorsement_count() -> Coalesce:
    """A priority's active endorsements, as a correlated count for .annotate().

    A subquery rather than Count() over a join: the join grouped every priority column over
    tens of thousands of endorsements, and made the admin's row counts join them too.
    """
    return Coalesce(
        Subquery(
            Endorsement.objects.filter(ACTIVE_ENDORSEMENT, priority=OuterRef("pk"))
            .order_by()
            .values("priority")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def list_active_themes() -> QuerySet[Theme]:
    """The themes shown on the board, in their order."""
    return Theme.objects.filter(is_active=True)


def _status_count_name(status: str) -> str:
    return f"priorities_{status}"


def list_board_themes() -> QuerySet[Theme]:
    """The active themes, each with its (unmerged) priorities counted by status for the chart.

    The counts ride on the themes' own query: one round trip fewer on every board load.
    """
    unmerged = Q(priorities__merged_into__isnull=True)
    return (
        list_active_themes()
        .annotate(
            **{
                _status_count_name(status): Count(
                    "priorities", filter=unmerged & Q(priorities__status=status)
                )
                for status in Priority.Status.values
            }
        )
        # Meta.ordering does not apply to a grouped query: say it again.
        .order_by(*Theme._meta.ordering)
    )


def _my_active_endorsements(user: User | AnonymousUser) -> QuerySet[Endorsement]:
    """Active endorsements of the outer priority by organisations `user` belongs to."""
    if not user.is_authenticated:
        return Endorsement.objects.none()
    # A join on the memberships rather than a subquery of the person's active organisations:
    # the same rows (an active endorsement's organisation is active), one subquery fewer to
    # build and plan.
    return Endorsement.objects.filter(
        ACTIVE_ENDORSEMENT, priority=OuterRef("pk"), organisation__memberships__user=user
    )


def _board_filters(
    priorities: QuerySet[Priority],
    *,
    user: User | AnonymousUser,
    status: str,
    endorsed_by_my_organisation: bool,
) -> QuerySet[Priority]:
    if status:
        priorities = priorities.filter(status=status)
    else:
        priorities = priorities.exclude(status=Priority.Status.SET_ASIDE)
    if endorsed_by_my_organisation:
        priorities = priorities.filter(Exists(_my_active_endorsements(user)))
    return priorities


def list_board_priorities(
    *,
    user: User | AnonymousUser,
    status: str = "",
    endorsed_by_my_organisation: bool = False,
    theme: Theme | None = None,
) -> QuerySet[Priority]:
    """The board's priorities with endorsement counts; set-aside ones only when asked for."""
    priorities = (
        Priority.objects.filter(merged_into__isnull=True, theme__is_active=True)
        .select_related("theme")
        .annotate(
            endorsement_count=active_endorsement_count(),
            endorsed_by_mine=Exists(_my_active_endorsements(user)),
        )
        .order_by("theme__order", "theme__name_en", "rank", "pk")
    )
    if theme is not None:
        priorities = priorities.filter(theme=theme)
    return _board_filters(
        priorities,
        user=user,
        status=status,
        endorsed_by_my_organisation=endorsed_by_my_organisation,
    )


# The board shows this many priorities of each theme; the rest of a theme is a link away.
BOARD_HEAD_SIZE = 6


def list_board_heads(
    *,
    user: User | AnonymousUser,
    themes: list[Theme],
    status: str = "",
    endorsed_by_my_organisation: bool = False,
    per_theme: int = BOARD_HEAD_SIZE,
) -> QuerySet[Priority]:
    """The first `per_theme` matching priorities of each of `themes`, in rank order.

    One query: a window over the filtered priorities picks the heads, and only they get the
    (correlated) endorsement counts. The themes are the caller's, so no join on them. With
    the "my organisation" filter each also carries `theme_total`, the theme's matching count
    (without it, board_theme_total() has it from the chart's counts).
    """
    matching = _board_filters(
        Priority.objects.filter(merged_into__isnull=True, theme__in=[t.pk for t in themes]),
        user=user,
        status=status,
        endorsed_by_my_organisation=endorsed_by_my_organisation,
    )
    heads = (
        matching.annotate(
            position=Window(
                RowNumber(), partition_by=F("theme_id"), order_by=[F("rank").asc(), F("pk").asc()]
            )
        )
        .filter(position__lte=per_theme)
        .values("pk")
    )
    priorities = (
        Priority.objects.filter(pk__in=heads)
        .annotate(
            endorsement_count=active_endorsement_count(),
            endorsed_by_mine=Exists(_my_active_endorsements(user)),
        )
        .order_by("rank", "pk")
    )
    if endorsed_by_my_organisation:
        # COUNT as a plain function, so that the subquery is not grouped by the outer columns.
        theme_total = Subquery(
            matching.filter(theme_id=OuterRef("theme_id"))
            .order_by()
            .annotate(n=Func(F("pk"), function="COUNT"))
            .values("n"),
            output_field=IntegerField(),
        )
        priorities = priorities.annotate(theme_total=theme_total)
    return priorities


def board_theme_total(theme: Theme, *, status: str = "") -> int:
    """How many of the theme's priorities the board lists with `status` (set-aside ones only
    when asked for), from the counts list_board_themes() put on the theme."""
    if status:
        return getattr(theme, _status_count_name(status))
    return sum(
        getattr(theme, _status_count_name(s))
        for s in Priority.Status.values
        if s != Priority.Status.SET_ASIDE
    )


@dataclass
class ChartSegment:
    status: str
    label: str
    count: int
    colour: str
    x: float = 0.0
    width: float = 0.0


@dataclass
class ChartRow:
    theme: Theme
    total: int
    segments: list[ChartSegment] = field(default_factory=list)


# Colours for the status chart, readable on white and told apart by the table beside it too.
STATUS_COLOURS = {
    Priority.Status.PROPOSED: "#6c757d",
    Priority.Status.AGREED: "#0d6efd",
    Priority.Status.IN_PROGRESS: "#b35c00",
    Priority.Status.ACHIEVED: "#198754",
    Priority.Status.SET_ASIDE: "#adb5bd",
}


def status_chart(themes: list[Theme]) -> list[ChartRow]:
    """Counts of priorities by theme and status, with bar geometry on a 0 to 100 scale.

    `themes` come from list_board_themes(), which counted them.
    """
    counts = {
        (theme.pk, status): getattr(theme, _status_count_name(status))
        for theme in themes
        for status in Priority.Status.values
    }
    widest = max([sum(counts[(t.pk, s)] for s in Priority.Status.values) for t in themes] or [0])
    rows = []
    for theme in themes:
        row = ChartRow(theme=theme, total=0)
        x = 0.0
        for status in Priority.Status:
            count = counts[(theme.pk, status.value)]
            width = (100.0 * count / widest) if widest else 0.0
            row.segments.append(
                ChartSegment(
                    status=status.value,
                    label=status.label,
                    count=count,
                    colour=STATUS_COLOURS[status],
                    x=round(x, 2),
                    width=round(width, 2),
                )
            )
            row.total += count
            x += width
        rows.append(row)
    return rows


def endorsements_by_community(priority: Priority) -> list[tuple[str, int]]:
    """Active endorsements of a priority counted by community: aggregate figures only."""
    labels = dict(Organisation.Community.choices)
    rows = (
        Endorsement.objects.filter(ACTIVE_ENDORSEMENT, priority=priority)
        .values("organisation__community")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["organisation__community"]: row["n"] for row in rows}
    return [(labels[code], counts[code]) for code in labels if counts.get(code)]


def list_champions(*, priority: Priority, user: User | AnonymousUser) -> list[Organisation]:
    """Every champion organisation, each knowing `visible_to_reader` and `reader_is_member`.

    One query for the page's two needs: the champions to name (only the visible ones: filter
    on `visible_to_reader` before showing any) and whether the reader may post progress
    (permissions.may_post_progress_update reads `reader_is_member`).
    """
    visible = visible_organisations_for(user).filter(pk=OuterRef("pk"))
    if user.is_authenticated:
        member = Exists(Membership.objects.filter(user=user, organisation=OuterRef("pk")))
    else:
        member = Value(False)
    return list(
        priority.champions.annotate(
            visible_to_reader=Exists(visible), reader_is_member=member
        ).order_by("name_en", "pk")
    )


def list_timeline(*, priority: Priority, user: User | AnonymousUser) -> list[ProgressUpdate]:
    """The progress updates, newest first, each knowing if the reader may see its organisation."""
    visible = visible_organisations_for(user).filter(pk=OuterRef("organisation_id"))
    return list(
        priority.progress_updates.select_related("organisation").annotate(
            organisation_visible=Exists(visible)
        )
    )


def list_my_endorsements(*, priority: Priority, user: User | AnonymousUser) -> list[Endorsement]:
    """Active endorsements of this priority by organisations `user` belongs to."""
    if not user.is_authenticated:
        return []
    # A join on the memberships rather than a subquery of the person's active organisations:
    # the same rows (an active endorsement's organisation is active; a person has one
    # membership of each), one subquery fewer to build.
    return list(
        Endorsement.objects.filter(
            ACTIVE_ENDORSEMENT, priority=priority, organisation__memberships__user=user
        )
        .select_related("organisation")
        .order_by("organisation__name_en", "pk")
    )


# --- provenance -----------------------------------------------------------------------------
# The reader sees a link only to what they may open: sessions and round tables by the rule of
# meetings.permissions.may_see_session (drafts for staff only), and of the notes only the
# published summaries, filtered through meetings.permissions.readable_notes_for (so a staff-only
# note stays hidden from members), and recommendations only from notes the reader may read.


@dataclass
class ProvenanceNote:
    note: RoundTableNote
    url: str | None


@dataclass
class ProvenanceRoundTable:
    round_table: RoundTable
    url: str | None
    notes: list[ProvenanceNote]


@dataclass
class ProvenanceRecommendation:
    recommendation: NoteRecommendation
    url: str | None
    # Where it was agreed: its note's round table and that table's session.
    topic: str = ""
    quarter_label: str = ""


@dataclass
class Provenance:
    sessions: list[tuple[StrategicSession, str | None]]
    round_tables: list[ProvenanceRoundTable]
    recommendations: list[ProvenanceRecommendation] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sessions or self.round_tables or self.recommendations)


def _urls(name: str) -> Callable[[int], str | None]:
    """The address of the page `name` for an object's pk, from one reverse() however many.

    The meetings pages take an integer pk, which the URL carries as it is. They may not exist
    yet (or under this name): then the items show unlinked.
    """
    try:
        url_for = url_maker(name)
    except NoReverseMatch:
        return lambda pk: None
    return lambda pk: url_for(int(pk))


# What the page shows of a session: its str() (quarter label and title) and its address.
_SESSION_SHOWN = ("title", "year", "quarter", "sequence")
# What it shows of a note, in the model's column order (RoundTableNote.from_db needs it).
_NOTE_SHOWN = ["id", "round_table_id", "summary", "status"]
# Where a note was taken, as a recommendation shows it (and when, to order them).
_NOTE_PLACE = (
    "round_table__topic",
    *(f"round_table__session__{name}" for name in ("year", "quarter", "sequence", "starts_at")),
)


def get_provenance(*, priority: Priority, user: User | AnonymousUser) -> Provenance:
    """Where a priority came from, limited to what `user` may see (four queries).

    The notes' visibility, meetings.permissions.readable_notes_for, is built and run once: one
    query returns, of the notes the reader may read, the published summaries of the visible
    round tables and the notes of the priority's recommendations; the recommendations are
    then read for those notes only.
    """
    visible = visible_sessions_q(user)
    if visible is None:
        return Provenance(sessions=[], round_tables=[])
    sessions = list(priority.source_sessions.filter(visible).only(*_SESSION_SHOWN))
    round_tables = list(
        priority.source_round_tables.filter(visible_sessions_q(user, "session__"))
        .select_related("session")
        .only("topic", *(f"session__{name}" for name in _SESSION_SHOWN))
        .order_by("session__starts_at", "topic")
    )
    shown_summary = Q(
        round_table_id__in=[rt.pk for rt in round_tables], status=RoundTableNote.Status.PUBLISHED
    ) & ~Q(summary="")
    # The candidates as one UNION subquery: OR-ed with a subquery for the recommendations'
    # notes, the planner scanned every note; this way it reads a few rows by their keys.
    candidates = (
        RoundTableNote.objects.filter(shown_summary)
        .order_by()
        .values("pk")
        .union(priority.source_recommendations.order_by().values("note_id"))
    )
    readable = (
        readable_notes_for(user)
        .filter(pk__in=candidates)
        .annotate(shown=ExpressionWrapper(shown_summary, output_field=BooleanField()))
        # values_list(): the page needs none of readable_notes_for's annotations. Where each
        # note was taken comes along for the recommendations (its joins are the rule's own).
        .values_list(*_NOTE_SHOWN, "shown", *_NOTE_PLACE)
        .order_by("created_at", "pk")
    )
    note_url = _urls("meetings:note_detail")
    places: dict[int, tuple[datetime, str, int, int, int]] = {}
    summaries: dict[int, list[ProvenanceNote]] = {}
    for *values, shown, topic, year, quarter, sequence, starts_at in readable:
        note = RoundTableNote.from_db(readable.db, _NOTE_SHOWN, values)
        places[note.pk] = (starts_at, topic, year, quarter, sequence)
        if shown:
            summaries.setdefault(note.round_table_id, []).append(
                ProvenanceNote(note=note, url=note_url(note.pk))
            )
    recommendations = []
    if places:
        recommendations = sorted(
            priority.source_recommendations.filter(note_id__in=list(places)).only(
                "note_id", "text", "position"
            ),
            # By when their session started, as the page lists everything.
            key=lambda r: (places[r.note_id][0], r.pk),
        )
    session_url, round_table_url = (
        _urls("meetings:session_detail"),
        _urls("meetings:round_table_detail"),
    )

    def place(note_id: int) -> dict[str, str]:
        _starts_at, topic, year, quarter, sequence = places[note_id]
        # The session's own label, from the values read.
        session = StrategicSession(year=year, quarter=quarter, sequence=sequence)
        return {"topic": topic, "quarter_label": session.quarter_label}

    return Provenance(
        sessions=[(s, session_url(s.pk)) for s in sessions],
        round_tables=[
            ProvenanceRoundTable(
                round_table=rt,
                url=round_table_url(rt.pk),
                notes=summaries.get(rt.pk, []),
            )
            for rt in round_tables
        ],
        recommendations=[
            ProvenanceRecommendation(recommendation=r, url=note_url(r.note_id), **place(r.note_id))
            for r in recommendations
        ],
    )


# --- the public page ------------------------------------------------------------------------


def list_public_priorities() -> QuerySet[Priority]:
    """Agreed priorities that admins put on the public page, with aggregate endorsement counts.

    No names and no organisations: the hub has no "listed publicly" flag on organisations yet,
    so champions stay off the public page until it does.
    """
    return (
        Priority.objects.filter(
            is_public=True,
            merged_into__isnull=True,
            status__in=AGREED_STATUSES,
            theme__is_active=True,
        )
        .select_related("theme")
        .annotate(endorsement_count=active_endorsement_count())
        .order_by("theme__order", "theme__name_en", "rank", "pk")
    )
