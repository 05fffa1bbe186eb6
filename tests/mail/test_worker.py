"""The ledger against real parts: Celery workers and beat on Redis, aiosmtpd, PostgreSQL.

Each test plans rows in the test database (committed: the workers are other processes), lets
real workers send them to a real SMTP server, and checks what that server received.
"""

from collections import Counter

import pytest

from alliance.mail import services
from alliance.mail.models import Delivery
from tests.factories import UserFactory
from tests.support.celery_worker import CeleryCluster, wait_until
from tests.support.smtp import SMTPServer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEND = "alliance.mail.tasks.send_deliveries_task"
TICK = "alliance.mail.tasks.dispatch_due_deliveries_task"


def _plan(kind: str, count: int) -> list[Delivery]:
    users = UserFactory.create_batch(count)
    services.plan_deliveries(kind=kind, subject_key="notice:1", recipient_ids=[u.pk for u in users])
    return list(Delivery.objects.filter(kind=kind).select_related("recipient").order_by("pk"))


def _settled() -> bool:
    """No row is waiting or in flight any more."""
    return not Delivery.objects.filter(
        state__in=[Delivery.State.PENDING, Delivery.State.SENDING]
    ).exists()


def _states() -> Counter:
    return Counter(Delivery.objects.values_list("state", flat=True))


def test_a_doubled_tick_and_redelivered_chunks_on_two_workers_send_nothing_twice(
    celery_cluster: CeleryCluster, smtp_server: SMTPServer, notice_kind: str
) -> None:
    rows = _plan(notice_kind, 24)
    smtp_server.handler.delay_seconds = 0.05  # long enough for the workers to interleave
    celery_cluster.start_worker("worker1")
    celery_cluster.start_worker("worker2")

    # Two ticks at once (a doubled beat), and every chunk queued twice more besides, as a
    # broker redelivering tasks would: up to four tasks race for each row.
    celery_cluster.send(TICK)
    celery_cluster.send(TICK)
    ids = [row.pk for row in rows]
    for start in range(0, len(ids), 6):
        celery_cluster.send(SEND, ids[start : start + 6])
        celery_cluster.send(SEND, ids[start : start + 6])

    wait_until(_settled, timeout=60, what="every row to be sent")
    wait_until(lambda: celery_cluster.queue_length() == 0, timeout=60, what="an empty queue")

    received = Counter(smtp_server.handler.recipients())
    assert received == Counter(row.recipient.email for row in rows), "each person exactly once"
    assert _states() == {Delivery.State.SENT: 24}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.parametrize(
    "refusal",
    ["451 4.3.0 Temporary local problem", "421 4.3.2 Service shutting down, try later"],
)
def test_an_smtp_server_that_refuses_for_a_while_gets_every_message_exactly_once(
    celery_cluster: CeleryCluster, smtp_server: SMTPServer, notice_kind: str, refusal: str
) -> None:
    rows = _plan(notice_kind, 12)
    unknown = rows[-1]
    smtp_server.handler.reject_recipients.add(unknown.recipient.email)
    smtp_server.handler.refuse_reply = refusal
    smtp_server.handler.refuse_next = 4
    celery_cluster.start_worker()

    celery_cluster.send(TICK)

    wait_until(_settled, timeout=90, what="every row to be sent or failed")
    received = Counter(smtp_server.handler.recipients())
    assert received == Counter(row.recipient.email for row in rows[:-1])
    assert smtp_server.handler.refused == 4
    assert _states() == {Delivery.State.SENT: 11, Delivery.State.FAILED: 1}
    assert max(Delivery.objects.values_list("attempts", flat=True)) > 1, "some rows were retried"
    # A permanent refusal is not retried: it fails at once, with the server's answer.
    assert smtp_server.handler.rcpt_attempts[unknown.recipient.email] == 1
    unknown.refresh_from_db()
    assert "550" in unknown.last_error


def test_a_message_that_keeps_failing_ends_failed_with_its_error(
    celery_cluster: CeleryCluster, smtp_server: SMTPServer, notice_kind: str
) -> None:
    rows = _plan(notice_kind, 2)
    smtp_server.handler.refuse_next = 1000
    celery_cluster.start_worker(MAIL_MAX_RETRIES=2)

    celery_cluster.send(TICK)

    wait_until(_settled, timeout=60, what="the retries to run out")
    assert smtp_server.handler.messages == []
    for row in Delivery.objects.filter(pk__in=[r.pk for r in rows]):
        assert row.state == Delivery.State.FAILED
        assert row.attempts == 3, "the first attempt and two retries"
        assert "SMTPDataError" in row.last_error
        assert "451" in row.last_error


def test_a_worker_killed_mid_chunk_loses_no_message(
    celery_cluster: CeleryCluster, smtp_server: SMTPServer, notice_kind: str
) -> None:
    rows = _plan(notice_kind, 16)
    smtp_server.handler.delay_seconds = 0.3
    timing = {
        "MAIL_CHUNK_SIZE": 4,
        "MAIL_CLAIM_TIMEOUT": 6,
        "CELERY_TASK_SOFT_TIME_LIMIT": 4,
        "CELERY_TASK_TIME_LIMIT": 5,
        "MAIL_DISPATCH_INTERVAL": 1,
    }
    worker = celery_cluster.start_worker(**timing)
    # Real beat on the project's static schedule: nobody calls the tick by hand here.
    celery_cluster.start_beat(**timing)

    wait_until(lambda: len(smtp_server.handler.messages) >= 5, timeout=60, what="a first chunk")
    worker.kill()  # SIGKILL, mid-chunk: no chance to release its claim or ack its task
    assert Delivery.objects.filter(state=Delivery.State.SENDING).exists(), "a chunk was orphaned"

    celery_cluster.restart(worker)
    wait_until(_settled, timeout=90, what="the orphaned rows to be reclaimed and sent")

    received = Counter(smtp_server.handler.recipients())
    assert set(received) == {row.recipient.email for row in rows}, "no message is lost"
    # Only the message in flight at the instant of the kill may have gone out twice.
    assert sum(received.values()) - len(rows) <= 1
    assert _states() == {Delivery.State.SENT: 16}
