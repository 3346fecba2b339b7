import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from cop.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    config.addinivalue_line(
        "markers", "reliability: load and fault scenarios (issue 10; README, Reliability under load and faults)"
    )
    # The suite runs against the real services, never SQLite or an in-memory broker.
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise pytest.UsageError("Tests need PostgreSQL: set DATABASE_URL (make test does).")
    if not settings.REDIS_URL:
        raise pytest.UsageError("Tests need Redis: set REDIS_URL (make test does).")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path: Path) -> None:
    settings.DEVMAIL_DIR = tmp_path / "mail"
    # Hashing is not under test; a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    # A request activates its own language and leaves it active in this thread: start every test
    # from the same one, so messages asserted outside a request do not depend on test order.
    from django.utils import translation  # noqa: PLC0415

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_kept_header() -> None:
    # The site header ({% kept %}) and whole pages (cop.kept_pages) are kept per process: each
    # test renders its own, whatever settings or data an earlier test had.
    from django.template.loader import get_template  # noqa: PLC0415

    from cop import kept_pages  # noqa: PLC0415
    from cop.templatetags.kept import KeptNode  # noqa: PLC0415

    for node in get_template("base.html").template.nodelist.get_nodes_by_type(KeptNode):
        node.parts.clear()
    kept_pages._pages.clear()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # allauth's rate limits live in the (Redis) cache; each test starts with none used.
    from django.core.cache import cache  # noqa: PLC0415 (needs configured settings)

    cache.clear()


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks run in this process, as in embedded mode. With a transactional test, a notification
    queued by a request is delivered (to mailoutbox) before the response returns."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def subprocess_env(**overrides: str) -> dict[str, str]:
    """The environment a child process (worker, manage.py) gets: ours, pointed at the test database."""
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    env.update(overrides)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """A real SMTP server on localhost that keeps what it receives. Set `reply` to an SMTP reply
    (e.g. "451 Try later") to make it refuse messages."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.reply: str | None = None
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        if self.reply:
            return self.reply
        with self.lock:
            self.messages.append(envelope.content)
        return "250 Message accepted for delivery"

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
        self.reply = None

    def parsed(self) -> list:
        from email import message_from_bytes, policy  # noqa: PLC0415

        with self.lock:
            return [message_from_bytes(raw, policy=policy.default) for raw in self.messages]


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture
def smtp(smtp_sink: SmtpSink, settings) -> SmtpSink:
    """Django's SMTP backend, in this process, pointed at the sink."""
    smtp_sink.reset()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_sink.port, "timeout": 5},
        }
    }
    return smtp_sink


def worker_env(sink: SmtpSink, **overrides: str) -> dict[str, str]:
    """A worker's environment: the test database, and SMTP to the sink."""
    return subprocess_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port), EMAIL_USE_TLS="false", **overrides)


def start_worker(env: dict[str, str], *, name: str = "test") -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 (fixed argument list)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cop",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while not celery_app.control.ping(timeout=0.5, destination=[f"{name}@{socket.gethostname()}"]):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("The Celery worker did not start.")
    return process


def stop_worker(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, smtp_sink) -> Iterator[subprocess.Popen]:
    """A real Celery worker process on the real Redis, using the test database and the SMTP sink."""
    with django_db_blocker.unblock():
        env = worker_env(smtp_sink)
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)  # stale messages from earlier tests or runs
    process = start_worker(env)
    yield process
    stop_worker(process)
