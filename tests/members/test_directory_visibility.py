"""Hidden organisations never reach a non-staff member: list, profile, logo, search, home."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Organisation
from members.permissions import visible_organisations_for
from tests.conftest import login_client
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

HIDDEN_NAME = "Quiet Harbour Collective"


@pytest.fixture
def hidden_organisation(db: None) -> Organisation:
    return OrganisationFactory(
        name_en=HIDDEN_NAME,
        name_ar="تجمع المرفأ الهادئ",
        slug="quiet-harbour",
        description="Works out of sight for good reasons.",
        visibility=Organisation.Visibility.HIDDEN,
        joined_on=timezone.localdate(),
    )


@pytest.fixture
def listed_organisation(db: None) -> Organisation:
    return OrganisationFactory(
        name_en="Open Bridges Forum",
        slug="open-bridges",
        joined_on=timezone.localdate() - datetime.timedelta(days=3),
    )


# Who sees a hidden organisation: staff and admins only.
SEES_HIDDEN = {"member": False, "representative": False, "staff": True, "admin_user": True}


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "sees_hidden"), sorted(SEES_HIDDEN.items()))
def test_directory_lists_hidden_organisations_only_to_staff(
    request: pytest.FixtureRequest, hidden_organisation, listed_organisation, persona, sees_hidden
) -> None:
    page = login_client(request.getfixturevalue(persona)).get(reverse("members:directory"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Open Bridges Forum" in html
    assert (HIDDEN_NAME in html) is sees_hidden


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "sees_hidden"), sorted(SEES_HIDDEN.items()))
def test_hidden_organisation_page_is_404_to_members(
    request: pytest.FixtureRequest, hidden_organisation, persona, sees_hidden
) -> None:
    client = login_client(request.getfixturevalue(persona))
    response = client.get(reverse("members:organisation", args=[hidden_organisation.slug]))
    assert response.status_code == (200 if sees_hidden else 404)
    logo = client.get(reverse("members:organisation_logo", args=[hidden_organisation.slug]))
    assert logo.status_code == 404  # no logo for anyone, and unknown to members


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Quiet Harbour", "harb", "المرفأ", "sight"])
@pytest.mark.parametrize(("persona", "sees_hidden"), sorted(SEES_HIDDEN.items()))
def test_search_never_finds_hidden_organisations_for_members(
    request: pytest.FixtureRequest, hidden_organisation, persona, sees_hidden, query
) -> None:
    page = login_client(request.getfixturevalue(persona)).get(
        reverse("members:directory"), {"q": query}
    )
    assert (HIDDEN_NAME in page.content.decode()) is sees_hidden


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "sees_hidden"), sorted(SEES_HIDDEN.items()))
def test_home_never_shows_a_hidden_organisation_as_recently_joined(
    request: pytest.FixtureRequest, hidden_organisation, listed_organisation, persona, sees_hidden
) -> None:
    page = login_client(request.getfixturevalue(persona)).get(reverse("members:home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Open Bridges Forum" in html
    assert (HIDDEN_NAME in html) is sees_hidden


@pytest.mark.django_db
def test_a_member_of_a_hidden_organisation_sees_it_on_home_but_not_in_the_directory(
    hidden_organisation,
) -> None:
    insider = MembershipFactory(organisation=hidden_organisation).user
    client = login_client(insider)
    home = client.get(reverse("members:home")).content.decode()
    assert HIDDEN_NAME in home  # their own membership
    assert reverse("members:organisation", args=[hidden_organisation.slug]) not in home
    assert HIDDEN_NAME not in client.get(reverse("members:directory")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_people_outside_the_network_see_no_directory(
    request: pytest.FixtureRequest, listed_organisation, persona: str
) -> None:
    from django.test import Client

    client = Client() if persona == "anonymous" else login_client(request.getfixturevalue(persona))
    response = client.get(reverse("members:directory"))
    assert response.status_code in (302, 403)
    response = client.get(reverse("members:organisation", args=[listed_organisation.slug]))
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_people_of_a_hidden_organisation_are_not_revealed_to_members(
    member, hidden_organisation
) -> None:
    hidden_person = MembershipFactory(
        organisation=hidden_organisation,
        user=UserFactory(full_name="Hana Hidden", listed_in_directory=True),
    ).user
    client = login_client(member)
    assert client.get(reverse("members:person", args=[hidden_person.pk])).status_code == 404


@pytest.mark.django_db
def test_a_person_in_both_kinds_shows_only_the_listed_organisation_to_members(
    member, hidden_organisation, listed_organisation
) -> None:
    person = UserFactory(full_name="Dana Double", listed_in_directory=True)
    MembershipFactory(organisation=hidden_organisation, user=person)
    MembershipFactory(organisation=listed_organisation, user=person)
    page = login_client(member).get(reverse("members:person", args=[person.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Open Bridges Forum" in html
    assert HIDDEN_NAME not in html


@pytest.mark.django_db
def test_visibility_rule_is_one_queryset(
    member, staff, organisation, hidden_organisation, listed_organisation
) -> None:
    assert set(visible_organisations_for(member)) == {organisation, listed_organisation}
    assert set(visible_organisations_for(staff)) == {
        organisation,
        hidden_organisation,
        listed_organisation,
    }
