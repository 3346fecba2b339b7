"""The outbox with the real parts: a Celery worker process on Redis, Django's SMTP backend and a
local SMTP server."""

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.urls import reverse
from kombu import pools

from cop.celery import app as celery_app
from cop.models import Notification
from cop.notifications.delivery import notifications_sweep
from cop.notifications.services import enqueue_delivery
from tests.conftest import free_port, start_worker, stop_worker, worker_env
from tests.factories import CommunityFactory, UserFactory, announcement

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_queued_notification_reaches_the_smtp_server_once(celery_worker, smtp_sink):
    smtp_sink.reset()
    person = UserFactory(email="intern@example.org", full_name="Ilias Bakker")
    with transaction.atomic():
        row = announcement(person, CommunityFactory(name="Autotechniek"))
    wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent")
    (message,) = smtp_sink.parsed()
    assert message["To"] == "intern@example.org"
    assert message["Subject"] == "Autotechniek: Hoe geef je constructieve feedback?"
    assert message["List-Unsubscribe"].startswith("<http")
    assert message["Message-ID"] == f"<notification-{row.pk}@127.0.0.1>"
    assert "Hallo Ilias," in message.get_body(preferencelist=("plain",)).get_content()


def test_a_task_delivered_twice_sends_one_email(celery_worker, smtp_sink):
    smtp_sink.reset()
    with transaction.atomic():
        row = announcement(UserFactory(), CommunityFactory())
    enqueue_delivery([row.pk])
    enqueue_delivery([row.pk])
    wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent")
    time.sleep(1)  # let the duplicate tasks run too
    assert len(smtp_sink.messages) == 1
    assert Notification.objects.get(pk=row.pk).attempts == 1


def test_a_login_code_arrives_within_seconds(client, celery_worker, smtp_sink):
    smtp_sink.reset()
    UserFactory(email="mentor@example.org")
    started = time.monotonic()
    response = client.post(reverse("account_request_login_code"), {"email": "mentor@example.org"})
    assert response.status_code == 302
    wait_for(lambda: len(smtp_sink.messages) == 1, seconds=5)
    assert time.monotonic() - started < 5
    assert smtp_sink.parsed()[0]["To"] == "mentor@example.org"


@contextmanager
def broker(url: str) -> Iterator[None]:
    """Points this process's Celery app at another broker, and back afterwards."""

    def reset_pools() -> None:
        # kombu keeps connection pools in a process-wide registry: reset it, then the app's handles.
        pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    original = celery_app.conf.broker_url
    reset_pools()
    celery_app.conf.broker_url = url
    try:
        yield
    finally:
        reset_pools()
        celery_app.conf.broker_url = original


def redis_answers(port: int) -> bool:
    ping = [shutil.which("redis-cli"), "-p", str(port), "ping"]
    return subprocess.run(ping, capture_output=True, check=False).stdout == b"PONG\n"  # noqa: S603 (fixed command)


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 (fixed argument list)
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    wait_for(lambda: redis_answers(port))
    return process


def test_nothing_is_lost_while_redis_is_down(client, smtp_sink, settings):
    smtp_sink.reset()
    settings.NOTIFICATION_SWEEP_GRACE = 0
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    people = [UserFactory(email=f"person{n}@example.org") for n in range(3)]
    redis_server = start_redis(port)
    with broker(url):
        redis_server.terminate()
        redis_server.wait()
        # Redis is down: the web requests still succeed, quickly, and leave pending rows.
        started = time.monotonic()
        for person in people:
            response = client.post(reverse("account_reset_password"), {"email": person.email})
            assert response.status_code == 302
        assert time.monotonic() - started < 10
        assert list(Notification.objects.values_list("status", flat=True)) == ["pending"] * 3

        # Redis is back: a worker starts, the periodic sweeper queues the rows, each is sent once.
        redis_server = start_redis(port)
        worker = start_worker(worker_env(smtp_sink, REDIS_URL=url), name="redis-down")
        try:
            assert notifications_sweep().queued == 3
            wait_for(lambda: Notification.objects.filter(status="sent").count() == 3)
            assert notifications_sweep().queued == 0
            time.sleep(1)
        finally:
            stop_worker(worker)
            redis_server.terminate()
            redis_server.wait()
    assert sorted(message["To"] for message in smtp_sink.parsed()) == [p.email for p in people]
