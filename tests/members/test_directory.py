"""The directory: search in every language, filters, sort, pages, a helpful empty state."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from members.models import Organisation, Sector
from tests.conftest import login_client
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def network(organisation) -> dict[str, Organisation]:
    education = Sector.objects.get_or_create(slug="education", defaults={"name_en": "Education"})[0]
    environment = Sector.objects.get_or_create(
        slug="environment", defaults={"name_en": "Environment"}
    )[0]
    kesher = OrganisationFactory(
        slug="kesher",
        name_en="Kesher Classrooms",
        name_he="כיתות קשר",
        community=Organisation.Community.ISRAELI,
        country="Israel",
        city="Tel Aviv-Yafo",
        description="Pairs school classes for a year of joint projects.",
        joined_on=datetime.date(2019, 3, 1),
    )
    kesher.sectors.add(education)
    jericho = OrganisationFactory(
        slug="jericho-oasis",
        name_en="Jericho Green Oasis Initiative",
        name_ar="مبادرة واحة أريحا الخضراء",
        community=Organisation.Community.PALESTINIAN,
        country="Palestine",
        city="Jericho",
        description="Water-saving agriculture in the Jordan Valley.",
        status=Organisation.Status.LAPSED,
        joined_on=datetime.date(2024, 6, 1),
    )
    jericho.sectors.add(environment)
    return {"kesher": kesher, "jericho": jericho}


@pytest.fixture(autouse=True)
def _english() -> None:
    # A request to an /ar/ page leaves Arabic active in the test's thread; start each in English.
    translation.activate("en")


def _names(member, **params) -> str:
    response = login_client(member).get(reverse("members:directory"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("kesher", "Kesher Classrooms", "Jericho Green"),
        ("קשר", "Kesher Classrooms", "Jericho Green"),  # Hebrew name
        ("أريحا", "Jericho Green", "Kesher Classrooms"),  # Arabic name
        ("agriculture", "Jericho Green", "Kesher Classrooms"),  # description
        ("class", "Kesher Classrooms", "Jericho Green"),  # a word's beginning
        ("school projects", "Kesher Classrooms", "Jericho Green"),  # every word, any order
    ],
)
def test_search_covers_names_in_every_language_and_descriptions(
    member, network, query, found, not_found
) -> None:
    html = _names(member, q=query)
    assert found in html
    assert not_found not in html


@pytest.mark.django_db
def test_search_input_cannot_break_the_query(member, network) -> None:
    for query in ["'", "a & | !b", "(kesher:*", "\\", "<script>"]:
        assert "Sorry" not in _names(member, q=query)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "found", "not_found"),
    [
        ({"community": "israeli"}, "Kesher Classrooms", "Jericho Green"),
        ({"sector": "environment"}, "Jericho Green", "Kesher Classrooms"),
        ({"country": "Palestine"}, "Jericho Green", "Kesher Classrooms"),
        ({"status": "lapsed"}, "Jericho Green", "Kesher Classrooms"),
    ],
)
def test_filters(member, network, params, found, not_found) -> None:
    html = _names(member, **params)
    assert found in html
    assert not_found not in html


@pytest.mark.django_db
def test_sorting_by_name_and_by_joining_date(member, network) -> None:
    by_name = _names(member)
    assert by_name.index("Jericho Green") < by_name.index("Kesher Classrooms")
    by_joined = _names(member, sort="-joined")
    assert by_joined.index("Jericho Green") < by_joined.index("Kesher Classrooms")
    assert by_joined.index("Kesher Classrooms") < by_joined.index("Olive Branch")  # no date last


@pytest.mark.django_db
def test_names_show_in_the_readers_language(member, network) -> None:
    response = login_client(member).get("/ar/directory/")
    assert "مبادرة واحة أريحا الخضراء" in response.content.decode()


@pytest.mark.django_db
def test_pages(member, organisation) -> None:
    OrganisationFactory.create_batch(30)
    first = _names(member)
    assert "Page 1 of 2" in first
    second = _names(member, page=2)
    assert "Page 2 of 2" in second
    assert _names(member, page="999").count("card-title") == 31 - 24


@pytest.mark.django_db
def test_an_empty_result_helps(member, network) -> None:
    html = _names(member, q="nothing-like-this")
    assert "No organisation matches" in html
    assert "Show all member organisations" in html


@pytest.mark.django_db
def test_a_bad_filter_value_is_shown_and_ignored(member, network) -> None:
    html = _names(member, community="martian", sort="chaos")
    assert "could not be used" in html
    assert "Kesher Classrooms" in html and "Jericho Green" in html


@pytest.mark.django_db
def test_organisation_page_shows_about_sectors_and_listed_people(member, network) -> None:
    kesher = network["kesher"]
    MembershipFactory(
        organisation=kesher,
        user=UserFactory(full_name="Lior Listed", listed_in_directory=True),
        title="Director",
    )
    page = login_client(member).get(reverse("members:organisation", args=[kesher.slug]))
    html = page.content.decode()
    assert "Pairs school classes" in html
    assert "Education" in html
    assert "Lior Listed" in html and "Director" in html
    # Sections of later issues are hidden until they have something to show.
    assert "Sessions it took part in" not in html
    assert "Priorities it endorsed" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "staff"])
def test_organisation_page_queries_do_not_grow_with_its_people(
    request: pytest.FixtureRequest, django_assert_num_queries, network, persona: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kesher = network["kesher"]
    client = login_client(request.getfixturevalue(persona))
    # Other apps add their own sections to the page; whatever they add, the number of queries
    # must not grow with the number of people listed.
    counts = []
    for people in (2, 20):
        while kesher.memberships.count() < people:
            MembershipFactory(organisation=kesher, user=UserFactory(listed_in_directory=True))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("members:organisation", args=[kesher.slug]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
