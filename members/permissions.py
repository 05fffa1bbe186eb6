"""Who may do what: the one place in code that answers "may this user do X".

Roles:
- member: belongs to an active member organisation;
- staff: in the "Staff" group (schedules sessions, invites people, reviews notes);
- admin: in the "Admins" group or a superuser (curates priorities in the Django admin).

Staff and admin roles are Django groups, created with their model permissions by the data
migration members/0002; the member role follows from an active membership, so a lapsed
organisation's people lose access without anyone editing groups.
"""

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from members.models import Membership, Organisation, User

STAFF_GROUP = "Staff"
ADMIN_GROUP = "Admins"


class Role(StrEnum):
    MEMBER = "member"
    STAFF = "staff"
    ADMIN = "admin"


class Action(StrEnum):
    USE_HUB = "use_hub"
    VIEW_DIRECTORY = "view_directory"
    VIEW_HIDDEN_ORGANISATIONS = "view_hidden_organisations"
    INVITE_PEOPLE = "invite_people"
    SCHEDULE_SESSIONS = "schedule_sessions"
    REVIEW_NOTES = "review_notes"
    CURATE_PRIORITIES = "curate_priorities"
    USE_ADMIN = "use_admin"


_EVERYONE_INSIDE = frozenset({Role.MEMBER, Role.STAFF, Role.ADMIN})
_STAFF_AND_ADMIN = frozenset({Role.STAFF, Role.ADMIN})

ALLOWED_ROLES: dict[Action, frozenset[Role]] = {
    Action.USE_HUB: _EVERYONE_INSIDE,
    Action.VIEW_DIRECTORY: _EVERYONE_INSIDE,
    Action.VIEW_HIDDEN_ORGANISATIONS: _STAFF_AND_ADMIN,
    Action.INVITE_PEOPLE: _STAFF_AND_ADMIN,
    Action.SCHEDULE_SESSIONS: _STAFF_AND_ADMIN,
    Action.REVIEW_NOTES: _STAFF_AND_ADMIN,
    Action.CURATE_PRIORITIES: frozenset({Role.ADMIN}),
    Action.USE_ADMIN: _STAFF_AND_ADMIN,
}

STAFF_ROLES = _STAFF_AND_ADMIN


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    """The roles a user holds now (cached on the user object for the request)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_alliance_roles", None)
    if cached is not None:
        return cached
    group_names = set(user.groups.values_list("name", flat=True))
    roles: set[Role] = set()
    if user.is_superuser or ADMIN_GROUP in group_names:
        roles.add(Role.ADMIN)
    if STAFF_GROUP in group_names:
        roles.add(Role.STAFF)
    if Membership.objects.filter(
        user=user, organisation__status=Organisation.Status.ACTIVE
    ).exists():
        roles.add(Role.MEMBER)
    user._alliance_roles = frozenset(roles)
    return user._alliance_roles


def may(user: User | AnonymousUser, action: Action) -> bool:
    """True when the user holds a role that is allowed `action`."""
    return bool(roles_of(user) & ALLOWED_ROLES[action])


def is_staff_role(user: User | AnonymousUser) -> bool:
    """True for staff and admins: the people who must enrol MFA."""
    return bool(roles_of(user) & STAFF_ROLES) or bool(getattr(user, "is_staff", False))


def active_member_filter(prefix: str = "") -> Q:
    """A filter for users who hold the member role, for querysets of users."""
    return Q(**{f"{prefix}memberships__organisation__status": Organisation.Status.ACTIVE})
