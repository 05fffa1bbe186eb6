"""Who may see and act on priorities. Roles come from members.permissions; the rules here are
the ones that depend on a priority or an organisation.

- Every member, staff member and admin sees every priority that was not merged away (a merged
  one redirects to its survivor).
- Representatives of an active organisation endorse on its behalf; any representative of that
  organisation may withdraw its endorsement.
- Champions (people of an active champion organisation) and staff post progress updates.
- Curating (status, rank, merge) happens in the Django admin, for the Admins group only.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from members.models import Membership, Organisation, User
from members.permissions import Action, Role, may, roles_of
from priorities.models import ENDORSABLE_STATUSES, Endorsement, Priority


def get_priority_for_user(user: User | AnonymousUser, key: str | int) -> Priority:
    """The priority with this id or slug (merged ones too, so they can redirect); else 404."""
    if not may(user, Action.USE_HUB):
        raise PermissionDenied
    lookup = {"pk": int(key)} if str(key).isdigit() else {"slug": key}
    try:
        return Priority.objects.select_related("theme", "agreed_at_session").get(**lookup)
    except Priority.DoesNotExist as error:
        raise Http404 from error


def endorsing_organisations_for(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """The active organisations `user` represents: those they may endorse on behalf of."""
    if not may(user, Action.ENDORSE_PRIORITIES):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__role=Membership.Role.REPRESENTATIVE,
        status=Organisation.Status.ACTIVE,
    ).order_by("name_en", "pk")


def may_endorse(
    user: User | AnonymousUser,
    priority: Priority,
    *,
    representing: list[Organisation] | None = None,
) -> bool:
    """True when the priority is open for endorsement and `user` represents an organisation.

    `representing`, when the page has listed endorsing_organisations_for(user), saves a query.
    """
    if priority.merged_into_id is not None or priority.status not in ENDORSABLE_STATUSES:
        return False
    if representing is not None:
        return bool(representing)
    return endorsing_organisations_for(user).exists()


def get_organisation_to_endorse_for(
    user: User | AnonymousUser, organisation_id: int
) -> Organisation:
    """One of the organisations `user` represents, or PermissionDenied."""
    organisation = endorsing_organisations_for(user).filter(pk=organisation_id).first()
    if organisation is None:
        raise PermissionDenied
    return organisation


def get_endorsement_to_withdraw(
    user: User | AnonymousUser, priority: Priority, endorsement_id: int
) -> Endorsement:
    """An active endorsement of `priority` by one of `user`'s organisations, if they represent it.

    404 for any other organisation's endorsement (endorsements are aggregate-only, so one must
    not be knowable by id); 403 for a member of the organisation who does not represent it.
    """
    endorsement = (
        Endorsement.objects.filter(
            pk=endorsement_id,
            priority=priority,
            withdrawn_at__isnull=True,
            organisation__memberships__user=user,
        )
        .select_related("organisation")
        .first()
    )
    if endorsement is None:
        raise Http404
    if not endorsing_organisations_for(user).filter(pk=endorsement.organisation_id).exists():
        raise PermissionDenied
    return endorsement


def progress_organisations_for(
    user: User | AnonymousUser, priority: Priority
) -> QuerySet[Organisation]:
    """The champion organisations of `priority` that `user` belongs to (active ones only)."""
    if not may(user, Action.USE_HUB):
        return Organisation.objects.none()
    return priority.champions.filter(
        memberships__user=user, status=Organisation.Status.ACTIVE
    ).order_by("name_en", "pk")


def may_post_progress_update(
    user: User | AnonymousUser,
    priority: Priority,
    *,
    champions: list[Organisation] | None = None,
) -> bool:
    """Staff, admins and the people of the priority's (active) champion organisations.

    `champions`, when the page has them from selectors.list_champions(), saves a query.
    """
    if priority.merged_into_id is not None:
        return False
    if roles_of(user) & {Role.STAFF, Role.ADMIN}:
        return True
    if champions is None:
        return progress_organisations_for(user, priority).exists()
    # progress_organisations_for()'s rule, on the champions already read.
    return may(user, Action.USE_HUB) and any(
        c.reader_is_member and c.status == Organisation.Status.ACTIVE for c in champions
    )
