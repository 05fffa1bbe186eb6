"""View decorators that ask members.permissions.may() before a view runs."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from members.middleware import staff_area
from members.permissions import ALLOWED_ROLES, STAFF_ROLES, Action, may


def require_action(action: Action) -> Callable:
    """Refuse (403) a signed-in person who may not do `action`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not may(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # A view only staff may use belongs to the staff area, behind the MFA gate.
        if ALLOWED_ROLES[action] <= STAFF_ROLES:
            staff_area(wrapper)
        return wrapper

    return decorator
