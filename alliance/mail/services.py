"""Every state change of the delivery ledger goes through a function here.

A row's life: planned (pending) -> claimed (sending) -> sent | failed | skipped. A row is claimed
in one short transaction before its message goes out, and marked right after the SMTP server
accepted it, so a second tick, a redelivered task or two workers at once cannot send it twice.
A row left "sending" by a crashed worker is claimed again once MAIL_CLAIM_TIMEOUT has passed:
only a message in flight at the very instant of a crash can ever go out twice.
"""

import logging
import smtplib
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from alliance.emails import render_email
from alliance.mail.models import Delivery
from alliance.mail.registry import MailingList, get_kind, run_planners
from alliance.mail.unsubscribe import get_unsubscribe_url, is_subscribed
from members.models import User

logger = logging.getLogger(__name__)

# What a retry may cure: SMTP replies other than a permanent refusal, and the network.
# (smtplib.SMTPException, ConnectionError and TimeoutError are all OSError subclasses.)
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)

_MAX_ERROR_LENGTH = 2000
T = TypeVar("T")


@dataclass
class ChunkOutcome:
    """How the rows of one chunk ended."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _claim_timeout() -> timedelta:
    return timedelta(seconds=settings.MAIL_CLAIM_TIMEOUT)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:_MAX_ERROR_LENGTH]


def is_permanent_failure(error: BaseException) -> bool:
    """A refusal no retry can cure: a 5xx reply about this message or all its recipients."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def plan_deliveries(
    *,
    kind: str,
    subject_key: str,
    recipient_ids: Iterable[int],
    subject: models.Model | None = None,
    batch_size: int = 1000,
) -> None:
    """Add a pending row for each recipient that has none yet for this kind and subject."""
    content_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    object_id = subject.pk if subject is not None else None
    for batch in _batched(recipient_ids, batch_size):
        Delivery.objects.bulk_create(
            [
                Delivery(
                    recipient_id=recipient_id,
                    kind=kind,
                    subject_key=subject_key,
                    content_type=content_type,
                    object_id=object_id,
                )
                for recipient_id in batch
            ],
            # ON CONFLICT DO NOTHING on the unique constraint: planning twice plans once.
            ignore_conflicts=True,
        )


def _claimable(now: datetime) -> Q:
    return Q(state=Delivery.State.PENDING) | Q(
        state=Delivery.State.SENDING, claimed_at__lt=now - _claim_timeout()
    )


def claim_deliveries(*, delivery_ids: Sequence[int], now: datetime | None = None) -> list[Delivery]:
    """Take the rows among `delivery_ids` that nobody holds; they come back in state sending.

    Rows locked by another worker right now are skipped (SKIP LOCKED), and so are rows another
    worker claimed within the claim timeout, rows already sent, failed or skipped.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed_ids = list(
            Delivery.objects.filter(_claimable(now), pk__in=list(delivery_ids))
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if not claimed_ids:
            return []
        Delivery.objects.filter(pk__in=claimed_ids).update(
            state=Delivery.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(
        Delivery.objects.filter(pk__in=claimed_ids).select_related("recipient").order_by("pk")
    )


def _held(delivery: Delivery) -> QuerySet[Delivery]:
    # The claim itself is the token: a row reclaimed by another worker after the timeout has a
    # newer claimed_at, and this worker's late verdict must not overwrite that worker's.
    return Delivery.objects.filter(
        pk=delivery.pk, state=Delivery.State.SENDING, claimed_at=delivery.claimed_at
    )


def mark_sent(*, delivery: Delivery) -> bool:
    """Record that the SMTP server accepted the message; False if the claim was lost."""
    updated = _held(delivery).update(
        state=Delivery.State.SENT, sent_at=timezone.now(), last_error=""
    )
    if not updated:
        logger.warning("Delivery %s was sent but its claim had been taken over", delivery.pk)
    return bool(updated)


def mark_failed(*, delivery: Delivery, error: BaseException | str) -> bool:
    """Give up on a row, keeping the error for the admin; False if the claim was lost."""
    text = error if isinstance(error, str) else _describe(error)
    return bool(_held(delivery).update(state=Delivery.State.FAILED, last_error=text))


def mark_skipped(*, delivery: Delivery, reason: str) -> bool:
    """Close a row that has nothing to send (person left the list, builder said None)."""
    return bool(_held(delivery).update(state=Delivery.State.SKIPPED, last_error=reason))


def release_deliveries(*, deliveries: Sequence[Delivery], error: BaseException) -> int:
    """Hand claimed rows back (pending) after a transient error, for the retry to claim."""
    released = 0
    by_claim: dict[datetime | None, list[int]] = {}
    for delivery in deliveries:
        by_claim.setdefault(delivery.claimed_at, []).append(delivery.pk)
    for claimed_at, ids in by_claim.items():
        released += Delivery.objects.filter(
            pk__in=ids, state=Delivery.State.SENDING, claimed_at=claimed_at
        ).update(
            state=Delivery.State.PENDING,
            claimed_at=None,
            # The retry is the row's queued task now; ticks leave the row to it for a while.
            dispatched_at=timezone.now(),
            last_error=_describe(error),
        )
    return released


def resend_deliveries(*, delivery_ids: Iterable[int]) -> int:
    """Put failed rows back in the queue; the next tick sends them. Returns how many."""
    return Delivery.objects.filter(pk__in=list(delivery_ids), state=Delivery.State.FAILED).update(
        state=Delivery.State.PENDING, claimed_at=None, dispatched_at=None
    )


def _message_id(delivery: Delivery) -> str:
    # Stable per row: the rare copy sent again after a crash carries the same Message-ID, so
    # mail servers and clients can recognise it as the same message.
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<delivery.{delivery.pk}.{delivery.kind}@{domain}>"


def build_delivery_email(
    *, delivery: Delivery, template_prefix: str, context: dict[str, Any]
) -> EmailMessage:
    """The usual builder body: templates rendered in the recipient's language, to them."""
    recipient = delivery.recipient
    spec = get_kind(delivery.kind)
    unsubscribe_url = (
        get_unsubscribe_url(user=recipient, mailing_list=spec.mailing_list)
        if spec is not None and spec.mailing_list is not None
        else None
    )
    return render_email(
        template_prefix=template_prefix,
        context={"recipient": recipient, "recipient_name": recipient.get_short_name(), **context},
        to=[recipient.email],
        language=recipient.preferred_language,
        unsubscribe_url=unsubscribe_url,
    )


def _prepare(delivery: Delivery) -> EmailMessage | str:
    """The message for a claimed row, or the reason there is none (the row is then skipped)."""
    spec = get_kind(delivery.kind)
    if spec is None:
        raise LookupError(f"No message builder is registered for the kind {delivery.kind!r}.")
    recipient = delivery.recipient
    if not recipient.is_active:
        return "The recipient's account is inactive."
    if spec.mailing_list is not None and not is_subscribed(
        user=recipient, mailing_list=spec.mailing_list
    ):
        return f"The recipient has left the {spec.mailing_list} list."
    message = spec.builder(delivery)
    if message is None:
        return "The builder had nothing to send."
    message.extra_headers.setdefault("Message-ID", _message_id(delivery))
    message.extra_headers.setdefault("Auto-Submitted", "auto-generated")
    if spec.mailing_list is not None:
        url = get_unsubscribe_url(user=recipient, mailing_list=MailingList(spec.mailing_list))
        message.extra_headers["List-Unsubscribe"] = f"<{url}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # the server may already have hung up; the chunk's verdicts stand
        logger.warning("Closing the SMTP connection failed", exc_info=True)


def send_deliveries(
    *, delivery_ids: Sequence[int], give_up_on_transient_error: bool = False
) -> ChunkOutcome:
    """Claim these rows and send their messages over one SMTP connection, row by row.

    Each row is marked the moment its message is accepted (or refused for good). On a transient
    SMTP or network error the rows not yet sent are released and the error is raised for the
    task to retry; with `give_up_on_transient_error` (the last retry) they are marked failed.
    """
    outcome = ChunkOutcome()
    remaining = deque(claim_deliveries(delivery_ids=delivery_ids))
    connection = None
    try:
        while remaining:
            delivery = remaining[0]
            try:
                prepared = _prepare(delivery)
            except Exception as error:
                # A builder bug or bad data: retrying will not fix it; the admin sees the error.
                logger.exception("Building the message for delivery %s failed", delivery.pk)
                mark_failed(delivery=delivery, error=error)
                outcome.failed += 1
                remaining.popleft()
                continue
            if isinstance(prepared, str):
                mark_skipped(delivery=delivery, reason=prepared)
                outcome.skipped += 1
                remaining.popleft()
                continue
            if connection is None:
                connection = get_connection(fail_silently=False)
                connection.open()
            try:
                connection.send_messages([prepared])
            except TRANSIENT_ERRORS as error:
                if not is_permanent_failure(error):
                    raise
                mark_failed(delivery=delivery, error=error)
                outcome.failed += 1
            except Exception as error:  # a malformed message: retrying will not fix it
                logger.exception("Delivery %s could not be sent", delivery.pk)
                mark_failed(delivery=delivery, error=error)
                outcome.failed += 1
            else:
                mark_sent(delivery=delivery)
                outcome.sent += 1
            remaining.popleft()
    except TRANSIENT_ERRORS as error:
        if not give_up_on_transient_error:
            release_deliveries(deliveries=list(remaining), error=error)
            raise
        for delivery in remaining:
            mark_failed(delivery=delivery, error=error)
            outcome.failed += 1
    finally:
        if connection is not None:
            _close_quietly(connection)
    return outcome


def _dispatchable(now: datetime) -> Q:
    stale = now - _claim_timeout()
    return _claimable(now) & (Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale))


def dispatch_due_deliveries(*, now: datetime | None = None, chunk_size: int | None = None) -> int:
    """Run the planners, then queue one send task per chunk of due rows; returns the chunks.

    Due rows are pending ones not queued within the claim timeout, and "sending" ones whose
    claim has gone stale (their worker died). Memory stays bounded: the ids are read and
    queued one chunk at a time, walking the primary key.
    """
    from alliance.mail.tasks import send_deliveries_task

    now = now or timezone.now()
    chunk_size = chunk_size or settings.MAIL_CHUNK_SIZE
    run_planners(now=now)
    chunks = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            ids = list(
                Delivery.objects.filter(_dispatchable(now), pk__gt=last_pk)
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:chunk_size]
            )
            if not ids:
                return chunks
            Delivery.objects.filter(pk__in=ids).update(dispatched_at=now)
            # Queued after commit: the worker must see dispatched_at, and nothing is queued for
            # a batch whose transaction rolled back.
            send_deliveries_task.delay_on_commit(ids)
        chunks += 1
        last_pk = ids[-1]


def unsubscribe(*, user: User, mailing_list: MailingList) -> bool:
    """Take a person off a list; True if that changed anything (twice is harmless)."""
    people = User.objects.filter(pk=user.pk)
    if mailing_list == MailingList.DIGEST:
        changed = people.exclude(digest_frequency=User.DigestFrequency.OFF).update(
            digest_frequency=User.DigestFrequency.OFF
        )
    else:
        changed = people.exclude(session_reminders=False).update(session_reminders=False)
    return bool(changed)
