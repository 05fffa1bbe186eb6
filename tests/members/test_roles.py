"""One place answers "may this user do X": a matrix of personas against actions."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import reverse

from members.models import Organisation
from members.permissions import ADMIN_GROUP, STAFF_GROUP, Action, may
from members.services import set_staff_roles
from tests.conftest import login_client
from tests.factories import MembershipFactory, OrganisationFactory

A = Action
EXPECTED = {
    "anonymous": set(),
    "outsider": set(),
    "lapsed_member": set(),
    "member": {A.USE_HUB, A.VIEW_DIRECTORY, A.ENDORSE_PRIORITIES},
    "representative": {A.USE_HUB, A.VIEW_DIRECTORY, A.ENDORSE_PRIORITIES},
    "staff": {
        A.USE_HUB,
        A.VIEW_DIRECTORY,
        A.VIEW_HIDDEN_ORGANISATIONS,
        A.INVITE_PEOPLE,
        A.SCHEDULE_SESSIONS,
        A.REVIEW_NOTES,
        A.USE_ADMIN,
        A.VIEW_PRIVATE_CONTACTS,
    },
    # Admins without a membership of their own do not endorse on an organisation's behalf.
    "admin_user": set(Action) - {A.ENDORSE_PRIORITIES},
}


@pytest.fixture
def lapsed_member(db: None):
    lapsed = OrganisationFactory(status=Organisation.Status.LAPSED)
    return MembershipFactory(organisation=lapsed).user


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(EXPECTED))
@pytest.mark.parametrize("action", list(Action))
def test_may_matrix(request: pytest.FixtureRequest, persona: str, action: Action) -> None:
    user = request.getfixturevalue(persona)
    assert may(user, action) is (action in EXPECTED[persona])


@pytest.mark.django_db
def test_a_deactivated_account_may_do_nothing(member) -> None:
    member.is_active = False
    assert not any(may(member, action) for action in Action)


@pytest.mark.django_db
def test_role_groups_exist_with_admin_permissions() -> None:
    staff = Group.objects.get(name=STAFF_GROUP)
    admins = Group.objects.get(name=ADMIN_GROUP)
    staff_codenames = set(staff.permissions.values_list("codename", flat=True))
    admin_codenames = set(admins.permissions.values_list("codename", flat=True))
    assert {"add_strategicsession", "change_organisation", "view_theme"} <= staff_codenames
    assert "change_theme" not in staff_codenames
    assert {"change_theme", "delete_organisation"} <= admin_codenames


@pytest.mark.django_db
def test_staff_role_gives_admin_site_access(staff, member) -> None:
    assert staff.is_staff
    assert not member.is_staff


@pytest.mark.django_db
def test_a_page_reads_the_viewers_roles_in_one_query(member, django_assert_num_queries) -> None:
    client = login_client(member)
    client.get(reverse("members:privacy"))
    # The session, the user, and the roles (groups and membership in one statement).
    with django_assert_num_queries(3):
        assert client.get(reverse("members:privacy")).status_code == 200


@pytest.mark.django_db
def test_roles_are_read_afresh_on_every_request(member, organisation, staff) -> None:
    member_client, staff_client = login_client(member), login_client(staff)
    assert member_client.get(reverse("members:directory")).status_code == 200
    assert staff_client.get(reverse("admin:index")).status_code == 200

    organisation.status = Organisation.Status.LAPSED
    organisation.save(update_fields=["status"])
    set_staff_roles(user=staff, roles=set())

    assert member_client.get(reverse("members:directory")).status_code == 403
    assert staff_client.get(reverse("admin:index")).status_code == 302
