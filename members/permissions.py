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
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from members.models import ContactVisibility, Membership, Organisation, User

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
    ENDORSE_PRIORITIES = "endorse_priorities"
    USE_ADMIN = "use_admin"
    VIEW_PRIVATE_CONTACTS = "view_private_contacts"


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
    # Members only; priorities.permissions narrows it to representatives of active organisations.
    Action.ENDORSE_PRIORITIES: frozenset({Role.MEMBER}),
    Action.USE_ADMIN: _STAFF_AND_ADMIN,
    Action.VIEW_PRIVATE_CONTACTS: _STAFF_AND_ADMIN,
}

STAFF_ROLES = _STAFF_AND_ADMIN


def _role_flags(user_id: int) -> tuple[bool, bool, bool]:
    """(in the admins group, in the staff group, member of an active organisation).

    One plain statement rather than two ORM queries: every page asks it (the navigation
    depends on it), and building the ORM queries cost four times what the database did.
    """
    group_link = User.groups.through._meta.db_table
    sql = f"""
        SELECT
          EXISTS (SELECT 1 FROM {group_link} link JOIN auth_group g ON g.id = link.group_id
                  WHERE link.user_id = %s AND g.name = %s),
          EXISTS (SELECT 1 FROM {group_link} link JOIN auth_group g ON g.id = link.group_id
                  WHERE link.user_id = %s AND g.name = %s),
          EXISTS (SELECT 1 FROM {Membership._meta.db_table} m
                  JOIN {Organisation._meta.db_table} o ON o.id = m.organisation_id
                  WHERE m.user_id = %s AND o.status = %s)
    """  # noqa: S608 - table names from the models' own metadata; every value is a parameter.
    params = [user_id, ADMIN_GROUP, user_id, STAFF_GROUP, user_id, Organisation.Status.ACTIVE]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        admin_group, staff_group, member = cursor.fetchone()
    return bool(admin_group), bool(staff_group), bool(member)


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    """The roles a user holds now (cached on the user object for the request)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_alliance_roles", None)
    if cached is not None:
        return cached
    admin_group, staff_group, member = _role_flags(user.pk)
    roles: set[Role] = set()
    if user.is_superuser or admin_group:
        roles.add(Role.ADMIN)
    if staff_group:
        roles.add(Role.STAFF)
    if member:
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


# Directory visibility: the one rule for who may know an organisation or a person exists.
# Hidden organisations are for staff only (some cannot be seen to take part); every page,
# search and list that shows organisations or people starts from these querysets.


def visible_organisations_for(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """The organisations `user` may know exist: hidden ones only for staff and admins."""
    if not may(user, Action.VIEW_DIRECTORY):
        return Organisation.objects.none()
    if may(user, Action.VIEW_HIDDEN_ORGANISATIONS):
        return Organisation.objects.all()
    return Organisation.objects.filter(visibility=Organisation.Visibility.LISTED)


def get_organisation_for_user(user: User | AnonymousUser, slug: str) -> Organisation:
    """The organisation with this slug, or 404 when `user` may not know it exists."""
    return get_object_or_404(visible_organisations_for(user), slug=slug)


def visible_people_for(user: User | AnonymousUser) -> QuerySet[User]:
    """People whose profile `user` may open: staff see everyone; members see listed people
    of listed organisations; everyone sees themselves."""
    if not may(user, Action.VIEW_DIRECTORY):
        return User.objects.none()
    if may(user, Action.VIEW_HIDDEN_ORGANISATIONS):
        return User.objects.all()
    in_listed_organisation = Exists(
        Membership.objects.filter(
            user=OuterRef("pk"), organisation__visibility=Organisation.Visibility.LISTED
        )
    )
    return User.objects.filter(
        Q(is_active=True, erased_at__isnull=True, listed_in_directory=True) & in_listed_organisation
        | Q(pk=user.pk)
    )


def get_person_for_user(user: User | AnonymousUser, person_id: int) -> User:
    """The person with this id, or 404 when `user` may not see their profile."""
    return get_object_or_404(visible_people_for(user), pk=person_id)


def may_see_contact(viewer: User | AnonymousUser, person: User, visibility: str) -> bool:
    """True when `viewer` may see a contact detail of `person` set to `visibility`."""
    if viewer.is_authenticated and viewer.pk == person.pk:
        return True
    if may(viewer, Action.VIEW_PRIVATE_CONTACTS):
        return True
    return visibility == ContactVisibility.MEMBERS and may(viewer, Action.USE_HUB)
