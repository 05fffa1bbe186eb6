"""`manage.py seed_demo`: load the demo data, idempotently, and print the demo logins."""

from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meetings.demo import seed_meetings
from members.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_members
from priorities.demo import seed_priorities


class Command(BaseCommand):
    help = (
        "Load fictional demo data (organisations, people, sessions, notes) and the demo logins."
        " Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--allow-public-site",
            action="store_true",
            help="Seed even though SITE_URL is https and DEBUG is off (a public demo site).",
        )

    def handle(self, *args: object, allow_public_site: bool = False, **options: object) -> None:
        # The demo admin's password and TOTP secret are public: refuse what looks like production.
        if (
            settings.SITE_URL.startswith("https://")
            and not settings.DEBUG
            and not allow_public_site
        ):
            raise CommandError(
                "This looks like a production site (SITE_URL is https and DEBUG is off); the demo"
                " logins have published passwords. Pass --allow-public-site for a public demo."
            )
        with transaction.atomic():
            members = seed_members()
            sessions = seed_meetings()
            themes = seed_priorities()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(members.organisations)} organisations,"
                f" {len(members.people)} people in them, {len(members.accounts)} demo logins,"
                f" {len(members.invitations)} pending invitations,"
                f" {len(sessions)} sessions, {len(themes)} themes."
            )
        )
        self.stdout.write("")
        self.stdout.write("Demo logins (all with the same password):")
        width = max(len(account.email) for account in DEMO_ACCOUNTS)
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:<{width}}  {account.role}")
        self.stdout.write(f"Password:    {DEMO_PASSWORD}")
        self.stdout.write(
            f"TOTP secret: {DEMO_TOTP_SECRET}  (staff and admin; add it to an authenticator app)"
        )
