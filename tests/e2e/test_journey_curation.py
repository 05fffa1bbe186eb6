"""Journey: an admin (with MFA) curates priorities in the Django admin — reorders them by drag
and drop within one theme and marks one agreed at a session — then a representative endorses
it on the priority's page."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from members.models import Organisation, User
from priorities.models import Priority, Theme
from tests.priorities.factories import PriorityFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHANGELIST = "/admin/priorities/priority/"


def _titles_in_order(page: Page) -> list[str]:
    return page.locator("#result_list tbody th.field-title_en a").all_inner_texts()


def _drag_row_to_top(page: Page, rows: Locator, index: int) -> None:
    """Drag row `index` by its handle above the first row, as a person with a mouse would.

    The mouse goes through the first row to its top edge; the button is released only once
    Sortable has moved the row there, so a slow machine cannot drop it halfway.
    """
    moved = rows.nth(index).locator("th").inner_text()
    start = rows.nth(index).locator(".drag.handle").bounding_box()
    end = rows.nth(0).locator(".drag.handle").bounding_box()
    assert start is not None and end is not None
    start_x, start_y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    page.mouse.move(start_x, start_y - 4, steps=4)  # past Sortable's drag threshold
    # A loaded machine can miss intermediate moves: keep hovering over the top of the first row
    # (a bounded number of times) until Sortable has put the dragged row there.
    x = end["x"] + end["width"] / 2
    targets = [end["y"] + end["height"] / 2, end["y"] + 2, end["y"] - 2]
    for attempt in range(60):
        page.mouse.move(x, targets[attempt % len(targets)], steps=5)
        if rows.first.locator("th").inner_text() == moved:
            break
        page.wait_for_timeout(100)
    expect(rows.first.locator("th")).to_have_text(moved)
    page.mouse.up()


def test_admin_reorders_and_agrees_a_priority_and_a_representative_endorses_it(
    page: Page,
    another_page: Callable[[], Page],
    admin_user: User,
    representative: User,
    organisation: Organisation,
    sign_in,
    page_errors: list[str],
) -> None:
    theme = Theme.objects.filter(is_active=True).order_by("order").first()
    first = PriorityFactory(theme=theme, title_en="Joint media strategy", rank=1)
    second = PriorityFactory(theme=theme, title_en="Youth exchanges", rank=2)
    third = PriorityFactory(theme=theme, title_en="Shared curriculum", rank=3)
    session = SessionFactory(title="Autumn strategic session")

    sign_in(page, admin_user, totp_secret=admin_user.totp_secret)

    # Without a theme filter the list explains how to reorder; filtered, rows can be dragged.
    page.goto(CHANGELIST)
    expect(page.locator("#content")).to_contain_text("Filter by a theme to reorder")
    page.goto(f"{CHANGELIST}?theme__id__exact={theme.pk}")
    expect(page.locator("#result_list")).to_be_visible()
    assert _titles_in_order(page) == [
        "Joint media strategy",
        "Youth exchanges",
        "Shared curriculum",
    ]

    # Drag "Shared curriculum" above "Joint media strategy"; the library saves it at once.
    rows = page.locator("#result_list tbody tr")
    with page.expect_response(lambda r: "adminsortable2_update" in r.url) as saved:
        _drag_row_to_top(page, rows, 2)
    assert saved.value.ok
    page.reload()
    assert _titles_in_order(page) == [
        "Shared curriculum",
        "Joint media strategy",
        "Youth exchanges",
    ]
    ranks = dict(Priority.objects.filter(theme=theme).values_list("pk", "rank"))
    assert ranks[third.pk] < ranks[first.pk] < ranks[second.pk]

    # Mark one agreed through the admin action, choosing the session on its next page.
    page.locator(f"input[name=_selected_action][value='{first.pk}']").check()
    page.locator("select[name=action]").select_option("mark_agreed")
    page.locator("#changelist-form button[name=index]").click()
    expect(page.locator("h1")).to_contain_text("Mark agreed")
    page.get_by_label("Agreed at session").select_option(str(session.pk))
    page.get_by_role("button", name="Mark agreed").click()
    expect(page.locator(".messagelist")).to_contain_text("1 priorities marked agreed.")
    first.refresh_from_db()
    assert first.status == Priority.Status.AGREED
    assert first.agreed_at_session == session

    # A representative endorses it on the hub, on behalf of their organisation.
    rep = another_page()
    sign_in(rep, representative)
    rep.goto(f"/en/priorities/{first.pk}/")
    expect(rep.get_by_role("heading", level=1)).to_have_text("Joint media strategy")
    expect(rep.locator("main")).to_contain_text("Agreed at")
    endorse = rep.get_by_role("region", name="Endorsements")
    expect(endorse).to_contain_text("0 organisations endorse this priority.")
    endorse.get_by_label("On behalf of").select_option(label=organisation.name_en)
    endorse.get_by_label("Comment (optional)").fill("We will bring our youth groups.")
    endorse.get_by_role("button", name="Endorse", exact=True).click()
    expect(rep.get_by_role("status")).to_contain_text(
        f"{organisation.name_en} now endorses this priority."
    )
    expect(endorse).to_contain_text("1 organisation endorses this priority.")
    expect(endorse.get_by_role("button", name=re.compile("Withdraw"))).to_be_visible()
    assert first.endorsements.filter(organisation=organisation, withdrawn_at=None).count() == 1
    # The admin pages have no favicon link, so Chromium's request for /favicon.ico answers 404;
    # anything else (a script error, a CSP refusal) fails the journey.
    assert [e for e in page_errors if "status of 404" not in e] == []
