"""Concurrent registrations for the last seats: the database lock lets exactly enough through.

These tests use real transactions (transaction=True) and one database connection per thread,
so the SELECT ... FOR UPDATE in the service is what keeps the count right, as in production.

A transactional test empties every table when it ends, including the rows that data
migrations made (role groups, themes, sectors). serialized_rollback brings them back for the
test itself, and the module fixture below puts them back afterwards, so tests that run later
(and later runs with --reuse-db) still find them.
"""

import threading
from collections.abc import Iterator

import pytest
from django.db import connection

from meetings.models import Registration, StrategicSession
from meetings.services import register_for_session
from members.models import Organisation, User
from tests.factories import OrganisationFactory
from tests.meetings.factories import SessionFactory, member_of, register

THREADS = 8
CONCURRENT = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="module", autouse=True)
def _restore_migrated_data(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)


def _register_all_at_once(
    session: StrategicSession, people: list[tuple[User, Organisation]]
) -> list[BaseException]:
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def worker(person: User, organisation: Organisation) -> None:
        try:
            barrier.wait(timeout=10)
            register_for_session(
                session=session, person=person, organisation=organisation, actor=person
            )
        except Exception as error:  # any failure in a thread is reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@CONCURRENT
def test_concurrent_registrations_never_exceed_capacity() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what this test is about; it runs on PostgreSQL")
    organisation = OrganisationFactory()
    session = SessionFactory(capacity=5, seats_per_organisation=None)
    for _ in range(3):
        register(session, member_of(organisation))  # two seats left
    people = [(member_of(OrganisationFactory()), None) for _ in range(THREADS)]
    people = [(person, person.memberships.get().organisation) for person, _none in people]

    errors = _register_all_at_once(session, people)

    assert errors == []
    confirmed = Registration.objects.filter(session=session, status="confirmed").count()
    waiting = Registration.objects.filter(session=session, status="waitlisted").count()
    assert confirmed == 5
    assert waiting == THREADS - 2


@CONCURRENT
def test_concurrent_registrations_never_exceed_seats_per_organisation() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what this test is about; it runs on PostgreSQL")
    organisation = OrganisationFactory()
    session = SessionFactory(capacity=100, seats_per_organisation=2)
    people = [(member_of(organisation), organisation) for _ in range(THREADS)]

    errors = _register_all_at_once(session, people)

    assert errors == []
    confirmed = Registration.objects.filter(
        session=session, organisation=organisation, status="confirmed"
    ).count()
    assert confirmed == 2
