"""Note sections on the session and round-table pages (owned by the sessions views), so those
views need no change: each tag asks meetings.note_selectors, which apply the one visibility rule."""

from django import template

from meetings import note_selectors
from meetings.models import RoundTable, StrategicSession
from meetings.permissions import may_review_notes, may_write_notes_for_table, readable_notes_for

register = template.Library()


@register.inclusion_tag("meetings/notes/_session_notes.html", takes_context=True)
def session_notes(context: template.Context, session: StrategicSession) -> dict[str, object]:
    """Published summaries of the session's round tables, and the previous session's open
    actions (2 queries)."""
    user = context["request"].user
    return {
        "session": session,
        # The section shows each summary and its table, not the notes' items: no prefetch
        # (at a hundred notes a session the unused items cost more than the rest of the page).
        "summaries": list(
            note_selectors.list_session_summaries_for(
                user=user, session=session, with_items=False
            ).prefetch_related(None)
        ),
        "open_actions": list(note_selectors.list_open_actions_for(user=user, session=session)),
        "is_staff": may_review_notes(user),
        "request": context["request"],
    }


@register.inclusion_tag("meetings/notes/_round_table_notes.html", takes_context=True)
def round_table_notes(context: template.Context, round_table: RoundTable) -> dict[str, object]:
    """The table's notes the reader may read, and a button for its writers to start one."""
    user = context["request"].user
    notes = list(
        readable_notes_for(user).filter(round_table=round_table).order_by("-created_at", "pk")
    )
    return {
        "round_table": round_table,
        "notes": notes,
        "may_write": may_write_notes_for_table(user, round_table),
        "csrf_token": context.get("csrf_token"),
    }
