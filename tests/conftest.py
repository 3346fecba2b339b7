import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from cop.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
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
def _clear_cache() -> None:
    # allauth's rate limits live in the (Redis) cache; each test starts with none used.
    from django.core.cache import cache  # noqa: PLC0415 (needs configured settings)

    cache.clear()


def subprocess_env(**overrides: str) -> dict[str, str]:
    """The environment a child process (worker, manage.py) gets: ours, pointed at the test database."""
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    env.update(overrides)
    return env


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[subprocess.Popen]:
    """A real Celery worker process on the real Redis, using the test database."""
    with django_db_blocker.unblock():
        env = subprocess_env()
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)  # stale messages from earlier tests or runs
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cop", "worker", "--pool=solo", "--loglevel=WARNING", "-n", "test@%h"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while not celery_app.control.ping(timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("The Celery worker did not start.")
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
