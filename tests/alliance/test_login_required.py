"""Every page needs a signed-in person, except the few that must work before signing in."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Each of these is public on purpose; a new public page must be added here deliberately.
PUBLIC_URL_NAMES = {
    "health",
    "set_language",
    "members:privacy",
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "mfa_authenticate",
}
PUBLIC_URL_NAMES |= {"members:accept_invitation", "priorities:public"}  # later issues' doors
PUBLIC_URL_NAMES |= {"mail:unsubscribe"}  # RFC 8058 one-click unsubscribe from any mail client
PUBLIC_URL_NAMES |= {"meetings:calendar_feed"}  # calendar apps subscribe with a secret token


def _walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern.callback


ALL_PATTERNS = list(_walk(get_resolver()))


def _example_path(route: str) -> str:
    """A concrete path for a route, with every parameter filled with a plausible value."""
    path = route.replace("^", "").replace("$", "")
    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x1", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x1", path)
    return "/" + path


def test_only_the_intended_views_are_public() -> None:
    public = {
        name
        for route, name, callback in ALL_PATTERNS
        if not getattr(callback, "login_required", True) and not route.startswith("admin/")
    }
    assert public <= PUBLIC_URL_NAMES, f"unexpected public views: {public - PUBLIC_URL_NAMES}"
    assert {"account_login", "account_reset_password", "health"} <= public


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "name"),
    [
        (route, name)
        for route, name, callback in ALL_PATTERNS
        if name not in PUBLIC_URL_NAMES and "static" not in route
    ],
)
def test_anonymous_visitor_is_sent_to_sign_in(route: str, name: str | None) -> None:
    response = Client().get(_example_path(route))
    assert response.status_code in (302, 405), f"{route} answered {response.status_code}"
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"] or "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_login_goes_through_the_portal_sign_in() -> None:
    response = Client().get("/admin/login/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
