"""Per-request user preferences and the MFA gate in front of every staff area."""

import zoneinfo
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.permissions import is_staff_role


class UserTimezoneMiddleware:
    """Show dates and times in the signed-in user's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = settings.DEFAULT_USER_TIME_ZONE
        if request.user.is_authenticated and request.user.time_zone:
            name = request.user.time_zone
        try:
            timezone.activate(zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def staff_area(view: Callable) -> Callable:
    """Mark a view as part of the staff area: staff must have MFA enrolled to open it."""
    view.alliance_staff_area = True
    return view


class StaffMFAMiddleware:
    """Staff and admins must enrol MFA before the Django admin or any staff page opens.

    Members never reach staff views (their permission checks refuse them); this gate is about
    the staff themselves: a stolen staff password alone must not open the admin.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        in_admin = request.path.startswith(reverse("admin:index"))
        if not (in_admin or getattr(view_func, "alliance_staff_area", False)):
            return None
        if not is_staff_role(request.user) or is_mfa_enabled(request.user):
            return None
        messages.warning(
            request,
            _("Staff accounts need two-factor authentication. Set it up to continue."),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
