"""Django's PostgreSQL backend, with a health check that needs no round trip while the
connection is well.

Connections are kept between requests (CONN_MAX_AGE), so they need a health check
(CONN_HEALTH_CHECKS): after PostgreSQL restarts, a worker's kept connection is dead and, without
the check, the worker's next request fails. Django checks by sending `SELECT 1` before the first
query of every request: a round trip that costs a worker under load about what a small query does.

A server that ends a connection (a restart, pg_terminate_backend, idle_session_timeout) says so
and closes its end, which leaves the idle socket readable; a healthy idle connection has nothing
waiting. So the socket is looked at first, without waiting, and only one with something waiting
gets Django's `SELECT 1`. A connection that dies without a word (a host gone from the network) is
no worse off: `SELECT 1` would have hung on it as the query does.
"""

import select

from django.db.backends.postgresql import base


def quiet(connection: object) -> bool:
    """Nothing from the server is waiting on this open, idle psycopg connection."""
    if connection.closed:
        return False
    try:
        readable, _, _ = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError, base.Database.Error):
        return False
    return not readable


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        if (
            self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self.connection is not None
            and quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
