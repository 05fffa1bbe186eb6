"""Journey: staff invite a person; the invited person follows the emailed link, confirms, signs up
with the invited address fixed, lands signed in, signs out and in again, and fills the profile."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from members.models import Invitation, Organisation, User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEWCOMER_EMAIL = "newcomer@example.org"
NEWCOMER_PASSWORD = "a-long-unusual-password-7"
LINK = re.compile(r"https?://\S+/invitations/[^\s/]+/")


def _invitation_path(message: mail.EmailMessage) -> str:
    """The path of the invitation link in the email (its host is SITE_URL, not the live server)."""
    match = LINK.search(message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def test_invited_person_signs_up_from_the_email_and_fills_the_profile(
    page: Page,
    another_page,
    staff: User,
    organisation: Organisation,
    sign_in,
    page_errors: list[str],
) -> None:
    # Staff send the invitation through their own page.
    sign_in(page, staff, totp_secret=staff.totp_secret)
    page.goto("/en/staff/invitations/new/")
    page.get_by_label("Email address").fill(NEWCOMER_EMAIL)
    page.get_by_label("Organisation").select_option(label=organisation.name_en)
    page.get_by_label("Role").select_option("representative")
    page.get_by_label("Language of the invitation").select_option("en")
    page.get_by_role("button", name="Send invitation").click()
    expect(page).to_have_url(re.compile(r"/en/staff/invitations/$"))
    expect(page.get_by_role("status")).to_contain_text("is on its way")
    expect(page.locator("main")).to_contain_text(NEWCOMER_EMAIL)

    # The email reached the outbox (Celery runs eagerly, in the live server's thread).
    (message,) = [m for m in mail.outbox if NEWCOMER_EMAIL in m.to]
    path = _invitation_path(message)

    # The newcomer opens the link in their own browser.
    invited = another_page()
    invited.goto(path)
    expect(invited.get_by_role("heading", level=1)).to_contain_text(organisation.name_en)
    expect(invited.locator("main")).to_contain_text(NEWCOMER_EMAIL)
    invited.get_by_role("button", name="Accept and create my account").click()

    # Sign-up: the address is the invited one and cannot be changed.
    expect(invited).to_have_url(re.compile(r"/en/accounts/signup/"))
    email_field = invited.locator("input[name=email]")
    expect(email_field).to_have_value(NEWCOMER_EMAIL)
    expect(email_field).to_be_disabled()
    invited.locator("input[name=full_name]").fill("Nadia Newcomer")
    invited.locator("input[name=password1]").fill(NEWCOMER_PASSWORD)
    invited.locator("input[name=password2]").fill(NEWCOMER_PASSWORD)
    invited.locator("input[name=password2]").press("Enter")

    # The link proved the address: no verification step, straight into the hub.
    expect(invited).to_have_url(re.compile(r"/en/$"))
    expect(invited.get_by_role("heading", level=1)).to_contain_text("Nadia")
    expect(invited.get_by_role("region", name="My organisations")).to_contain_text(
        organisation.name_en
    )
    user = User.objects.get(email=NEWCOMER_EMAIL)
    assert user.memberships.get().organisation == organisation
    assert Invitation.objects.get(email=NEWCOMER_EMAIL).accepted_by == user

    # Sign out, then in again with the new password.
    invited.get_by_role("button", name="Sign out").click()
    expect(invited).to_have_url(re.compile(r"/accounts/login/"))
    invited.locator("input[name=login]").fill(NEWCOMER_EMAIL)
    invited.locator("input[name=password]").fill(NEWCOMER_PASSWORD)
    invited.locator("input[name=password]").press("Enter")
    expect(invited).to_have_url(re.compile(r"/en/$"))

    # Fill the profile on the settings page.
    invited.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Settings"
    ).click()
    expect(invited.get_by_role("heading", level=1)).to_have_text("Settings")
    invited.get_by_label("Bio").fill("Youth programmes in the Galilee.")
    invited.get_by_label(re.compile(r"Your title at ")).fill("Programme director")
    invited.get_by_label("Phone").fill("+972 50 123 4567")
    invited.get_by_label("Arabic").check()
    invited.get_by_role("button", name="Save settings").click()
    expect(invited.get_by_role("status")).to_contain_text("Your settings are saved.")
    expect(invited.get_by_label("Bio")).to_have_value("Youth programmes in the Galilee.")

    user.refresh_from_db()
    assert user.bio == "Youth programmes in the Galilee."
    assert user.phone == "+972 50 123 4567"
    assert "ar" in user.languages_spoken
    assert user.memberships.get().title == "Programme director"
    assert page_errors == []
