"""Session list, session detail and round-table pages run a fixed number of queries,
whatever the number of sessions, registrations, round tables and participants."""

import pytest
from django.urls import reverse

from meetings.models import Registration, StrategicSession
from meetings.services import join_round_table
from members.models import Organisation, User
from tests.conftest import login_client
from tests.factories import OrganisationFactory
from tests.meetings.factories import (
    RoundTableFactory,
    SessionFactory,
    in_days,
    member_of,
    register,
)


def _populate(session: StrategicSession, size: int, viewer: User) -> None:
    """`size` organisations of each of two communities, each with two registrants, `size`
    round tables with a facilitator and participants, and the viewer seated at one."""
    registrations = []
    for _index in range(size):
        for community in (Organisation.Community.ISRAELI, Organisation.Community.PALESTINIAN):
            organisation = OrganisationFactory(community=community)
            for _ in range(2):
                registrations.append(register(session, member_of(organisation)))
    mine = register(session, viewer) if viewer.memberships.exists() else None
    for index in range(size):
        table = RoundTableFactory(session=session, capacity=None)
        table.facilitators.add(registrations[index].user)
        for registration in registrations[index : index + 3]:
            join_round_table(round_table=table, registration=registration, actor=registration.user)
        if mine is not None and index == 0:
            join_round_table(round_table=table, registration=mine, actor=viewer)


# Every page pays 3 queries before the view runs: the login session, the user, and what decides
# their roles (groups, active membership: one statement), cached for the request after that.
BEFORE_THE_VIEW = 3
# The list: every session with my status, seat counts on the upcoming ones, in one query.
SESSION_LIST = BEFORE_THE_VIEW + 1
# The detail: the session, my registration, the registrations a representative manages, the
# balance (by organisation; the communities are summed from it), and the round tables with
# their counts and facilitators' names (one query).
SESSION_DETAIL = BEFORE_THE_VIEW + 5 + 2  # + notes: summaries by table, open actions
# A round table with its session, its facilitators, who sits at it and my registration's
# status; staff also get the list of registrants not yet seated, for the "assign" form.
ROUND_TABLE = {"member": BEFORE_THE_VIEW + 4, "staff": BEFORE_THE_VIEW + 5}
# + notes: the table's readable notes, and (for a non-staff reader) "do I write for it?"
ROUND_TABLE = {"member": ROUND_TABLE["member"] + 2, "staff": ROUND_TABLE["staff"] + 1}


def _get(client, url: str) -> None:
    assert client.get(url).status_code == 200


def _sessions(size: int, viewer: User) -> None:
    """`size` upcoming sessions with registrants and round tables, and `size` past sessions,
    each with the viewer's own registration (their history) when they have an organisation."""
    membership = viewer.memberships.select_related("organisation").first()
    for index in range(size):
        _populate(SessionFactory(capacity=None), 1, member_of(OrganisationFactory()))
        past = SessionFactory(starts_at=in_days(-30 - index), status=StrategicSession.Status.HELD)
        if membership is not None:
            Registration.objects.create(
                session=past,
                user=viewer,
                organisation=membership.organisation,
                status=Registration.Status.CONFIRMED,
                attended=True,
            )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "staff"])
def test_session_list_queries_do_not_grow(request, django_assert_num_queries, persona) -> None:
    viewer = request.getfixturevalue(persona)
    client = login_client(viewer)
    url = reverse("meetings:session_list")
    _sessions(1, viewer)
    with django_assert_num_queries(SESSION_LIST):
        _get(client, url)
    _sessions(4, viewer)
    with django_assert_num_queries(SESSION_LIST):
        _get(client, url)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "staff"])
def test_session_detail_queries_do_not_grow(request, django_assert_num_queries, persona) -> None:
    viewer = request.getfixturevalue(persona)
    client = login_client(viewer)
    small_session, large_session = SessionFactory(capacity=None), SessionFactory(capacity=None)
    _populate(small_session, 1, viewer)
    if viewer.memberships.exists():
        # The viewer can be registered once per session only; a fresh person for the second.
        viewer_two = member_of(viewer.memberships.get().organisation)
        _populate(large_session, 5, viewer_two)
        client_large = login_client(viewer_two)
    else:
        _populate(large_session, 5, viewer)
        client_large = client
    with django_assert_num_queries(SESSION_DETAIL):
        _get(client, reverse("meetings:session_detail", args=[small_session.pk]))
    with django_assert_num_queries(SESSION_DETAIL):
        _get(client_large, reverse("meetings:session_detail", args=[large_session.pk]))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "staff"])
def test_round_table_page_queries_do_not_grow(request, django_assert_num_queries, persona) -> None:
    viewer = request.getfixturevalue(persona)
    session = SessionFactory(capacity=None)
    _populate(session, 6, viewer)
    tables = list(session.round_tables.order_by("pk"))
    small_table, large_table = tables[-1], tables[0]
    extra_people = [member_of(OrganisationFactory()) for _ in range(6)]
    for person in extra_people:
        join_round_table(
            round_table=large_table, registration=register(session, person), actor=person
        )
    client = login_client(viewer)
    with django_assert_num_queries(ROUND_TABLE[persona]):
        _get(client, reverse("meetings:round_table_detail", args=[small_table.pk]))
    with django_assert_num_queries(ROUND_TABLE[persona]):
        _get(client, reverse("meetings:round_table_detail", args=[large_table.pk]))
