"""axe-core finds no serious or critical accessibility problem on the portal's pages.

To check a new page, add it to PAGES: the path (without the language prefix) and the persona
fixture to sign in as, or None for a page open before signing in.
"""

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import blocking_violations, describe, run_axe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@dataclass(frozen=True)
class CheckedPage:
    name: str
    path: str
    persona: str | None


PAGES = [
    CheckedPage("login", "/accounts/login/", None),
    CheckedPage("privacy", "/privacy/", None),
    CheckedPage("hub home", "/", "member"),
]
LANGUAGES = ["en", "ar"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("checked", PAGES, ids=[p.name for p in PAGES])
def test_page_has_no_serious_accessibility_violations(
    page: Page,
    live_server,
    sign_in,
    request: pytest.FixtureRequest,
    checked: CheckedPage,
    language: str,
) -> None:
    if checked.persona is not None:
        sign_in(page, request.getfixturevalue(checked.persona), language=language)
    page.goto(f"/{language}{checked.path}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("main")).to_be_visible()

    violations = run_axe(page, live_server.url)

    blocking = blocking_violations(violations)
    assert blocking == [], describe(blocking)


def test_sign_in_page_with_a_form_error_has_no_serious_accessibility_violations(
    page: Page, live_server, member
) -> None:
    page.goto("/en/accounts/login/")
    page.locator("input[name=login]").fill(member.email)
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("input[name=password]").press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()

    blocking = blocking_violations(run_axe(page, live_server.url))
    assert blocking == [], describe(blocking)
