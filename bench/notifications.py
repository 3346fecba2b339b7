"""Outbox benchmark: queue N notifications, deliver them with one Celery worker to a local SMTP
sink, and report rows per second queued and delivered, and peak memory.

    make bench-notifications            # N=10000
    BENCH_COUNT=2000 make bench-notifications

Runs against PostgreSQL and Redis (DATABASE_URL / REDIS_URL, by default the local ones and a
database named gilde_bench, created if missing). It is a benchmark, not a test: it prints figures.
"""

import logging
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from itertools import batched
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings")
# Production-like: cached templates, no debug bookkeeping.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else-0123456789abcdef")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gilde_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")

import django  # noqa: E402
import psycopg  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

COUNT = int(os.environ.get("BENCH_COUNT", "10000"))
# Processes in the one worker's prefork pool (Celery's default is the number of cores).
CONCURRENCY = os.environ.get("BENCH_CONCURRENCY", str(os.cpu_count()))
RECIPIENTS_PER_CALL = 100


class Sink:
    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook)
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                with self.lock:
                    self.message_ids.append(line.split(b":", 1)[1].strip().decode())
                break
        return "250 OK"


def ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def peak_rss_kib(pid: int) -> int:
    """Peak resident memory of a process and its children (prefork pool), from /proc."""
    total = 0
    pids = [pid, *[int(p) for p in (Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]]
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total


def main() -> None:
    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    from django.core.management import call_command  # noqa: PLC0415 (after django.setup)

    from cop.celery import app  # noqa: PLC0415
    from cop.models import Notification  # noqa: PLC0415
    from members.models import User  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    Notification.objects.all().delete()
    User.objects.filter(email__endswith="@bench.gilde").delete()
    app.connection_for_write().default_channel.client.delete(app.conf.task_default_queue)

    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "false"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cop",
            "worker",
            "--loglevel=WARNING",
            "-n",
            "bench@%h",
            "-c",
            CONCURRENCY,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        figures = run(worker, sink)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        controller.stop()
    report(sink, *figures)


def run(worker: subprocess.Popen, sink: Sink) -> tuple[float, float, int]:
    from django.db import transaction  # noqa: PLC0415 (after django.setup)

    from cop.celery import app  # noqa: PLC0415
    from cop.models import Community, Notification  # noqa: PLC0415
    from cop.notifications.services import notifications_queue  # noqa: PLC0415
    from members.models import User  # noqa: PLC0415

    while not app.control.ping(timeout=0.5):
        time.sleep(0.2)

    community, _ = Community.objects.get_or_create(slug="bench", defaults={"name": "Benchmark"})
    users = User.objects.bulk_create(
        User(email=f"person{n}@bench.gilde", full_name=f"Persoon {n}") for n in range(COUNT)
    )
    context = {"title": "Hoe geef je constructieve feedback?", "body": "Dinsdag 16:00 in de werkplaats."}

    started = time.perf_counter()
    with transaction.atomic():
        # As producers do: one call per meeting-sized group of recipients.
        for group in batched(users, RECIPIENTS_PER_CALL, strict=False):
            notifications_queue(recipients=group, kind="announcement", community=community, context=context)
    queued_at = time.perf_counter()  # commit done, every task published

    while Notification.objects.filter(status="sent").count() < COUNT:
        time.sleep(0.2)
        if time.perf_counter() - queued_at > 600:
            raise SystemExit("Not delivered within 10 minutes.")
    delivered_at = time.perf_counter()
    time.sleep(1)  # any duplicate would arrive now

    return queued_at - started, delivered_at - queued_at, peak_rss_kib(worker.pid)


def report(sink: Sink, queue_seconds: float, deliver_seconds: float, worker_peak: int) -> None:
    unique = len(set(sink.message_ids))
    print(f"notifications          {COUNT} (queued {RECIPIENTS_PER_CALL} recipients per call)")
    print(
        f"queued in              {queue_seconds:.1f} s  ({COUNT / queue_seconds:.0f} rows/s, "
        "commit and publish included)"
    )
    print(
        f"delivered in           {deliver_seconds:.1f} s  ({COUNT / deliver_seconds:.0f} rows/s, "
        f"one worker, {CONCURRENCY} processes)"
    )
    print(f"received by SMTP sink  {len(sink.message_ids)} messages, {unique} distinct Message-IDs")
    print(
        f"peak memory            bench process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB, "
        f"worker (all processes) {worker_peak / 1024:.0f} MiB"
    )
    if len(sink.message_ids) != COUNT or unique != COUNT:
        raise SystemExit("FAIL: not every notification was delivered exactly once.")
    print("OK: every notification delivered exactly once.")


if __name__ == "__main__":
    main()
