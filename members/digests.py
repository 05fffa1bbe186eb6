"""The weekly or monthly email digest, planned into the delivery ledger (alliance.mail).

A digest is due at 08:00 on Monday (weekly) or on the 1st (monthly) in each member's own time
zone. Every beat tick runs plan_digests(), which finds the time zones where a period has come
due and plans one row per subscribed person there; the period key ("digest:weekly:2026-W48",
"digest:monthly:2026-12") makes it once per period, however many ticks run. The content is
gathered when the row is sent, through the same permission rules as the pages: a member only
reads about what they may open. An empty digest is not sent (the row is skipped).
"""

import copy
import datetime
import functools
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from alliance.mail.models import Delivery
from alliance.mail.registry import MailingList, register_kind, register_planner
from alliance.mail.services import build_delivery_email, plan_deliveries
from meetings.models import Registration, StrategicSession
from meetings.permissions import may_see_session
from members.models import Membership, Organisation, User
from members.permissions import ADMIN_GROUP, STAFF_GROUP, roles_of, visible_organisations_for

Frequency = User.DigestFrequency
DELIVERY_HOUR = datetime.time(8, 0)
# A digest whose moment passed longer ago than this (the beat was down, or the person only
# just subscribed) waits for the next period rather than arriving days late.
GRACE = datetime.timedelta(days=1)
# How far ahead the digest looks for sessions, by frequency.
SESSION_HORIZON = {
    Frequency.WEEKLY: datetime.timedelta(days=45),
    Frequency.MONTHLY: datetime.timedelta(days=90),
}
MAX_ITEMS = 10


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE)


def _at_eight(day: datetime.date, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, DELIVERY_HOUR, tzinfo=zone)


@dataclass(frozen=True)
class DigestPeriod:
    """One digest's period: it covers [since, until) and is due at `until`."""

    frequency: str
    key: str
    since: datetime.datetime
    until: datetime.datetime


def _weekly(monday: datetime.date, zone: zoneinfo.ZoneInfo) -> DigestPeriod:
    year, week, _weekday = monday.isocalendar()
    return DigestPeriod(
        frequency=Frequency.WEEKLY,
        key=f"digest:weekly:{year}-W{week:02d}",
        since=_at_eight(monday - datetime.timedelta(days=7), zone),
        until=_at_eight(monday, zone),
    )


def _monthly(first: datetime.date, zone: zoneinfo.ZoneInfo) -> DigestPeriod:
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    return DigestPeriod(
        frequency=Frequency.MONTHLY,
        key=f"digest:monthly:{first.year}-{first.month:02d}",
        since=_at_eight(previous, zone),
        until=_at_eight(first, zone),
    )


def latest_period(
    *, frequency: str, zone: zoneinfo.ZoneInfo, now: datetime.datetime
) -> DigestPeriod | None:
    """The most recent period whose 08:00 (in `zone`) has passed at `now`."""
    today = now.astimezone(zone).date()
    if frequency == Frequency.WEEKLY:
        period = _weekly(today - datetime.timedelta(days=today.weekday()), zone)
        if period.until > now:
            period = _weekly(today - datetime.timedelta(days=today.weekday() + 7), zone)
        return period
    if frequency == Frequency.MONTHLY:
        period = _monthly(today.replace(day=1), zone)
        if period.until > now:
            period = _monthly(
                (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1), zone
            )
        return period
    return None


def next_period(
    *, frequency: str, zone: zoneinfo.ZoneInfo, now: datetime.datetime
) -> DigestPeriod | None:
    """The first period whose 08:00 (in `zone`) is still to come at `now`."""
    latest = latest_period(frequency=frequency, zone=zone, now=now)
    if latest is None:
        return None
    following = latest.until.astimezone(zone).date()
    if frequency == Frequency.WEEKLY:
        return _weekly(following + datetime.timedelta(days=7), zone)
    return _monthly((following + datetime.timedelta(days=32)).replace(day=1), zone)


def period_from_key(key: str, zone: zoneinfo.ZoneInfo) -> DigestPeriod:
    """The period a subject key names, in the recipient's time zone."""
    _digest, frequency, label = key.split(":")
    if frequency == Frequency.WEEKLY:
        year, week = label.split("-W")
        return _weekly(datetime.date.fromisocalendar(int(year), int(week), 1), zone)
    year, month = label.split("-")
    return _monthly(datetime.date(int(year), int(month), 1), zone)


def list_digest_recipients() -> QuerySet[User]:
    """Active people who want a digest and hold the member or staff role."""
    member = Exists(
        Membership.objects.filter(
            user=OuterRef("pk"), organisation__status=Organisation.Status.ACTIVE
        )
    )
    return (
        User.objects.filter(is_active=True, erased_at__isnull=True)
        .exclude(digest_frequency=Frequency.OFF)
        .filter(member | Q(is_superuser=True) | Q(groups__name__in=[STAFF_GROUP, ADMIN_GROUP]))
        .distinct()
    )


def plan_digests(*, now: datetime.datetime | None = None) -> int:
    """Plan the digests that have come due, one per person and period; returns how many zones
    and frequencies had a period due."""
    now = now or timezone.now()
    recipients = list_digest_recipients()
    due = 0
    groups = recipients.order_by().values_list("time_zone", "digest_frequency").distinct()
    for zone_name, frequency in list(groups):
        period = latest_period(frequency=frequency, zone=_zone(zone_name), now=now)
        if period is None or now - period.until > GRACE:
            continue
        due += 1
        already = Delivery.objects.filter(
            recipient=OuterRef("pk"), kind=Delivery.Kind.DIGEST, subject_key=period.key
        )
        people = (
            recipients.filter(time_zone=zone_name, digest_frequency=frequency)
            .exclude(Exists(already))
            .values_list("pk", flat=True)
        )
        plan_deliveries(kind=Delivery.Kind.DIGEST, subject_key=period.key, recipient_ids=people)
    return due


# Content --------------------------------------------------------------------------------------


@dataclass
class DigestContent:
    """What one person's digest says, already filtered by what they may see."""

    period: DigestPeriod
    sessions: list[StrategicSession] = field(default_factory=list)
    notes: list[object] = field(default_factory=list)
    priorities: list[object] = field(default_factory=list)
    progress_updates: list[object] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.sessions
            or self.notes
            or self.priorities
            or self.progress_updates
            or self.organisations
        )

    def counts(self) -> dict[str, int]:
        return {
            "sessions": len(self.sessions),
            "notes": len(self.notes),
            "priorities": len(self.priorities),
            "progress_updates": len(self.progress_updates),
            "organisations": len(self.organisations),
        }


def _upcoming_sessions(period: DigestPeriod) -> list[StrategicSession]:
    horizon = period.until + SESSION_HORIZON.get(period.frequency, datetime.timedelta(days=45))
    return list(
        StrategicSession.objects.filter(
            status__in=[StrategicSession.Status.OPEN, StrategicSession.Status.CLOSED],
            starts_at__gte=period.until,
            starts_at__lte=horizon,
        ).order_by("starts_at", "pk")[:MAX_ITEMS]
    )


def _sessions_for(user: User, sessions: list[StrategicSession]) -> list[StrategicSession]:
    """The sessions the person may see, each a copy carrying their own registration status."""
    visible = [session for session in sessions if may_see_session(user, session)]
    if not visible:
        return []
    mine = dict(
        Registration.objects.filter(user=user, session__in=visible)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("session_id", "status")
    )
    copies = []
    for session in visible:
        mine_copy = copy.copy(session)
        mine_copy.my_status = mine.get(session.pk)
        copies.append(mine_copy)
    return copies


def _published_summaries(user: User, period: DigestPeriod) -> list[object]:
    """Note summaries published in the period that the person may read.

    Through meetings' own selector, which starts from meetings.permissions.readable_notes_for():
    drafts, staff-only notes and notes of sessions the reader may not see never come back.
    """
    try:
        from meetings.note_selectors import list_published_summaries_for
    except ImportError:  # an installation without round-table notes: the section stays empty
        return []
    return list(
        list_published_summaries_for(user=user, since=period.since)
        .filter(published_at__lt=period.until)
        .select_related("round_table")[:MAX_ITEMS]
    )


def _priorities(period: DigestPeriod) -> list[object]:
    # Every member sees every priority that was not merged away (priorities.permissions).
    from priorities.models import AGREED_STATUSES, Priority

    return list(
        Priority.objects.filter(
            merged_into__isnull=True,
            theme__is_active=True,
            status__in=AGREED_STATUSES,
            status_changed_at__gte=period.since,
            status_changed_at__lt=period.until,
        )
        .select_related("theme")
        .order_by("-status_changed_at", "pk")[:MAX_ITEMS]
    )


def _progress_updates(user: User, period: DigestPeriod) -> list[object]:
    from priorities.models import ProgressUpdate

    visible = visible_organisations_for(user).filter(pk=OuterRef("organisation_id"))
    return list(
        ProgressUpdate.objects.filter(
            created_at__gte=period.since,
            created_at__lt=period.until,
            priority__merged_into__isnull=True,
        )
        .select_related("priority", "organisation")
        .annotate(organisation_visible=Exists(visible))
        .order_by("-created_at", "-pk")[:MAX_ITEMS]
    )


def _organisations_joined(user: User, period: DigestPeriod) -> list[Organisation]:
    zone = period.until.tzinfo
    return list(
        visible_organisations_for(user)
        .filter(
            status=Organisation.Status.ACTIVE,
            joined_on__gte=period.since.astimezone(zone).date(),
            joined_on__lt=period.until.astimezone(zone).date(),
        )
        .order_by("-joined_on", "name_en", "pk")[:MAX_ITEMS]
    )


@dataclass(frozen=True)
class _SharedContent:
    sessions: list[StrategicSession]
    priorities: list[object]
    progress_updates: list[object]
    organisations: list[Organisation]


# Rows of one chunk are claimed together (one claimed_at) and mostly share a period: what a
# digest shows depends on the reader only through their roles, except their own registrations
# and the notes they may read, which are read per person. So a chunk reads the shared part once
# per period and set of roles; a new chunk (a new claim) starts afresh, so nothing goes stale.
_shared_cache: dict[tuple[object, ...], _SharedContent] = {}
_shared_cache_token: list[object] = [None]


def _shared_content(user: User, period: DigestPeriod, token: object | None) -> _SharedContent:
    key = (period.key, period.since, period.until, roles_of(user))
    if token is not None and _shared_cache_token[0] == token and key in _shared_cache:
        return _shared_cache[key]
    shared = _SharedContent(
        sessions=_upcoming_sessions(period),
        priorities=_priorities(period),
        progress_updates=_progress_updates(user, period),
        organisations=_organisations_joined(user, period),
    )
    if token is not None:
        if _shared_cache_token[0] != token:
            _shared_cache.clear()
            _shared_cache_token[0] = token
        _shared_cache[key] = shared
    return shared


def get_digest_content(
    *, user: User, period: DigestPeriod, chunk_token: object | None = None
) -> DigestContent:
    """Everything new in the period that `user` may see.

    `chunk_token` (the claim time of a chunk of rows) lets the rows of one chunk share the
    reads that do not depend on the person beyond their roles.
    """
    shared = _shared_content(user, period, chunk_token)
    return DigestContent(
        period=period,
        sessions=_sessions_for(user, shared.sessions),
        notes=_published_summaries(user, period),
        priorities=shared.priorities,
        progress_updates=shared.progress_updates,
        organisations=shared.organisations,
    )


def _registration_state(session: StrategicSession, now: datetime.datetime) -> str:
    if session.registration_window_is_open(now):
        return "open"
    if (
        session.status == StrategicSession.Status.OPEN
        and session.registration_opens_at
        and now < session.registration_opens_at
    ):
        return "not_yet"
    return "closed"


@functools.lru_cache(maxsize=8192)
def _link(language: str, name: str, arg: object) -> str:
    # The same few pages appear in thousands of digests; reversing each once per language
    # saves most of a digest's rendering time.
    with translation.override(language):
        return settings.SITE_URL + reverse(name, args=[arg])


def render_digest(
    *, user: User, content: DigestContent, delivery: Delivery | None = None
) -> EmailMessage:
    """The digest email for `user`, in their language and time zone."""
    language = user.preferred_language or settings.LANGUAGE_CODE
    zone = _zone(user.time_zone)
    now = timezone.now()
    for session in content.sessions:
        session.registration_state = _registration_state(session, now)
    with translation.override(language), timezone.override(zone):
        context = {
            "digest": content,
            "session_links": [
                (session, _link(language, "meetings:session_detail", session.pk))
                for session in content.sessions
            ],
            "priority_links": [
                (priority, _link(language, "priorities:detail", priority.slug))
                for priority in content.priorities
            ],
            "update_links": [
                (update, _link(language, "priorities:detail", update.priority.slug))
                for update in content.progress_updates
            ],
            "organisation_links": [
                (organisation, _link(language, "members:organisation", organisation.slug))
                for organisation in content.organisations
            ],
            "note_links": [
                (note, settings.SITE_URL + note.get_absolute_url())
                if hasattr(note, "get_absolute_url")
                else (note, "")
                for note in content.notes
            ],
            "weekly": content.period.frequency == Frequency.WEEKLY,
            "since": content.period.since,
            "until": content.period.until,
            "preferences_url": settings.SITE_URL + reverse("members:settings"),
            "sessions_url": settings.SITE_URL + reverse("meetings:session_list"),
            "site_url": settings.SITE_URL,
        }
        if delivery is None:
            # A preview: the same rendering as a real row, without one in the ledger.
            delivery = Delivery(recipient=user, kind=Delivery.Kind.DIGEST, subject_key="")
        return build_delivery_email(
            delivery=delivery, template_prefix="members/email/digest", context=context
        )


def build_digest(delivery: Delivery) -> EmailMessage | None:
    """The digest for one ledger row; None (the row is skipped) when there is nothing new."""
    user = delivery.recipient
    period = period_from_key(delivery.subject_key, _zone(user.time_zone))
    content = get_digest_content(user=user, period=period, chunk_token=delivery.claimed_at)
    if content.is_empty:
        return None
    return render_digest(user=user, content=content, delivery=delivery)


def get_next_digest(
    *, user: User, now: datetime.datetime | None = None
) -> tuple[DigestPeriod, DigestContent] | None:
    """The digest `user` gets next: the current period's if it is due and not yet planned,
    else the coming one; None when they have turned the digest off."""
    now = now or timezone.now()
    zone = _zone(user.time_zone)
    period = latest_period(frequency=user.digest_frequency, zone=zone, now=now)
    if period is None:
        return None
    planned = Delivery.objects.filter(
        recipient=user, kind=Delivery.Kind.DIGEST, subject_key=period.key
    ).exists()
    if planned or now - period.until > GRACE:
        period = next_period(frequency=user.digest_frequency, zone=zone, now=now)
    return period, get_digest_content(user=user, period=period)


def register() -> None:
    """Plug the digest into the ledger (called from AppConfig.ready)."""
    register_kind(Delivery.Kind.DIGEST, build_digest, mailing_list=MailingList.DIGEST)
    register_planner(plan_digests)
