"""Delivery through faults (issue 10): a Celery worker killed with SIGKILL in the middle of a
batch, and an SMTP server that refuses everything for ten minutes. `pytest -m reliability` runs
these with the load and the Redis and PostgreSQL faults (tests/test_load.py)."""

import itertools
import os
import signal
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
import redis
import time_machine
from django.db import connection, transaction
from django.db.models import F

from bench.private import Redis, Sink, Worker
from cop.models import Notification
from cop.notifications.delivery import notifications_deliver, notifications_sweep
from cop.notifications.services import notifications_queue
from tests.conftest import subprocess_env, worker_env
from tests.cop.notifications.test_worker import broker, wait_for
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.reliability

CONTEXT = {"title": "Hoe geef je constructieve feedback?", "body": "Dinsdag 16:00 in de werkplaats."}


def queued(count: int) -> list[Notification]:
    """`count` announcements in one transaction: after commit, one task for them all."""
    people = [UserFactory() for _ in range(count)]
    community = CommunityFactory()
    with transaction.atomic():
        return notifications_queue(recipients=people, kind="announcement", community=community, context=CONTEXT)


def statuses(rows: list[Notification]) -> list[str]:
    found = dict(Notification.objects.filter(pk__in=[row.pk for row in rows]).values_list("pk", "status"))
    return [found[row.pk] for row in rows]


def message_id(row: Notification) -> str:
    return f"<notification-{row.pk}@127.0.0.1>"


def ten_minutes_pass(settings) -> None:
    """The claims of rows stuck in `sending` become older than NOTIFICATION_SENDING_TIMEOUT."""
    Notification.objects.filter(status="sending").update(
        claimed_at=F("claimed_at") - timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT)
    )


@pytest.fixture(scope="module")
def lab(django_db_setup, django_db_blocker) -> Iterator[tuple[Sink, Worker]]:
    """A worker with one pool process, as production runs it (prefork, acks_late,
    reject_on_worker_lost), on a Redis of its own (this process's Celery app too), sending to an
    SMTP sink that can hold a message."""
    with Redis() as cache, Sink() as sink, broker(cache.url):
        with django_db_blocker.unblock():
            env = worker_env(sink, REDIS_URL=cache.url)
        with Worker(env, name="faults", concurrency=1) as worker:
            worker.broker = redis.Redis.from_url(cache.url)
            yield sink, worker


def settled(worker: Worker) -> bool:
    """No task waiting in the queue or held unacknowledged: the worker is done with them all (a
    killed pool process's task is held until the worker notices, then comes back and is run)."""
    return not worker.broker.llen("gilde") and not worker.broker.hlen("unacked")


def pool_process_killed(worker: Worker) -> int:
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: worker.children() not in ([], [child]))  # the worker starts a new one
    return child


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_sends_no_email_twice_and_the_rest_go_after_the_sweep(lab, settings):
    sink, worker = lab
    sink.reset(stall_at=3)
    rows = queued(5)
    assert sink.stalled.wait(15)  # two sent, the third at the SMTP server, unanswered
    assert statuses(rows) == ["sent", "sent", "sending", "sending", "sending"]

    pool_process_killed(worker)
    sink.release()  # the third message was never accepted
    # The task comes back (acks_late, reject_on_worker_lost) and finds every row taken: nothing is
    # sent again, and nothing is lost either: the rows wait in `sending` for the sweeper.
    wait_for(lambda: settled(worker), seconds=30)
    assert sink.message_ids == [message_id(row) for row in rows[:2]]
    assert statuses(rows) == ["sent", "sent", "sending", "sending", "sending"]

    ten_minutes_pass(settings)
    assert notifications_sweep().reclaimed == 3
    wait_for(lambda: statuses(rows) == ["sent"] * 5)
    time.sleep(1)  # a duplicate would arrive now
    assert sorted(sink.message_ids) == sorted(message_id(row) for row in rows)
    attempts = list(Notification.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk").values_list("attempts"))
    assert attempts == [(1,), (1,), (2,), (2,), (2,)]  # the lost worker counts as an attempt


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_server_accepted_sends_that_message_twice_with_one_message_id(lab, settings):
    # The one ambiguous case (cop/notifications/delivery.py): the SMTP server took the message,
    # the worker died before it wrote `sent`. Held: the row's lock, so that the worker's write
    # waits; then the worker is killed and its waiting statement cancelled with it.
    sink, worker = lab
    sink.reset(stall_at=2)
    rows = queued(3)
    assert sink.stalled.wait(15)
    url = subprocess_env()["DATABASE_URL"]
    with psycopg.connect(url) as holder:
        holder.execute("SELECT 1 FROM cop_notification WHERE id = %s FOR UPDATE", [rows[1].pk])
        sink.release(accept=True)

        def waiting_backend() -> int | None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    " AND query LIKE 'UPDATE \"cop_notification\"%%'"
                )
                found = cursor.fetchone()
            return found[0] if found else None

        wait_for(lambda: waiting_backend() is not None)
        backend = waiting_backend()
        pool_process_killed(worker)
        holder.execute("SELECT pg_terminate_backend(%s)", [backend])
        holder.rollback()
    assert statuses(rows) == ["sent", "sending", "sending"]

    ten_minutes_pass(settings)
    assert notifications_sweep().reclaimed == 2
    wait_for(lambda: statuses(rows) == ["sent"] * 3)
    time.sleep(1)
    assert sorted(sink.message_ids) == sorted(map(message_id, [rows[0], rows[1], rows[1], rows[2]]))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_database_restart_between_the_smtp_reply_and_the_write_sends_no_email_twice(lab):
    # PostgreSQL restarting (its connections cut) while the worker waits for the SMTP server:
    # the message goes out, then the write of `sent` meets a dead connection. It waits for the
    # database and records it, rather than leaving the row for the sweeper to send again.
    sink, _worker = lab
    sink.reset(stall_at=2)
    rows = queued(3)
    assert sink.stalled.wait(15)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1  # the worker's connection
    sink.release(accept=True)
    wait_for(lambda: statuses(rows) == ["sent"] * 3)
    time.sleep(0.5)
    assert sorted(sink.message_ids) == sorted(map(message_id, rows))
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.mark.django_db
def test_an_smtp_server_down_for_ten_minutes_is_retried_with_backoff_then_each_message_sent_once(eager, smtp, settings):
    # Celery's countdown (the retry's own task at next_attempt_at) is played by the sweeper, run
    # every 5 s of the moved clock with no grace period: eager tasks ignore countdowns.
    settings.NOTIFICATION_SWEEP_GRACE = 0
    smtp.reply = "421 4.3.2 Service not available"
    with time_machine.travel(START, tick=False) as clock:
        rows = queued(3)
        first = rows[0]
        assert set(notifications_deliver(notification_ids=[row.pk for row in rows]).values()) == {"retry", "released"}
        tries = [0]  # seconds since the start at which the first row was tried
        elapsed = 0
        while statuses(rows) != ["sent"] * 3:
            assert elapsed < 3600, "not sent within the hour"
            clock.shift(5)
            elapsed += 5
            if elapsed == 600:
                smtp.reply = None  # back after ten minutes
            notifications_sweep()
            attempts = Notification.objects.get(pk=first.pk).attempts
            if attempts > len(tries):
                tries.append(elapsed)
            if elapsed < 600:
                assert smtp.messages == []
    waits = [later - earlier for earlier, later in itertools.pairwise(tries)]
    assert waits == [30, 60, 120, 240, 480]  # 30 s doubling (NOTIFICATION_BACKOFF_SECONDS)
    assert tries[-1] == 930  # the first try after the server came back
    assert sorted(message["Message-ID"] for message in smtp.parsed()) == sorted(map(message_id, rows))
    attempts = list(Notification.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk").values_list("attempts"))
    assert attempts == [(6,), (1,), (1,)]  # the rest of a failing batch waits without using attempts
