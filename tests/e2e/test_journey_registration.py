"""Journeys: registering for a session, the waitlist and its promotion; and registering with
the keyboard alone."""

import re
from collections.abc import Callable

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from meetings.models import Registration, StrategicSession
from members.models import Organisation, User
from tests.factories import OrganisationFactory
from tests.meetings.factories import SessionFactory, member_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAX_TABS = 60


def _my_registration(page: Page):
    return page.get_by_role("region", name="My registration")


def _register(page: Page, session: StrategicSession) -> None:
    page.goto(f"/en/sessions/{session.pk}/")
    _my_registration(page).get_by_role("link", name="Register", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/en/sessions/{session.pk}/register/$"))
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/en/sessions/{session.pk}/$"))


def test_second_member_waits_and_is_promoted_when_the_first_cancels(
    page: Page,
    another_page: Callable[[], Page],
    member: User,
    sign_in,
    page_errors: list[str],
) -> None:
    session = SessionFactory(title="Winter strategic session", capacity=1)
    other_org = OrganisationFactory(name_en="Negev Dialogue", slug="negev-dialogue")
    waiting = member_of(other_org, email="wafa@example.org", full_name="Wafa Waiting")

    # The first member takes the only seat.
    sign_in(page, member)
    _register(page, session)
    expect(page.get_by_role("status")).to_contain_text("Registered.")
    expect(_my_registration(page)).to_contain_text("You have a seat")

    # The second finds the session full and joins the waitlist.
    second = another_page()
    sign_in(second, waiting)
    _register(second, session)
    expect(second.get_by_role("status")).to_contain_text("you are on the waitlist")
    expect(_my_registration(second)).to_contain_text("You are on the waitlist")
    expect(_my_registration(second)).to_contain_text("(number 1)")
    assert Registration.objects.get(session=session, user=waiting).status == "waitlisted"

    # The first member cancels; the seat goes to the one waiting.
    mail.outbox.clear()
    _my_registration(page).get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_role("status")).to_contain_text("The registration is cancelled.")
    expect(_my_registration(page).get_by_role("link", name="Register", exact=True)).to_be_visible()

    second.reload()
    expect(_my_registration(second)).to_contain_text("You have a seat, for Negev Dialogue.")
    expect(second.locator("main").get_by_text("You are registered")).to_be_visible()
    expect(_my_registration(second).get_by_role("button")).to_have_text("Cancel my registration")
    assert Registration.objects.get(session=session, user=waiting).status == "confirmed"

    promoted = [m for m in mail.outbox if m.to == [waiting.email]]
    assert len(promoted) == 1, [m.subject for m in mail.outbox]
    assert "A seat is yours" in promoted[0].subject
    assert session.join_url in promoted[0].body
    assert any(m.to == [member.email] for m in mail.outbox)  # the cancellation notice
    assert page_errors == []


def _focused(page: Page) -> str:
    """A short description of the focused element: its tag, name and text."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e ? `${e.tagName} ${e.name || ''} ${(e.textContent || '').trim()}` : ''; }"
    )


def _tab_until(page: Page, predicate: Callable[[], bool], what: str) -> None:
    """Press Tab until `predicate` holds, as a keyboard user would, or fail."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if predicate():
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {what}")


def test_member_registers_for_a_session_with_the_keyboard_alone(
    page: Page, member: User, organisation: Organisation, sign_in, page_errors: list[str]
) -> None:
    session = SessionFactory(
        title="Keyboard session", capacity=10, interpretation_languages=["ar", "he"]
    )
    sign_in(page, member)
    page.goto(f"/en/sessions/{session.pk}/")

    register_link = _my_registration(page).get_by_role("link", name="Register", exact=True)
    _tab_until(
        page, lambda: register_link.evaluate("e => e === document.activeElement"), "Register"
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/sessions/{session.pk}/register/$"))

    # The interpretation choice, with the keyboard: focus the select, pick Arabic.
    _tab_until(
        page, lambda: _focused(page).startswith("SELECT interpretation_language"), "the select"
    )
    page.keyboard.press("ArrowDown")
    expect(page.locator("select[name=interpretation_language]")).to_have_value("ar")
    page.keyboard.press("Tab")
    expect(page.locator("textarea[name=accessibility_needs]")).to_be_focused()
    page.keyboard.type("Step-free access, please.")
    _tab_until(page, lambda: _focused(page).startswith("INPUT needs_travel_assistance"), "checkbox")
    page.keyboard.press("Space")
    expect(page.locator("input[name=needs_travel_assistance]")).to_be_checked()
    _tab_until(page, lambda: _focused(page) == "BUTTON  Register", "the Register button")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/sessions/{session.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Registered.")
    expect(_my_registration(page)).to_contain_text("You have a seat")
    registration = Registration.objects.get(session=session, user=member)
    assert registration.status == "confirmed"
    assert registration.interpretation_language == "ar"
    assert registration.accessibility_needs == "Step-free access, please."
    assert registration.needs_travel_assistance is True
    assert page_errors == []
