"""axe-core finds no serious or critical accessibility problem on the portal's pages.

To check a new page, add it to PAGES: the path (without the language prefix; keys such as
{session} are filled from the main_pages data, see tests/e2e/pages.py) and the persona fixture to
sign in as, or None for a page open before signing in. Staff personas sign in with their TOTP.
"""

from dataclasses import dataclass

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.axe import blocking_violations, describe, run_axe
from tests.e2e.pages import MEMBER_PAGES, OTHER_PAGES, MainPages

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@dataclass(frozen=True)
class CheckedPage:
    name: str
    path: str
    persona: str | None


PAGES = [
    CheckedPage("login", "/accounts/login/", None),
    CheckedPage("privacy", "/privacy/", None),
    *(CheckedPage(p.name, p.path, p.persona) for p in MEMBER_PAGES),
    *(CheckedPage(p.name, p.path, p.persona) for p in OTHER_PAGES),
]
LANGUAGES = ["en", "ar"]


# One test per language walks through every persona's pages, signing in as each in turn:
# resetting the database once per page would cost more than the checks themselves.
PERSONAS = list(dict.fromkeys(p.persona for p in PAGES))


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_have_no_serious_accessibility_violations(
    page: Page,
    context: BrowserContext,
    live_server,
    sign_in,
    request: pytest.FixtureRequest,
    main_pages: MainPages,
    language: str,
) -> None:
    problems = []
    for persona in PERSONAS:
        context.clear_cookies()
        if persona is not None:
            user = request.getfixturevalue(persona)
            sign_in(page, user, language=language, totp_secret=getattr(user, "totp_secret", None))
        for checked in [p for p in PAGES if p.persona == persona]:
            response = page.goto(f"/{language}{main_pages.path(checked.path)}")
            assert response is not None and response.status == 200, checked
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("main")).to_be_visible()

            blocking = blocking_violations(run_axe(page, live_server.url))
            if blocking:
                problems.append(f"== {checked.name} ({language}) ==\n{describe(blocking)}")
    assert problems == [], "\n".join(problems)


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
