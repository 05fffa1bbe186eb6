"""A test-only kind of bulk email, so the ledger is proven before reminders and digests exist.

Test workers import this module (celery worker --include), which registers the kind there;
the tests register it in their own process through the `notice_kind` fixture.
"""

from django.conf import settings
from django.core.mail import EmailMessage

from alliance.mail.models import Delivery
from alliance.mail.registry import MailingList, register_kind, unregister_kind
from alliance.mail.services import build_delivery_email

NOTICE_KIND = "test_notice"


def build_notice(delivery: Delivery) -> EmailMessage:
    """A plain notice to the recipient, through the same templates and helper as real kinds."""
    return build_delivery_email(
        delivery=delivery,
        template_prefix="mail/email/notice",
        context={
            "title": f"Notice {delivery.subject_key}",
            "body": f"This is delivery {delivery.pk}.",
            "action_url": f"{settings.SITE_URL}/",
            "action_label": "Open Alliance Hub",
        },
    )


def register() -> None:
    """Register the test kind (a bulk kind on the digest list)."""
    register_kind(NOTICE_KIND, build_notice, mailing_list=MailingList.DIGEST)


def unregister() -> None:
    unregister_kind(NOTICE_KIND)


register()
