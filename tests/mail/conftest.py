"""Fixtures of the mail tests: a real SMTP server, real Celery workers, the test-only kind."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.support import mail_kinds
from tests.support.celery_worker import (
    DEFAULT_BROKER_URL,
    CeleryCluster,
    database_url_of_test_db,
    flush_broker,
)
from tests.support.smtp import SMTPServer, running_smtp_server


@pytest.fixture
def notice_kind() -> Iterator[str]:
    """The test-only bulk kind, registered in this process for the test."""
    mail_kinds.register()
    yield mail_kinds.NOTICE_KIND
    mail_kinds.unregister()


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    """A real SMTP server (aiosmtpd) on a free localhost port."""
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def smtp_settings(settings, smtp_server: SMTPServer) -> SMTPServer:
    """This process sends through Django's real SMTP backend to the test server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 10
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


@pytest.fixture
def celery_cluster(
    django_db_serialized_rollback: None, smtp_server: SMTPServer, tmp_path: Path
) -> Iterator[CeleryCluster]:
    """Real Celery workers (and beat) on Redis, sharing the test database and SMTP server.

    The test database is used with committed transactions (the worker is another process);
    serialized rollback puts the data migrations' rows back after the test's flush.
    """
    if connection.vendor != "postgresql":
        pytest.skip("The worker tests need PostgreSQL (DATABASE_URL).")
    broker_url = os.environ.get("MAIL_TEST_BROKER_URL", DEFAULT_BROKER_URL)
    flush_broker(broker_url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
        "DATABASE_URL": database_url_of_test_db(),
        "DATABASE_POOL_MIN_SIZE": "1",
        "DATABASE_POOL_MAX_SIZE": "4",
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_TIMEOUT": "10",
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        # Short timings so retries and crash recovery happen within seconds. The claim timeout
        # stays above the task time limit, as the system check demands in production.
        "MAIL_CHUNK_SIZE": "5",
        "MAIL_CLAIM_TIMEOUT": "30",
        "CELERY_TASK_SOFT_TIME_LIMIT": "20",
        "CELERY_TASK_TIME_LIMIT": "25",
        "MAIL_RETRY_BACKOFF": "1",
        "MAIL_RETRY_BACKOFF_MAX": "2",
        "MAIL_MAX_RETRIES": "5",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    cluster = CeleryCluster(env=env, broker_url=broker_url, log_dir=tmp_path)
    try:
        yield cluster
    finally:
        cluster.stop_all()
        flush_broker(broker_url)
