"""get_next_session_for: the next session going ahead, and where the person stands."""

import pytest

from meetings.models import Registration, StrategicSession
from meetings.selectors import get_next_session_for
from tests.meetings.factories import SessionFactory, in_days, register

S = StrategicSession.Status


@pytest.mark.django_db
def test_no_session_means_none(member) -> None:
    SessionFactory(status=S.DRAFT)
    SessionFactory(status=S.CANCELLED)
    SessionFactory(status=S.HELD, starts_at=in_days(-10))
    assert get_next_session_for(user=member) is None


@pytest.mark.django_db
def test_the_soonest_session_going_ahead_with_my_registration(member) -> None:
    later = SessionFactory(starts_at=in_days(60))
    sooner = SessionFactory(starts_at=in_days(20), status=S.CLOSED)
    SessionFactory(starts_at=in_days(5), status=S.DRAFT)
    next_session = get_next_session_for(user=member)
    assert next_session.session == sooner
    assert next_session.registration is None
    assert next_session.registration_status is None
    assert later != sooner


@pytest.mark.django_db
def test_my_registration_state_comes_along(member, django_assert_num_queries) -> None:
    session = SessionFactory(starts_at=in_days(10))
    register(session, member)
    with django_assert_num_queries(2):
        next_session = get_next_session_for(user=member)
    assert next_session.registration_status == Registration.Status.CONFIRMED
