"""The meetings app's sections on pages the members app owns (see members/hub.py)."""

from django.http import HttpRequest
from django.urls import reverse

from meetings.selectors import get_next_session_for, list_sessions_taken_part
from members.models import Organisation


def next_session_home_context(request: HttpRequest) -> dict[str, object]:
    """The hub home's "next session" card: the session and the viewer's registration (2 queries)."""
    found = get_next_session_for(user=request.user)
    if found is None:
        return {"next_session": None}
    session = found.session
    may_register = found.registration is None and session.registration_window_is_open()
    return {
        "next_session": session,
        "my_registration": found.registration,
        "registration_url": (
            reverse("meetings:session_register", args=[session.pk]) if may_register else ""
        ),
    }


def sessions_taken_part_context(
    request: HttpRequest, organisation: Organisation
) -> dict[str, object]:
    """An organisation page's list of sessions its people attended, as links (1 query)."""
    # Only what the label needs; the link is worked out here once a row, not in the template.
    sessions = list_sessions_taken_part(organisation=organisation).only(
        "pk", "title", "year", "quarter", "sequence", "starts_at"
    )
    return {
        "sessions_taken_part": [
            {"label": str(session), "url": session.get_absolute_url()} for session in sessions
        ]
    }
