"""Champions and staff post dated progress updates to a priority's timeline."""

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Membership, Organisation, User
from priorities.models import Priority, ProgressUpdate
from tests.conftest import login_client
from tests.factories import MembershipFactory, OrganisationFactory
from tests.priorities.factories import PriorityFactory


@pytest.fixture
def priority(organisation: Organisation) -> Priority:
    priority = PriorityFactory(agreed=True)
    priority.champions.add(organisation)
    return priority


def _post(user: User, priority: Priority, **data: object):
    form = {"happened_on": "2025-11-02", "body": "Met the education ministry.", **data}
    return login_client(user).post(reverse("priorities:add_update", args=[priority.pk]), form)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("outsider", 403),
        ("member", 302),  # belongs to the champion organisation
        ("representative", 302),
        ("staff", 302),
        ("admin_user", 302),
    ],
)
def test_who_may_post_updates(
    request: pytest.FixtureRequest,
    priority: Priority,
    organisation: Organisation,
    persona: str,
    expected: int,
) -> None:
    user = request.getfixturevalue(persona)
    data = (
        {} if persona in ("staff", "admin_user", "outsider") else {"organisation": organisation.pk}
    )
    response = _post(user, priority, **data)
    assert response.status_code == expected
    assert ProgressUpdate.objects.count() == (expected == 302)


@pytest.mark.django_db
def test_a_member_of_another_organisation_may_not_post(priority: Priority) -> None:
    stranger = MembershipFactory(
        organisation=OrganisationFactory(), role=Membership.Role.REPRESENTATIVE
    ).user
    assert _post(stranger, priority).status_code == 403
    html = login_client(stranger).get(priority.get_absolute_url()).content.decode()
    assert reverse("priorities:add_update", args=[priority.pk]) not in html


@pytest.mark.django_db
def test_staff_without_mfa_are_sent_to_enrol_first(
    staff_without_mfa: User, priority: Priority
) -> None:
    response = _post(staff_without_mfa, priority)
    assert response["Location"] == reverse("mfa_activate_totp")
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_a_champion_update_is_dated_and_signed_by_the_organisation(
    member: User, organisation: Organisation, priority: Priority
) -> None:
    _post(member, priority, organisation=organisation.pk)
    update = ProgressUpdate.objects.get()
    assert str(update.happened_on) == "2025-11-02"
    assert update.author == member
    assert update.organisation == organisation
    html = login_client(member).get(priority.get_absolute_url()).content.decode()
    assert "Met the education ministry." in html


@pytest.mark.django_db
def test_a_champion_must_write_for_their_organisation(member: User, priority: Priority) -> None:
    response = _post(member, priority)
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_staff_write_for_the_network(staff: User, priority: Priority) -> None:
    _post(staff, priority)
    assert ProgressUpdate.objects.get().organisation is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"body": ""},
        {"happened_on": "not a date"},
        {"body": "x" * 5001},
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(
    member: User, organisation: Organisation, priority: Priority, data: dict
) -> None:
    response = _post(member, priority, organisation=organisation.pk, **data)
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_an_update_cannot_be_dated_in_the_future(
    member: User, organisation: Organisation, priority: Priority
) -> None:
    tomorrow = timezone.localdate() + timezone.timedelta(days=2)
    response = _post(member, priority, organisation=organisation.pk, happened_on=str(tomorrow))
    assert response.status_code == 400
    assert "already happened" in response.content.decode()
    assert not ProgressUpdate.objects.exists()
