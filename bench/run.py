"""make bench: seed a network into alliance_bench, serve it with gunicorn, load it with wrk.

    .venv/bin/python -m bench.run [--organisations N] [--people N] [--duration S] [--reuse-db]

1. (Re)creates the PostgreSQL database alliance_bench, migrates it and seeds it (bench/seed.py).
2. Serves the portal with gunicorn on 127.0.0.1 with production-like settings: DEBUG off,
   hashed static files, Redis cache, and the trivial /bench/ping/ view routed.
3. Signs the bench member in through the real login page and, from wrk (another process), sends a
   bounded load to each page of bench/pages.py and to the trivial view, one after the other.
4. Writes bench/results/<timestamp>.json and bench/results/latest.md.

The load only ever goes to the loopback address, for a fixed duration per page.
"""

import argparse
import datetime
import http.cookiejar
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
WORK_DIR = ROOT / "var" / "bench"
LUA_SCRIPT = ROOT / "bench" / "wrk_report.lua"
HOST = "127.0.0.1"
LANGUAGE = "en"
# A slow page's requests time out in wrk only after this long, so they are measured, not lost.
WRK_TIMEOUT_S = 30


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/alliance_bench"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument("--organisations", type=int, default=1_700)
    parser.add_argument("--people", type=int, default=8_000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument("--duration", type=int, default=15, help="seconds measured per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per page")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="keep an already seeded alliance_bench instead of recreating it",
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated parts of page names: measure only those (and the trivial view)",
    )
    return parser.parse_args(argv)


def bench_environment(args: argparse.Namespace) -> dict[str, str]:
    """Production-like settings for both this process and the gunicorn it starts."""
    return {
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": "alliance-bench",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-any-real-deployment-0123456789",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_MANIFEST_STATIC": "true",
        "WHITENOISE_USE_FINDERS": "false",
        "DJANGO_STATIC_ROOT": str(WORK_DIR / "static"),
        "ALLIANCE_BENCH_VIEWS": "true",
        "LOG_LEVEL": "WARNING",
    }


# --- the database ---------------------------------------------------------------------------


def recreate_database(database_url: str) -> None:
    """Drop and create the benchmark database (only ever one whose name says bench)."""
    import psycopg
    from psycopg import sql

    url = urllib.parse.urlsplit(database_url)
    name = url.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to recreate {name!r}: the benchmark database needs 'bench' in its name."
        )
    maintenance = url._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_is_seeded() -> bool:
    from django.db.utils import DatabaseError

    from bench.seed import BENCH_ADMIN_EMAIL, BENCH_MEMBER_EMAIL
    from members.models import User

    try:
        # A database seeded before the bench admin existed is seeded again.
        return User.objects.filter(email__in=[BENCH_MEMBER_EMAIL, BENCH_ADMIN_EMAIL]).count() == 2
    except DatabaseError:
        return False


def prepare_database(args: argparse.Namespace) -> float:
    """Seconds spent creating, migrating and seeding the database (0 when reused)."""
    from django.core.management import call_command
    from django.db import connections

    from bench.seed import Scale, seed

    started = time.monotonic()
    if args.reuse_db and database_is_seeded():
        print("Reusing the seeded benchmark database.")
        call_command("migrate", verbosity=0, interactive=False)
        return 0.0
    connections.close_all()
    print(f"Seeding {args.organisations} organisations and {args.people} people…")
    recreate_database(args.database_url)
    call_command("migrate", verbosity=0, interactive=False)
    seed(Scale(organisations=args.organisations, people=args.people))
    connections.close_all()
    vacuum_analyze(args.database_url)
    return time.monotonic() - started


def vacuum_analyze(database_url: str) -> None:
    """VACUUM ANALYZE the freshly seeded database, as autovacuum would in service: planner
    statistics, and visibility maps so that index-only scans are possible."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(args: argparse.Namespace, env: dict[str, str], port: int) -> subprocess.Popen:
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    log = (WORK_DIR / "gunicorn.log").open("w")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "alliance.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--error-logfile",
            "-",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def wait_until_up(server: subprocess.Popen, base_url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {WORK_DIR / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"{base_url}/health/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s")


# --- signing in -----------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post_form(opener: urllib.request.OpenerDirector, url: str, fields: dict[str, str]) -> str:
    """GET the form at `url` for its CSRF token, POST `fields`; the redirect's Location."""
    with opener.open(url, timeout=10) as response:
        form = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    if token is None:
        raise SystemExit(f"No CSRF token on {url}.")
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})
    try:
        opener.open(request, timeout=30)
        raise SystemExit(f"Posting {url} did not redirect: the form refused the bench account.")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise SystemExit(f"Posting {url} answered {answer.code}.") from answer
        return answer.headers["Location"]


def _totp_code(secret: str) -> str:
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return f"{hotp_value(secret, counter):0{app_settings.TOTP_DIGITS}d}"


def sign_in(base_url: str, email: str, password: str, totp_secret: str = "") -> str:
    """Sign in through the login page (and the TOTP step, for staff) as a browser would;
    the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    login_url = f"{base_url}/{LANGUAGE}/accounts/login/"
    location = _post_form(opener, login_url, {"login": email, "password": password})
    if totp_secret:
        mfa_url = urllib.parse.urljoin(login_url, location)
        _post_form(opener, mfa_url, {"code": _totp_code(totp_secret)})
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit("Signing in set no session cookie.")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def check_page(base_url: str, path: str, cookie: str) -> None:
    """The page answers 200 to the signed-in member (not a redirect to the login page)."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(base_url + path, headers={"Cookie": cookie})
    try:
        with opener.open(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as answer:
        status = answer.code
    if status != 200:
        raise SystemExit(f"{path} answered {status} to the signed-in bench member.")


# --- the load -------------------------------------------------------------------------------


@dataclass
class Measurement:
    name: str
    path: str
    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    non_200: int
    socket_errors: dict[str, int]


def run_wrk(args: argparse.Namespace, url: str, cookie: str, seconds: int) -> dict[str, Any]:
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={seconds}s",
        f"--timeout={WRK_TIMEOUT_S}s",
        f"--script={LUA_SCRIPT}",
        f"--header=Cookie: {cookie}",
        f"--header=Accept-Language: {LANGUAGE}",
        url,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise SystemExit(f"wrk printed no figures:\n{result.stdout}\n{result.stderr}")


def drain(base_url: str, workers: int, timeout: float = WRK_TIMEOUT_S * 2) -> None:
    """Wait until every gunicorn worker is free: requests a slow page left queued when wrk
    stopped would otherwise be served during (and counted against) the next page."""
    from concurrent.futures import ThreadPoolExecutor

    def ping(_: int) -> float:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"{base_url}/health/", timeout=timeout) as response:
                response.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        return time.monotonic() - started

    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        while time.monotonic() < deadline:
            if max(pool.map(ping, range(workers * 2))) < 1.0:
                return


def measure(
    args: argparse.Namespace, name: str, base_url: str, path: str, cookie: str
) -> Measurement:
    drain(base_url, args.workers)
    if args.warmup > 0:
        run_wrk(args, base_url + path, cookie, args.warmup)
    drain(base_url, args.workers)
    figures = run_wrk(args, base_url + path, cookie, args.duration)
    seconds = figures["duration_us"] / 1e6
    latency = figures["latency_us"]
    errors = figures["errors"]
    measurement = Measurement(
        name=name,
        path=path,
        requests=figures["requests"],
        seconds=round(seconds, 2),
        requests_per_second=round(figures["requests"] / seconds, 1),
        p50_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
        mean_ms=round(latency["mean"] / 1000, 3),
        max_ms=latency["max"] / 1000,
        non_200=figures["non_200"],
        socket_errors={key: errors[key] for key in ("connect", "read", "write", "timeout")},
    )
    print(
        f"  {name:<24} {measurement.requests_per_second:>8.1f} req/s   "
        f"p50 {measurement.p50_ms:>7.2f} ms   p95 {measurement.p95_ms:>7.2f} ms"
    )
    return measurement


# --- the report -----------------------------------------------------------------------------


def summarise(trivial: Measurement, pages: list[Measurement]) -> list[dict[str, Any]]:
    """Each measurement with the ratio of its p50 to the trivial view's p50."""
    rows = []
    for measurement in [trivial, *pages]:
        row = asdict(measurement)
        # A page with no completed request has no p50 to compare (it timed out).
        row["p50_ratio_to_trivial"] = (
            round(measurement.p50_ms / trivial.p50_ms, 2)
            if trivial.p50_ms and measurement.requests
            else None
        )
        rows.append(row)
    return rows


def markdown(report: dict[str, Any]) -> str:
    """The short table of bench/results/latest.md."""
    setup = report["setup"]
    lines = [
        "# Benchmark: latest run",
        "",
        f"{report['finished_at']} · commit {report['commit']} · {setup['cpus']} CPUs · "
        f"{setup['organisations']} organisations, {setup['people']} people · gunicorn "
        f"{setup['gunicorn_workers']} sync workers · wrk {setup['wrk_threads']} thread, "
        f"{setup['wrk_connections']} connections, {setup['duration_s']} s per page after "
        f"{setup['warmup_s']} s warm-up · signed in as a member · DEBUG off · load average "
        f"{setup.get('load_average_1min_before', '?')} before the run.",
        "",
        "| page | path | req/s | p50 ms | p95 ms | p50 ÷ trivial p50 | non-200 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in report["results"]:
        ratio = (
            "n/a" if row["p50_ratio_to_trivial"] is None else f"{row['p50_ratio_to_trivial']:.2f}"
        )
        lines.append(
            f"| {row['name']} | `{row['path']}` | {row['requests_per_second']:.1f} | "
            f"{row['p50_ms']:.2f} | {row['p95_ms']:.2f} | {ratio} | {row['non_200']} |"
        )
    over = [
        f"{row['name']} (budget {row['budget_ratio']:g})"
        for row in report["results"][1:]
        if row.get("budget_ratio")
        and (
            row["p50_ratio_to_trivial"] is None or row["p50_ratio_to_trivial"] > row["budget_ratio"]
        )
    ]
    if any(row.get("budget_ratio") for row in report["results"]):
        lines += [
            "",
            "Budgets (bench/pages.py): each page's p50 at most its budget times the trivial "
            "view's p50. "
            + (f"Over budget: {', '.join(over)}." if over else "Every page is within its budget."),
        ]
    lines += [
        "",
        "Server and load generator share the machine, so absolute figures move with it; the "
        "ratio to the trivial login-required view (same server, same run) is the figure to "
        "compare between runs.",
        "",
    ]
    return "\n".join(lines)


def write_results(report: dict[str, Any], results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = report["finished_at"].replace("-", "").replace(":", "")
    path = results_dir / f"{stamp}.json"
    for target, text in (
        (path, json.dumps(report, indent=2, ensure_ascii=False) + "\n"),
        (results_dir / "latest.md", markdown(report)),
    ):
        partial = target.with_name(target.name + ".tmp")
        partial.write_text(text)
        partial.replace(target)
    return path


def _commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return result.stdout.strip()


def _wrk_version() -> str:
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (
        (result.stdout or result.stderr).splitlines()[0].strip()
        if (result.stdout or result.stderr)
        else "?"
    )


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if subprocess.run(["which", "wrk"], capture_output=True, check=False).returncode != 0:
        raise SystemExit("wrk is missing: run ALLIANCE_BENCH_TOOLS=1 scripts/ensure-system.sh")
    env = bench_environment(args)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    from bench.pages import PAGES, TRIVIAL
    from bench.seed import (
        BENCH_ADMIN_EMAIL,
        BENCH_ADMIN_TOTP_SECRET,
        BENCH_MEMBER_EMAIL,
        BENCH_PASSWORD,
    )
    from members.models import User

    seed_seconds = prepare_database(args)
    call_command("collectstatic", interactive=False, verbosity=0)
    member = User.objects.get(email=BENCH_MEMBER_EMAIL)
    targets = [(TRIVIAL.name, TRIVIAL.path(member, LANGUAGE), False)]
    wanted = [part.strip().lower() for part in args.only.split(",") if part.strip()]
    targets += [
        (page.name, page.path(member, LANGUAGE), page.as_admin)
        for page in PAGES
        if not wanted or any(part in page.name.lower() for part in wanted)
    ]

    load_before = os.getloadavg()[0]
    port = args.port or free_port()
    base_url = f"http://{HOST}:{port}"
    server = start_gunicorn(args, env, port)
    try:
        wait_until_up(server, base_url)
        member_cookie = sign_in(base_url, BENCH_MEMBER_EMAIL, BENCH_PASSWORD)
        admin_cookie = sign_in(
            base_url, BENCH_ADMIN_EMAIL, BENCH_PASSWORD, totp_secret=BENCH_ADMIN_TOTP_SECRET
        )
        cookies = {False: member_cookie, True: admin_cookie}
        for _, path, as_admin in targets:
            check_page(base_url, path, cookies[as_admin])
        print(f"Measuring {len(targets)} pages at {base_url} for {args.duration} s each:")
        measurements = [
            measure(args, name, base_url, path, cookies[as_admin])
            for name, path, as_admin in targets
        ]
    finally:
        stop_gunicorn(server)

    trivial, pages = measurements[0], measurements[1:]
    report = {
        "finished_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": _commit(),
        "setup": {
            "organisations": args.organisations,
            "people": args.people,
            "seed_seconds": round(seed_seconds, 1),
            "gunicorn_workers": args.workers,
            "wrk_threads": args.threads,
            "wrk_connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "language": LANGUAGE,
            "cpus": os.cpu_count(),
            # Others' work on the machine moves the absolute figures; this says how busy it was.
            "load_average_1min_before": round(load_before, 2),
            "python": platform.python_version(),
            "django": django.get_version(),
            "wrk": _wrk_version(),
        },
        "results": summarise(trivial, pages),
    }
    budgets = {page.name: page.budget for page in PAGES}
    for row in report["results"][1:]:
        row["budget_ratio"] = budgets.get(row["name"])
    path = write_results(report, args.results_dir)
    print(f"\nWrote {path} and {args.results_dir / 'latest.md'}")
    print(markdown(report))
    if any(m.non_200 or any(m.socket_errors.values()) for m in measurements):
        print(
            "Some requests failed: see non_200 and socket_errors in the results.", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
