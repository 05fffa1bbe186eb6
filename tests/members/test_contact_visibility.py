"""Each contact detail shows to the people its owner chose: staff only (default) or members."""

import pytest
from django.urls import reverse

from members.models import ContactVisibility, User
from tests.conftest import login_client
from tests.factories import MembershipFactory, UserFactory

STAFF, MEMBERS = ContactVisibility.STAFF, ContactVisibility.MEMBERS


@pytest.fixture
def colleague(organisation) -> User:
    user = UserFactory(
        email="colleague@example.org",
        full_name="Carmel Colleague",
        phone="+972 50 123 4567",
        messaging_handle="signal:@carmel",
        listed_in_directory=True,
    )
    MembershipFactory(organisation=organisation, user=user)
    return user


def _set(user: User, **visibility: str) -> None:
    User.objects.filter(pk=user.pk).update(**visibility)


def _page(viewer: User, person: User) -> str:
    response = login_client(viewer).get(reverse("members:person", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_contact_details_are_staff_only_by_default(colleague, member, staff) -> None:
    assert colleague.email_visibility == colleague.phone_visibility == STAFF
    assert colleague.messaging_visibility == STAFF
    as_member = _page(member, colleague)
    for value in ("colleague@example.org", "+972 50 123 4567", "signal:@carmel"):
        assert value not in as_member
    as_staff = _page(staff, colleague)
    for value in ("colleague@example.org", "+972 50 123 4567", "signal:@carmel"):
        assert value in as_staff


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email_visibility", "colleague@example.org"),
        ("phone_visibility", "+972 50 123 4567"),
        ("messaging_visibility", "signal:@carmel"),
    ],
)
@pytest.mark.parametrize(
    ("persona", "setting", "sees"),
    [
        ("member", STAFF, False),
        ("member", MEMBERS, True),
        ("representative", MEMBERS, True),
        ("staff", STAFF, True),
        ("staff", MEMBERS, True),
        ("admin_user", STAFF, True),
    ],
)
def test_each_contact_detail_follows_its_own_setting(
    request: pytest.FixtureRequest, colleague, field, value, persona, setting, sees
) -> None:
    _set(colleague, **{field: setting})
    html = _page(request.getfixturevalue(persona), colleague)
    assert (value in html) is sees
    # The other two details keep their default (staff only).
    others = {"colleague@example.org", "+972 50 123 4567", "signal:@carmel"} - {value}
    for other in others:
        assert (other in html) is (persona in {"staff", "admin_user"})


@pytest.mark.django_db
def test_a_person_always_sees_their_own_details(colleague) -> None:
    html = _page(colleague, colleague)
    assert "colleague@example.org" in html
    assert "signal:@carmel" in html


@pytest.mark.django_db
def test_unlisted_people_are_not_shown_to_members_but_are_to_staff(member, staff, organisation):
    shy = MembershipFactory(
        organisation=organisation, user=UserFactory(full_name="Shy Person")
    ).user
    client = login_client(member)
    assert client.get(reverse("members:person", args=[shy.pk])).status_code == 404
    assert (
        "Shy Person"
        not in client.get(
            reverse("members:organisation", args=[organisation.slug])
        ).content.decode()
    )
    staff_page = login_client(staff).get(reverse("members:organisation", args=[organisation.slug]))
    assert "Shy Person" in staff_page.content.decode()


@pytest.mark.django_db
def test_listed_people_appear_on_their_organisation_page(member, colleague, organisation) -> None:
    page = login_client(member).get(reverse("members:organisation", args=[organisation.slug]))
    assert "Carmel Colleague" in page.content.decode()
    # The contact details stay on the person's own page, under their own settings.
    assert "colleague@example.org" not in page.content.decode()
