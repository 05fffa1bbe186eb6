"""Representatives endorse on behalf of their organisation: one endorsement per organisation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from members.models import Membership, Organisation, User
from priorities import services
from priorities.models import Endorsement, Priority
from tests.conftest import login_client
from tests.factories import MembershipFactory, OrganisationFactory
from tests.priorities.factories import EndorsementFactory, PriorityFactory


@pytest.fixture
def priority(db: None) -> Priority:
    return PriorityFactory(agreed=True)


@pytest.fixture
def lapsed_representative(db: None) -> User:
    lapsed = OrganisationFactory(status=Organisation.Status.LAPSED)
    return MembershipFactory(organisation=lapsed, role=Membership.Role.REPRESENTATIVE).user


def _endorse(client, priority: Priority, organisation: Organisation, comment: str = ""):
    return client.post(
        reverse("priorities:endorse", args=[priority.pk]),
        {"organisation": organisation.pk, "comment": comment},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("outsider", 403),
        ("member", 403),
        ("lapsed_representative", 403),
        ("staff", 403),
        ("admin_user", 403),
        ("representative", 302),
    ],
)
def test_who_may_endorse(
    request: pytest.FixtureRequest,
    priority: Priority,
    organisation: Organisation,
    persona: str,
    expected: int,
) -> None:
    user = request.getfixturevalue(persona)
    target = organisation
    if persona == "lapsed_representative":
        target = user.memberships.get().organisation
    response = _endorse(login_client(user), priority, target, "We are in.")
    assert response.status_code == expected
    assert Endorsement.objects.filter(priority=priority).count() == (expected == 302)


@pytest.mark.django_db
def test_anonymous_visitor_cannot_endorse(priority: Priority, organisation: Organisation) -> None:
    from django.test import Client

    response = _endorse(Client(), priority, organisation)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Endorsement.objects.exists()


@pytest.mark.django_db
def test_representative_endorses_with_a_comment(
    representative: User, organisation: Organisation, priority: Priority
) -> None:
    response = _endorse(login_client(representative), priority, organisation, "Count us in")
    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    assert endorsement.organisation == organisation
    assert endorsement.endorsed_by == representative
    assert endorsement.comment == "Count us in"


@pytest.mark.django_db
def test_one_endorsement_per_organisation_and_priority(
    representative: User, organisation: Organisation, priority: Priority
) -> None:
    client = login_client(representative)
    _endorse(client, priority, organisation)
    colleague = MembershipFactory(
        organisation=organisation, role=Membership.Role.REPRESENTATIVE
    ).user
    response = _endorse(login_client(colleague), priority, organisation)
    assert response.status_code == 302  # back to the page with a message: nothing to endorse
    assert Endorsement.objects.filter(priority=priority).count() == 1
    with pytest.raises(ValidationError):
        services.endorse_priority(priority=priority, organisation=organisation, user=colleague)


@pytest.mark.django_db
def test_the_database_allows_one_active_endorsement_per_organisation(
    organisation: Organisation, priority: Priority
) -> None:
    EndorsementFactory(priority=priority, organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        EndorsementFactory(priority=priority, organisation=organisation)


@pytest.mark.django_db
def test_a_representative_of_two_organisations_endorses_for_each(
    representative: User, organisation: Organisation, priority: Priority
) -> None:
    second = OrganisationFactory()
    MembershipFactory(user=representative, organisation=second, role=Membership.Role.REPRESENTATIVE)
    client = login_client(representative)
    _endorse(client, priority, organisation)
    _endorse(client, priority, second)
    assert set(Endorsement.objects.values_list("organisation", flat=True)) == {
        organisation.pk,
        second.pk,
    }


@pytest.mark.django_db
def test_endorsing_for_an_organisation_one_does_not_represent_is_a_form_error(
    representative: User, priority: Priority
) -> None:
    other = OrganisationFactory()
    response = _endorse(login_client(representative), priority, other)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Endorsement.objects.exists()


@pytest.mark.django_db
def test_a_too_long_comment_is_a_form_error(
    representative: User, organisation: Organisation, priority: Priority
) -> None:
    response = _endorse(login_client(representative), priority, organisation, "x" * 1001)
    assert response.status_code == 400
    assert not Endorsement.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Priority.Status.ACHIEVED, Priority.Status.SET_ASIDE])
def test_closed_priorities_take_no_endorsements(
    representative: User, organisation: Organisation, status: str
) -> None:
    priority = PriorityFactory(agreed=True)
    Priority.objects.filter(pk=priority.pk).update(status=status)
    response = _endorse(login_client(representative), priority, organisation)
    assert response.status_code == 302
    assert not Endorsement.objects.exists()
    page = login_client(representative).get(priority.get_absolute_url())
    assert reverse("priorities:endorse", args=[priority.pk]) not in page.content.decode()


@pytest.mark.django_db
def test_withdrawing_keeps_the_record_and_allows_endorsing_again(
    representative: User, organisation: Organisation, priority: Priority
) -> None:
    client = login_client(representative)
    _endorse(client, priority, organisation)
    endorsement = Endorsement.objects.get()
    response = client.post(reverse("priorities:withdraw", args=[priority.pk, endorsement.pk]))
    assert response.status_code == 302
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is not None
    assert endorsement.withdrawn_by == representative
    _endorse(client, priority, organisation)
    assert Endorsement.objects.filter(priority=priority).count() == 2
    assert Endorsement.objects.filter(priority=priority, withdrawn_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_any_representative_of_the_organisation_may_withdraw(
    organisation: Organisation, priority: Priority
) -> None:
    endorsement = EndorsementFactory(priority=priority, organisation=organisation)
    colleague = MembershipFactory(
        organisation=organisation, role=Membership.Role.REPRESENTATIVE
    ).user
    url = reverse("priorities:withdraw", args=[priority.pk, endorsement.pk])
    assert login_client(colleague).post(url).status_code == 302
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), [("member", 403), ("representative", 404)])
def test_nobody_else_withdraws_an_organisation_s_endorsement(
    request: pytest.FixtureRequest, priority: Priority, persona: str, expected: int
) -> None:
    # The member belongs to the endorsing organisation but does not represent it; the
    # representative represents another organisation and must not learn the endorsement exists.
    endorsing = request.getfixturevalue("organisation")
    if persona == "representative":
        endorsing = OrganisationFactory()
    endorsement = EndorsementFactory(priority=priority, organisation=endorsing)
    user = request.getfixturevalue(persona)
    url = reverse("priorities:withdraw", args=[priority.pk, endorsement.pk])
    assert login_client(user).post(url).status_code == expected
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is None


@pytest.mark.django_db
def test_the_page_shows_endorsements_by_community_without_naming_organisations(
    member: User, priority: Priority
) -> None:
    israeli = OrganisationFactory(
        name_en="Hidden Garden Israeli", community=Organisation.Community.ISRAELI
    )
    palestinians = [
        OrganisationFactory(
            name_en=f"Sunbird Palestinian {n}", community=Organisation.Community.PALESTINIAN
        )
        for n in range(2)
    ]
    for org in [israeli, *palestinians]:
        EndorsementFactory(priority=priority, organisation=org, comment="secret words")
    withdrawn = OrganisationFactory(community=Organisation.Community.JOINT)
    EndorsementFactory(priority=priority, organisation=withdrawn, withdrawn_at="2025-10-10T10:00Z")
    lapsed = OrganisationFactory(
        community=Organisation.Community.JOINT, status=Organisation.Status.LAPSED
    )
    EndorsementFactory(priority=priority, organisation=lapsed)

    response = login_client(member).get(priority.get_absolute_url())
    html = response.content.decode()
    assert response.context["community_counts"] == [("Israeli", 1), ("Palestinian", 2)]
    assert response.context["endorsement_total"] == 3
    assert "Hidden Garden" not in html
    assert "Sunbird" not in html
    assert "secret words" not in html


@pytest.mark.django_db
def test_my_organisation_s_endorsement_is_shown_to_its_people(
    member: User, organisation: Organisation, priority: Priority
) -> None:
    EndorsementFactory(priority=priority, organisation=organisation, comment="Our reasons")
    html = login_client(member).get(priority.get_absolute_url()).content.decode()
    assert "Olive Branch Dialogue Centre endorsed this" in html
    assert "Our reasons" in html
    assert "Withdraw" not in html  # a member, not a representative


@pytest.mark.django_db
def test_the_board_counts_only_active_endorsements(member: User, priority: Priority) -> None:
    EndorsementFactory(priority=priority, organisation=OrganisationFactory())
    EndorsementFactory(
        priority=priority, organisation=OrganisationFactory(), withdrawn_at="2025-10-10T10:00Z"
    )
    EndorsementFactory(
        priority=priority,
        organisation=OrganisationFactory(status=Organisation.Status.FORMER),
    )
    response = login_client(member).get(reverse("priorities:board"))
    (shown,) = [p for column in response.context["columns"] for p in column.priorities]
    assert shown.endorsement_count == 1


@pytest.mark.django_db
def test_a_user_with_no_representation_sees_no_endorse_form(
    member: User, priority: Priority
) -> None:
    html = login_client(member).get(priority.get_absolute_url()).content.decode()
    assert reverse("priorities:endorse", args=[priority.pk]) not in html
