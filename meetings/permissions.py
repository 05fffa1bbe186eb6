"""Who may see and do what with sessions, registrations and round tables.

Hub-wide roles come from members.permissions.may(); the rules here add what depends on the
objects themselves: a person's organisations, their registration, their round-table seat.
Anything a viewer may not know exists answers 404; what they may see but not do answers 403.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.http import Http404

from meetings.models import (
    Registration,
    RoundTable,
    RoundTableNote,
    RoundTableParticipant,
    StrategicSession,
)
from members.models import Membership, Organisation, User
from members.permissions import Action, may


def is_session_staff(user: User) -> bool:
    """Staff and admins: they schedule sessions and see registrants' needs."""
    return may(user, Action.SCHEDULE_SESSIONS)


def visible_sessions_q(user: User | AnonymousUser, prefix: str = "") -> Q | None:
    """The rule of may_see_session() as a condition on a session reached through `prefix`
    (e.g. "session__"); None when `user` may see no session at all."""
    if not may(user, Action.USE_HUB):
        return None
    if is_session_staff(user):
        return Q()
    return ~Q(**{f"{prefix}status": StrategicSession.Status.DRAFT})


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


# --- Round-table notes ---------------------------------------------------------------------
# The ONE visibility rule for notes. Every path that shows a note (list, detail, search, the
# compiled page, the hub home, digests, exports, feeds) starts from readable_notes_for() and
# asks note_layers_for() which layer it may show:
# - staff and admins read every note, both layers;
# - a staff-only note is read by staff and admins alone;
# - otherwise nothing of a note in a draft session (those are hidden from members);
# - the table's writers (the note's author, the rapporteur, the facilitators) read both layers
#   at every status;
# - once published (or archived), the table's participants read the full record and every
#   member reads the summary.


def may_review_notes(user: User) -> bool:
    """Staff and admins review, edit, redact, publish and archive notes."""
    return may(user, Action.REVIEW_NOTES)


def _writes_for_table_q(user: User) -> Q:
    facilitated = RoundTable.facilitators.through.objects.filter(
        roundtable_id=OuterRef("round_table_id"), user_id=user.pk
    )
    return Q(author_id=user.pk) | Q(round_table__rapporteur_id=user.pk) | Q(Exists(facilitated))


def _sits_at_table_q(user: User) -> Q:
    seat = RoundTableParticipant.objects.filter(
        round_table_id=OuterRef("round_table_id"), registration__user_id=user.pk
    ).exclude(registration__status=Registration.Status.CANCELLED)
    return Q(Exists(seat))


def _shared_q() -> Q:
    return Q(status__in=[RoundTableNote.Status.PUBLISHED, RoundTableNote.Status.ARCHIVED])


def readable_notes_for(user: User) -> QuerySet[RoundTableNote]:
    """Every note `user` may read at least the summary of; each carries `reader_has_full_record`."""
    note = RoundTableNote
    if not may(user, Action.USE_HUB) or not getattr(user, "pk", None):
        return note.objects.none()
    if may_review_notes(user):
        return note.objects.annotate(reader_has_full_record=Value(True))
    full = _writes_for_table_q(user) | (_shared_q() & _sits_at_table_q(user))
    return (
        note.objects.filter(staff_only=False)
        .exclude(round_table__session__status=StrategicSession.Status.DRAFT)
        .filter(_writes_for_table_q(user) | _shared_q())
        .annotate(
            reader_has_full_record=ExpressionWrapper(full, output_field=BooleanField()),
        )
    )


@dataclass(frozen=True)
class NoteLayers:
    """What of a readable note a reader may see."""

    full_record: bool
    summary: bool
    author_name: bool
    history: bool


def note_layers_for(user: User, note: RoundTableNote) -> NoteLayers:
    """The layers of `note` shown to `user` (the note must come from readable_notes_for)."""
    full = getattr(note, "reader_has_full_record", None)
    if full is None:
        full = readable_notes_for(user).filter(pk=note.pk, reader_has_full_record=True).exists()
    staff = may_review_notes(user)
    return NoteLayers(
        full_record=bool(full),
        summary=True,
        author_name=staff or note.sign_summary,
        history=staff,
    )


def get_note_for_user(user: User, note_id: int) -> RoundTableNote:
    """The note with its table and session, or 404 when `user` may not know it exists."""
    note = (
        readable_notes_for(user)
        .select_related("round_table__session", "author", "published_by")
        .filter(pk=note_id)
        .first()
    )
    if note is None:
        raise Http404
    return note


def may_write_note(user: User, note: RoundTableNote) -> bool:
    """Writers edit their note while it is a draft; staff edit (and redact) until it is archived."""
    status = RoundTableNote.Status
    if may_review_notes(user):
        return note.status != status.ARCHIVED
    if note.status != status.DRAFT or note.staff_only:
        return False
    return may_write_notes_for_table(user, note.round_table)


def may_write_notes_for_table(user: User, round_table: RoundTable) -> bool:
    """The rapporteur and facilitators (and staff) write a table's notes."""
    if may_review_notes(user):
        return True
    if not may(user, Action.USE_HUB):
        return False
    if round_table.rapporteur_id == user.pk:
        return True
    return round_table.facilitators.filter(pk=user.pk).exists()


def get_note_for_editing(user: User, note_id: int) -> RoundTableNote:
    """A note `user` may edit: 404 when hidden from them, 403 when they may read but not edit."""
    note = get_note_for_user(user, note_id)
    if not may_write_note(user, note):
        raise PermissionDenied
    return note
