from django.http import HttpRequest

from members.permissions import Action, may


def roles(request: HttpRequest) -> dict[str, object]:
    """What the navigation needs to know about the viewer."""
    user = request.user
    return {
        "may_use_hub": may(user, Action.USE_HUB),
        "may_schedule_sessions": may(user, Action.SCHEDULE_SESSIONS),
        "may_use_admin": may(user, Action.USE_ADMIN),
    }
