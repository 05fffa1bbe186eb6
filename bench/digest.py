"""make bench, part 2: digests for N members, built and delivered to a local SMTP sink.

    .venv/bin/python -m bench.digest [--members N] [--reuse-db] [--chunk-size 50]

1. (Re)creates the PostgreSQL database alliance_bench_digest and seeds a network of N members
   (bench/seed.py), then shapes a week of news around last Monday: upcoming sessions, priorities
   agreed, progress updates, organisations that joined (some hidden), members in several time
   zones and languages, all on a weekly digest.
2. Starts an SMTP sink (aiosmtpd's Sink handler) in its own process on the loopback address.
3. In a fresh process, so its peak memory is the digests' own: plans the digests due at last
   Monday 14:00 UTC (08:00 has passed in every seeded zone) with the real planner, and sends every
   row chunk by chunk with the ledger's send_deliveries(), as the Celery tasks do. Then sends the
   same number of pre-rendered messages over one plain smtplib connection, for the ratio.
4. Prints messages per second, peak memory and the ratio; writes bench/results/digest-*.json and
   bench/results/digest-latest.md.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
HOST = "127.0.0.1"
ZONES = ["Asia/Jerusalem", "Asia/Hebron", "Europe/Berlin", "Europe/London", "America/New_York"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DIGEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/alliance_bench_digest"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--chunk-size", type=int, default=50, help="rows per send chunk")
    parser.add_argument("--reuse-db", action="store_true", help="keep a seeded database")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    # Internal: the measured phase, run in a child process.
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smtp-port", type=int, default=0, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def environment(args: argparse.Namespace, smtp_port: int = 0) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": "alliance-bench-digest",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-any-real-deployment-0123456789",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "SITE_URL": "https://hub.example.org",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(smtp_port or 25),
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        "LOG_LEVEL": "WARNING",
    }


def last_monday_afternoon(now: datetime.datetime) -> datetime.datetime:
    """Last Monday (today, if Monday) at 14:00 UTC: 08:00 has passed in every seeded zone."""
    day = now.date() - datetime.timedelta(days=now.weekday())
    return datetime.datetime.combine(day, datetime.time(14), tzinfo=datetime.UTC)


# --- seeding ----------------------------------------------------------------------------------


def prepare_database(args: argparse.Namespace, at: datetime.datetime) -> float:
    """Seconds spent seeding (0 when an existing seeded database is reused)."""
    from django.core.management import call_command
    from django.db import connections

    from bench.run import recreate_database
    from bench.seed import BENCH_MEMBER_EMAIL, Scale, seed
    from members.models import User

    started = time.monotonic()
    if args.reuse_db:
        try:
            call_command("migrate", verbosity=0, interactive=False)
            if User.objects.filter(email=BENCH_MEMBER_EMAIL).exists():
                print("Reusing the seeded digest database.")
                shape_the_week(at)
                return 0.0
        except Exception as error:  # no database yet: seed one
            print(f"Cannot reuse the database ({error}); seeding a new one.")
    connections.close_all()
    print(f"Seeding {args.members} members…")
    recreate_database(args.database_url)
    call_command("migrate", verbosity=0, interactive=False)
    seed(Scale(organisations=max(args.members // 5, 10), people=args.members))
    shape_the_week(at)
    connections.close_all()
    return time.monotonic() - started


def shape_the_week(at: datetime.datetime) -> None:
    """A realistic week of news before `at`, and everyone on the weekly digest."""
    import random

    from django.db import transaction
    from django.db.models import Max

    from alliance.mail.models import Delivery
    from meetings.models import StrategicSession
    from members.models import Organisation, User
    from priorities.models import AGREED_STATUSES, Priority, ProgressUpdate

    rng = random.Random(2025)
    mid_week = at - datetime.timedelta(days=4)
    with transaction.atomic():
        Delivery.objects.all().delete()
        people = list(User.objects.order_by("pk").values_list("pk", flat=True))
        for index, zone in enumerate(ZONES):
            User.objects.filter(pk__in=people[index :: len(ZONES)]).update(
                time_zone=zone, digest_frequency=User.DigestFrequency.WEEKLY, is_active=True
            )
        agreed = list(
            Priority.objects.filter(status__in=AGREED_STATUSES).values_list("pk", flat=True)
        )
        Priority.objects.filter(pk__in=rng.sample(agreed, min(8, len(agreed)))).update(
            status_changed_at=mid_week
        )
        updates = list(ProgressUpdate.objects.values_list("pk", flat=True))
        ProgressUpdate.objects.filter(pk__in=rng.sample(updates, min(12, len(updates)))).update(
            created_at=mid_week
        )
        active = list(
            Organisation.objects.filter(status=Organisation.Status.ACTIVE).values_list(
                "pk", flat=True
            )
        )
        joined = rng.sample(active, min(6, len(active)))
        Organisation.objects.filter(pk__in=joined).update(joined_on=mid_week.date())
        Organisation.objects.filter(pk__in=joined[:1]).update(
            visibility=Organisation.Visibility.HIDDEN
        )
        StrategicSession.objects.filter(title__startswith="Digest bench").delete()
        year = (StrategicSession.objects.aggregate(year=Max("year"))["year"] or at.year) + 1
        for quarter, days in ((1, 9), (2, 23), (3, 37)):
            starts = at + datetime.timedelta(days=days)
            StrategicSession.objects.create(
                title=f"Digest bench session {quarter}",
                year=year,
                quarter=quarter,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=6),
                time_zone="Asia/Jerusalem",
                format=StrategicSession.Format.HYBRID,
                venue_name="Olive Court",
                city="Jerusalem",
                join_url="https://meet.example.org/room",
                status=StrategicSession.Status.OPEN,
                registration_closes_at=starts - datetime.timedelta(days=3),
            )


# --- the SMTP sink ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"{HOST}:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return sink
        except OSError:
            time.sleep(0.1)
    sink.kill()
    raise SystemExit("The SMTP sink did not start.")


# --- the measured phase (child process) -------------------------------------------------------


def _peak_rss_mb() -> float:
    # VmHWM is this process's own high-water mark; ru_maxrss would carry over the peak of the
    # (large, seeding) parent this process was forked from.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    import smtplib

    from django.conf import settings
    from django.utils import timezone

    from alliance.mail import services
    from alliance.mail.models import Delivery
    from members.digests import plan_digests

    at = last_monday_afternoon(timezone.now())
    baseline_rss = _peak_rss_mb()
    cpu_started = time.process_time()
    started = time.perf_counter()
    plan_digests(now=at)
    planned_at = time.perf_counter()
    sent = skipped = failed = 0
    last_pk = 0
    while True:
        ids = list(
            Delivery.objects.filter(
                kind=Delivery.Kind.DIGEST, state=Delivery.State.PENDING, pk__gt=last_pk
            )
            .order_by("pk")
            .values_list("pk", flat=True)[: args.chunk_size]
        )
        if not ids:
            break
        outcome = services.send_deliveries(delivery_ids=ids)
        sent, skipped, failed = (
            sent + outcome.sent,
            skipped + outcome.skipped,
            failed + outcome.failed,
        )
        last_pk = ids[-1]
    finished = time.perf_counter()
    cpu_seconds = time.process_time() - cpu_started
    digest_rss = _peak_rss_mb()

    # The comparison: as many pre-rendered messages, over one plain smtplib connection.
    sample_rows = list(
        Delivery.objects.filter(kind=Delivery.Kind.DIGEST, state=Delivery.State.SENT)
        .select_related("recipient")
        .order_by("pk")[:100]
    )
    from members.digests import build_digest

    prepared = []
    for row in sample_rows:
        message = build_digest(row)
        if message is not None:
            prepared.append(
                (message.from_email, message.to, message.message().as_bytes(linesep="\r\n"))
            )
    count = max(sent, 1)
    plain_started = time.perf_counter()
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT) as connection:
        for index in range(count):
            from_email, to, data = prepared[index % len(prepared)]
            connection.sendmail(from_email, to, data)
    plain_seconds = time.perf_counter() - plain_started

    digest_seconds = finished - started
    digest_rate = sent / digest_seconds if digest_seconds else 0.0
    plain_rate = count / plain_seconds if plain_seconds else 0.0
    return {
        "planned_for": at.isoformat(),
        "members_planned": sent + skipped + failed,
        "sent": sent,
        "skipped_empty": skipped,
        "failed": failed,
        "plan_seconds": round(planned_at - started, 2),
        "seconds": round(digest_seconds, 2),
        "messages_per_second": round(digest_rate, 1),
        # This process's own CPU (not PostgreSQL's or the sink's): steadier than the wall
        # clock on a shared machine.
        "cpu_ms_per_message": round(1000 * cpu_seconds / max(sent, 1), 2),
        "mean_message_bytes": round(sum(len(p[2]) for p in prepared) / max(len(prepared), 1)),
        "peak_rss_mb_before": round(baseline_rss, 1),
        "peak_rss_mb": round(digest_rss, 1),
        "plain_smtplib_messages_per_second": round(plain_rate, 1),
        "ratio_to_plain_smtplib": round(digest_rate / plain_rate, 3) if plain_rate else None,
    }


# --- the report -------------------------------------------------------------------------------


def markdown(report: dict[str, Any]) -> str:
    """The short summary of bench/results/digest-latest.md."""
    r = report["results"]
    setup = report["setup"]
    return "\n".join(
        [
            "# Digest benchmark: latest run",
            "",
            f"{report['finished_at']} · {setup['members']} members · chunks of "
            f"{setup['chunk_size']} · {setup['cpus']} CPUs · load average "
            f"{setup['load_average_1min_before']} before the run · SMTP sink: aiosmtpd Sink "
            "on the loopback address.",
            "",
            "| figure | value |",
            "| --- | ---: |",
            f"| digests sent | {r['sent']} |",
            f"| empty digests skipped | {r['skipped_empty']} |",
            f"| failed | {r['failed']} |",
            f"| planning (s) | {r['plan_seconds']} |",
            f"| planning + building + sending (s) | {r['seconds']} |",
            f"| digests per second | {r['messages_per_second']} |",
            f"| CPU of the sending process per digest (ms) | {r['cpu_ms_per_message']} |",
            f"| peak memory (RSS, MB) | {r['peak_rss_mb']} (after start-up: "
            f"{r['peak_rss_mb_before']}) |",
            f"| pre-rendered over one smtplib connection (msg/s) | "
            f"{r['plain_smtplib_messages_per_second']} |",
            f"| ratio digests ÷ plain smtplib | {r['ratio_to_plain_smtplib']} |",
            f"| mean message size (bytes) | {r['mean_message_bytes']} |",
            "",
            "The digests go through the real planner, permission-filtered content queries, "
            "templates in each member's language and the ledger's claim/mark cycle; the plain "
            "figure only pushes bytes, so the ratio is the cost of everything but the wire.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure:
        os.environ.update(environment(args, args.smtp_port))
        sys.path.insert(0, str(ROOT))
        print("BENCH_JSON " + json.dumps(measure(args)))
        return 0

    os.environ.update(environment(args))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone

    at = last_monday_afternoon(timezone.now())
    seed_seconds = prepare_database(args, at)
    port = free_port()
    load_before = os.getloadavg()[0]
    sink = start_sink(port)
    try:
        print(f"Building and sending {args.members} digests to the SMTP sink on port {port}…")
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.digest",
                "--measure",
                f"--smtp-port={port}",
                f"--database-url={args.database_url}",
                f"--redis-url={args.redis_url}",
                f"--chunk-size={args.chunk_size}",
                f"--members={args.members}",
            ],
            cwd=ROOT,
            env={**os.environ, **environment(args, port)},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        sink.terminate()
        try:
            sink.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sink.kill()
    if child.returncode != 0:
        raise SystemExit(f"The measured phase failed:\n{child.stdout}\n{child.stderr}")
    line = next((x for x in child.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"The measured phase printed no figures:\n{child.stdout}\n{child.stderr}")
    results = json.loads(line.removeprefix("BENCH_JSON "))
    report = {
        "finished_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "setup": {
            "members": args.members,
            "chunk_size": args.chunk_size,
            "seed_seconds": round(seed_seconds, 1),
            "cpus": os.cpu_count(),
            "load_average_1min_before": round(load_before, 2),
            "python": platform.python_version(),
            "django": django.get_version(),
        },
        "results": results,
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = report["finished_at"].replace("-", "").replace(":", "")
    path = args.results_dir / f"digest-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    (args.results_dir / "digest-latest.md").write_text(markdown(report))
    print(markdown(report))
    print(f"Wrote {path} and {args.results_dir / 'digest-latest.md'}")
    return 0 if results["failed"] == 0 and results["sent"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
