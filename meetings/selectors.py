"""Reads for the meetings app; each returns what its page needs in a fixed number of queries."""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from types import SimpleNamespace

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from alliance.i18n import localized
from meetings import note_selectors
from meetings.models import (
    CalendarFeed,
    Registration,
    RoundTable,
    RoundTableNote,
    RoundTableParticipant,
    StrategicSession,
)
from meetings.permissions import (
    may_review_notes,
    readable_notes_for,
    visible_sessions_q,
)
from members.models import Organisation, User

Status = StrategicSession.Status
# The balance warning watches the two communities the network exists to bring together.
WATCHED_COMMUNITIES = (Organisation.Community.ISRAELI, Organisation.Community.PALESTINIAN)
_ACTIVE = ~Q(status=Registration.Status.CANCELLED)


def _registration_count(status: str) -> Coalesce:
    # A correlated count per session (on the session/status index), not a join of every
    # registration grouped by every session column: at 40,000 registrations that took 3x longer.
    return Coalesce(
        Subquery(
            Registration.objects.filter(session=OuterRef("pk"), status=status)
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def _with_mine(queryset: QuerySet[StrategicSession], user: User) -> QuerySet:
    mine = Registration.objects.filter(session=OuterRef("pk"), user=user).filter(_ACTIVE).order_by()
    return queryset.annotate(
        my_status=Subquery(mine.values("status")[:1]),
        my_attended=Subquery(mine.values("attended")[:1]),
    )


# What the session list shows of a session: its long texts (agenda, reminder message) stay
# in the database.
_LIST_FIELDS = (
    "title",
    "year",
    "quarter",
    "sequence",
    "starts_at",
    "ends_at",
    "time_zone",
    "format",
    "city",
    "capacity",
    "status",
)


def _visible_sessions(user: User) -> QuerySet[StrategicSession]:
    visible = visible_sessions_q(user)
    if visible is None:
        return StrategicSession.objects.none()
    return StrategicSession.objects.filter(visible).only(*_LIST_FIELDS)


@dataclass(frozen=True)
class SessionsByTime:
    """Sessions that have not ended (soonest first) and those that have (latest first)."""

    upcoming: list[StrategicSession]
    past: list[StrategicSession]


def list_sessions_by_time_for(*, user: User) -> SessionsByTime:
    """The sessions the person may see, each with their own status; seat counts on the upcoming
    ones only (one query).

    The history shows no counts, and counting the registrations of every past session was most
    of the list's SQL time (40,000 registrations at ten times the network): PostgreSQL runs a
    CASE branch's subquery only for the rows that take it.
    """
    now = timezone.now()

    def upcoming_only(count: Coalesce) -> Case:
        return Case(When(ends_at__gte=now, then=count), default=Value(0))

    sessions = list(
        _with_mine(_visible_sessions(user), user)
        .annotate(
            confirmed_count=upcoming_only(_registration_count(Registration.Status.CONFIRMED)),
            waitlist_count=upcoming_only(_registration_count(Registration.Status.WAITLISTED)),
        )
        .order_by("starts_at", "pk")
    )
    return SessionsByTime(
        upcoming=[session for session in sessions if session.ends_at >= now],
        past=[session for session in reversed(sessions) if session.ends_at < now],
    )


def get_my_registration(*, session: StrategicSession, user: User) -> Registration | None:
    """The person's current (not cancelled) registration for the session, if any."""
    return (
        Registration.objects.filter(session=session, user=user)
        .filter(_ACTIVE)
        .select_related("organisation")
        .first()
    )


def list_registrations(*, session: StrategicSession) -> QuerySet[Registration]:
    """Every registration of a session (for staff), confirmed first, then the waitlist."""
    return (
        Registration.objects.filter(session=session)
        .select_related("user", "organisation", "registered_by")
        .annotate(
            status_order=Case(
                When(status=Registration.Status.CONFIRMED, then=Value(0)),
                When(status=Registration.Status.WAITLISTED, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("status_order", "created_at", "pk")
    )


@dataclass(frozen=True)
class SessionRegistrations:
    """The viewer's own current registration for a session, and their colleagues' (for a
    representative)."""

    mine: Registration | None
    colleagues: list[Registration]


def get_session_registrations_for(*, session: StrategicSession, user: User) -> SessionRegistrations:
    """The person's current registration for the session and the current registrations in the
    organisations they represent, colleagues in organisation and name order (2 queries).

    Only what the session page shows of them is read: names, status, attendance, and what the
    waitlist position is counted from. Two queries, not one with "mine OR my organisations'":
    PostgreSQL cannot estimate that OR and joined every person and organisation to find a row.
    """
    from members.models import Membership

    shown = (
        Registration.objects.filter(session=session)
        .filter(_ACTIVE)
        .select_related("user", "organisation")
        .only(
            "session_id",
            "status",
            "attended",
            "created_at",
            "user__full_name",
            "organisation__name_en",
            "organisation__name_ar",
            "organisation__name_he",
        )
    )
    # At most one: a person holds one current registration a session (a constraint). Unordered:
    # the model's default order (by session) would join the sessions table to sort one row.
    mine = list(shown.filter(user=user).order_by())
    represented = Membership.objects.filter(user=user, role=Membership.Role.REPRESENTATIVE).values(
        "organisation_id"
    )
    colleagues = (
        shown.filter(organisation_id__in=represented)
        .exclude(user=user)
        .order_by("organisation__name_en", "user__full_name", "pk")
    )
    return SessionRegistrations(mine=mine[0] if mine else None, colleagues=list(colleagues))


def list_attendance_checklist(*, session: StrategicSession) -> QuerySet[Registration]:
    """Confirmed registrants in name order, for the attendance checklist."""
    return (
        Registration.objects.filter(session=session, status=Registration.Status.CONFIRMED)
        .select_related("user", "organisation")
        .order_by("user__full_name", "pk")
    )


@dataclass(frozen=True)
class RoundTableRow:
    """A round table as the session page lists it."""

    pk: int
    topic: str
    language: str
    room: str
    capacity: int | None
    participant_count: int
    is_mine: bool
    facilitators: tuple[str, ...]


def list_round_table_rows(*, session: StrategicSession, user: User) -> list[RoundTableRow]:
    """The session's round tables by topic, with participant counts, the viewer's seat, the
    language's name and the facilitators' names (1 query).

    Plain rows, not model instances: neither the (Markdown) description nor whole user rows
    are read, and the page does not look anything up per table.
    """
    mine = RoundTableParticipant.objects.filter(round_table=OuterRef("pk"), registration__user=user)
    # A correlated count per table (on the round-table index), not a join of every seat of the
    # network grouped by table: the join read all 32,000 seats at ten times the network.
    seats = (
        RoundTableParticipant.objects.filter(round_table=OuterRef("pk"))
        .order_by()
        .values("round_table")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # One row a table and facilitator (the facilitators joined, a table without any once):
    # their names come in the same query rather than a second one.
    rows = (
        RoundTable.objects.filter(session=session)
        .annotate(participant_count=Coalesce(Subquery(seats), 0), is_mine=Exists(mine))
        .order_by("topic", "pk", "facilitators__full_name", "facilitators__pk")
        .values_list(
            "pk",
            "topic",
            "language",
            "room",
            "capacity",
            "participant_count",
            "is_mine",
            "facilitators__full_name",
        )
    )
    # What get_language_display() would say, translated once a page rather than once a table.
    languages = {
        code: str(name) for code, name in RoundTable._meta.get_field("language").flatchoices
    }
    tables = []
    for (pk, topic, language, room, capacity, count, is_mine), group in groupby(
        rows, key=lambda row: row[:7]
    ):
        tables.append(
            RoundTableRow(
                pk=pk,
                topic=topic,
                language=languages.get(language, language),
                room=room,
                capacity=capacity,
                participant_count=count,
                is_mine=is_mine,
                facilitators=tuple(row[7] for row in group if row[7] is not None),
            )
        )
    return tables


@dataclass(frozen=True)
class Seat:
    """Who sits at a round table, as its page shows them."""

    participant_id: int
    user_id: int
    full_name: str
    organisation: str


def list_round_table_seats(*, round_table: RoundTable) -> list[Seat]:
    """Who sits at the table, by name, with their organisation's name in the reader's language
    (1 query; plain rows: at fifty seats, model instances were a third of the page)."""
    rows = (
        RoundTableParticipant.objects.filter(round_table=round_table)
        .order_by("registration__user__full_name", "pk")
        .values_list(
            "pk",
            "registration__user_id",
            "registration__user__full_name",
            "registration__organisation__name_en",
            "registration__organisation__name_ar",
            "registration__organisation__name_he",
        )
    )
    language = get_language()
    return [
        Seat(
            participant_id=pk,
            user_id=user_id,
            full_name=full_name,
            organisation=localized(
                SimpleNamespace(name_en=name_en, name_ar=name_ar, name_he=name_he), "name", language
            ),
        )
        for pk, user_id, full_name, name_en, name_ar, name_he in rows
    ]


def get_my_registration_status(*, session_id: int, user: User) -> str | None:
    """The status of the person's current (not cancelled) registration for the session."""
    # At most one row (a constraint); unordered, as .first() would sort by the model's default
    # order (by session), which is a join.
    statuses = (
        Registration.objects.filter(session_id=session_id, user=user)
        .filter(_ACTIVE)
        .order_by()
        .values_list("status", flat=True)
    )
    return next(iter(statuses), None)


def list_unseated_registrations(*, round_table: RoundTable) -> QuerySet[Registration]:
    """Confirmed registrants of the session who are not yet at this table (for staff)."""
    return (
        Registration.objects.filter(
            session_id=round_table.session_id, status=Registration.Status.CONFIRMED
        )
        .exclude(round_table_seats__round_table=round_table)
        .select_related("user", "organisation")
        .order_by("user__full_name", "pk")
    )


# The note sections of the session page are built from plain values (no model instances), so
# that what a section shows is exactly its data: the page keys its cache on a digest of it.


@dataclass(frozen=True)
class SummaryExcerpt:
    """One published summary, as the session page shows it."""

    note_id: int
    created_on: datetime.date
    summary: str


@dataclass(frozen=True)
class TableSummaries:
    """A round table's latest published summaries, and how many more it has."""

    round_table_id: int
    topic: str
    notes: tuple[SummaryExcerpt, ...]
    more: int


def _latest_summaries_by_table(
    readable: QuerySet[RoundTableNote], session: StrategicSession, per_table: int
) -> list[TableSummaries]:
    # Every published summary of the session is read (a few dozen at ten times the network)
    # and the latest `per_table` of each table kept here: ranking them in SQL (a window
    # function filtered in a wrapping query) cost more to build than the other rows to read.
    rows = (
        readable.filter(round_table__session=session, status=RoundTableNote.Status.PUBLISHED)
        .order_by(
            "round_table__topic",
            "round_table_id",
            F("published_at").desc(nulls_last=True),
            F("pk").desc(),
        )
        .values_list("round_table_id", "round_table__topic", "pk", "created_at", "summary")
    )
    tables = []
    for (table_id, topic), group in groupby(rows, key=lambda row: row[:2]):
        table_rows = list(group)
        notes = tuple(
            # The day as the reader's clock has it, like the rest of the page.
            SummaryExcerpt(note_id=pk, created_on=timezone.localdate(created), summary=summary)
            for _table, _topic, pk, created, summary in table_rows[:per_table]
        )
        tables.append(
            TableSummaries(
                round_table_id=table_id,
                topic=topic,
                notes=notes,
                more=len(table_rows) - len(notes),
            )
        )
    return tables


@dataclass(frozen=True)
class OpenActionRow:
    """An open action from the previous session, as the session page shows it."""

    note_id: int
    description: str
    topic: str
    organisation: str
    due_on: datetime.date | None


def _open_action_rows(
    readable: QuerySet[RoundTableNote], session: StrategicSession, *, show_every_organisation: bool
) -> list[OpenActionRow]:
    # The open actions of the previous held session's shared notes, read as plain values
    # through their notes: the readable notes joined to their actions. Actions whose note is in
    # a subquery of readable notes cost half as much again to build (Django copies and
    # relabels the visibility rule's whole query) and to plan.
    previous = (
        StrategicSession.objects.filter(starts_at__lt=session.starts_at, status=Status.HELD)
        .order_by("-starts_at", "-pk")
        .values("pk")[:1]
    )
    rows = (
        readable.filter(round_table__session=Subquery(previous), status__in=note_selectors.SHARED)
        # One filter() call, so that both conditions are on the same join to the actions (an
        # inner join: a note without actions gives no row).
        .filter(actions__pk__isnull=False, actions__done_at__isnull=True)
        .order_by(F("actions__due_on").asc(nulls_last=True), "actions__pk")
        .values_list(
            "pk",
            "actions__description",
            "round_table__topic",
            "actions__due_on",
            "actions__organisation__name_en",
            "actions__organisation__name_ar",
            "actions__organisation__name_he",
            "actions__organisation__visibility",
        )
    )
    language = get_language()
    actions = []
    for note_id, description, topic, due_on, name_en, name_ar, name_he, visibility in rows:
        shown = visibility is not None and (
            show_every_organisation or visibility == Organisation.Visibility.LISTED
        )
        names = SimpleNamespace(name_en=name_en, name_ar=name_ar, name_he=name_he)
        actions.append(
            OpenActionRow(
                note_id=note_id,
                description=description,
                topic=topic,
                organisation=localized(names, "name", language) if shown else "",
                due_on=due_on,
            )
        )
    return actions


@dataclass(frozen=True)
class SessionNotes:
    """What the session page shows of the notes: its tables' latest summaries and the previous
    session's open actions."""

    tables: list[TableSummaries]
    open_actions: list[OpenActionRow]


def get_session_notes_for(
    *, user: User, session: StrategicSession, per_table: int = 3
) -> SessionNotes:
    """The session's published summaries the reader may read, at most `per_table` of each
    table (its latest), tables by topic; and the open actions of the previous held session's
    shared notes the reader may read, soonest due first, each organisation named only where it
    is listed or the reader reviews notes (2 queries).

    Both start from one readable_notes_for(): building the visibility rule (its Q objects and
    subqueries) costs most of a millisecond, once a request rather than once a query. The page
    shows the summaries as excerpts (a table's page lists all its notes): only the summary is
    read, never the full record.
    """
    readable = readable_notes_for(user)
    return SessionNotes(
        tables=_latest_summaries_by_table(readable, session, per_table),
        open_actions=_open_action_rows(
            readable, session, show_every_organisation=may_review_notes(user)
        ),
    )


@dataclass(frozen=True)
class TableNote:
    """One note of a round table, as the table's page lists it."""

    note_id: int
    created_on: datetime.date
    status: str
    status_label: str
    staff_only: bool
    summary: str


def list_table_notes_for(*, user: User, round_table: RoundTable) -> list[TableNote]:
    """The table's notes the reader may read, latest first, as plain values (1 query).

    The list shows each note's date, status and the start of its summary (the layer every
    reader of a readable note may see): never the full record.
    """
    statuses = {value: str(label) for value, label in RoundTableNote.Status.choices}
    rows = (
        readable_notes_for(user)
        .filter(round_table=round_table)
        .order_by("-created_at", "pk")
        .values_list("pk", "created_at", "status", "staff_only", "summary")
    )
    return [
        TableNote(
            note_id=pk,
            # The day as the reader's clock has it: the values, not the page, carry the time zone.
            created_on=timezone.localdate(created_at),
            status=status,
            status_label=statuses.get(status, status),
            staff_only=staff_only,
            summary=summary,
        )
        for pk, created_at, status, staff_only, summary in rows
    ]


@dataclass(frozen=True)
class Figures:
    """Registered and attended counts for one community or organisation."""

    key: str
    label: str
    registered: int
    attended: int
    community: str = ""


# One row a registering organisation: id, names (en, ar, he), community, registered, attended.
_OrganisationRow = tuple[int, str, str, str, str, int, int]


@dataclass(frozen=True)
class ParticipationBalance:
    """Aggregate figures only: never who, only how many."""

    by_community: list[Figures]
    registered: int
    attended: int
    threshold_percent: int
    under_threshold: list[Figures] = field(default_factory=list)
    # Every figure and name by_organisation shows, as read: plain values, so that the balance
    # (and its repr, which keys the cached balance section) carries all the section shows.
    organisation_rows: tuple[_OrganisationRow, ...] = ()
    language: str = ""

    def share(self, figures: Figures) -> float:
        return 100 * figures.registered / self.registered if self.registered else 0.0

    @cached_property
    def by_organisation(self) -> list[Figures]:
        """Each organisation's figures, most registrants first (built only when shown: at
        hundreds of organisations, a cached balance section does not need them)."""
        communities = {value: str(label) for value, label in Organisation.Community.choices}
        figures = []
        for row in self.organisation_rows:
            org_id, name_en, name_ar, name_he, community, registered, attended = row
            names = SimpleNamespace(name_en=name_en, name_ar=name_ar, name_he=name_he)
            figures.append(
                Figures(
                    key=str(org_id),
                    label=localized(names, "name", self.language),
                    registered=registered,
                    attended=attended,
                    community=communities[community],
                )
            )
        return sorted(figures, key=lambda item: (-item.registered, item.label.casefold()))


def get_participation_balance(*, session: StrategicSession) -> ParticipationBalance:
    """Confirmed and attended counts by organisation, and by community summed from them
    (one query)."""
    rows = tuple(
        Registration.objects.filter(session=session, status=Registration.Status.CONFIRMED)
        .values_list(
            "organisation_id",
            "organisation__name_en",
            "organisation__name_ar",
            "organisation__name_he",
            "organisation__community",
        )
        .annotate(registered=Count("pk"), attended=Count("pk", filter=Q(attended=True)))
        .order_by("organisation_id")
    )
    totals: dict[str, list[int]] = {value: [0, 0] for value in Organisation.Community.values}
    for _id, _en, _ar, _he, community, registered, attended in rows:
        totals[community][0] += registered
        totals[community][1] += attended
    by_community = [
        Figures(key=value, label=str(label), registered=totals[value][0], attended=totals[value][1])
        for value, label in Organisation.Community.choices
    ]
    total_registered = sum(figures.registered for figures in by_community)
    total_attended = sum(figures.attended for figures in by_community)
    threshold = session.balance_threshold_percent
    under = [
        figures
        for figures in by_community
        if figures.key in WATCHED_COMMUNITIES
        and total_registered
        and 100 * figures.registered < threshold * total_registered
    ]
    language = get_language() or ""
    return ParticipationBalance(
        by_community=by_community,
        registered=total_registered,
        attended=total_attended,
        threshold_percent=threshold,
        under_threshold=under,
        organisation_rows=rows,
        language=language,
    )


@dataclass(frozen=True)
class NextSession:
    """The next session and where the person stands with it."""

    session: StrategicSession
    registration: Registration | None

    @property
    def registration_status(self) -> str | None:
        return self.registration.status if self.registration else None


def get_next_session_for(*, user: User) -> NextSession | None:
    """The next session that is going ahead (open or closed, not ended), with the person's
    registration. Two queries. Meant for the hub home."""
    session = (
        StrategicSession.objects.filter(
            ends_at__gte=timezone.now(), status__in=[Status.OPEN, Status.CLOSED]
        )
        .order_by("starts_at", "pk")
        .first()
    )
    if session is None:
        return None
    return NextSession(
        session=session, registration=get_my_registration(session=session, user=user)
    )


def list_sessions_taken_part(*, organisation: Organisation) -> QuerySet[StrategicSession]:
    """Sessions at which someone from the organisation was marked present, latest first."""
    attended = Registration.objects.filter(
        session=OuterRef("pk"), organisation=organisation, attended=True
    )
    return (
        StrategicSession.objects.filter(Exists(attended))
        .exclude(status__in=[Status.DRAFT, Status.CANCELLED])
        .order_by("-starts_at")
    )


def list_feed_registrations(*, user: User) -> QuerySet[Registration]:
    """What goes into a person's calendar feed: sessions they hold a seat or a queue place for."""
    return (
        Registration.objects.filter(user=user)
        .filter(_ACTIVE)
        .exclude(session__status=Status.DRAFT)
        .select_related("session")
        .order_by("session__starts_at")
    )


def get_active_feed(*, user: User) -> CalendarFeed | None:
    """The person's current calendar feed, if they have turned it on."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def get_feed_by_token(*, token: str) -> CalendarFeed | None:
    """The active feed with this secret token, with its owner."""
    return (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )


@dataclass(frozen=True)
class SessionDefaults:
    """What the "schedule a session" form starts from."""

    initial: dict[str, object]
    source: StrategicSession | None


def _quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter + 1) if quarter < 4 else (year + 1, 1)


def _second_tuesday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)


def get_new_session_defaults(*, copy_from: StrategicSession | None = None) -> SessionDefaults:
    """The next quarter after today, with the last session's venue (or a copied session)."""
    year, quarter = _next_quarter(*_quarter_of(timezone.localdate()))
    taken = StrategicSession.objects.filter(year=year, quarter=quarter).values_list(
        "sequence", flat=True
    )
    sequence = max(taken, default=0) + 1
    source = copy_from or (
        StrategicSession.objects.exclude(status=Status.CANCELLED).order_by("-starts_at").first()
    )
    time_zone = source.time_zone if source else "Asia/Jerusalem"
    zone = zoneinfo.ZoneInfo(time_zone)
    day = _second_tuesday(year, 3 * (quarter - 1) + 1)
    starts = datetime.datetime.combine(day, datetime.time(10, 0))
    ends = datetime.datetime.combine(day, datetime.time(16, 0))
    if source is not None:
        local_start = source.starts_at.astimezone(zone)
        local_end = source.ends_at.astimezone(zone)
        starts = datetime.datetime.combine(day, local_start.time().replace(tzinfo=None))
        ends = starts + (local_end.replace(tzinfo=None) - local_start.replace(tzinfo=None))
    initial: dict[str, object] = {
        "year": year,
        "quarter": quarter,
        "sequence": sequence,
        "time_zone": time_zone,
        "starts_at": starts,
        "ends_at": ends,
    }
    if source is not None:
        initial.update(
            format=source.format,
            venue_name=source.venue_name,
            address=source.address,
            city=source.city,
            capacity=source.capacity,
            seats_per_organisation=source.seats_per_organisation,
            interpretation_languages=list(source.interpretation_languages),
            balance_threshold_percent=source.balance_threshold_percent,
        )
    if copy_from is not None:
        initial.update(
            title=copy_from.title,
            join_url=copy_from.join_url,
            agenda=copy_from.agenda,
        )
    return SessionDefaults(initial=initial, source=copy_from)
