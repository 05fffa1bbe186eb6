"""Real Celery processes for tests: workers (and beat) as subprocesses on a real Redis broker.

They run against pytest-django's test database, so a test that uses them needs
@pytest.mark.django_db(transaction=True, serialized_rollback=True): the worker only sees rows
the test has committed, and the data migrations' rows come back after the test's flush.
Every wait is bounded, and every process is stopped when the fixture ends.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import redis
from celery import Celery
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/5"
# The modules a test worker imports besides the project's tasks (test-only message kinds).
WORKER_IMPORTS = "tests.support.mail_kinds"


def wait_until(
    predicate: Callable[[], object], *, timeout: float = 60, interval: float = 0.2, what: str = ""
) -> None:
    """Poll `predicate` until it is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what or predicate}")


def database_url_of_test_db() -> str:
    """The URL of the database pytest-django created for this test session."""
    settings = connection.settings_dict
    user = quote(settings.get("USER") or "", safe="")
    password = quote(settings.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return (
        f"postgres://{credentials}{settings.get('HOST') or '127.0.0.1'}:"
        f"{settings.get('PORT') or 5432}/{settings['NAME']}"
    )


class CeleryProcess:
    """One `celery` subprocess in its own process group, with its output in a log file."""

    def __init__(self, *, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.args = args
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self._log_offset = 0

    def start(self) -> "CeleryProcess":
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "alliance", *self.args],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, text: str, *, timeout: float = 60) -> None:
        """Wait until this run of the process has logged `text` (or fail, showing the log)."""

        def seen() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"celery {self.args[0]} exited early:\n{self.log()[-4000:]}")
            return text in self.log()[self._log_offset :]

        try:
            wait_until(seen, timeout=timeout, what=f"{text!r} in {self.log_path}")
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- log ---\n{self.log()[-4000:]}") from None

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crashed machine would stop it."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self, *, timeout: float = 20) -> None:
        """Warm shutdown (SIGTERM); SIGKILL if it has not ended within `timeout` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            self.kill()
        else:
            # Prefork children normally leave with the parent; make sure none lingers.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)


class CeleryCluster:
    """Workers and beat for one test, sharing one environment and one flushed broker DB."""

    def __init__(self, *, env: dict[str, str], broker_url: str, log_dir: Path) -> None:
        self.env = env
        self.broker_url = broker_url
        self.log_dir = log_dir
        self.processes: list[CeleryProcess] = []
        self.client = Celery("alliance-tests", broker=broker_url, set_as_current=False)
        self.client.conf.update(
            task_serializer="json",
            accept_content=["json"],
            broker_connection_retry_on_startup=True,
        )

    def start_worker(
        self, name: str = "worker1", *, wait: bool = True, **settings: object
    ) -> CeleryProcess:
        """Start a prefork worker (one child) and wait until it is ready for tasks."""
        env = {**self.env, **{key: str(value) for key, value in settings.items()}}
        worker = CeleryProcess(
            args=[
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                f"--hostname={name}@%h",
                f"--include={WORKER_IMPORTS}",
                "--without-gossip",
                "--without-mingle",
            ],
            env=env,
            log_path=self.log_dir / f"{name}.log",
        )
        self.processes.append(worker.start())
        if wait:
            worker.wait_for_log(" ready.")
        return worker

    def restart(self, process: CeleryProcess) -> CeleryProcess:
        """Start the same process again (after it was killed)."""
        process.start()
        if process.args[0] == "worker":
            process.wait_for_log(" ready.")
        return process

    def start_beat(self, **settings: object) -> CeleryProcess:
        """Start celery beat with the project's static schedule."""
        env = {**self.env, **{key: str(value) for key, value in settings.items()}}
        beat = CeleryProcess(
            args=[
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.log_dir / 'celerybeat-schedule'}",
                "--pidfile=",
            ],
            env=env,
            log_path=self.log_dir / "beat.log",
        )
        self.processes.append(beat.start())
        beat.wait_for_log("beat: Starting...")
        return beat

    def send(self, task_name: str, *args: object) -> None:
        """Put a task in the queue, as a tick or a producer in the web process would."""
        self.client.send_task(task_name, args=list(args))

    def queue_length(self) -> int:
        return int(redis.Redis.from_url(self.broker_url).llen("celery"))

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.client.close()


def flush_broker(broker_url: str) -> None:
    """Empty the broker's Redis database: no task from an earlier test may run in this one."""
    client = redis.Redis.from_url(broker_url)
    try:
        client.flushdb()
    finally:
        client.close()
