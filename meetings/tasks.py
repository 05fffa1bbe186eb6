"""Celery tasks for meetings: thin wrappers that take IDs and call a service."""

import smtplib

from celery import shared_task

from meetings.services import send_registration_email

# Transient failures worth another try; anything else is a bug and should surface.
_TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(
    acks_late=True,
    autoretry_for=_TRANSIENT,
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
)
def send_registration_email_task(registration_id: int, kind: str) -> bool:
    """Send one registration email (confirmed, waitlisted, promoted, cancelled...)."""
    return send_registration_email(registration_id=registration_id, kind=kind)
