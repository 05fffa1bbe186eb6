"""The public page: agreed priorities marked public, no login, no names, aggregate counts."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Organisation
from priorities import services
from priorities.models import Priority
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.priorities.factories import EndorsementFactory, PriorityFactory, ProgressUpdateFactory

URL = "priorities:public"


@pytest.mark.django_db
def test_anyone_may_read_the_public_page() -> None:
    response = Client().get(reverse(URL))
    assert response.status_code == 200
    assert "No priorities have been published yet." in response.content.decode()


@pytest.mark.django_db
def test_only_agreed_priorities_marked_public_are_shown() -> None:
    shown = PriorityFactory(agreed=True, is_public=True, title_en="Shown to the world")
    PriorityFactory(agreed=True, title_en="Agreed but not public")
    PriorityFactory(title_en="Only proposed")
    achieved = PriorityFactory(agreed=True, is_public=True, title_en="Achieved and public")
    Priority.objects.filter(pk=achieved.pk).update(status=Priority.Status.ACHIEVED)
    aside = PriorityFactory(agreed=True, is_public=True, title_en="Later set aside")
    services.set_priority_aside(priority=aside)
    html = Client().get(reverse(URL)).content.decode()
    assert shown.title_en in html
    assert "Achieved and public" in html
    assert "Agreed but not public" not in html
    assert "Only proposed" not in html
    assert "Later set aside" not in html


@pytest.mark.django_db
def test_the_public_page_names_no_people_and_no_organisations() -> None:
    priority = PriorityFactory(agreed=True, is_public=True)
    organisation = OrganisationFactory(
        name_en="Quiet Olive Association", community=Organisation.Community.PALESTINIAN
    )
    person = UserFactory(full_name="Nadia Representative")
    MembershipFactory(user=person, organisation=organisation)
    EndorsementFactory(
        priority=priority, organisation=organisation, endorsed_by=person, comment="Our words"
    )
    EndorsementFactory(priority=priority, organisation=OrganisationFactory(name_en="Second Org"))
    priority.champions.add(organisation)
    ProgressUpdateFactory(priority=priority, organisation=organisation, author=person)
    html = Client().get(reverse(URL)).content.decode()
    assert priority.title_en in html
    assert "Endorsed by 2 member organisations." in html
    for secret in ("Quiet Olive", "Second Org", "Nadia", "Our words", person.email):
        assert secret not in html
    assert priority.agreed_at_session.title not in html


@pytest.mark.django_db
def test_the_public_page_has_no_link_into_the_hub() -> None:
    priority = PriorityFactory(agreed=True, is_public=True)
    html = Client().get(reverse(URL)).content.decode()
    assert priority.get_absolute_url() not in html
