"""The pages `make bench` measures, in one place.

A page is a URL name and, for pages about one object, a function that picks its arguments from
the seeded data for the benchmark's member. To measure a new page, add it to PAGES (and seed what
it needs in bench/seed.py); tests/bench/ checks that each page answers 200 on seeded data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import translation

from members.models import User


def _no_args(user: User) -> tuple:
    return ()


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    args: Callable[[User], tuple] = field(default=_no_args)

    def path(self, user: User, language: str = "en") -> str:
        """The page's path for `user`, in `language` where the URL has a language prefix."""
        with translation.override(language):
            return reverse(self.url_name, args=self.args(user))


# The floor every page is compared with: a login-required view that returns "ok".
TRIVIAL = Page("trivial view (ping)", "bench_ping")

PAGES: list[Page] = [
    Page("hub home", "members:home"),
    Page("privacy", "members:privacy"),
]
