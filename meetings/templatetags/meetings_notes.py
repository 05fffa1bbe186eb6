"""Note sections on the session and round-table pages (owned by the sessions views), so those
views need no change: each tag reads through meetings.note_selectors (directly or through
meetings.selectors), which apply the one visibility rule."""

from django import template
from django.utils.safestring import SafeString

from alliance.fragments import render_fragment
from meetings import selectors
from meetings.models import RoundTable, StrategicSession
from meetings.permissions import may_write_notes_for_table, readable_notes_for

register = template.Library()


@register.simple_tag(takes_context=True)
def session_notes(context: template.Context, session: StrategicSession) -> SafeString:
    """The latest published summaries of each of the session's round tables, as excerpts, and
    the previous session's open actions the reader may read (2 queries)."""
    user = context["request"].user
    return render_fragment(
        "meetings/notes/_session_notes.html",
        {
            "session_id": session.pk,
            # Excerpts of a few summaries a table, not every summary in full: at a hundred
            # notes a session, rendering them all was most of the page's time. Each table's
            # page lists all its notes.
            "tables": selectors.list_latest_summaries_by_table(user=user, session=session),
            "open_actions": selectors.list_open_action_rows(user=user, session=session),
        },
    )


@register.inclusion_tag("meetings/notes/_round_table_notes.html", takes_context=True)
def round_table_notes(context: template.Context, round_table: RoundTable) -> dict[str, object]:
    """The table's notes the reader may read, and a button for its writers to start one."""
    user = context["request"].user
    # The list shows each note's date, status and the start of its summary (the layer every
    # reader of a readable note may see): never the full record.
    notes = list(
        readable_notes_for(user)
        .filter(round_table=round_table)
        .only("pk", "round_table_id", "status", "staff_only", "created_at", "summary")
        .order_by("-created_at", "pk")
    )
    return {
        "round_table": round_table,
        "notes": notes,
        "may_write": may_write_notes_for_table(user, round_table),
        "csrf_token": context.get("csrf_token"),
    }
