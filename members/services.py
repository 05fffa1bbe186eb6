"""Every state change in the members app goes through a function here."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from members.models import Invitation, Membership, User
from members.permissions import ADMIN_GROUP, STAFF_GROUP, Role


@transaction.atomic
def set_staff_roles(*, user: User, roles: set[Role]) -> User:
    """Give or take the staff and admin roles; admin-site access follows them."""
    staff_group = Group.objects.get(name=STAFF_GROUP)
    admin_group = Group.objects.get(name=ADMIN_GROUP)
    for role, group in ((Role.STAFF, staff_group), (Role.ADMIN, admin_group)):
        if role in roles:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    user.is_staff = bool(roles & {Role.STAFF, Role.ADMIN})
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_alliance_roles", None)
    return user


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """Use an invitation once: the person joins its organisation with its role."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable():
        raise ValueError("This invitation can no longer be used.")
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Membership.Role.REPRESENTATIVE:
        membership.role = Membership.Role.REPRESENTATIVE
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def set_preferred_language(*, user: User, language: str) -> None:
    """Remember the language a person chose in the switcher."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
