"""What /health/ reports: each configured part of the stack, up or not."""

from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from cop.celery import app as celery_app
from cop.models import Heartbeat

Check = dict[str, Any]


def _failure(exc: Exception) -> Check:
    # The exception's class only: a public endpoint must not echo host names or credentials.
    return {"ok": False, "error": type(exc).__name__}


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 (any failure means "down")
        return _failure(exc)
    return {"ok": True, "engine": connection.vendor}


def redis_check() -> Check:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "embedded", "detail": "not configured; tasks run in-process"}
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return _failure(exc)
    return {"ok": True}


WORKER_CHECK_CACHE = "health:worker"


def worker_check(redis_ok: bool) -> Check:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "embedded", "detail": "tasks run in-process"}
    if not redis_ok:
        return {"ok": False, "error": "broker unreachable"}
    # A ping is broadcast to every worker and waits up to a second: do it once per 10 s, however
    # often the page is probed.
    cached = cache.get(WORKER_CHECK_CACHE)
    if cached is not None:
        return cached
    try:
        replies = celery_app.control.ping(timeout=1.0)
    except Exception as exc:  # noqa: BLE001
        return _failure(exc)
    result = {"ok": bool(replies), "workers": len(replies)}
    cache.set(WORKER_CHECK_CACHE, result, timeout=10)
    return result


def beat_check() -> Check:
    """Informational: when the periodic scheduler last ran a job (it may not have yet)."""
    beat = Heartbeat.objects.filter(name="beat").first()
    if beat is None:
        return {"ok": True, "last_seen": None}
    return {
        "ok": True,
        "last_seen": beat.last_seen.isoformat(),
        "age_seconds": int((timezone.now() - beat.last_seen).total_seconds()),
    }


def health_report() -> tuple[bool, dict[str, Any]]:
    database = database_check()
    cache = redis_check()
    checks = {
        "database": database,
        "redis": cache,
        "worker": worker_check(cache["ok"]),
        "beat": beat_check() if database["ok"] else {"ok": True, "last_seen": None},
    }
    failed = [name for name, check in checks.items() if not check["ok"]]
    report = {
        "status": "ok" if not failed else "fail",
        "mode": "services" if settings.REDIS_URL else "embedded",
        "failed": failed,
        "checks": checks,
    }
    return not failed, report
