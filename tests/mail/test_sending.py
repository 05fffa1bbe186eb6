"""Sending a chunk in this process, through Django's real SMTP backend to a real SMTP server."""

import smtplib
from collections.abc import Iterator

import pytest
from django.core import mail

from alliance.mail import services
from alliance.mail.models import Delivery
from alliance.mail.registry import MailingList, register_kind, unregister_kind
from alliance.mail.tasks import send_deliveries_task
from members.models import User
from tests.factories import UserFactory
from tests.support.smtp import SMTPServer

pytestmark = pytest.mark.django_db


def _plan(kind: str, count: int, **user_fields: object) -> list[Delivery]:
    users = UserFactory.create_batch(count, **user_fields)
    services.plan_deliveries(kind=kind, subject_key="notice:1", recipient_ids=[u.pk for u in users])
    return list(Delivery.objects.filter(kind=kind).order_by("pk"))


def _ids(rows: list[Delivery]) -> list[int]:
    return [row.pk for row in rows]


def test_a_chunk_goes_out_over_one_smtp_connection(
    notice_kind: str, smtp_settings: SMTPServer
) -> None:
    rows = _plan(notice_kind, 6)

    outcome = services.send_deliveries(delivery_ids=_ids(rows))

    assert outcome.sent == 6
    assert smtp_settings.handler.connections() == 1
    assert sorted(smtp_settings.handler.recipients()) == sorted(r.recipient.email for r in rows)
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
    assert all(row.sent_at for row in Delivery.objects.all())


def test_bulk_messages_carry_one_click_unsubscribe_and_a_stable_message_id(
    notice_kind: str, smtp_settings: SMTPServer, settings
) -> None:
    settings.SITE_URL = "https://hub.example.org"
    (row,) = _plan(notice_kind, 1)

    services.send_deliveries(delivery_ids=[row.pk])

    (received,) = smtp_settings.handler.messages
    message = received.message
    assert (
        message["List-Unsubscribe"].strip().startswith("<https://hub.example.org/mail/unsubscribe/")
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] == f"<delivery.{row.pk}.{notice_kind}@hub.example.org>"
    assert message["Auto-Submitted"] == "auto-generated"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "https://hub.example.org/mail/unsubscribe/" in html


def test_a_message_without_a_list_carries_no_unsubscribe_header(smtp_settings: SMTPServer) -> None:
    register_kind("test_plain", lambda d: mail.EmailMessage("Hi", "Body", to=[d.recipient.email]))
    try:
        (row,) = _plan("test_plain", 1)
        services.send_deliveries(delivery_ids=[row.pk])
    finally:
        unregister_kind("test_plain")
    (received,) = smtp_settings.handler.messages
    assert received.message["List-Unsubscribe"] is None


def test_a_permanent_refusal_fails_that_row_and_the_chunk_goes_on(
    notice_kind: str, smtp_settings: SMTPServer
) -> None:
    rows = _plan(notice_kind, 3)
    smtp_settings.handler.reject_recipients.add(rows[1].recipient.email)

    outcome = services.send_deliveries(delivery_ids=_ids(rows))

    assert (outcome.sent, outcome.failed) == (2, 1)
    refused = Delivery.objects.get(pk=rows[1].pk)
    assert refused.state == Delivery.State.FAILED
    assert "SMTPRecipientsRefused" in refused.last_error
    assert "550" in refused.last_error


def test_a_transient_refusal_releases_the_unsent_rows_and_raises_for_a_retry(
    notice_kind: str, smtp_settings: SMTPServer
) -> None:
    rows = _plan(notice_kind, 3)
    smtp_settings.handler.refuse_next = 1

    with pytest.raises(smtplib.SMTPDataError):
        services.send_deliveries(delivery_ids=_ids(rows))

    assert (
        list(Delivery.objects.order_by("pk").values_list("state", flat=True))
        == [Delivery.State.PENDING] * 3
    )
    assert "451" in Delivery.objects.first().last_error

    outcome = services.send_deliveries(delivery_ids=_ids(rows))
    assert outcome.sent == 3
    assert len(smtp_settings.handler.messages) == 3
    assert Delivery.objects.first().last_error == ""


def test_the_last_attempt_gives_up_into_failed_with_the_error(
    notice_kind: str, smtp_settings: SMTPServer
) -> None:
    rows = _plan(notice_kind, 2)
    smtp_settings.handler.refuse_next = 10

    outcome = services.send_deliveries(delivery_ids=_ids(rows), give_up_on_transient_error=True)

    assert outcome.failed == 2
    for row in Delivery.objects.all():
        assert row.state == Delivery.State.FAILED
        assert "451" in row.last_error


def test_an_unreachable_server_is_a_transient_error(notice_kind: str, settings) -> None:
    from tests.support.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    rows = _plan(notice_kind, 2)

    with pytest.raises(ConnectionRefusedError):
        services.send_deliveries(delivery_ids=_ids(rows))
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.PENDING}
    assert "ConnectionRefusedError" in Delivery.objects.first().last_error


@pytest.fixture
def eager_retries() -> Iterator[None]:
    """Let apply() run a task's retries in this process instead of raising the first Retry."""
    from alliance.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


@pytest.mark.usefixtures("eager_retries")
def test_the_task_retries_transient_errors_then_succeeds(
    notice_kind: str, smtp_settings: SMTPServer
) -> None:
    # In this process apply() runs the retries at once; the worker tests show real backoff.
    rows = _plan(notice_kind, 2)
    smtp_settings.handler.refuse_next = 2

    send_deliveries_task.apply(args=(_ids(rows),), throw=False)

    assert smtp_settings.handler.refused == 2
    assert sorted(smtp_settings.handler.recipients()) == sorted(r.recipient.email for r in rows)
    assert {row.attempts for row in Delivery.objects.all()} == {3}


@pytest.mark.usefixtures("eager_retries")
def test_the_task_gives_up_into_failed_after_its_retries(
    notice_kind: str, smtp_settings: SMTPServer
) -> None:
    rows = _plan(notice_kind, 1)
    smtp_settings.handler.refuse_next = 100

    result = send_deliveries_task.apply(args=(_ids(rows),), throw=False)

    assert result.successful(), "giving up is an outcome, not a crash of the task"
    row = Delivery.objects.get()
    assert row.state == Delivery.State.FAILED
    assert row.attempts == send_deliveries_task.max_retries + 1
    assert "SMTPDataError" in row.last_error


def test_a_person_who_left_the_list_is_skipped(notice_kind: str) -> None:
    rows = _plan(notice_kind, 1, digest_frequency=User.DigestFrequency.OFF)

    outcome = services.send_deliveries(delivery_ids=_ids(rows))

    assert outcome.skipped == 1
    assert mail.outbox == []
    row = Delivery.objects.get()
    assert row.state == Delivery.State.SKIPPED
    assert MailingList.DIGEST in row.last_error


def test_an_inactive_account_is_skipped(notice_kind: str) -> None:
    rows = _plan(notice_kind, 1, is_active=False)
    assert services.send_deliveries(delivery_ids=_ids(rows)).skipped == 1
    assert mail.outbox == []


def test_a_builder_with_nothing_to_say_skips_the_row() -> None:
    register_kind("test_nothing", lambda delivery: None)
    try:
        rows = _plan("test_nothing", 2)
        outcome = services.send_deliveries(delivery_ids=_ids(rows))
    finally:
        unregister_kind("test_nothing")
    assert outcome.skipped == 2
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SKIPPED}


def test_a_broken_builder_fails_its_row_visibly_and_others_still_go(notice_kind: str) -> None:
    def broken(delivery: Delivery) -> None:
        raise ValueError("template bug")

    users = UserFactory.create_batch(2)
    services.plan_deliveries(kind="test_broken", subject_key="x", recipient_ids=[users[0].pk])
    services.plan_deliveries(kind=notice_kind, subject_key="x", recipient_ids=[users[1].pk])
    register_kind("test_broken", broken)
    try:
        outcome = services.send_deliveries(
            delivery_ids=list(Delivery.objects.values_list("pk", flat=True))
        )
    finally:
        unregister_kind("test_broken")

    assert (outcome.sent, outcome.failed) == (1, 1)
    broken_row = Delivery.objects.get(kind="test_broken")
    assert broken_row.state == Delivery.State.FAILED
    assert broken_row.last_error == "ValueError: template bug"
    assert len(mail.outbox) == 1


def test_a_kind_nobody_registered_fails_visibly() -> None:
    rows = _plan("test_unregistered", 1)
    assert services.send_deliveries(delivery_ids=_ids(rows)).failed == 1
    assert "No message builder" in Delivery.objects.get().last_error


@pytest.mark.parametrize("size", [2, 6])
def test_sending_a_chunk_costs_a_fixed_number_of_queries_per_row(
    notice_kind: str, size: int, django_assert_num_queries
) -> None:
    rows = _plan(notice_kind, size)
    # Claim: savepoint, SELECT … FOR UPDATE SKIP LOCKED, UPDATE, release, SELECT with the
    # recipients joined; then one UPDATE per row, the moment its message is accepted.
    with django_assert_num_queries(5 + size):
        services.send_deliveries(delivery_ids=_ids(rows))
    assert len(mail.outbox) == size
