"""Browser tests: Playwright for Python drives Debian's Chromium against the live server.

Playwright's own browser download cannot work here, so the tests launch /usr/bin/chromium
(scripts/ensure-system.sh installs it). Set ALLIANCE_BROWSER_TESTS=0 to skip them on a machine
without Chromium; anywhere else a missing browser is an error, not a silent skip.

Every browser test is marked `e2e` (deselect with `-m "not e2e"`) and needs
`@pytest.mark.django_db(transaction=True, serialized_rollback=True)`: the live server answers from
another thread, so the test's rows must be committed; serialized_rollback puts back what the data
migrations created (groups, themes) that the flush after each test removes.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from members.models import Organisation, User
from tests.conftest import PASSWORD
from tests.e2e.mfa import usable_totp_code
from tests.e2e.pages import MainPages, seed_main_pages

# Playwright's sync API keeps an event loop in the main thread, and Django's async-safety check
# would then refuse every ORM call the test makes (as pytest-playwright users also find).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("ALLIANCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BROWSER_LOCALE = "en-GB"
VIEWPORT = {"width": 1280, "height": 800}
DEFAULT_TIMEOUT_MS = 10_000
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    """Keep each phase's report on the test, so the page fixture can see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def _restore_migrated_data(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """Put back the rows the data migrations made once the last browser test has flushed them.

    Without this, the next `--reuse-db` run would start from an empty database: Django serializes
    the test database as it finds it, and a transactional test leaves it flushed.
    """
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.close()
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if os.environ.get("ALLIANCE_BROWSER_TESTS", "1") == "0":
        pytest.skip("browser tests switched off (ALLIANCE_BROWSER_TESTS=0)")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"No Chromium at {CHROMIUM}: run scripts/ensure-system.sh (it installs Debian's "
            "chromium), or set ALLIANCE_BROWSER_TESTS=0 to skip the browser tests."
        )
    serialized = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }
    for stale in SCREENSHOT_DIR.glob("failed-*.png"):
        stale.unlink()
    with sync_playwright() as playwright:
        # With Playwright's event loop running in this thread, Django's connection handler hands
        # out new, context-local connections: give them what Django serialized at set-up, so
        # serialized_rollback keeps working in the browser tests.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no cookies, English, a desktop-sized window."""
    context = browser.new_context(
        base_url=live_server.url,
        locale=BROWSER_LOCALE,
        timezone_id=settings.DEFAULT_USER_TIME_ZONE,
        viewport=VIEWPORT,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page_errors() -> list[str]:
    """Script errors and console errors (a CSP refusal shows up here) seen by the page."""
    return []


@pytest.fixture
def page(
    context: BrowserContext, page_errors: list[str], request: pytest.FixtureRequest
) -> Iterator[Page]:
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            page_errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed and not page.is_closed():
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOT_DIR / f"failed-{name}.png", full_page=True)


def _sign_in(
    page: Page,
    user: User,
    *,
    language: str = "en",
    password: str = PASSWORD,
    totp_secret: str | None = None,
) -> None:
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    if totp_secret is not None:
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.locator("input[name=code]").fill(usable_totp_code(totp_secret))
        page.locator("input[name=code]").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|2fa)/"))


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """sign_in(page, user, *, language="en", totp_secret=None): through the real login page.

    For staff pass totp_secret=user.totp_secret; the helper then enters the current code.
    """
    return _sign_in


def _screenshot(page: Page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """screenshot(page, name) -> the PNG written to test-artifacts/screenshots/<name>.png."""
    return _screenshot


@pytest.fixture
def another_page(browser: Browser, live_server) -> Iterator[Callable[[], Page]]:
    """another_page() -> a page in a browser profile of its own: a second person's browser."""
    opened: list[BrowserContext] = []

    def open_page() -> Page:
        other = browser.new_context(
            base_url=live_server.url,
            locale=BROWSER_LOCALE,
            timezone_id=settings.DEFAULT_USER_TIME_ZONE,
            viewport=VIEWPORT,
        )
        other.set_default_timeout(DEFAULT_TIMEOUT_MS)
        opened.append(other)
        return other.new_page()

    yield open_page
    for other in opened:
        other.close()


@pytest.fixture
def main_pages(organisation: Organisation, member: User, representative: User) -> MainPages:
    """The data behind the portal's main pages (tests/e2e/pages.py), for member and rep."""
    return seed_main_pages(organisation=organisation, member=member, representative=representative)
