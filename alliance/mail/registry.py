"""What the ledger knows about each kind of email, and who plans rows on each tick.

An app plugs a new bulk email in with two calls, usually from its AppConfig.ready():

    register_kind(Delivery.Kind.SESSION_REMINDER, build_session_reminder, mailing_list=REMINDERS)
    register_planner(plan_session_reminders)

A builder turns one claimed Delivery into an EmailMessage, or None for "nothing to send" (the row
is then marked skipped). A planner runs at the start of every tick and inserts the rows that have
become due with services.plan_deliveries(); it must be cheap and idempotent.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.mail import EmailMessage
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from alliance.mail.models import Delivery

logger = logging.getLogger(__name__)


class MailingList(models.TextChoices):
    """The lists a person can leave with one click; each maps to a preference on User."""

    DIGEST = "digest", _("Email digest")
    REMINDERS = "reminders", _("Session reminders")


MessageBuilder = Callable[["Delivery"], EmailMessage | None]
Planner = Callable[..., object]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    builder: MessageBuilder
    # Bulk kinds belong to a list: their messages carry List-Unsubscribe headers, and a row
    # whose recipient has left the list is skipped rather than sent.
    mailing_list: MailingList | None


_KINDS: dict[str, KindSpec] = {}
_PLANNERS: dict[str, Planner] = {}


def register_kind(
    kind: str, builder: MessageBuilder, *, mailing_list: MailingList | None = None
) -> None:
    """Tell the ledger how to build the message for one kind of delivery."""
    _KINDS[str(kind)] = KindSpec(kind=str(kind), builder=builder, mailing_list=mailing_list)


def unregister_kind(kind: str) -> None:
    """Forget a kind (tests register their own and clean up)."""
    _KINDS.pop(str(kind), None)


def get_kind(kind: str) -> KindSpec | None:
    """The registered spec of a kind, or None when no app has registered it."""
    return _KINDS.get(str(kind))


def register_planner(planner: Planner, *, name: str | None = None) -> None:
    """Run `planner(now=...)` at the start of every dispatch tick."""
    _PLANNERS[name or f"{planner.__module__}.{planner.__qualname__}"] = planner


def unregister_planner(name: str) -> None:
    """Forget a planner by the name it was registered under."""
    _PLANNERS.pop(name, None)


def list_planners() -> list[tuple[str, Planner]]:
    """Every registered planner with its name, in registration order."""
    return list(_PLANNERS.items())


def run_planners(*, now: datetime) -> None:
    """Call every planner; one that fails is logged and does not stop the others or the tick."""
    for name, planner in list_planners():
        try:
            planner(now=now)
        except Exception:
            logger.exception("Delivery planner %s failed", name)
