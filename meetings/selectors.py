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
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import get_language

from alliance.i18n import localized
from meetings import note_selectors
from meetings.models import (
    CalendarFeed,
    Registration,
    RoundTable,
    RoundTableParticipant,
    StrategicSession,
)
from meetings.permissions import is_session_staff, may_review_notes
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
    queryset = StrategicSession.objects.only(*_LIST_FIELDS)
    if not is_session_staff(user):
        queryset = queryset.exclude(status=Status.DRAFT)
    return queryset


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


def list_registrations_managed_by(
    *, session: StrategicSession, user: User
) -> QuerySet[Registration]:
    """Registrations in organisations the person represents (a representative's view)."""
    from members.models import Membership

    represented = Membership.objects.filter(user=user, role=Membership.Role.REPRESENTATIVE).values(
        "organisation_id"
    )
    return (
        Registration.objects.filter(session=session, organisation_id__in=represented)
        .filter(_ACTIVE)
        .select_related("user", "organisation")
        .order_by("organisation__name_en", "user__full_name", "pk")
    )


def list_attendance_checklist(*, session: StrategicSession) -> QuerySet[Registration]:
    """Confirmed registrants in name order, for the attendance checklist."""
    return (
        Registration.objects.filter(session=session, status=Registration.Status.CONFIRMED)
        .select_related("user", "organisation")
        .order_by("user__full_name", "pk")
    )


def list_round_tables(*, session: StrategicSession, user: User) -> QuerySet[RoundTable]:
    """The session's round tables with participant counts, facilitators and the viewer's seat."""
    mine = RoundTableParticipant.objects.filter(round_table=OuterRef("pk"), registration__user=user)
    # The session page shows a table's topic, seats, language, room and facilitators' names:
    # neither the (Markdown) description nor whole user rows.
    facilitators = User.objects.only("pk", "full_name").order_by("full_name")
    # A correlated count per table (on the round-table index), not a join of every seat of the
    # network grouped by table: the join read all 32,000 seats at ten times the network.
    seats = (
        RoundTableParticipant.objects.filter(round_table=OuterRef("pk"))
        .order_by()
        .values("round_table")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        RoundTable.objects.filter(session=session)
        .defer("description")
        .prefetch_related(Prefetch("facilitators", queryset=facilitators))
        .annotate(participant_count=Coalesce(Subquery(seats), 0), is_mine=Exists(mine))
        .order_by("topic", "pk")
    )


def list_round_table_participants(*, round_table: RoundTable) -> QuerySet[RoundTableParticipant]:
    """Who sits at the table, with their organisations (names only: the page shows no more)."""
    return (
        RoundTableParticipant.objects.filter(round_table=round_table)
        .select_related("registration__user", "registration__organisation")
        .only(
            "round_table_id",
            "registration__user_id",
            "registration__user__full_name",
            "registration__organisation__name_en",
            "registration__organisation__name_ar",
            "registration__organisation__name_he",
        )
        .order_by("registration__user__full_name", "pk")
    )


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


def list_latest_summaries_by_table(
    *, user: User, session: StrategicSession, per_table: int = 3
) -> list[TableSummaries]:
    """The session's published summaries the reader may read, at most `per_table` of each
    table (its latest), tables by topic (1 query).

    The session page shows these as excerpts; a table's page lists all its notes. Only the
    summary is read, never the full record.
    """
    latest_first = [F("published_at").desc(nulls_last=True), F("pk").desc()]
    rows = (
        note_selectors.list_session_summaries_for(user=user, session=session, with_items=False)
        .annotate(
            rank=Window(RowNumber(), partition_by=F("round_table_id"), order_by=latest_first),
            table_total=Window(Count("pk"), partition_by=F("round_table_id")),
        )
        .filter(rank__lte=per_table)
        .order_by("round_table__topic", "round_table_id", "rank")
        .values_list(
            "round_table_id", "round_table__topic", "table_total", "pk", "created_at", "summary"
        )
    )
    tables = []
    for (table_id, topic, total), group in groupby(rows, key=lambda row: row[:3]):
        notes = tuple(
            # The day as the reader's clock has it, like the rest of the page.
            SummaryExcerpt(note_id=pk, created_on=timezone.localdate(created), summary=summary)
            for _table, _topic, _total, pk, created, summary in group
        )
        tables.append(
            TableSummaries(
                round_table_id=table_id, topic=topic, notes=notes, more=total - len(notes)
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


def list_open_action_rows(*, user: User, session: StrategicSession) -> list[OpenActionRow]:
    """The previous held session's open actions the reader may read (1 query); the
    organisation is named only where it is listed or the reader reviews notes."""
    show_every_organisation = may_review_notes(user)
    rows = note_selectors.list_open_actions_for(user=user, session=session).values_list(
        "note_id",
        "description",
        "note__round_table__topic",
        "due_on",
        "organisation__name_en",
        "organisation__name_ar",
        "organisation__name_he",
        "organisation__visibility",
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
