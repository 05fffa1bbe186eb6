"""manage.py send_digests: plan and send the digests due now (the beat tick does the same).

With --dry-run nothing is planned or sent: it reports, for every person who wants a digest,
which digest they get next and what it holds, with a progress bar when run in a terminal.
"""

import sys
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from tqdm import tqdm

from alliance.mail.models import Delivery
from alliance.mail.services import dispatch_due_deliveries
from members.digests import get_next_digest, list_digest_recipients, plan_digests

_SECTIONS = ("sessions", "notes", "priorities", "progress_updates", "organisations")


class Command(BaseCommand):
    help = "Plan and send the digests that are due now; --dry-run reports who would get what."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Report who would get what; send nothing."
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        if dry_run:
            self._dry_run()
            return
        now = timezone.now()
        before = Delivery.objects.filter(kind=Delivery.Kind.DIGEST).count()
        plan_digests(now=now)
        planned = Delivery.objects.filter(kind=Delivery.Kind.DIGEST).count() - before
        chunks = dispatch_due_deliveries(now=now)
        self.stdout.write(
            f"Planned {planned} digests; queued {chunks} chunks of due email for sending."
        )

    def _dry_run(self) -> None:
        now = timezone.now()
        people = list_digest_recipients().order_by("email")
        total = people.count()
        totals: Counter = Counter()
        would_send = empty = 0
        progress = tqdm(
            people.iterator(chunk_size=500),
            total=total,
            unit="member",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
        )
        for person in progress:
            upcoming = get_next_digest(user=person, now=now)
            if upcoming is None:
                continue
            period, content = upcoming
            counts = content.counts()
            if content.is_empty:
                empty += 1
                line = f"{person.email}\t{period.key}\tempty: not sent"
            else:
                would_send += 1
                totals.update(counts)
                described = ", ".join(f"{counts[name]} {name}" for name in _SECTIONS)
                due = f"{period.until:%Y-%m-%d %H:%M} {person.time_zone}"
                line = f"{person.email}\t{period.key}\tdue {due}\t{described}"
            # Lines printed above the bar, which stays at the bottom of the terminal.
            with tqdm.external_write_mode(file=sys.stderr):
                self.stdout.write(line)
        summary = ", ".join(f"{totals[name]} {name}" for name in _SECTIONS)
        self.stdout.write(
            f"Dry run: {would_send} of {total} people would get a digest ({summary}); "
            f"{empty} would get none (nothing new). Nothing was planned or sent."
        )
