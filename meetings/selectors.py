"""Reads for the meetings app; each returns what its page needs in a fixed number of queries."""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from alliance.i18n import localized
from meetings.models import (
    CalendarFeed,
    Registration,
    RoundTable,
    RoundTableParticipant,
    StrategicSession,
)
from meetings.permissions import is_session_staff
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


def _with_counts_and_mine(queryset: QuerySet[StrategicSession], user: User) -> QuerySet:
    mine = Registration.objects.filter(session=OuterRef("pk"), user=user).filter(_ACTIVE).order_by()
    return queryset.annotate(
        confirmed_count=_registration_count(Registration.Status.CONFIRMED),
        waitlist_count=_registration_count(Registration.Status.WAITLISTED),
        my_status=Subquery(mine.values("status")[:1]),
        my_attended=Subquery(mine.values("attended")[:1]),
    )


def list_sessions_for(*, user: User) -> QuerySet[StrategicSession]:
    """Sessions the person may see (drafts for staff only), with seat counts and their status."""
    queryset = StrategicSession.objects.all()
    if not is_session_staff(user):
        queryset = queryset.exclude(status=Status.DRAFT)
    return _with_counts_and_mine(queryset, user)


def list_upcoming_sessions_for(*, user: User) -> QuerySet[StrategicSession]:
    """Sessions that have not ended yet, soonest first."""
    return list_sessions_for(user=user).filter(ends_at__gte=timezone.now()).order_by("starts_at")


def list_past_sessions_for(*, user: User) -> QuerySet[StrategicSession]:
    """Sessions that have ended, latest first: the network's history and the person's own."""
    return list_sessions_for(user=user).filter(ends_at__lt=timezone.now()).order_by("-starts_at")


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
    return (
        RoundTable.objects.filter(session=session)
        .select_related("rapporteur")
        .prefetch_related(Prefetch("facilitators", queryset=User.objects.order_by("full_name")))
        .annotate(participant_count=Count("participants"), is_mine=Exists(mine))
        .order_by("topic", "pk")
    )


def list_round_table_participants(*, round_table: RoundTable) -> QuerySet[RoundTableParticipant]:
    """Who sits at the table, with their organisations."""
    return (
        RoundTableParticipant.objects.filter(round_table=round_table)
        .select_related("registration__user", "registration__organisation")
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


@dataclass(frozen=True)
class Figures:
    """Registered and attended counts for one community or organisation."""

    key: str
    label: str
    registered: int
    attended: int
    community: str = ""


@dataclass(frozen=True)
class ParticipationBalance:
    """Aggregate figures only: never who, only how many."""

    by_community: list[Figures]
    by_organisation: list[Figures]
    registered: int
    attended: int
    threshold_percent: int
    under_threshold: list[Figures] = field(default_factory=list)

    def share(self, figures: Figures) -> float:
        return 100 * figures.registered / self.registered if self.registered else 0.0


def get_participation_balance(*, session: StrategicSession) -> ParticipationBalance:
    """Confirmed and attended counts by community and by organisation (two queries)."""
    confirmed = Registration.objects.filter(session=session, status=Registration.Status.CONFIRMED)
    attended = Count("pk", filter=Q(attended=True))
    by_community_rows = {
        row["organisation__community"]: row
        for row in confirmed.values("organisation__community").annotate(
            registered=Count("pk"), attended=attended
        )
    }
    by_community = [
        Figures(
            key=value,
            label=str(label),
            registered=by_community_rows.get(value, {}).get("registered", 0),
            attended=by_community_rows.get(value, {}).get("attended", 0),
        )
        for value, label in Organisation.Community.choices
    ]
    org_rows = confirmed.values(
        "organisation_id",
        "organisation__name_en",
        "organisation__name_ar",
        "organisation__name_he",
        "organisation__community",
    ).annotate(registered=Count("pk"), attended=attended)
    by_organisation = sorted(
        (
            Figures(
                key=str(row["organisation_id"]),
                label=localized(
                    SimpleNamespace(
                        name_en=row["organisation__name_en"],
                        name_ar=row["organisation__name_ar"],
                        name_he=row["organisation__name_he"],
                    ),
                    "name",
                ),
                registered=row["registered"],
                attended=row["attended"],
                community=str(Organisation.Community(row["organisation__community"]).label),
            )
            for row in org_rows
        ),
        key=lambda figures: (-figures.registered, figures.label.casefold()),
    )
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
    return ParticipationBalance(
        by_community=by_community,
        by_organisation=by_organisation,
        registered=total_registered,
        attended=total_attended,
        threshold_percent=threshold,
        under_threshold=under,
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
