"""Services of a run's own, for the load and fault runs (bench/load.py) and the reliability tests:
a redis-server, a PostgreSQL cluster, a Celery worker and an SMTP sink, each on a free port of
its own. Stopping, restarting or killing one of them disturbs nothing else on the machine: the
PostgreSQL and Redis that other processes share are never touched.

Needs the `redis-server` and PostgreSQL server binaries (Debian: redis-server, postgresql). As
root, PostgreSQL runs as the `postgres` user (initdb refuses root)."""

import asyncio
import glob
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} within {seconds:g} s: no")
        time.sleep(0.05)


class Redis:
    """A redis-server without persistence (`--save "" --appendonly no`): stopped, it forgets its
    queue, as a crashed Redis without a disk would."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def start(self) -> None:
        command = [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_until(self.answers, 10, "redis-server answers")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def __enter__(self) -> "Redis":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Postgres:
    """A throwaway PostgreSQL cluster in a temporary directory: initdb with trust authentication,
    listening on 127.0.0.1 and a free port. `stop()` and `start()` restart it in place."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        self.bin = Path(found[-1]).parent if found else Path(shutil.which("initdb") or "initdb").parent
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="gilde-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgresql.log"
        self.running = False
        if os.geteuid() == 0:
            shutil.chown(self.dir, user="postgres")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:  # initdb refuses root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start")
        self.running = True

    def stop(self) -> None:
        """A fast shutdown, as a restart for maintenance does: open transactions are aborted."""
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")
            self.running = False

    def __enter__(self) -> "Postgres":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class Sink:
    """An SMTP server on localhost that keeps the Message-ID of every message it accepts.

    `refuse`: an SMTP reply (e.g. "421 4.3.2 Service not available") given instead of accepting.
    `stall_at`: the n-th message (1-based) is held before the server answers its DATA, until
    `release()`: then refused (never accepted), or with `accept=True` accepted. `stalled` is set
    while it waits."""

    def __init__(self, *, stall_at: int | None = None) -> None:
        self.message_ids: list[str] = []
        self.refuse: str | None = None
        self.stall_at = stall_at
        self.stalled = threading.Event()
        self._released = threading.Event()
        self._accept = False
        self.received = 0
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook)
        with self.lock:
            self.received += 1
            number = self.received
        message_id = next(
            (
                line.split(b":", 1)[1].strip().decode()
                for line in envelope.content.split(b"\r\n")
                if line.lower().startswith(b"message-id:")
            ),
            "",
        )
        if number == self.stall_at:
            self.stalled.set()
            while not self._released.is_set():
                await asyncio.sleep(0.05)
            if not self._accept:
                return "421 4.4.2 Timed out"
        elif self.refuse:
            return self.refuse
        with self.lock:
            self.message_ids.append(message_id)
        return "250 OK"

    def release(self, *, accept: bool = False) -> None:
        self._accept = accept
        self._released.set()

    def reset(self, *, stall_at: int | None = None) -> None:
        """Forgets what it received and stalls on the `stall_at`-th message from now."""
        self.release()
        with self.lock:
            self.message_ids.clear()
            self.received = 0
        self.stall_at, self.refuse, self._accept = stall_at, None, False
        self.stalled.clear()
        self._released.clear()

    def env(self) -> dict[str, str]:
        """What a worker needs to send here."""
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "false"}

    def __enter__(self) -> "Sink":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.controller.stop()


class Worker:
    """`celery -A cop worker` as a child process, prefork with `concurrency` processes as
    docker-compose runs it. Needs django.setup() done in this process (to ping it)."""

    def __init__(self, env: dict[str, str], *, name: str = "private", concurrency: int = 2) -> None:
        self.env = env
        self.name = f"{name}-{os.getpid()}@{socket.gethostname()}"
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.launch()
        self.ready()

    def launch(self) -> None:
        """Starts the process without waiting for it (it needs no database until a task comes)."""
        command = [sys.executable, "-m", "celery", "-A", "cop", "worker", "--loglevel=WARNING"]
        command += ["-n", self.name, "-c", str(self.concurrency), "--without-gossip", "--without-mingle"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)

    def ready(self) -> None:
        """Waits until it answers a ping."""
        from cop.celery import app  # noqa: PLC0415 (after django.setup)

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError("The Celery worker stopped before it answered.")
            return bool(app.control.ping(timeout=0.5, destination=[self.name]))

        wait_until(answers, 60, "the Celery worker answers a ping")

    def children(self) -> list[int]:
        """The pool processes (the ones that run tasks)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def stop(self) -> None:
        """A cold shutdown (SIGQUIT): what runs is abandoned, as when a machine goes away; the
        rows it held are the sweeper's."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "Worker":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
