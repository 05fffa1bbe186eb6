"""The directory and the hub home run a fixed number of queries, however many organisations."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import hub
from members.models import Organisation, Sector
from tests.conftest import login_client

# Directory: session, user, roles (one statement), sectors and the
# organisations counted by country for the filters (the sum is the unfiltered count), the
# page, and its cards' sector links; a filtered directory also counts its matches.
DIRECTORY_QUERIES = 7
FILTERED_DIRECTORY_QUERIES = 8
# Home without other apps' sections: session, user, roles, my memberships,
# recently joined, themes (the next session is the meetings app's section).
HOME_QUERIES = 6


def _grow_to(size: int) -> None:
    """Make the network `size` organisations large, each in two sectors, some hidden."""
    sectors = [
        Sector.objects.get_or_create(slug=slug, defaults={"name_en": slug.title()})[0]
        for slug in ("education", "dialogue", "environment")
    ]
    existing = Organisation.objects.count()
    new = Organisation.objects.bulk_create(
        Organisation(
            name_en=f"Bulk Organisation {n}",
            slug=f"bulk-{n}",
            community=Organisation.Community.values[n % 5],
            country=("Israel", "Palestine", "Jordan")[n % 3],
            status=Organisation.Status.ACTIVE,
            joined_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
            visibility=(
                Organisation.Visibility.HIDDEN if n % 7 == 0 else Organisation.Visibility.LISTED
            ),
            description="Dialogue and education work.",
        )
        for n in range(existing, size)
    )
    through = Organisation.sectors.through
    through.objects.bulk_create(
        through(organisation=organisation, sector=sector)
        for index, organisation in enumerate(new)
        for sector in (sectors[index % 3], sectors[(index + 1) % 3])
    )
    assert Organisation.objects.count() == size


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "staff"])
@pytest.mark.parametrize(
    "params",
    [{}, {"q": "dialogue", "sort": "relevance"}, {"sector": "education", "sort": "-joined"}],
)
def test_directory_runs_the_same_queries_at_10_and_200_organisations(
    request: pytest.FixtureRequest, django_assert_num_queries, persona: str, params: dict
) -> None:
    client = login_client(request.getfixturevalue(persona))
    for size in (10, 200):
        _grow_to(size)
        expected = FILTERED_DIRECTORY_QUERIES if params else DIRECTORY_QUERIES
        with django_assert_num_queries(expected):
            response = client.get(reverse("members:directory"), params)
        assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "staff"])
def test_home_runs_the_same_queries_at_10_and_200_organisations(
    request: pytest.FixtureRequest, django_assert_num_queries, monkeypatch, persona: str
) -> None:
    # The members app's own sections; other apps test the queries of the sections they add.
    monkeypatch.setattr(hub, "_HOME", [])
    client = login_client(request.getfixturevalue(persona))
    for size in (10, 200):
        _grow_to(size)
        with django_assert_num_queries(HOME_QUERIES):
            response = client.get(reverse("members:home"))
        assert response.status_code == 200


@pytest.mark.django_db
def test_home_with_every_registered_section_stays_constant(member) -> None:
    client = login_client(member)
    counts = []
    for size in (10, 200):
        _grow_to(size)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("members:home")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
