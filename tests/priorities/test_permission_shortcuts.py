"""The priority page answers "may endorse" and "may post progress" from what it has already
read; those answers are the permission functions' own, for every kind of person."""

import pytest

from members.models import Membership, Organisation, User
from priorities.models import Priority
from priorities.permissions import (
    endorsing_organisations_for,
    may_endorse,
    may_post_progress_update,
)
from priorities.selectors import list_champions
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.priorities.factories import PriorityFactory

S = Priority.Status


def _person(organisation: Organisation, role: str = Membership.Role.MEMBER) -> User:
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory()).user


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.PROPOSED, S.AGREED, S.ACHIEVED, S.SET_ASIDE])
def test_the_shortcuts_agree_with_the_permission_functions(
    status: str, member: User, representative: User, staff: User, outsider: User
) -> None:
    priority = PriorityFactory(agreed=True)  # a session recorded, so any status is allowed
    Priority.objects.filter(pk=priority.pk).update(status=status)
    priority.refresh_from_db()
    listed = OrganisationFactory()
    hidden = OrganisationFactory(visibility=Organisation.Visibility.HIDDEN)
    former = OrganisationFactory(status=Organisation.Status.FORMER)
    priority.champions.add(listed, hidden, former)
    people = [
        member,
        representative,
        staff,
        outsider,
        _person(listed),
        _person(hidden),
        _person(former),
        _person(listed, Membership.Role.REPRESENTATIVE),
    ]
    for person in people:
        person = User.objects.get(pk=person.pk)  # roles read afresh
        champions = list_champions(priority=priority, user=person)
        assert may_post_progress_update(
            person, priority, champions=champions
        ) == may_post_progress_update(person, priority), person
        representing = list(endorsing_organisations_for(person))
        assert may_endorse(person, priority, representing=representing) == may_endorse(
            person, priority
        ), person


@pytest.mark.django_db
def test_members_are_told_only_of_visible_champions(member: User, staff: User) -> None:
    priority = PriorityFactory()
    listed = OrganisationFactory(name_en="Listed")
    hidden = OrganisationFactory(name_en="Hidden", visibility=Organisation.Visibility.HIDDEN)
    priority.champions.add(listed, hidden)
    for person, expected in ((member, [listed]), (staff, [hidden, listed])):
        champions = list_champions(priority=priority, user=person)
        assert [c for c in champions if c.visible_to_reader] == expected
