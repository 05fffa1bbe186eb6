"""The board and the priority page: who sees them, what they show, and in how many queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from members.models import Organisation, User
from priorities.models import Priority
from tests.conftest import login_client
from tests.factories import OrganisationFactory
from tests.priorities.factories import (
    EndorsementFactory,
    NoteFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    RoundTableFactory,
    SessionFactory,
    ThemeFactory,
)

S = Priority.Status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", 403), ("member", 200), ("representative", 200), ("staff", 200)],
)
def test_board_and_page_are_for_the_network(
    request: pytest.FixtureRequest, persona: str, expected: int
) -> None:
    priority = PriorityFactory()
    client = login_client(request.getfixturevalue(persona))
    assert client.get(reverse("priorities:board")).status_code == expected
    assert client.get(priority.get_absolute_url()).status_code == expected
    by_pk = reverse("priorities:detail", args=[priority.pk])
    assert client.get(by_pk).status_code == expected


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    priority = PriorityFactory()
    for url in (reverse("priorities:board"), priority.get_absolute_url()):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_an_unknown_priority_is_404(member: User) -> None:
    client = login_client(member)
    assert client.get(reverse("priorities:detail", args=[999999])).status_code == 404
    assert client.get(reverse("priorities:detail", args=["no-such-thing"])).status_code == 404


@pytest.mark.django_db
def test_the_nav_links_to_the_board(member: User) -> None:
    html = login_client(member).get(reverse("members:home")).content.decode()
    assert f'href="{reverse("priorities:board")}"' in html


@pytest.mark.django_db
def test_board_groups_by_theme_in_rank_order(member: User) -> None:
    first_theme, second_theme = ThemeFactory(order=1001), ThemeFactory(order=1002)
    b = PriorityFactory(theme=first_theme, rank=2, title_en="B")
    a = PriorityFactory(theme=first_theme, rank=1, title_en="A")
    c = PriorityFactory(theme=second_theme, rank=1, title_en="C")
    columns = login_client(member).get(reverse("priorities:board")).context["columns"]
    by_theme = {c.theme.pk: [p.pk for p in c.priorities] for c in columns}
    assert by_theme[first_theme.pk] == [a.pk, b.pk]
    assert by_theme[second_theme.pk] == [c.pk]


@pytest.mark.django_db
def test_board_filters_by_status(member: User) -> None:
    proposed = PriorityFactory()
    agreed = PriorityFactory(agreed=True)
    aside = PriorityFactory(status=S.SET_ASIDE)
    client = login_client(member)

    def shown(params: dict) -> set[int]:
        columns = client.get(reverse("priorities:board"), params).context["columns"]
        return {p.pk for column in columns for p in column.priorities}

    assert shown({}) == {proposed.pk, agreed.pk}  # set-aside ones only when asked for
    assert shown({"status": "agreed"}) == {agreed.pk}
    assert shown({"status": "set_aside"}) == {aside.pk}
    assert shown({"status": "nonsense"}) == {proposed.pk, agreed.pk}


@pytest.mark.django_db
def test_board_filters_by_my_organisation_s_endorsements(
    member: User, organisation: Organisation
) -> None:
    ours, theirs, nobody = PriorityFactory(), PriorityFactory(), PriorityFactory()
    EndorsementFactory(priority=ours, organisation=organisation)
    EndorsementFactory(priority=theirs, organisation=OrganisationFactory())
    EndorsementFactory(priority=nobody, organisation=organisation, withdrawn_at="2025-10-01T00:00Z")
    response = login_client(member).get(reverse("priorities:board"), {"mine": "on"})
    shown = [p.pk for column in response.context["columns"] for p in column.priorities]
    assert shown == [ours.pk]
    assert "Endorsed by my organisation" in response.content.decode()


@pytest.mark.django_db
def test_board_shows_a_status_by_theme_chart_with_a_table(member: User) -> None:
    theme = ThemeFactory(name_en="Chart theme", order=1001)
    PriorityFactory(theme=theme)
    PriorityFactory(theme=theme, agreed=True)
    PriorityFactory(theme=theme, agreed=True)
    response = login_client(member).get(reverse("priorities:board"))
    row = next(r for r in response.context["chart"] if r.theme == theme)
    counts = {segment.status: segment.count for segment in row.segments}
    assert counts[S.PROPOSED] == 1
    assert counts[S.AGREED] == 2
    assert row.total == 3
    html = response.content.decode()
    assert "<svg" in html
    assert 'role="img"' in html
    assert "<table" in html
    assert "style=" not in html  # the CSP allows no inline style
    assert "<script>" not in html


@pytest.mark.django_db
def test_right_to_left_pages_mirror_the_chart(member: User) -> None:
    PriorityFactory()
    with translation.override("ar"):
        html = login_client(member).get(reverse("priorities:board")).content.decode()
    assert 'transform="matrix(-1 0 0 1 100 0)"' in html
    assert 'dir="rtl"' in html


@pytest.mark.django_db
def test_readers_see_their_language_when_present(member: User) -> None:
    priority = PriorityFactory(title_en="Peace education", title_ar="التربية على السلام")
    client = login_client(member)
    with translation.override("ar"):
        arabic = client.get(priority.get_absolute_url()).content.decode()
    with translation.override("he"):
        hebrew = client.get(priority.get_absolute_url()).content.decode()
    assert "التربية على السلام" in arabic
    assert "Peace education" in hebrew  # no Hebrew title: English stands in


@pytest.mark.django_db
def test_the_description_is_sanitised_markdown(member: User) -> None:
    priority = PriorityFactory(
        description="**Bold** <script>alert(1)</script> [site](https://example.org)"
    )
    html = login_client(member).get(priority.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.django_db
def test_hidden_champions_stay_hidden_from_members(member: User, staff: User) -> None:
    priority = PriorityFactory()
    listed = OrganisationFactory(name_en="Listed Champion")
    hidden = OrganisationFactory(
        name_en="Hidden Champion", visibility=Organisation.Visibility.HIDDEN
    )
    priority.champions.add(listed, hidden)
    ProgressUpdateFactory(priority=priority, organisation=hidden, body="Quiet progress")
    member_html = login_client(member).get(priority.get_absolute_url()).content.decode()
    assert "Listed Champion" in member_html
    assert "Hidden Champion" not in member_html
    assert "Quiet progress" in member_html
    assert "A champion organisation" in member_html
    staff_html = login_client(staff).get(priority.get_absolute_url()).content.decode()
    assert "Hidden Champion" in staff_html


@pytest.mark.django_db
def test_the_timeline_is_newest_first(member: User) -> None:
    priority = PriorityFactory()
    ProgressUpdateFactory(priority=priority, happened_on="2025-10-01", body="Older step")
    ProgressUpdateFactory(priority=priority, happened_on="2025-11-01", body="Newer step")
    html = login_client(member).get(priority.get_absolute_url()).content.decode()
    assert html.index("Newer step") < html.index("Older step")


# --- query counts ------------------------------------------------------------------------------


def _fill(size: int, organisation: Organisation) -> Priority:
    """`size` priorities in each of two themes, each endorsed, championed, sourced, updated."""
    themes = [ThemeFactory(), ThemeFactory()]
    session = SessionFactory()
    last = None
    for theme in themes:
        for _ in range(size):
            last = PriorityFactory(theme=theme, agreed=True)
            for _ in range(size):
                org = OrganisationFactory()
                EndorsementFactory(priority=last, organisation=org)
                last.champions.add(org)
                ProgressUpdateFactory(priority=last, organisation=org)
                round_table = RoundTableFactory(session=session)
                NoteFactory(round_table=round_table)
                last.source_round_tables.add(round_table)
                last.source_sessions.add(SessionFactory())
            EndorsementFactory(priority=last, organisation=organisation)
    return last


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_board_runs_a_constant_number_of_queries(
    representative: User, organisation: Organisation, django_assert_num_queries
) -> None:
    client = login_client(representative)
    _fill(1, organisation)
    client.get(reverse("priorities:board"))  # warm the session and content-type caches
    small = _count(client, reverse("priorities:board") + "?mine=on")
    _fill(4, organisation)
    # session, user, roles, themes with their status counts for the chart, each
    # theme's first priorities (with their endorsement counts and the theme's total)
    with django_assert_num_queries(small):
        client.get(reverse("priorities:board") + "?mine=on")
    assert small == 5


@pytest.mark.django_db
def test_priority_page_runs_a_constant_number_of_queries(
    representative: User, organisation: Organisation, django_assert_num_queries
) -> None:
    client = login_client(representative)
    small_priority = _fill(1, organisation)
    client.get(small_priority.get_absolute_url())
    small = _count(client, small_priority.get_absolute_url())
    big_priority = _fill(4, organisation)
    # session, user, roles, priority, represented organisations, my endorsements,
    # champions (whether visible, whether mine), counts by community, timeline, sessions,
    # round tables, the readable notes (summaries and recommendations' notes at once),
    # the recommendations of those notes
    with django_assert_num_queries(small):
        response = client.get(big_priority.get_absolute_url())
    assert len(response.context["provenance"].round_tables) == 4
    assert len(response.context["timeline"]) == 4
    assert small == 13
