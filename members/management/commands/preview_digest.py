"""manage.py preview_digest EMAIL: print the digest a member gets next, as it would be sent."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.digests import get_next_digest, render_digest
from members.models import User


class Command(BaseCommand):
    help = "Print a member's next digest (plain text; --html for the HTML part)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The member's email address.")
        parser.add_argument("--html", action="store_true", help="Print the HTML part instead.")

    def handle(self, *args: Any, email: str, html: bool, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Nobody has the address {email}.")
        upcoming = get_next_digest(user=user)
        if upcoming is None:
            self.stdout.write(f"{user.email} has turned the digest off.")
            return
        period, content = upcoming
        local_due = period.until.astimezone(period.until.tzinfo)
        self.stdout.write(
            f"Next digest for {user.email}: {period.key}, due {local_due:%Y-%m-%d %H:%M} "
            f"{user.time_zone}, covering {period.since:%Y-%m-%d %H:%M} to "
            f"{period.until:%Y-%m-%d %H:%M}."
        )
        if content.is_empty:
            self.stdout.write("Nothing new for this member so far: an empty digest is not sent.")
            return
        message = render_digest(user=user, content=content)
        self.stdout.write(f"Subject: {message.subject}\nTo: {', '.join(message.to)}\n")
        if html:
            for body, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    self.stdout.write(body)
        else:
            self.stdout.write(message.body)
