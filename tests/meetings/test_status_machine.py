"""Sessions move draft → open → closed → held (or cancelled), and only along allowed moves."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings.models import StrategicSession
from meetings.services import (
    ALLOWED_TRANSITIONS,
    cancel_session,
    close_registration,
    mark_session_held,
    publish_session,
    transition_session,
)
from tests.meetings.factories import SessionFactory, in_days

S = StrategicSession.Status
ALL_MOVES = [(a, b) for a in S.values for b in S.values if a != b]


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), ALL_MOVES)
def test_only_the_table_allows_a_move(staff, current: str, target: str) -> None:
    # A session that has already started, so "held" is possible on the clock.
    session = SessionFactory(status=current, starts_at=in_days(-1), ends_at=in_days(1))
    if target in ALLOWED_TRANSITIONS[current]:
        transition_session(session=session, to=target, actor=staff)
        session.refresh_from_db()
        assert session.status == target
    else:
        with pytest.raises(ValidationError):
            transition_session(session=session, to=target, actor=staff)
        session.refresh_from_db()
        assert session.status == current


def test_the_table_says_what_the_issue_says() -> None:
    assert S.HELD not in ALLOWED_TRANSITIONS[S.DRAFT]  # you cannot hold a draft
    assert ALLOWED_TRANSITIONS[S.HELD] == frozenset()  # you cannot reopen a held session
    assert ALLOWED_TRANSITIONS[S.CANCELLED] == frozenset()
    assert S.OPEN in ALLOWED_TRANSITIONS[S.CLOSED]  # registration can reopen before the day


@pytest.mark.django_db
def test_the_full_life_of_a_session(staff) -> None:
    session = SessionFactory(status=S.DRAFT, starts_at=in_days(-1), ends_at=in_days(1))
    publish_session(session=session, actor=staff)
    close_registration(session=session, actor=staff)
    mark_session_held(session=session, actor=staff)
    session.refresh_from_db()
    assert session.status == S.HELD
    assert session.ics_sequence == 3


@pytest.mark.django_db
def test_a_session_cannot_be_marked_held_before_it_starts(staff) -> None:
    session = SessionFactory(status=S.CLOSED, starts_at=in_days(5))
    with pytest.raises(ValidationError, match="once it has started"):
        mark_session_held(session=session, actor=staff)


@pytest.mark.django_db
def test_registration_cannot_open_for_a_session_that_has_ended(staff) -> None:
    session = SessionFactory(
        status=S.DRAFT, starts_at=in_days(-3), ends_at=in_days(-3) + datetime.timedelta(hours=4)
    )
    with pytest.raises(ValidationError):
        publish_session(session=session, actor=staff)


@pytest.mark.django_db
def test_a_member_cannot_move_a_session(member) -> None:
    session = SessionFactory(status=S.DRAFT)
    with pytest.raises(PermissionDenied):
        publish_session(session=session, actor=member)
    with pytest.raises(PermissionDenied):
        cancel_session(session=session, actor=member)
