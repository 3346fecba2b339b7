"""cop.db.postgresql: the health check of a kept connection costs a round trip only when the
server has something to say (it ended the connection), and a connection it ended is replaced
before a request uses it."""

import time

import psycopg
import pytest
from django.core.signals import request_started
from django.db import connection, connections

from cop.db.postgresql.base import DatabaseWrapper, quiet

pytestmark = pytest.mark.django_db(transaction=True)  # a kept connection, as between requests


@pytest.fixture
def pings(monkeypatch) -> list[int]:
    """Each `SELECT 1` health check Django's backend makes (what it answered)."""
    made = []
    original = DatabaseWrapper.is_usable

    def is_usable(self: DatabaseWrapper) -> bool:
        made.append(usable := original(self))
        return usable

    monkeypatch.setattr(DatabaseWrapper, "is_usable", is_usable)
    return made


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_settings_use_this_backend_with_health_checks_on():
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] > 0


def test_a_kept_connection_that_is_well_is_used_without_a_ping(pings):
    first = backend_pid()
    for _ in range(3):
        request_started.send(sender=None)  # a new request: its first query is checked again
        assert connection.health_check_done is False
        assert backend_pid() == first
        assert connection.health_check_done is True
    assert pings == []


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(pings):
    ended = backend_pid()
    params = connection.get_connection_params()
    with psycopg.connect(
        dbname=params["dbname"], user=params.get("user"), host=params.get("host"), port=params.get("port")
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [ended])
    deadline = time.monotonic() + 5
    while quiet(connection.connection):  # the server's goodbye reaches the socket
        assert time.monotonic() < deadline, "the ended connection never became readable"
        time.sleep(0.01)

    request_started.send(sender=None)
    replaced = backend_pid()

    assert replaced != ended
    assert pings == [False]  # the socket had something: Django's SELECT 1, which failed


def test_a_closed_connection_is_not_quiet():
    connection.ensure_connection()
    raw = connection.connection
    connection.close()
    assert raw.closed
    assert quiet(raw) is False
