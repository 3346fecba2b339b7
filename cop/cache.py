"""The cache as a help, never a dependency: an operation that fails because Redis is unreachable
is logged and treated as a miss, so pages that cache (the agenda, sessions, rate limits) keep
answering, only slower, while Redis is down. `RedisCache` does this for every cache call, Django's
and allauth's too; `cache_or` guards a call against any failure of any backend."""

import logging
import time
from collections.abc import Callable

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
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
    """Django's Redis cache (settings.CACHES) with one client per connection pool, that treats an
    outage as an empty cache which keeps nothing: reads miss, writes and `add` succeed without
    effect, `incr` finds no key. So everything that uses the cache, Django's and allauth's
    included (sessions, rate limits), keeps working while Redis is down, only slower; rate limits
    count nothing then. After a failure Redis is not tried again for OUTAGE_SECONDS, so a Redis
    that does not answer at all costs a page one connect timeout, not one per cache call."""

    OUTAGE_SECONDS = 5

    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = _ReusedClient
        self._down_until = 0.0

    def _tolerant[T](self, call: Callable[[], T], outage: T) -> T:
        if time.monotonic() < self._down_until:
            return outage
        try:
            return call()
        except (redis.ConnectionError, redis.TimeoutError):
            self._down_until = time.monotonic() + self.OUTAGE_SECONDS
            logger.warning("cache unavailable for %s s", self.OUTAGE_SECONDS, exc_info=True)
            return outage

    def add(self, key: str, value: object, timeout: object = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._tolerant(lambda: super(RedisCache, self).add(key, value, timeout, version), True)

    def get(self, key: str, default: object = None, version: int | None = None) -> object:
        return self._tolerant(lambda: super(RedisCache, self).get(key, default, version), default)

    def set(self, key: str, value: object, timeout: object = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._tolerant(lambda: super(RedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: str, timeout: object = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._tolerant(lambda: super(RedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._tolerant(lambda: super(RedisCache, self).delete(key, version), False)

    def get_many(self, keys: list[str], version: int | None = None) -> dict:
        return self._tolerant(lambda: super(RedisCache, self).get_many(keys, version), {})

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._tolerant(lambda: super(RedisCache, self).has_key(key, version), False)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        found = self._tolerant(lambda: super(RedisCache, self).incr(key, delta, version), None)
        if found is None:
            raise ValueError(f"Key '{key}' not found")  # what an empty cache says
        return found

    def set_many(self, data: dict, timeout: object = DEFAULT_TIMEOUT, version: int | None = None) -> list:
        return self._tolerant(lambda: super(RedisCache, self).set_many(data, timeout, version), [])

    def delete_many(self, keys: list[str], version: int | None = None) -> None:
        self._tolerant(lambda: super(RedisCache, self).delete_many(keys, version), None)

    def clear(self) -> bool:
        return self._tolerant(lambda: super(RedisCache, self).clear(), True)
