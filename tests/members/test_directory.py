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


def _blank_lines_dropped(html: str) -> str:
    return "\n".join(line for line in html.splitlines() if line.strip())


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"q": 'x "<y>', "country": 'Pal"estine', "status": "zz"}])
def test_filter_form_writes_the_markup_of_djangos_widget_templates(data) -> None:
    from django import forms

    from members.forms import DirectoryFilterForm

    def form() -> DirectoryFilterForm:
        bound = DirectoryFilterForm(
            data, sectors=[("education", "Education & <b>")], countries=["Israel", 'Pal"estine']
        )
        if bound.is_bound:
            bound.is_valid()  # errors add aria-invalid and aria-describedby
        return bound

    ours, djangos = form(), form()
    for name, field in djangos.fields.items():
        template_widget = (
            forms.TextInput(attrs=field.widget.attrs)
            if name == "q"
            else forms.Select(attrs=field.widget.attrs, choices=field.choices)
        )
        template_widget.input_type = getattr(field.widget, "input_type", None)
        field.widget = template_widget
    for name in ours.fields:
        # The option template ends with a newline: the same markup, less blank lines.
        assert str(ours[name]) == _blank_lines_dropped(str(djangos[name])), name
    assert 'type="search"' in str(ours["q"])


@pytest.mark.django_db
def test_cards_show_place_sectors_status_and_logo(member, network) -> None:
    dialogue = Sector.objects.update_or_create(
        slug="dialogue", defaults={"name_en": "Dialogue", "name_ar": "حوار"}
    )[0]
    network["kesher"].sectors.add(dialogue)
    Organisation.objects.filter(pk=network["kesher"].pk).update(logo="organisations/kesher.png")
    html = _names(member)
    kesher_card = html[html.index("Kesher Classrooms") - 600 : html.index("Olive Branch")]
    assert reverse("members:organisation_logo", args=["kesher"]) in kesher_card
    assert "Israeli · Tel Aviv-Yafo, Israel" in kesher_card
    # Sectors in the order of their English names, as before.
    assert kesher_card.index(">Dialogue<") < kesher_card.index(">Education<")
    jericho = html[html.index("Jericho Green") - 800 : html.index("Kesher Classrooms") - 600]
    assert 'aria-hidden="true">J</span>' in jericho  # no logo: the initial
    assert "Lapsed" in jericho
    assert reverse("members:organisation", args=["jericho-oasis"]) in jericho
    arabic = login_client(member).get("/ar/directory/").content.decode()
    assert ">حوار<" in arabic


@pytest.mark.django_db
def test_long_descriptions_are_cut_at_thirty_words(member, network) -> None:
    words = [f"word{n}" for n in range(40)]
    Organisation.objects.filter(pk=network["kesher"].pk).update(description=" ".join(words))
    html = _names(member)
    assert " ".join(words[:30]) + " …" in html
    assert "word30" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "sees_hidden"), [("member", False), ("staff", True)])
def test_count_and_country_filter_follow_what_the_viewer_may_see(
    request: pytest.FixtureRequest, network, persona: str, sees_hidden: bool
) -> None:
    OrganisationFactory(country="Cyprus", visibility=Organisation.Visibility.HIDDEN)
    OrganisationFactory(country="")  # counted, but no empty choice in the country filter
    client = login_client(request.getfixturevalue(persona))
    html = client.get(reverse("members:directory")).content.decode()
    listed = Organisation.objects.filter(visibility=Organisation.Visibility.LISTED).count()
    assert f"{listed + sees_hidden} organisations" in html
    assert ('<option value="Cyprus">' in html) is sees_hidden
    assert '<option value="Israel">' in html and '<option value="Palestine">' in html
    # Filtered, the count is of the matches.
    filtered = client.get(reverse("members:directory"), {"country": "Palestine"})
    assert "1 organisation" in filtered.content.decode()
