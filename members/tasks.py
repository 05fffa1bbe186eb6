"""Celery tasks of the members app: thin wrappers taking IDs, calling members.services."""

import smtplib

from celery import shared_task

from members import services

# Worth another try: the mail server or the network was briefly unavailable.
TRANSIENT_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=6,
)
def send_invitation_email_task(invitation_id: int) -> bool:
    """Send one invitation's email (once, however often the task runs)."""
    return services.send_invitation_email(invitation_id=invitation_id)
