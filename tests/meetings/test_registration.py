"""Registering: seats, the waitlist, seats per organisation, and who may register whom."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings.models import Registration, StrategicSession
from meetings.services import cancel_registration, update_session
from members.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.meetings.factories import SessionFactory, in_days, member_of, register

R = Registration.Status


@pytest.mark.django_db
def test_a_member_registers_themselves_for_their_organisation(member, organisation) -> None:
    session = SessionFactory(capacity=10)
    registration = register(session, member)
    assert registration.status == R.CONFIRMED
    assert registration.organisation == organisation
    assert registration.registered_by == member


@pytest.mark.django_db
def test_full_session_puts_registrant_on_waitlist(organisation) -> None:
    session = SessionFactory(capacity=2)
    first, second, third = (member_of(organisation) for _ in range(3))
    assert register(session, first).status == R.CONFIRMED
    assert register(session, second).status == R.CONFIRMED
    assert register(session, third).status == R.WAITLISTED


@pytest.mark.django_db
def test_cancellation_promotes_the_first_waiting_person(organisation) -> None:
    session = SessionFactory(capacity=1)
    holder, first_waiting, second_waiting = (member_of(organisation) for _ in range(3))
    seat = register(session, holder)
    waiting_1 = register(session, first_waiting)
    waiting_2 = register(session, second_waiting)

    cancel_registration(registration=seat, actor=holder)

    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    seat.refresh_from_db()
    assert seat.status == R.CANCELLED
    assert waiting_1.status == R.CONFIRMED
    assert waiting_2.status == R.WAITLISTED


@pytest.mark.django_db
def test_leaving_the_waitlist_promotes_nobody(organisation) -> None:
    session = SessionFactory(capacity=1)
    holder, waiting, behind = (member_of(organisation) for _ in range(3))
    register(session, holder)
    in_queue = register(session, waiting)
    register(session, behind)
    cancel_registration(registration=in_queue, actor=waiting)
    assert session.registrations.filter(status=R.CONFIRMED).count() == 1
    assert session.registrations.get(user=behind).status == R.WAITLISTED


@pytest.mark.django_db
def test_seats_per_organisation_are_never_exceeded(organisation, palestinian_org) -> None:
    session = SessionFactory(capacity=10, seats_per_organisation=2)
    ours = [member_of(organisation) for _ in range(3)]
    theirs = member_of(palestinian_org)
    statuses = [register(session, person).status for person in ours]
    assert statuses == [R.CONFIRMED, R.CONFIRMED, R.WAITLISTED]
    # Another organisation still gets a seat.
    assert register(session, theirs).status == R.CONFIRMED


@pytest.mark.django_db
def test_a_freed_seat_skips_people_whose_organisation_is_full(organisation, israeli_org) -> None:
    session = SessionFactory(capacity=3, seats_per_organisation=2)
    a1, a2, a3 = (member_of(organisation) for _ in range(3))
    b1, b2 = member_of(israeli_org), member_of(israeli_org)
    register(session, a1)
    register(session, a2)
    waiting_a3 = register(session, a3)  # organisation full
    register(session, b1)  # last seat
    waiting_b2 = register(session, b2)  # session full
    assert (waiting_a3.status, waiting_b2.status) == (R.WAITLISTED, R.WAITLISTED)

    cancel_registration(registration=session.registrations.get(user=b1), actor=b1)

    waiting_a3.refresh_from_db()
    waiting_b2.refresh_from_db()
    # a3 waited longer, but their organisation still holds two seats: b2 gets the seat.
    assert waiting_a3.status == R.WAITLISTED
    assert waiting_b2.status == R.CONFIRMED


@pytest.mark.django_db
def test_raising_the_capacity_promotes_the_waitlist(staff, organisation) -> None:
    session = SessionFactory(capacity=1)
    register(session, member_of(organisation))
    waiting = register(session, member_of(organisation))
    session.capacity = 2
    update_session(session=session, actor=staff)
    waiting.refresh_from_db()
    assert waiting.status == R.CONFIRMED


@pytest.mark.django_db
def test_a_representative_registers_a_colleague(representative, member, organisation) -> None:
    session = SessionFactory()
    registration = register(session, member, organisation, actor=representative)
    assert registration.user == member
    assert registration.registered_by == representative


@pytest.mark.django_db
def test_a_member_cannot_register_a_colleague(member, organisation) -> None:
    colleague = member_of(organisation)
    with pytest.raises(PermissionDenied):
        register(SessionFactory(), colleague, organisation, actor=member)


@pytest.mark.django_db
def test_a_representative_cannot_register_someone_from_another_organisation(
    representative,
) -> None:
    stranger = member_of(OrganisationFactory())
    with pytest.raises(PermissionDenied):
        register(SessionFactory(), stranger, actor=representative)


@pytest.mark.django_db
def test_nobody_registers_for_an_organisation_they_do_not_belong_to(member) -> None:
    other = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        register(SessionFactory(), member, other)


@pytest.mark.django_db
def test_a_lapsed_organisation_cannot_register(db: None) -> None:
    lapsed = OrganisationFactory(status=Organisation.Status.LAPSED)
    person = member_of(lapsed)
    with pytest.raises(PermissionDenied):
        register(SessionFactory(), person, lapsed)


@pytest.mark.django_db
def test_registering_twice_is_refused(member) -> None:
    session = SessionFactory()
    register(session, member)
    with pytest.raises(ValidationError, match="already registered"):
        register(session, member)


@pytest.mark.django_db
def test_registering_again_after_cancelling_is_allowed(member) -> None:
    session = SessionFactory()
    first = register(session, member)
    cancel_registration(registration=first, actor=member)
    assert register(session, member).status == R.CONFIRMED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [
        StrategicSession.Status.DRAFT,
        StrategicSession.Status.CLOSED,
        StrategicSession.Status.HELD,
        StrategicSession.Status.CANCELLED,
    ],
)
def test_registration_needs_an_open_session(member, status: str) -> None:
    with pytest.raises(ValidationError, match="not open"):
        register(SessionFactory(status=status), member)


@pytest.mark.django_db
def test_registration_respects_its_window(member) -> None:
    not_yet = SessionFactory(registration_opens_at=in_days(2))
    too_late = SessionFactory(registration_opens_at=in_days(-5), registration_closes_at=in_days(-1))
    for session in (not_yet, too_late):
        with pytest.raises(ValidationError, match="not open"):
            register(session, member)
    within = SessionFactory(registration_opens_at=in_days(-5), registration_closes_at=in_days(2))
    assert register(within, member).status == R.CONFIRMED


@pytest.mark.django_db
def test_interpretation_must_be_offered(member) -> None:
    session = SessionFactory(interpretation_languages=["ar"])
    with pytest.raises(ValidationError, match="not offered"):
        register(session, member, interpretation_language="he")
    assert register(session, member, interpretation_language="ar").interpretation_language == "ar"


@pytest.mark.django_db
def test_registrations_of_a_held_session_cannot_be_cancelled(member, staff) -> None:
    session = SessionFactory(starts_at=in_days(-1), ends_at=in_days(1))
    registration = register(session, member)
    session.status = StrategicSession.Status.HELD
    session.save()
    with pytest.raises(ValidationError):
        cancel_registration(registration=registration, actor=staff)


@pytest.mark.django_db
def test_who_may_cancel_a_registration(member, representative, staff, organisation) -> None:
    session = SessionFactory()
    colleague = member_of(organisation)
    outsider_member = member_of(OrganisationFactory())
    registration = register(session, colleague)
    with pytest.raises(PermissionDenied):
        cancel_registration(registration=registration, actor=member)
    with pytest.raises(PermissionDenied):
        cancel_registration(registration=registration, actor=outsider_member)
    cancel_registration(registration=registration, actor=representative)
    registration.refresh_from_db()
    assert registration.status == R.CANCELLED
    again = register(session, colleague)
    cancel_registration(registration=again, actor=staff)


@pytest.mark.django_db
def test_a_session_without_capacity_takes_everyone(organisation) -> None:
    session = SessionFactory(capacity=None)
    assert all(register(session, member_of(organisation)).status == R.CONFIRMED for _ in range(5))


@pytest.mark.django_db
def test_a_person_in_two_organisations_chooses_which_one(member, organisation) -> None:
    second = OrganisationFactory()
    MembershipFactory(user=member, organisation=second, role=Membership.Role.MEMBER)
    registration = register(SessionFactory(), member, second)
    assert registration.organisation == second


@pytest.mark.django_db
def test_a_deactivated_person_cannot_be_registered(representative, organisation) -> None:
    gone = MembershipFactory(organisation=organisation, user=UserFactory(is_active=False)).user
    with pytest.raises(PermissionDenied):
        register(SessionFactory(), gone, organisation, actor=representative)
