"""The cache as a help, never a dependency: an operation that fails because Redis is unreachable
is logged and treated as a miss, so pages that cache (the agenda, a survey's questions) keep
answering, only slower, while Redis is down."""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)


def cache_or[T](call: Callable[[], T], default: T | None = None) -> T | None:
    """`call()` (a cache operation), or `default` when the cache is unavailable."""
    try:
        return call()
    except Exception:  # any cache backend's outage (redis.ConnectionError, a timeout, ...)
        logger.warning("cache unavailable", exc_info=True)
        return default
