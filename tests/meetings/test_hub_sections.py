"""The meetings sections on the hub home and on organisation pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Registration, StrategicSession
from tests.conftest import login_client
from tests.factories import OrganisationFactory
from tests.meetings.factories import SessionFactory, in_days, member_of, register


@pytest.mark.django_db
def test_home_offers_registration_for_the_next_session(member) -> None:
    session = SessionFactory(title="Next quarter's session")
    page = login_client(member).get(reverse("members:home")).content.decode()
    assert session.get_absolute_url() in page
    assert reverse("meetings:session_register", args=[session.pk]) in page


@pytest.mark.django_db
def test_home_shows_my_registration(member) -> None:
    session = SessionFactory(title="Next quarter's session")
    register(session, member)
    page = login_client(member).get(reverse("members:home")).content.decode()
    assert "Confirmed" in page
    assert reverse("meetings:session_register", args=[session.pk]) not in page


@pytest.mark.django_db
def test_home_section_queries_do_not_grow(member, organisation) -> None:
    client = login_client(member)
    counts = []
    for size in (1, 8):
        session = SessionFactory(starts_at=in_days(10 + size))
        for _ in range(size):
            register(session, member_of(organisation))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("members:home")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_an_organisation_page_lists_the_sessions_its_people_attended(member, organisation) -> None:
    held = SessionFactory(
        title="Members meeting in Beit Jala",
        starts_at=in_days(-40),
        status=StrategicSession.Status.HELD,
    )
    missed = SessionFactory(
        title="A session nobody came to",
        starts_at=in_days(-20),
        status=StrategicSession.Status.HELD,
    )
    for session, attended in ((held, True), (missed, False)):
        Registration.objects.create(
            session=session,
            user=member_of(organisation),
            organisation=organisation,
            status=Registration.Status.CONFIRMED,
            attended=attended,
        )
    other = OrganisationFactory()
    Registration.objects.create(
        session=missed,
        user=member_of(other),
        organisation=other,
        status=Registration.Status.CONFIRMED,
        attended=True,
    )
    page = (
        login_client(member)
        .get(reverse("members:organisation", args=[organisation.slug]))
        .content.decode()
    )
    assert "Members meeting in Beit Jala" in page
    assert f'<a href="{held.get_absolute_url()}">{held}</a>' in page
    assert "A session nobody came to" not in page
