"""The ledger's rows: planned once, claimed by one worker at a time, reclaimed when orphaned."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from alliance.mail import services
from alliance.mail.models import Delivery
from alliance.mail.registry import register_planner, unregister_planner
from members.models import User
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _plan(kind: str, users: list[User], key: str = "notice:1") -> list[Delivery]:
    services.plan_deliveries(kind=kind, subject_key=key, recipient_ids=[u.pk for u in users])
    return list(Delivery.objects.filter(kind=kind, subject_key=key).order_by("pk"))


def test_planning_twice_plans_each_recipient_once(notice_kind: str) -> None:
    users = UserFactory.create_batch(3)
    _plan(notice_kind, users)
    _plan(notice_kind, [*users, UserFactory()])

    assert Delivery.objects.filter(kind=notice_kind).count() == 4
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.PENDING}


def test_the_database_refuses_a_second_row_for_the_same_recipient_kind_and_subject(
    notice_kind: str,
) -> None:
    user = UserFactory()
    Delivery.objects.create(recipient=user, kind=notice_kind, subject_key="notice:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(recipient=user, kind=notice_kind, subject_key="notice:1")


def test_planning_records_the_subject_object(notice_kind: str) -> None:
    organisation = OrganisationFactory()
    services.plan_deliveries(
        kind=notice_kind,
        subject_key=f"organisation:{organisation.pk}",
        recipient_ids=[UserFactory().pk],
        subject=organisation,
    )
    assert Delivery.objects.get().subject == organisation


def test_planning_streams_recipients_in_batches(notice_kind: str) -> None:
    users = UserFactory.create_batch(5)
    ids = (user.pk for user in users)  # a generator: planning never needs the whole list
    services.plan_deliveries(kind=notice_kind, subject_key="k", recipient_ids=ids, batch_size=2)
    assert Delivery.objects.count() == 5


def test_claiming_takes_pending_rows_once(notice_kind: str) -> None:
    rows = _plan(notice_kind, UserFactory.create_batch(2))
    ids = [row.pk for row in rows]

    first = services.claim_deliveries(delivery_ids=ids)
    second = services.claim_deliveries(delivery_ids=ids)

    assert [row.pk for row in first] == ids
    assert second == []
    assert all(row.state == Delivery.State.SENDING and row.attempts == 1 for row in first)


def test_a_stale_sending_row_is_claimed_again_after_the_timeout(notice_kind: str, settings) -> None:
    settings.MAIL_CLAIM_TIMEOUT = 60
    (row,) = _plan(notice_kind, [UserFactory()])
    services.claim_deliveries(delivery_ids=[row.pk])

    soon = timezone.now() + timedelta(seconds=30)
    later = timezone.now() + timedelta(seconds=61)
    assert services.claim_deliveries(delivery_ids=[row.pk], now=soon) == []
    (again,) = services.claim_deliveries(delivery_ids=[row.pk], now=later)
    assert again.attempts == 2
    assert again.claimed_at == later


@pytest.mark.parametrize(
    "state", [Delivery.State.SENT, Delivery.State.FAILED, Delivery.State.SKIPPED]
)
def test_finished_rows_are_never_claimed(notice_kind: str, state: str) -> None:
    (row,) = _plan(notice_kind, [UserFactory()])
    Delivery.objects.filter(pk=row.pk).update(state=state, sent_at=timezone.now())
    later = timezone.now() + timedelta(days=1)
    assert services.claim_deliveries(delivery_ids=[row.pk], now=later) == []


def test_a_late_verdict_does_not_overwrite_the_worker_that_took_over(
    notice_kind: str, settings
) -> None:
    settings.MAIL_CLAIM_TIMEOUT = 60
    (row,) = _plan(notice_kind, [UserFactory()])
    (slow,) = services.claim_deliveries(delivery_ids=[row.pk])
    (takeover,) = services.claim_deliveries(
        delivery_ids=[row.pk], now=timezone.now() + timedelta(seconds=61)
    )

    assert services.mark_failed(delivery=slow, error="too late") is False
    assert services.mark_sent(delivery=takeover) is True
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT
    assert row.last_error == ""


def test_resend_puts_only_failed_rows_back_in_the_queue(notice_kind: str) -> None:
    failed, sent = _plan(notice_kind, UserFactory.create_batch(2))
    Delivery.objects.filter(pk=failed.pk).update(state=Delivery.State.FAILED, last_error="550")
    Delivery.objects.filter(pk=sent.pk).update(state=Delivery.State.SENT, sent_at=timezone.now())

    assert services.resend_deliveries(delivery_ids=[failed.pk, sent.pk]) == 1
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.state == Delivery.State.PENDING
    assert failed.dispatched_at is None
    assert sent.state == Delivery.State.SENT


# serialized_rollback: the data migrations' rows (role groups, themes) come back after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_row_locked_by_another_worker_is_skipped_not_waited_for(notice_kind: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL.")
    locked, free = _plan(notice_kind, UserFactory.create_batch(2))
    claimed: list[int] = []

    def other_worker() -> None:
        try:
            rows = services.claim_deliveries(delivery_ids=[locked.pk, free.pk])
            claimed.extend(row.pk for row in rows)
        finally:
            connection.close()

    with transaction.atomic():
        # This transaction stands for a worker that is in the middle of claiming `locked`.
        Delivery.objects.select_for_update().get(pk=locked.pk)
        thread = threading.Thread(target=other_worker)
        thread.start()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the claim waited for the lock instead of skipping"

    assert claimed == [free.pk]


def test_dispatch_queues_one_task_per_chunk_and_not_again_while_queued(
    notice_kind: str, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from alliance.mail.tasks import send_deliveries_task

    queued: list[list[int]] = []
    monkeypatch.setattr(send_deliveries_task, "delay", lambda ids: queued.append(ids))
    rows = _plan(notice_kind, UserFactory.create_batch(7))

    with django_capture_on_commit_callbacks(execute=True):
        chunks = services.dispatch_due_deliveries(chunk_size=3)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.dispatch_due_deliveries(chunk_size=3)

    assert chunks == 3
    assert queued == [[r.pk for r in rows[0:3]], [r.pk for r in rows[3:6]], [rows[6].pk]]
    assert again == 0, "rows already queued are not queued again within the claim timeout"


def test_dispatch_requeues_rows_orphaned_by_a_dead_worker(
    notice_kind: str, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from alliance.mail.tasks import send_deliveries_task

    settings.MAIL_CLAIM_TIMEOUT = 60
    queued: list[list[int]] = []
    monkeypatch.setattr(send_deliveries_task, "delay", lambda ids: queued.append(ids))
    orphan, lost_task = _plan(notice_kind, UserFactory.create_batch(2))
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_due_deliveries()
    services.claim_deliveries(delivery_ids=[orphan.pk])  # ... and then the worker died.
    queued.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_due_deliveries(now=timezone.now() + timedelta(seconds=30))
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_due_deliveries(now=timezone.now() + timedelta(seconds=61))
    assert queued == [[orphan.pk, lost_task.pk]]


@pytest.mark.parametrize("size", [3, 12])
def test_dispatching_a_chunk_costs_the_same_queries_at_any_size(
    notice_kind: str, size: int, monkeypatch, django_assert_num_queries
) -> None:
    from alliance.mail.tasks import send_deliveries_task

    monkeypatch.setattr(send_deliveries_task, "delay", lambda ids: None)
    # The apps' planners (reminders, digests) have query-count tests of their own.
    monkeypatch.setattr(services, "run_planners", lambda *, now: None)
    _plan(notice_kind, UserFactory.create_batch(size))
    # Per chunk: savepoint, SELECT … FOR UPDATE SKIP LOCKED, UPDATE dispatched_at, release;
    # then the savepoint and SELECT that find nothing more, and the release.
    with django_assert_num_queries(7):
        assert services.dispatch_due_deliveries(chunk_size=20) == 1


def test_every_planner_runs_on_each_tick(
    notice_kind: str, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from alliance.mail.tasks import send_deliveries_task

    queued: list[list[int]] = []
    monkeypatch.setattr(send_deliveries_task, "delay", lambda ids: queued.append(ids))
    user = UserFactory()
    seen = []

    def plan_notices(*, now) -> None:
        seen.append(now)
        services.plan_deliveries(kind=notice_kind, subject_key="weekly", recipient_ids=[user.pk])

    def broken_planner(*, now) -> None:
        raise RuntimeError("a bug in one planner")

    register_planner(broken_planner, name="broken")
    register_planner(plan_notices, name="notices")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.dispatch_due_deliveries()
            services.dispatch_due_deliveries()
    finally:
        unregister_planner("broken")
        unregister_planner("notices")

    assert len(seen) == 2
    assert Delivery.objects.filter(recipient=user).count() == 1
    assert queued == [[Delivery.objects.get(recipient=user).pk]]
