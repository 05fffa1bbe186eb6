"""Signing in through the real pages: a member with the keyboard alone, staff with a TOTP code."""

import re

import pytest
from playwright.sync_api import Page, expect

from members.models import User
from tests.conftest import PASSWORD
from tests.e2e.axe import blocking_violations, describe, run_axe
from tests.e2e.mfa import usable_totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAX_TABS = 15


def _focused_name(page: Page) -> str | None:
    return page.evaluate("() => document.activeElement && document.activeElement.name || null")


def _tab_to(page: Page, field_name: str) -> None:
    """Press Tab until the field named `field_name` has the focus, as a keyboard user would."""
    for _ in range(MAX_TABS):
        if _focused_name(page) == field_name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached the {field_name!r} field")


def test_member_signs_in_with_the_keyboard_alone(
    page: Page, member: User, page_errors: list[str]
) -> None:
    page.goto("/en/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Alliance Hub")

    # The first Tab lands on the skip link, which leads past the navigation.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_visible()

    _tab_to(page, "login")
    page.keyboard.type(member.email)
    page.keyboard.press("Tab")
    expect(page.locator("input[name=password]")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Maya")
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Hub home")
    assert page_errors == []


def test_wrong_password_keeps_the_member_on_the_sign_in_page(page: Page, member: User) -> None:
    page.goto("/en/accounts/login/")
    page.locator("input[name=login]").fill(member.email)
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("input[name=password]").press("Enter")

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))


def test_staff_signs_in_with_password_then_totp_and_opens_admin(
    page: Page, live_server, staff: User, page_errors: list[str]
) -> None:
    page.goto("/en/accounts/login/")
    page.locator("input[name=login]").fill(staff.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")

    # The password alone is not enough: the second step asks for the authenticator's code.
    expect(page).to_have_url(re.compile(r"/en/accounts/2fa/authenticate/"))
    blocking = blocking_violations(run_axe(page, live_server.url))
    assert blocking == [], describe(blocking)
    page.locator("input[name=code]").fill(usable_totp_code(staff.totp_secret))
    page.locator("input[name=code]").press("Enter")
    expect(page).to_have_url(re.compile(r"/en/$"))

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert page_errors == []
