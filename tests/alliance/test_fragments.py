"""Shared fragments (alliance.fragments): keyed by what they show, and never a reason for a page
to fail."""

import pytest
from django.test import override_settings
from django.urls import reverse

from alliance import fragments
from members.models import User
from tests.conftest import login_client
from tests.factories import OrganisationFactory
from tests.meetings.factories import SessionFactory, in_days
from tests.priorities.factories import PriorityFactory

CHART = "priorities/_status_chart.html"
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_the_key_follows_the_values_the_language_and_the_template() -> None:
    from django.utils import translation

    one = fragments.fragment_key(CHART, {"n": 1})
    assert fragments.fragment_key(CHART, {"n": 1}) == one
    assert fragments.fragment_key(CHART, {"n": 2}) != one
    assert fragments.fragment_key("priorities/_board_columns.html", {"n": 1}) != one
    with translation.override("ar"):
        assert fragments.fragment_key(CHART, {"n": 1}) != one


@pytest.mark.parametrize("value", [object(), OrganisationFactory.build, {"nested": [object()]}])
def test_only_plain_values_make_a_fragment(value: object) -> None:
    with pytest.raises(TypeError, match="plain values"):
        fragments.fragment_key(CHART, {"value": value})


@pytest.mark.django_db
def test_pages_with_shared_fragments_are_served_when_the_cache_is_down(member: User) -> None:
    PriorityFactory(title_en="Water first")
    session = SessionFactory(title="Quarterly session", starts_at=in_days(10))
    client = login_client(member)
    with override_settings(CACHES=UNREACHABLE_REDIS):
        board = client.get(reverse("priorities:board"))
        detail = client.get(reverse("meetings:session_detail", args=[session.pk]))
    assert board.status_code == 200 and "Water first" in board.content.decode()
    assert detail.status_code == 200 and "Quarterly session" in detail.content.decode()
