import pytest
from django.test import Client, override_settings

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_health_reports_every_configured_part_up() -> None:
    response = Client().get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["components"]["database"] == "ok"
    assert body["components"]["redis"] == "ok"  # the suite runs with REDIS_URL set


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/13")
def test_health_checks_the_broker_when_one_is_configured() -> None:
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json()["components"]["broker"] == "ok"


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL=CLOSED_PORT)
def test_health_is_503_when_the_broker_is_down() -> None:
    response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["components"]["broker"] == "down"
    assert response.json()["components"]["database"] == "ok"


@pytest.mark.django_db
def test_health_is_503_when_redis_is_down() -> None:
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    with override_settings(CACHES=caches, REDIS_URL=CLOSED_PORT):
        response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["components"]["redis"] == "down"
