"""The notes section of the hub home (see members/hub.py)."""

from django.http import HttpRequest

from meetings.note_selectors import list_recent_notes_for


def recent_notes_home_context(request: HttpRequest) -> dict[str, object]:
    """The hub home's "recent notes I may read" list (1 query, never a name)."""
    return {"recent_notes": list_recent_notes_for(user=request.user)}
