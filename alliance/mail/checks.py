"""System checks that keep the ledger's timing promises true in every deployment."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.compatibility)
def check_mail_timing(**kwargs: object) -> list[CheckMessage]:
    """The claim timeout outlives a task; retries wait well less than the visibility timeout."""
    problems: list[CheckMessage] = []
    if settings.MAIL_CLAIM_TIMEOUT <= settings.CELERY_TASK_TIME_LIMIT:
        problems.append(
            Error(
                "MAIL_CLAIM_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT.",
                hint="Otherwise a row may be claimed again while its first worker still sends it.",
                id="mail.E001",
            )
        )
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    if visibility < settings.MAIL_RETRY_BACKOFF_MAX * 2:
        problems.append(
            Error(
                "MAIL_RETRY_BACKOFF_MAX must stay well below CELERY_VISIBILITY_TIMEOUT.",
                hint="A retry countdown near the visibility timeout makes Redis redeliver it.",
                id="mail.E002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_site_url_is_https(**kwargs: object) -> list[CheckMessage]:
    """One-click unsubscribe (RFC 8058) needs an https link."""
    if not settings.SITE_URL.startswith("https://"):
        return [
            Warning(
                "SITE_URL is not https; mail providers ignore a plain-http List-Unsubscribe.",
                id="mail.W001",
            )
        ]
    return []
