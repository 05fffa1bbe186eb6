"""Where a benched page spends its time: service time, queries and SQL time, in-process.

    .venv/bin/python -m bench.profile_pages                     # every page of bench/pages.py
    .venv/bin/python -m bench.profile_pages --only "session detail" --profile

Uses the seeded alliance_bench database that `make bench` leaves (it seeds one when missing)
and Django's test client, so the figures are the server's own work without the network or
wrk: the median of --repeat requests per page, its ratio to the trivial view's median, the
number of queries and the time they took. --profile prints pyinstrument's call tree of one
request. This is a developer's tool; `make bench` is the measurement of record.
"""

import argparse
import os
import statistics
import sys
import time
from typing import Any

from bench.run import LANGUAGE, ROOT, bench_environment, parse_args, prepare_database


def _options(argv: list[str] | None) -> tuple[argparse.Namespace, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated parts of page names")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--profile", action="store_true", help="print pyinstrument's call tree")
    parser.add_argument("--queries", action="store_true", help="print each page's queries")
    options = parser.parse_args(argv)
    return options, parse_args(["--reuse-db"])


def main(argv: list[str] | None = None) -> int:
    options, bench_args = _options(argv)
    env = bench_environment(bench_args)
    env["DJANGO_ALLOWED_HOSTS"] += ",testserver"
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import PAGES, TRIVIAL
    from bench.seed import BENCH_ADMIN_EMAIL, BENCH_MEMBER_EMAIL
    from members.models import User

    prepare_database(bench_args)
    call_command("collectstatic", interactive=False, verbosity=0)
    member = User.objects.get(email=BENCH_MEMBER_EMAIL)
    admin = User.objects.get(email=BENCH_ADMIN_EMAIL)
    clients = {False: Client(), True: Client()}
    clients[False].force_login(member)
    clients[True].force_login(admin)

    wanted = [part.strip().lower() for part in options.only.split(",") if part.strip()]
    pages = [TRIVIAL] + [
        page for page in PAGES if not wanted or any(part in page.name.lower() for part in wanted)
    ]
    rows: list[dict[str, Any]] = []
    for page in pages:
        client = clients[page.as_admin]
        path = page.path(member, LANGUAGE)
        response = client.get(path)  # warm-up: caches, compiled templates
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: {path} answered {response.status_code}")
        timings = []
        for _ in range(options.repeat):
            started = time.perf_counter()
            client.get(path)
            timings.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
        rows.append(
            {
                "name": page.name,
                "median_ms": statistics.median(timings) * 1000,
                "queries": len(captured.captured_queries),
                "sql_ms": sql_ms,
            }
        )
        if options.queries:
            for query in captured.captured_queries:
                print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:400]}")
        if options.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            client.get(path)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))

    floor = rows[0]["median_ms"]
    print(f"\n{'page':28} {'median ms':>10} {'÷ trivial':>10} {'queries':>8} {'SQL ms':>8}")
    for row in rows:
        print(
            f"{row['name']:28} {row['median_ms']:10.1f} {row['median_ms'] / floor:10.1f}"
            f" {row['queries']:8d} {row['sql_ms']:8.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
