"""Journey: a round table's rapporteur writes notes and submits them, staff publish the summary,
and another member finds it through the notes search — without the full record."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from meetings.models import RoundTableNote
from members.models import Organisation, User
from tests.e2e.axe import blocking_violations, describe, run_axe
from tests.meetings.factories import RoundTableFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUMMARY = "The table agreed to pair schools across the Green Line for olive harvests."
RECORD = "Long discussion of permits; the full record stays with the table."


def test_rapporteur_writes_staff_publish_and_a_member_finds_the_summary(
    page: Page,
    another_page: Callable[[], Page],
    live_server,
    member: User,
    representative: User,
    staff: User,
    organisation: Organisation,
    sign_in,
    page_errors: list[str],
) -> None:
    session = SessionFactory(title="Harvest session")
    round_table = RoundTableFactory(
        session=session, topic="Schools and harvests", rapporteur=member
    )

    # The rapporteur starts the notes from the round table's page and writes both layers.
    sign_in(page, member)
    page.goto(f"/en/sessions/round-tables/{round_table.pk}/")
    page.get_by_role("button", name="Start notes for this table").click()
    expect(page).to_have_url(re.compile(r"/en/sessions/notes/\d+/edit/$"))
    page.get_by_label("Summary for all members (Markdown)").fill(SUMMARY)
    page.get_by_label("Full record (Markdown)").fill(RECORD)
    page.locator("input[name=kp-0-text]").fill("Pair twenty schools by the spring")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The note is saved.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status")).to_contain_text("with staff for review")
    note = RoundTableNote.objects.get(round_table=round_table)
    assert note.status == RoundTableNote.Status.SUBMITTED

    # Staff publish the summary.
    reviewer = another_page()
    sign_in(reviewer, staff, totp_secret=staff.totp_secret)
    reviewer.goto(f"/en/sessions/notes/{note.pk}/")
    reviewer.get_by_role("button", name="Publish the summary").click()
    expect(reviewer.get_by_role("status")).to_contain_text("The note is updated.")
    note.refresh_from_db()
    assert note.status == RoundTableNote.Status.PUBLISHED

    # A member who did not sit at the table searches the notes and reads the summary only.
    reader = another_page()
    sign_in(reader, representative)
    reader.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Notes"
    ).click()
    reader.get_by_label("Search the notes").fill("harvests")
    reader.get_by_label("Search the notes").press("Enter")
    expect(reader).to_have_url(re.compile(r"/en/sessions/notes/\?q=harvests"))
    result = reader.get_by_role("link", name="Schools and harvests")
    expect(result).to_be_visible()
    blocking = blocking_violations(run_axe(reader, live_server.url))
    assert blocking == [], describe(blocking)

    result.click()
    expect(reader.locator("main")).to_contain_text(SUMMARY)
    expect(reader.locator("main")).not_to_contain_text(RECORD)
    blocking = blocking_violations(run_axe(reader, live_server.url))
    assert blocking == [], describe(blocking)

    # Words only in the full record find nothing for this reader.
    reader.goto("/en/sessions/notes/?q=permits")
    expect(reader.locator("main")).to_contain_text("No notes you may read match your search.")
    assert page_errors == []
