"""The pages `make bench` measures, in one place.

A page is a URL name and, for pages about one object, a function that picks its arguments from
the seeded data for the benchmark's member. To measure a new page, add it to PAGES (and seed what
it needs in bench/seed.py); tests/bench/ checks that each page answers 200 on seeded data.
Pages with `as_admin` are loaded by the bench admin (signed in with password and TOTP), the
others by the bench member.

Budgets: each page's p50 stays under its `budget` times the trivial view's p50 in the same
run; the report names the pages over budget (bench/README.md has the figures they were set from).
"""

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from members.models import User

# A page's p50 may be at most this many times the trivial view's p50, unless its Page says
# otherwise (the budgets below were set from measurements).
BUDGET_RATIO = 3.0


def _no_args(user: User) -> tuple:
    return ()


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    args: Callable[[User], tuple] = field(default=_no_args)
    query: dict[str, str] = field(default_factory=dict)
    as_admin: bool = False
    # The page's p50 may be at most this many times the trivial view's p50 in the same run.
    budget: float = BUDGET_RATIO

    def path(self, user: User, language: str = "en") -> str:
        """The page's path for `user`, in `language` where the URL has a language prefix."""
        with translation.override(language):
            path = reverse(self.url_name, args=self.args(user))
        return f"{path}?{urllib.parse.urlencode(self.query)}" if self.query else path


def _organisation(user: User) -> tuple:
    membership = user.memberships.select_related("organisation").order_by("pk").first()
    return (membership.organisation.slug,)


def _session(user: User) -> tuple:
    """The latest held session the member registered for (it has notes and round tables)."""
    from meetings.models import StrategicSession

    session = (
        StrategicSession.objects.filter(
            registrations__user=user, status=StrategicSession.Status.HELD
        )
        .order_by("-starts_at")
        .first()
    )
    return (session.pk,)


def _round_table(user: User) -> tuple:
    from meetings.models import RoundTable

    table = (
        RoundTable.objects.filter(session_id=_session(user)[0])
        .annotate(shared=Count("notes", filter=Q(notes__status="published")))
        .order_by("-shared", "pk")
        .first()
    )
    return (table.pk,)


def _priority(user: User) -> tuple:
    """The agreed priority with most endorsements."""
    from priorities.models import Priority

    priority = (
        Priority.objects.filter(status=Priority.Status.AGREED, merged_into=None)
        .annotate(support=Count("endorsements"))
        .order_by("-support", "pk")
        .first()
    )
    return (priority.slug,)


# The floor every page is compared with: a login-required view that returns "ok".
TRIVIAL = Page("trivial view (ping)", "bench_ping")

# Budgets: the p50 ratios measured at ten times today's network (1,700 organisations, 8,000
# people, 6,000 notes, 40,000 registrations) in two runs on the 2-core machine, 2026-11-29
# 02:22Z and 02:33Z (bench/README.md), with about 50 % headroom for the machine's noise.
_ALL_PAGES: list[Page] = [
    Page("hub home", "members:home", budget=17),  # measured 11.6, 11.0
    Page("privacy", "members:privacy", budget=6),  # 3.5, 2.4
    Page("directory", "members:directory", budget=16),  # 10.2, 10.9
    Page("organisation page", "members:organisation", _organisation, budget=11),  # 7.0, 7.3
    Page("session list", "meetings:session_list", budget=20),  # 11.2, 14.7
    Page("session detail", "meetings:session_detail", _session, budget=45),  # 28.9, 32.8
    Page("round-table page", "meetings:round_table_detail", _round_table, budget=18),  # 12.2, 11.6
    Page("notes (all)", "meetings:note_search", budget=19),  # 12.5, 9.2
    # Known over budget (210, 241): full-text vectors are built per search; see the README.
    Page("note search", "meetings:note_search", query={"q": "dialogue funding"}, budget=20),
    Page("priorities board", "priorities:board", budget=60),  # 43.3, 37.5
    Page("priority page", "priorities:detail", _priority, budget=28),  # 17.5, 19.2
    Page(
        "admin: priorities", "admin:priorities_priority_changelist", as_admin=True, budget=70
    ),  # 52.2, 42.4
    Page(
        "admin: organisations", "admin:members_organisation_changelist", as_admin=True, budget=70
    ),  # 49.5, 37.6
]


def _resolves(page: Page) -> bool:
    try:
        with translation.override("en"):
            reverse(page.url_name, args=("x",) if page.args is not _no_args else ())
    except NoReverseMatch:
        try:
            with translation.override("en"):
                reverse(page.url_name, args=(1,) if page.args is not _no_args else ())
        except NoReverseMatch:
            return False
    return True


# Only the pages whose URL exists in this checkout (note search arrives with the notes work).
PAGES: list[Page] = [page for page in _ALL_PAGES if _resolves(page)]
