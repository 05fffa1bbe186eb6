"""Who may see and do what with sessions, registrations and round tables.

Hub-wide roles come from members.permissions.may(); the rules here add what depends on the
objects themselves: a person's organisations, their registration, their round-table seat.
Anything a viewer may not know exists answers 404; what they may see but not do answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from meetings.models import Registration, RoundTable, StrategicSession
from members.models import Membership, Organisation, User
from members.permissions import Action, may


def is_session_staff(user: User) -> bool:
    """Staff and admins: they schedule sessions and see registrants' needs."""
    return may(user, Action.SCHEDULE_SESSIONS)


def may_see_session(user: User, session: StrategicSession) -> bool:
    """Members see every session but drafts; staff see drafts too."""
    if not may(user, Action.USE_HUB):
        return False
    return session.status != StrategicSession.Status.DRAFT or is_session_staff(user)


def get_session_for_user(user: User, session_id: int) -> StrategicSession:
    """The session, or 404 when it does not exist or is a draft the viewer may not see."""
    session = StrategicSession.objects.filter(pk=session_id).first()
    if session is None or not may_see_session(user, session):
        raise Http404
    return session


def registrable_memberships(user: User) -> QuerySet[Membership]:
    """The (person, organisation) pairs `user` may register: themselves, and colleagues
    in organisations they represent. Only active organisations count."""
    represented = Membership.objects.filter(
        user=user,
        role=Membership.Role.REPRESENTATIVE,
        organisation__status=Organisation.Status.ACTIVE,
    ).values("organisation_id")
    return (
        Membership.objects.filter(
            Q(user=user) | Q(organisation_id__in=represented),
            organisation__status=Organisation.Status.ACTIVE,
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("organisation__name_en", "user__full_name", "pk")
    )


def may_register(actor: User, person: User, organisation: Organisation) -> bool:
    """A member registers themselves; a representative registers colleagues; staff anyone
    for an organisation the person belongs to."""
    if not person.is_active or organisation.status != Organisation.Status.ACTIVE:
        return False
    belongs = Membership.objects.filter(user=person, organisation=organisation).exists()
    if not belongs:
        return False
    if actor.pk == person.pk or is_session_staff(actor):
        return may(actor, Action.USE_HUB)
    return Membership.objects.filter(
        user=actor, organisation=organisation, role=Membership.Role.REPRESENTATIVE
    ).exists()


def may_manage_registration(user: User, registration: Registration) -> bool:
    """The registrant, the representative of their organisation, and staff."""
    if registration.user_id == user.pk or is_session_staff(user):
        return True
    return Membership.objects.filter(
        user=user,
        organisation_id=registration.organisation_id,
        role=Membership.Role.REPRESENTATIVE,
    ).exists()


def get_registration_for_user(user: User, registration_id: int) -> Registration:
    """A registration the viewer may manage; anyone else gets 404."""
    registration = (
        Registration.objects.select_related("session", "user", "organisation")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not may_manage_registration(user, registration):
        raise Http404
    return registration


def may_see_needs(user: User) -> bool:
    """Interpretation, accessibility, dietary and travel needs are for staff eyes only."""
    return is_session_staff(user)


def may_see_join_link(user: User, registration: Registration | None) -> bool:
    """The online join link is for confirmed registrants (and staff)."""
    if is_session_staff(user):
        return True
    return registration is not None and registration.status == Registration.Status.CONFIRMED


def get_round_table_for_user(user: User, round_table_id: int) -> RoundTable:
    """The round table, or 404 when its session is hidden from the viewer."""
    round_table = (
        RoundTable.objects.select_related("session", "rapporteur").filter(pk=round_table_id).first()
    )
    if round_table is None or not may_see_session(user, round_table.session):
        raise Http404
    return round_table


def may_see_round_table_participants(
    user: User, round_table: RoundTable, *, is_participant: bool, facilitator_ids: set[int]
) -> bool:
    """A table's participants, facilitators and rapporteur, and staff, see who sits at it."""
    return (
        is_participant
        or user.pk in facilitator_ids
        or user.pk == round_table.rapporteur_id
        or is_session_staff(user)
    )


def ensure_may_register(actor: User, person: User, organisation: Organisation) -> None:
    """Raise PermissionDenied unless `actor` may register `person` for `organisation`."""
    if not may_register(actor, person, organisation):
        raise PermissionDenied
