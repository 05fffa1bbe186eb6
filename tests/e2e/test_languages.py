"""The footer language switcher: Arabic and Hebrew turn the whole layout right-to-left."""

import re

import pytest
from playwright.sync_api import Page, expect

from members.models import User
from members.services import set_preferred_language
from tests.e2e.pages import MEMBER_PAGES, MainPages

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LANGUAGES = ["en", "ar", "he"]


def _direction(page: Page) -> str:
    return page.evaluate("() => getComputedStyle(document.documentElement).direction")


def _brand_is_on_the_right(page: Page) -> bool:
    box = page.locator(".navbar-brand").bounding_box()
    assert box is not None
    return box["x"] > page.viewport_size["width"] / 2


def _switch_language(page: Page, language: str) -> None:
    page.locator(f"footer form.language-switcher button[value={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_member_switches_to_arabic_then_hebrew_and_the_layout_turns_rtl(
    page: Page, member: User, sign_in, page_errors: list[str]
) -> None:
    sign_in(page, member)
    assert _direction(page) == "ltr"
    assert not _brand_is_on_the_right(page)

    _switch_language(page, "ar")
    expect(page).to_have_url(re.compile(r"/ar/$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert _direction(page) == "rtl"
    assert _brand_is_on_the_right(page)
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Welcome")

    _switch_language(page, "he")
    expect(page).to_have_url(re.compile(r"/he/$"))
    assert _direction(page) == "rtl"
    assert _brand_is_on_the_right(page)

    # The choice is remembered for the person, not only in this browser.
    member.refresh_from_db()
    assert member.preferred_language == "he"

    _switch_language(page, "en")
    assert _direction(page) == "ltr"
    assert not _brand_is_on_the_right(page)
    assert page_errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_screenshots_of_sign_in_page_and_hub_home(
    page: Page, member: User, sign_in, screenshot, language: str
) -> None:
    page.goto(f"/{language}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("input[name=login]")).to_be_visible()
    login_png = screenshot(page, f"login-{language}")

    # After signing in, the hub home opens in the person's own language.
    set_preferred_language(user=member, language=language)
    sign_in(page, member, language=language)
    expect(page).to_have_url(re.compile(rf"/{language}/$"))
    expect(page.locator("#my-organisations")).to_be_visible()
    home_png = screenshot(page, f"home-{language}")

    for png in (login_png, home_png):
        assert png.read_bytes().startswith(b"\x89PNG")


def test_screenshots_of_the_main_pages_in_each_language(
    page: Page,
    member: User,
    main_pages: MainPages,
    sign_in,
    screenshot,
    page_errors: list[str],
) -> None:
    """Each main page in each language, saved as test-artifacts/screenshots/<page>-<lang>.png."""
    sign_in(page, member)
    for language in LANGUAGES:
        rtl = language in {"ar", "he"}
        for main_page in MEMBER_PAGES:
            response = page.goto(f"/{language}{main_pages.path(main_page.path)}")
            assert response is not None and response.status == 200, main_page.name
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("html")).to_have_attribute("dir", "rtl" if rtl else "ltr")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert _direction(page) == ("rtl" if rtl else "ltr"), main_page.name
            assert _brand_is_on_the_right(page) == rtl, main_page.name
            name = main_page.name.replace(" ", "-")
            png = screenshot(page, f"{name}-{language}")
            assert png.read_bytes().startswith(b"\x89PNG")
    assert page_errors == []
