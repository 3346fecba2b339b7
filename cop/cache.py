"""The cache as a help, never a dependency: an operation that fails because Redis is unreachable
is logged and treated as a miss, so pages that cache (the agenda, a survey's questions) keep
answering, only slower, while Redis is down."""

import logging
from collections.abc import Callable

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

logger = logging.getLogger(__name__)


def cache_or[T](call: Callable[[], T], default: T | None = None) -> T | None:
    """`call()` (a cache operation), or `default` when the cache is unavailable."""
    try:
        return call()
    except Exception:  # any cache backend's outage (redis.ConnectionError, a timeout, ...)
        logger.warning("cache unavailable", exc_info=True)
        return default


class _ReusedClient(RedisCacheClient):
    """Django's client builds a new redis.Redis for every operation (its response callbacks,
    a dictionary of a few hundred entries, each time); one per connection pool does the same
    work, as redis.Redis is safe to share between threads."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key: object = None, *, write: bool = False) -> object:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache with one client per connection pool (settings.CACHES)."""

    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = _ReusedClient
