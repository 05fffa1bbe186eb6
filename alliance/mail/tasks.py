"""Celery tasks of the delivery ledger: thin wrappers around alliance.mail.services."""

from celery import Task, shared_task
from django.conf import settings

from alliance.mail import services


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=services.TRANSIENT_ERRORS,
    # Exponential backoff with full jitter, capped well below the broker's visibility timeout
    # (a countdown longer than that would make Redis hand the task to a second worker).
    retry_backoff=settings.MAIL_RETRY_BACKOFF,
    retry_backoff_max=settings.MAIL_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.MAIL_MAX_RETRIES,
)
def send_deliveries_task(self: Task, delivery_ids: list[int]) -> dict[str, int]:
    """Send one chunk of ledger rows; transient errors retry, the last attempt gives up."""
    # Permanent refusals never reach here: the service marks those rows failed and goes on.
    outcome = services.send_deliveries(
        delivery_ids=delivery_ids,
        give_up_on_transient_error=self.request.retries >= self.max_retries,
    )
    return {"sent": outcome.sent, "failed": outcome.failed, "skipped": outcome.skipped}


@shared_task(acks_late=True)
def dispatch_due_deliveries_task() -> int:
    """The beat tick: plan what has become due and fan due rows out in chunks."""
    return services.dispatch_due_deliveries()
