"""make bench's parts: the trivial view, the seeding, the page list and the report."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from alliance.bench_views import ping
from bench.pages import PAGES, TRIVIAL
from bench.run import Measurement, markdown, recreate_database, summarise
from bench.seed import BENCH_ADMIN_EMAIL, BENCH_MEMBER_EMAIL, Scale, seed
from meetings.models import Registration, RoundTable, RoundTableNote, StrategicSession
from members.models import Membership, Organisation, User
from members.permissions import Action, may
from priorities.models import Endorsement, Priority


def test_trivial_view_is_not_routed_by_default(client: Client, member: User) -> None:
    client.force_login(member)
    assert settings.BENCH_VIEWS is False
    assert client.get("/bench/ping/").status_code == 404


def test_trivial_view_is_routed_when_the_bench_asks_for_it() -> None:
    code = (
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('bench_ping'))"
    )
    env = {
        **os.environ,
        "ALLIANCE_BENCH_VIEWS": "true",
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "/bench/ping/"


def test_trivial_view_answers_ok_to_a_signed_in_person(member: User) -> None:
    request = RequestFactory().get("/bench/ping/")
    request.user = member
    response = ping(request)
    assert response.status_code == 200
    assert response.content == b"ok"


def test_trivial_view_sends_anonymous_visitors_to_sign_in() -> None:
    request = RequestFactory().get("/bench/ping/")
    request.user = AnonymousUser()
    response = ping(request)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


SMALL = Scale(
    organisations=30,
    people=120,
    sessions=6,
    round_tables=18,
    notes=60,
    priorities=12,
    endorsements=120,
    registrations=300,
)


@pytest.mark.django_db
def test_seed_builds_the_network_at_the_asked_scale() -> None:
    seed(SMALL)

    assert Organisation.objects.filter(slug__startswith="bench-organisation-").count() == 30
    seeded_people = User.objects.filter(email__endswith="@bench.alliancehub.test").exclude(
        email=BENCH_ADMIN_EMAIL
    )
    assert seeded_people.count() == 121  # the people and the bench member
    assert not seeded_people.filter(memberships=None).exists()
    representatives = Membership.objects.filter(role=Membership.Role.REPRESENTATIVE)
    assert representatives.values("organisation").distinct().count() == 30
    bench_member = User.objects.get(email=BENCH_MEMBER_EMAIL)
    assert may(bench_member, Action.USE_HUB)
    assert StrategicSession.objects.count() == 6
    assert RoundTable.objects.count() == 18
    assert RoundTableNote.objects.count() == 60
    assert Priority.objects.count() == 12
    assert Endorsement.objects.count() == 120
    # 50 people at each of 6 sessions, and the bench member at every one of them.
    assert Registration.objects.count() == 306
    assert may(User.objects.get(email=BENCH_ADMIN_EMAIL), Action.CURATE_PRIORITIES)


@pytest.mark.django_db
def test_every_benched_page_answers_the_bench_member_on_seeded_data() -> None:
    seed(SMALL)
    bench_member = User.objects.get(email=BENCH_MEMBER_EMAIL)
    clients = {False: Client(), True: Client()}
    clients[False].force_login(bench_member)
    clients[True].force_login(User.objects.get(email=BENCH_ADMIN_EMAIL))

    for page in PAGES:
        response = clients[page.as_admin].get(page.path(bench_member))
        assert response.status_code == 200, page.name
    assert TRIVIAL.url_name == "bench_ping"


def test_recreating_refuses_a_database_not_named_for_the_bench() -> None:
    with pytest.raises(SystemExit):
        recreate_database("postgres://postgres@127.0.0.1:5432/alliance")


def _measurement(name: str, p50_ms: float) -> Measurement:
    return Measurement(
        name=name,
        path=f"/{name}/",
        requests=100,
        seconds=10.0,
        requests_per_second=10.0,
        p50_ms=p50_ms,
        p95_ms=p50_ms * 2,
        p99_ms=p50_ms * 3,
        mean_ms=p50_ms,
        max_ms=p50_ms * 4,
        non_200=0,
        socket_errors={"connect": 0, "read": 0, "write": 0, "timeout": 0},
    )


def test_report_gives_each_page_its_p50_ratio_to_the_trivial_view() -> None:
    rows = summarise(_measurement("ping", 4.0), [_measurement("home", 10.0)])
    assert [row["p50_ratio_to_trivial"] for row in rows] == [1.0, 2.5]

    setup = {
        "cpus": 2,
        "organisations": 1700,
        "people": 8000,
        "gunicorn_workers": 2,
        "wrk_threads": 1,
        "wrk_connections": 4,
        "duration_s": 15,
        "warmup_s": 3,
    }
    table = markdown({"finished_at": "now", "commit": "abc", "setup": setup, "results": rows})
    assert "| home | `/home/` | 10.0 | 10.00 | 20.00 | 2.50 | 0 |" in table
