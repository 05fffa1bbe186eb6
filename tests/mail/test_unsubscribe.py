"""One-click unsubscribe (RFC 8058): no login, no CSRF token, idempotent, GET only asks."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from alliance.mail import services
from alliance.mail.models import Delivery
from alliance.mail.registry import MailingList
from alliance.mail.unsubscribe import (
    get_unsubscribe_url,
    make_unsubscribe_token,
    read_unsubscribe_token,
)
from members.invitations import make_invitation_token
from members.models import User
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _url(user: User, mailing_list: MailingList) -> str:
    return reverse(
        "mail:unsubscribe", args=[make_unsubscribe_token(user=user, mailing_list=mailing_list)]
    )


def _mail_client() -> Client:
    """What a mail provider's one-click POST looks like: no session, no CSRF cookie or token."""
    return Client(enforce_csrf_checks=True)


def test_one_click_post_turns_the_digest_off_without_login() -> None:
    user = UserFactory(digest_frequency=User.DigestFrequency.WEEKLY)

    response = _mail_client().post(_url(user, MailingList.DIGEST), ONE_CLICK)

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.digest_frequency == User.DigestFrequency.OFF
    assert user.session_reminders is True, "only the named list is left"


def test_one_click_post_turns_session_reminders_off() -> None:
    user = UserFactory(session_reminders=True)

    _mail_client().post(_url(user, MailingList.REMINDERS), ONE_CLICK)

    user.refresh_from_db()
    assert user.session_reminders is False
    assert user.digest_frequency == User.DigestFrequency.WEEKLY


def test_unsubscribing_twice_is_harmless() -> None:
    user = UserFactory()
    url = _url(user, MailingList.DIGEST)

    first = _mail_client().post(url, ONE_CLICK)
    second = _mail_client().post(url, ONE_CLICK)

    assert first.status_code == second.status_code == 200
    user.refresh_from_db()
    assert user.digest_frequency == User.DigestFrequency.OFF
    assert services.unsubscribe(user=user, mailing_list=MailingList.DIGEST) is False


def test_get_only_asks_for_confirmation_so_link_scanners_change_nothing() -> None:
    user = UserFactory(preferred_language="en")

    response = Client().get(_url(user, MailingList.DIGEST))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Yes, unsubscribe me" in page
    assert 'method="post"' in page
    user.refresh_from_db()
    assert user.digest_frequency == User.DigestFrequency.WEEKLY


def test_the_confirmation_page_speaks_the_recipients_language() -> None:
    user = UserFactory(preferred_language="ar")
    response = Client().get(_url(user, MailingList.DIGEST))
    assert 'lang="ar" dir="rtl"' in response.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "eyJ1IjoxLCJsIjoiZGlnZXN0In0:forgedsignature",
    ],
)
def test_a_forged_token_changes_nothing(token: str) -> None:
    user = UserFactory()
    response = _mail_client().post(reverse("mail:unsubscribe", args=[token]), ONE_CLICK)
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.digest_frequency == User.DigestFrequency.WEEKLY


def test_a_token_signed_for_something_else_is_refused() -> None:
    invitation_token = make_invitation_token(InvitationFactory())
    assert read_unsubscribe_token(invitation_token) is None


def test_a_token_for_a_deleted_person_is_refused() -> None:
    user = UserFactory()
    token = make_unsubscribe_token(user=user, mailing_list=MailingList.DIGEST)
    user.delete()
    assert read_unsubscribe_token(token) is None


def test_other_methods_are_refused() -> None:
    user = UserFactory()
    assert _mail_client().put(_url(user, MailingList.DIGEST)).status_code == 405


def test_the_header_of_a_sent_message_unsubscribes_and_later_rows_are_skipped(
    notice_kind: str, settings
) -> None:
    settings.SITE_URL = "https://hub.example.org"
    user = UserFactory()
    services.plan_deliveries(kind=notice_kind, subject_key="week:1", recipient_ids=[user.pk])
    services.send_deliveries(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    (message,) = mail.outbox
    header_url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert header_url == get_unsubscribe_url(user=user, mailing_list=MailingList.DIGEST)

    response = _mail_client().post(header_url.removeprefix("https://hub.example.org"), ONE_CLICK)
    assert response.status_code == 200

    services.plan_deliveries(kind=notice_kind, subject_key="week:2", recipient_ids=[user.pk])
    later = Delivery.objects.get(subject_key="week:2")
    services.send_deliveries(delivery_ids=[later.pk])
    later.refresh_from_db()
    assert later.state == Delivery.State.SKIPPED
    assert len(mail.outbox) == 1
