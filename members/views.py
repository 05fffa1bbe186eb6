from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from meetings.models import StrategicSession
from members.decorators import require_action
from members.permissions import Action
from members.selectors import list_memberships_of
from members.services import set_preferred_language
from priorities.models import Theme


@require_action(Action.USE_HUB)
def home(request: HttpRequest) -> HttpResponse:
    """The hub home: my organisations, the next session, the network's themes."""
    next_session = (
        StrategicSession.objects.filter(
            ends_at__gte=timezone.now(),
            status__in=[StrategicSession.Status.OPEN, StrategicSession.Status.CLOSED],
        )
        .order_by("starts_at")
        .first()
    )
    return render(
        request,
        "members/home.html",
        {
            "memberships": list_memberships_of(user=request.user),
            "next_session": next_session,
            "themes": Theme.objects.filter(is_active=True),
        },
    )


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    """What the portal keeps about people, and why. Readable before signing in."""
    return render(request, "members/privacy.html")


@login_not_required
@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a signed-in person the choice is remembered."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {"en", "ar", "he"}:
        set_preferred_language(user=request.user, language=language)
    return response
