"""The board folds each theme's long tail behind a link, pages a theme on its own, and shares
its rendered sections between viewers only where they would see the very same HTML."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alliance import fragments
from members.models import Organisation, User
from priorities import services
from priorities.models import Priority, Theme
from priorities.selectors import BOARD_HEAD_SIZE
from tests.conftest import login_client
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.priorities.factories import EndorsementFactory, PriorityFactory, ThemeFactory

S = Priority.Status
BOARD = "priorities:board"


def _shown(response) -> dict[int, list[int]]:
    return {c.theme.pk: [p.pk for p in c.priorities] for c in response.context["columns"]}


def _theme_with(count: int, **kwargs: object) -> tuple[Theme, list[Priority]]:
    theme = ThemeFactory(**kwargs)
    return theme, [PriorityFactory(theme=theme, rank=rank) for rank in range(1, count + 1)]


@pytest.mark.django_db
def test_the_board_shows_each_theme_s_first_priorities_and_links_to_the_rest(
    member: User,
) -> None:
    long_theme, many = _theme_with(BOARD_HEAD_SIZE + 3, name_en="Long theme")
    short_theme, few = _theme_with(2, name_en="Short theme")
    response = login_client(member).get(reverse(BOARD))
    shown = _shown(response)
    assert shown[long_theme.pk] == [p.pk for p in many[:BOARD_HEAD_SIZE]]
    assert shown[short_theme.pk] == [p.pk for p in few]
    html = response.content.decode()
    assert f'href="?theme={long_theme.pk}"' in html
    assert f"See all {BOARD_HEAD_SIZE + 3} priorities in Long theme" in html
    assert f"?theme={short_theme.pk}" not in html
    assert many[-1].title_en not in html


@pytest.mark.django_db
def test_a_theme_on_its_own_is_listed_in_full_in_pages(
    member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("priorities.views.BOARD_PAGE_SIZE", 4)
    theme, priorities = _theme_with(6)
    _theme_with(1)  # another theme, not shown on this one's pages
    client = login_client(member)
    first = client.get(reverse(BOARD), {"theme": theme.pk})
    assert _shown(first) == {theme.pk: [p.pk for p in priorities[:4]]}
    html = first.content.decode()
    assert f"theme={theme.pk}&amp;page=2" in html
    assert f'href="{reverse(BOARD)}">All themes</a>' in html
    assert f'name="theme" value="{theme.pk}"' in html  # filtering keeps to the theme
    second = client.get(reverse(BOARD), {"theme": theme.pk, "page": 2})
    assert _shown(second) == {theme.pk: [p.pk for p in priorities[4:]]}


@pytest.mark.django_db
def test_the_filters_follow_the_links_between_the_overview_and_a_theme(member: User) -> None:
    theme = ThemeFactory()
    agreed = [PriorityFactory(theme=theme, agreed=True) for _ in range(BOARD_HEAD_SIZE + 1)]
    PriorityFactory(theme=theme)  # proposed: filtered out
    client = login_client(member)
    overview = client.get(reverse(BOARD), {"status": "agreed"}).content.decode()
    assert f'href="?status=agreed&amp;theme={theme.pk}"' in overview
    assert f"See all {BOARD_HEAD_SIZE + 1} priorities" in overview
    page = client.get(reverse(BOARD), {"status": "agreed", "theme": theme.pk})
    assert _shown(page) == {theme.pk: [p.pk for p in agreed]}
    assert f'href="{reverse(BOARD)}?status=agreed">All themes</a>' in page.content.decode()


@pytest.mark.django_db
def test_a_bad_theme_shows_every_theme_and_keeps_the_other_filters(member: User) -> None:
    theme = ThemeFactory()
    agreed = PriorityFactory(theme=theme, agreed=True)
    PriorityFactory(theme=theme)
    client = login_client(member)
    for bad in ("999999", "nonsense"):
        response = client.get(reverse(BOARD), {"theme": bad, "status": "agreed"})
        assert response.status_code == 200
        assert response.context["browsed_theme"] is None
        assert _shown(response)[theme.pk] == [agreed.pk]


@pytest.mark.django_db
def test_my_organisation_s_filter_counts_the_rest_of_a_theme(
    member: User, organisation: Organisation
) -> None:
    theme, priorities = _theme_with(BOARD_HEAD_SIZE + 4)
    ours = priorities[: BOARD_HEAD_SIZE + 2]
    for priority in ours:
        EndorsementFactory(priority=priority, organisation=organisation)
    response = login_client(member).get(reverse(BOARD), {"mine": "on"})
    assert _shown(response)[theme.pk] == [p.pk for p in ours[:BOARD_HEAD_SIZE]]
    html = response.content.decode()
    assert f'href="?mine=on&amp;theme={theme.pk}"' in html
    assert f"See all {BOARD_HEAD_SIZE + 2} priorities" in html


# --- the shared fragments ----------------------------------------------------------------------


def _member_of(organisation: Organisation, email: str) -> User:
    return MembershipFactory(organisation=organisation, user=UserFactory(email=email)).user


@pytest.mark.django_db
def test_people_of_different_organisations_in_turn_each_see_only_their_own_badge(
    member: User, organisation: Organisation, staff: User
) -> None:
    priority = PriorityFactory(title_en="Shared priority")
    EndorsementFactory(priority=priority, organisation=organisation)
    other = _member_of(OrganisationFactory(), "other@example.org")
    badge = "Endorsed by my organisation</span>"
    for _round in range(2):  # the second round is served from the cache
        ours = login_client(member).get(reverse(BOARD)).content.decode()
        theirs = login_client(other).get(reverse(BOARD)).content.decode()
        staff_html = login_client(staff).get(reverse(BOARD)).content.decode()
        assert "Shared priority" in ours and "Shared priority" in theirs
        assert badge in ours
        assert badge not in theirs
        assert badge not in staff_html
        assert "1 endorsing organisation" in theirs


@pytest.mark.django_db
def test_the_second_load_is_served_from_the_cache(member: User) -> None:
    PriorityFactory()
    client = login_client(member)
    cache.clear()
    rendered: list[str] = []
    original = fragments.render_to_string

    def counting(name: str, context: dict) -> str:
        rendered.append(name)
        return original(name, context)

    fragments.render_to_string = counting
    try:
        first = client.get(reverse(BOARD)).content
        assert sorted(rendered) == [
            "priorities/_board_columns.html",
            "priorities/_status_chart.html",
        ]
        rendered.clear()
        second = client.get(reverse(BOARD)).content
        assert rendered == []
    finally:
        fragments.render_to_string = original
    # The same page but for the (masked, so ever different) CSRF token of the sign-out form.
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", first) == token.sub(b"", second)


@pytest.mark.django_db
def test_changes_show_on_the_next_load(
    member: User, organisation: Organisation, admin_user: User
) -> None:
    priority = PriorityFactory(title_en="Before", agreed=True)
    endorsement = EndorsementFactory(priority=priority, organisation=organisation)
    client = login_client(member)
    html = client.get(reverse(BOARD)).content.decode()
    assert "Before" in html and "1 endorsing organisation" in html

    Priority.objects.filter(pk=priority.pk).update(title_en="After")  # no signal, no save()
    representative = _member_of(organisation, "rep2@example.org")
    services.withdraw_endorsement(endorsement=endorsement, user=representative)
    login_client(admin_user).post(
        reverse("admin:priorities_priority_changelist"),
        {"action": "mark_in_progress", ACTION_CHECKBOX_NAME: [priority.pk]},
    )
    response = client.get(reverse(BOARD))
    html = response.content.decode()
    assert "After" in html and "Before" not in html
    assert "0 endorsing organisations" in html
    assert "Endorsed by my organisation</span>" not in html
    row = next(r for r in response.context["chart"] if r.theme == priority.theme)
    assert {s.status: s.count for s in row.segments}[S.IN_PROGRESS] == 1


@pytest.mark.django_db
def test_each_language_gets_its_own_fragments(member: User) -> None:
    PriorityFactory(title_en="In English", title_ar="بالعربية")
    client = login_client(member)
    with translation.override("en"):
        assert "In English" in client.get(reverse(BOARD)).content.decode()
    with translation.override("ar"):
        arabic = client.get(reverse(BOARD)).content.decode()
    assert "بالعربية" in arabic and "In English" not in arabic
    assert 'transform="matrix(-1 0 0 1 100 0)"' in arabic


def test_a_fragment_is_keyed_by_plain_values_only() -> None:
    with pytest.raises(TypeError):
        fragments.fragment_key("priorities/_status_chart.html", {"theme": Theme()})
    one = fragments.fragment_key("priorities/_status_chart.html", {"n": 1})
    two = fragments.fragment_key("priorities/_status_chart.html", {"n": 2})
    assert one != two


@pytest.mark.django_db
def test_the_anonymous_are_sent_to_sign_in_before_any_fragment(client: Client) -> None:
    response = client.get(reverse(BOARD), {"theme": 1})
    assert response.status_code == 302


@pytest.mark.django_db
def test_themes_and_chart_rows_follow_the_themes_order(member: User) -> None:
    Theme.objects.all().delete()
    third, first, second = (ThemeFactory(order=n) for n in (3, 1, 2))
    for theme in (third, first, second):
        PriorityFactory(theme=theme)
    response = login_client(member).get(reverse(BOARD))
    assert [c.theme for c in response.context["columns"]] == [first, second, third]
    assert [r.theme for r in response.context["chart"]] == [first, second, third]
