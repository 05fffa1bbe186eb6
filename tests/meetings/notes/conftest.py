"""A held session with one round table and a note in every state, and a person in every role."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from meetings.models import RoundTable, RoundTableNote, RoundTableParticipant, StrategicSession
from members.models import Organisation, User
from tests.factories import MembershipFactory, UserFactory
from tests.meetings.factories import RegistrationFactory, RoundTableFactory, SessionFactory, in_days

S = RoundTableNote.Status

# Each note gets unique one-word markers, so pages and searches can be checked for each layer.
STATES = {
    "draft": {"status": S.DRAFT},
    "submitted": {"status": S.SUBMITTED},
    "published": {"status": S.PUBLISHED},
    "archived": {"status": S.ARCHIVED},
    "staffonly": {"status": S.PUBLISHED, "staff_only": True},
}


def summary_marker(state: str) -> str:
    return f"sumword{state}"


def full_marker(state: str) -> str:
    return f"fullword{state}"


@dataclass
class World:
    session: StrategicSession
    table: RoundTable
    notes: dict[str, RoundTableNote]
    participant: User
    rapporteur: User
    facilitator: User


def make_note(
    table: RoundTable, author: User | None, state: str, **extra: object
) -> RoundTableNote:
    fields = {
        **STATES[state],
        "summary": f"Shared points {summary_marker(state)}.",
        "body": f"Everything said {full_marker(state)}.",
    }
    if fields["status"] in (S.PUBLISHED, S.ARCHIVED):
        fields["published_at"] = timezone.now()
    fields.update(extra)
    return RoundTableNote.objects.create(round_table=table, author=author, **fields)


@pytest.fixture
def world(organisation: Organisation) -> World:
    session = SessionFactory(
        title="Jericho session",
        status=StrategicSession.Status.HELD,
        starts_at=in_days(-10),
        ends_at=in_days(-10, 16),
    )
    table = RoundTableFactory(session=session, topic="Water and land")
    rapporteur = MembershipFactory(
        organisation=organisation,
        user=UserFactory(email="rapporteur@example.org", full_name="Rana Rapporteur"),
    ).user
    facilitator = MembershipFactory(
        organisation=organisation,
        user=UserFactory(email="facilitator@example.org", full_name="Fadi Facilitator"),
    ).user
    participant = MembershipFactory(
        organisation=organisation,
        user=UserFactory(email="participant@example.org", full_name="Paz Participant"),
    ).user
    table.rapporteur = rapporteur
    table.save()
    table.facilitators.add(facilitator)
    registration = RegistrationFactory(
        session=session, user=participant, organisation=organisation, registered_by=participant
    )
    RoundTableParticipant.objects.create(round_table=table, registration=registration)
    notes = {state: make_note(table, rapporteur, state) for state in STATES}
    return World(
        session=session,
        table=table,
        notes=notes,
        participant=participant,
        rapporteur=rapporteur,
        facilitator=facilitator,
    )
