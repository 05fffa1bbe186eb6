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
# people, 6,000 notes, 40,000 registrations) in two runs on a quiet 2-core machine, 2026-11-29
# 04:34Z and 04:40Z (bench/README.md), with about 40 % headroom for the machine's noise. Only
# the privacy page (the layout alone) is within BUDGET_RATIO; the README says why the others
# are not and what it would take.
_ALL_PAGES: list[Page] = [
    Page("hub home", "members:home", budget=12),  # measured 9.1, 7.9
    Page("privacy", "members:privacy", budget=BUDGET_RATIO),  # 2.2, 2.0
    Page("directory", "members:directory", budget=11),  # 7.6, 6.7
    Page("organisation page", "members:organisation", _organisation, budget=10),  # 7.2, 6.4
    Page("session list", "meetings:session_list", budget=12),  # 8.5, 8.4
    Page("session detail", "meetings:session_detail", _session, budget=21),  # 15.3, 14.6
    Page("round-table page", "meetings:round_table_detail", _round_table, budget=12),  # 8.3, 7.5
    Page("notes (all)", "meetings:note_search", budget=12),  # 8.3, 7.4
    Page(
        "note search", "meetings:note_search", query={"q": "dialogue funding"}, budget=22
    ),  # 16.3, 15.0
    Page("priorities board", "priorities:board", budget=13),  # 9.1, 8.1
    Page("priority page", "priorities:detail", _priority, budget=19),  # 13.6, 12.5
    Page(
        "admin: priorities", "admin:priorities_priority_changelist", as_admin=True, budget=29
    ),  # 20.9, 20.4
    Page(
        "admin: organisations", "admin:members_organisation_changelist", as_admin=True, budget=26
    ),  # 18.8, 18.2
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
