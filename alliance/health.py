"""/health/: the state of the database and, when configured, Redis and the Celery broker."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection


def _check_database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _check_redis() -> bool:
    client = cache._cache.get_client(write=True)  # Django's RedisCache exposes its client this way
    return bool(client.ping())


def _check_broker() -> bool:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return True


def check_components() -> dict[str, str]:
    """Each configured component's state: "ok" or "down"."""
    checks = {"database": _check_database}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _check_broker
    states = {}
    for name, check in checks.items():
        try:
            states[name] = "ok" if check() else "down"
        except Exception:  # any failure of a component is reported, never raised
            states[name] = "down"
    return states


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when every configured component answers, 503 otherwise."""
    states = check_components()
    healthy = all(state == "ok" for state in states.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", "components": states},
        status=200 if healthy else 503,
    )
