"""Production smoke test: the Procfile's processes, with production settings, do a staff task.

gunicorn, a Celery worker and beat are started from the Procfile's own command lines, with
DEBUG off, hashed static files (collected into a temporary directory), Redis for the cache and
the broker, PostgreSQL (the test database) and real SMTP (aiosmtpd). A staff member signs in
through the login page and TOTP, invites a person through the staff form, and the invitation
reaches the SMTP server by way of the worker. Every wait is bounded; every process is stopped.
"""

import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password
from django.db import connection

from members.models import Invitation, User
from members.permissions import Role
from members.services import set_staff_roles
from tests.conftest import totp_code
from tests.factories import OrganisationFactory, UserFactory
from tests.support.celery_worker import database_url_of_test_db, flush_broker, wait_until
from tests.support.smtp import SMTPServer, free_port, running_smtp_server

ROOT = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent
HOST = "127.0.0.1"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/12"
SECRET_KEY = "smoke-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
STAFF_PASSWORD = "smoke-staff-password-2025"
INVITEE = "new.person@smoke.example.org"


def procfile_commands() -> dict[str, str]:
    """The Procfile's process types and their command lines."""
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, sep, command = line.partition(":")
        if sep and name.strip() and not name.startswith("#"):
            commands[name.strip()] = command.strip()
    return commands


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM the process group; SIGKILL what is left after `timeout` seconds."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        # Workers (gunicorn's, Celery's prefork children) share the group: none may linger.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)


@dataclass
class Stack:
    base_url: str
    smtp: SMTPServer
    processes: dict[str, Process]

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} ---\n{process.log()[-3000:]}" for name, process in self.processes.items()
        )


def production_environment(
    *, port: int, smtp: SMTPServer, work_dir: Path, broker_url: str
) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("MFA_ENCRYPTION_KEY", None)
    env.update(
        {
            "PATH": f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "alliance.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "SITE_URL": f"http://{HOST}:{port}",
            "DATABASE_URL": database_url_of_test_db(),
            "DATABASE_POOL_MIN_SIZE": "1",
            "DATABASE_POOL_MAX_SIZE": "4",
            "REDIS_URL": os.environ["REDIS_URL"],
            "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "alliance-test") + "-smoke",
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": smtp.host,
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_TIMEOUT": "10",
            "EMAIL_USE_TLS": "false",
            "EMAIL_USE_SSL": "false",
            "DJANGO_MANIFEST_STATIC": "true",
            "WHITENOISE_USE_FINDERS": "false",
            "DJANGO_STATIC_ROOT": str(work_dir / "static"),
            "ALLIANCE_VAR_DIR": str(work_dir),
            # The Procfile's own variables.
            "HOST": HOST,
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "CELERY_CONCURRENCY": "1",
            "LOG_LEVEL": "INFO",
        }
    )
    return env


def start(name: str, command: str, env: dict[str, str], work_dir: Path) -> Process:
    """One Procfile line, run by the shell as a process-group leader, logging to a file."""
    log_path = work_dir / f"{name}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            # Not the project directory: beat writes its pid file where it runs.
            cwd=work_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Process(name=name, popen=popen, log_path=log_path)


def _get_health(base_url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{base_url}/health/", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture
def production_stack(django_db_serialized_rollback: None, tmp_path: Path) -> Iterator[Stack]:
    """gunicorn, a Celery worker and beat from the Procfile, with production settings."""
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip(
            "The production smoke test needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)."
        )
    for tool in ("gunicorn", "celery"):
        if not (BIN_DIR / tool).exists() and shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed.")
    broker_url = os.environ.get("SMOKE_TEST_BROKER_URL", DEFAULT_BROKER_URL)
    flush_broker(broker_url)
    port = free_port()
    processes: dict[str, Process] = {}
    with running_smtp_server() as smtp:
        env = production_environment(port=port, smtp=smtp, work_dir=tmp_path, broker_url=broker_url)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=180,
            capture_output=True,
        )
        assert (tmp_path / "static" / "staticfiles.json").exists()
        stack = Stack(base_url=f"http://{HOST}:{port}", smtp=smtp, processes=processes)
        try:
            for name, command in procfile_commands().items():
                processes[name] = start(name, command, env, tmp_path)

            def web_is_up() -> bool:
                for process in processes.values():
                    if process.popen.poll() is not None:
                        raise AssertionError(f"{process.name} exited early.\n{stack.logs()}")
                try:
                    return _get_health(stack.base_url)[0] == 200
                except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                    return False

            try:
                wait_until(web_is_up, timeout=90, interval=0.5, what="gunicorn's /health/")
                wait_until(
                    lambda: " ready." in processes["worker"].log(),
                    timeout=90,
                    interval=0.5,
                    what="the Celery worker",
                )
                wait_until(
                    lambda: "beat: Starting..." in processes["beat"].log(),
                    timeout=60,
                    interval=0.5,
                    what="Celery beat",
                )
            except AssertionError as error:
                raise AssertionError(f"{error}\n{stack.logs()}") from None
            yield stack
        finally:
            for process in reversed(list(processes.values())):
                process.stop()
            flush_broker(broker_url)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects, as tests want to see them."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, dict, str]:
        url = self.base_url + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, dict(answer.headers), answer.read().decode(errors="replace")

    def csrf_token(self, path: str) -> str:
        status, _, html = self.request(path)
        assert status == 200, f"GET {path} answered {status}"
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, f"No CSRF token on {path}"
        return match.group(1)

    def post_form(self, path: str, data: dict[str, str]) -> tuple[int, dict, str]:
        return self.request(path, {"csrfmiddlewaretoken": self.csrf_token(path), **data})


def _staff_with_totp(settings: object) -> tuple[User, str]:
    # The TOTP secret is sealed with a key derived from the secret key the server runs with.
    settings.SECRET_KEY = SECRET_KEY
    settings.MFA_ENCRYPTION_KEY = ""
    user = UserFactory(email="smoke-staff@example.org", full_name="Sara Smoke")
    # The server checks passwords with the production hashers (not the tests' fast one).
    user.password = make_password(STAFF_PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    set_staff_roles(user=user, roles={Role.STAFF})
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_production_processes_serve_a_staff_invitation_end_to_end(
    settings: object, production_stack: Stack
) -> None:
    staff, secret = _staff_with_totp(settings)
    organisation = OrganisationFactory(name_en="Smoke Signals Forum", slug="smoke-signals")
    browser = Browser(production_stack.base_url)

    # Production settings: no debug pages, hashed static files served by WhiteNoise.
    status, _, login_page = browser.request("/en/accounts/login/")
    assert status == 200
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', login_page)
    assert stylesheet, "the login page links no hashed stylesheet"
    assert browser.request(stylesheet.group(1))[0] == 200
    status, _, missing = browser.request("/en/no-such-page/")
    assert status == 404
    assert "Traceback" not in missing and "URLconf" not in missing

    # Password, then TOTP.
    status, headers, _ = browser.post_form(
        "/en/accounts/login/", {"login": staff.email, "password": STAFF_PASSWORD}
    )
    assert status == 302, production_stack.logs()
    mfa_path = urllib.parse.urlsplit(headers["Location"]).path
    assert "2fa" in mfa_path or "mfa" in mfa_path, headers["Location"]
    status, headers, _ = browser.post_form(mfa_path, {"code": totp_code(secret)})
    assert status == 302, production_stack.logs()

    # The staff invitation form.
    status, headers, body = browser.post_form(
        "/en/staff/invitations/new/",
        {
            "email": INVITEE,
            "organisation": str(organisation.pk),
            "role": "member",
            "language": "en",
        },
    )
    assert status == 302, body[-2000:]
    assert urllib.parse.urlsplit(headers["Location"]).path == "/en/staff/invitations/"
    assert Invitation.objects.filter(email=INVITEE, organisation=organisation).exists()

    # The worker takes the task from the broker and sends the email over SMTP.
    handler = production_stack.smtp.handler
    try:
        wait_until(lambda: INVITEE in handler.recipients(), timeout=60, what="the invitation")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{production_stack.logs()}") from None
    message = next(m.message for m in handler.messages if INVITEE in m.rcpt_tos)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"{production_stack.base_url}/en/invitations/" in text
    assert "Smoke Signals Forum" in message["Subject"] + text

    # /health/ sees every component.
    status, report = _get_health(production_stack.base_url)
    assert status == 200
    assert report["components"] == {"database": "ok", "redis": "ok", "broker": "ok"}
