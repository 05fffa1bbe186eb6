"""Every page `make bench` measures runs the same number of queries at two network sizes.

The pages' own tests pin their counts with hand-made data; this runs them on the bench's
seeded network (bench/seed.py), at two scales, as the bench member or the bench admin.
"""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.pages import PAGES
from bench.seed import BENCH_ADMIN_EMAIL, BENCH_MEMBER_EMAIL, Scale, seed
from members.models import User

SMALL = Scale(
    organisations=20,
    people=60,
    sessions=4,
    round_tables=8,
    notes=32,
    priorities=8,
    endorsements=40,
    registrations=120,
)
LARGE = Scale(
    organisations=60,
    people=240,
    sessions=8,
    round_tables=32,
    notes=160,
    priorities=30,
    endorsements=600,
    registrations=960,
)


class _Rollback(Exception):
    pass


def _query_counts(scale: Scale) -> dict[str, int]:
    """Seed `scale`, count each page's queries (after a warming request), roll it all back."""
    counts: dict[str, int] = {}
    try:
        with transaction.atomic():
            seed(scale)
            member = User.objects.get(email=BENCH_MEMBER_EMAIL)
            clients = {False: Client(), True: Client()}
            clients[False].force_login(member)
            clients[True].force_login(User.objects.get(email=BENCH_ADMIN_EMAIL))
            for page in PAGES:
                client, path = clients[page.as_admin], page.path(member)
                assert client.get(path).status_code == 200, page.name
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(path).status_code == 200, page.name
                counts[page.name] = len(queries)
            raise _Rollback
    except _Rollback:
        pass
    return counts


@pytest.mark.django_db
def test_every_benched_page_runs_the_same_queries_at_two_network_sizes() -> None:
    small = _query_counts(SMALL)
    large = _query_counts(LARGE)

    assert small == large
    assert {"admin: priorities", "admin: organisations", "priorities board"} <= set(small)
