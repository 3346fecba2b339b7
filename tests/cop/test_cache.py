"""The Redis cache (cop.cache): one client per connection pool, and an unreachable Redis is a
quick miss rather than a hung page."""

import time

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCacheClient

from cop.cache import RedisCache, cache_or


def test_one_redis_client_serves_every_operation():
    redis = caches["default"]
    assert isinstance(redis, RedisCache)
    client = redis._cache.get_client()
    cache.set("gilde-test", [1, 2], 30)
    assert cache.get("gilde-test") == [1, 2]
    assert redis._cache.get_client(write=True) is client
    # Django's own builds one for every call: that is the work this saves.
    assert RedisCacheClient.get_client(redis._cache) is not RedisCacheClient.get_client(redis._cache)


def test_an_unreachable_redis_is_a_miss_within_about_a_second(settings):
    settings.CACHES = {
        "default": settings.CACHES["default"],
        "down": {
            "BACKEND": "cop.cache.RedisCache",
            "LOCATION": "redis://10.255.255.1:6379/0",  # nothing answers there: connecting times out
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    started = time.monotonic()
    assert cache_or(lambda: caches["down"].get("anything"), "missed") == "missed"
    assert time.monotonic() - started < 3


def test_an_outage_is_an_empty_cache_that_keeps_nothing(settings):
    settings.CACHES = {
        "default": settings.CACHES["default"],
        "down": {"BACKEND": "cop.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},  # refuses
    }
    down = caches["down"]
    assert down.add("lock", 1) is True  # allauth's rate-limit lock is taken, so a login goes on
    down.set("k", "v")
    assert down.get("k", "missed") == "missed"
    assert down.get_many(["k"]) == {}
    assert "k" not in down
    assert down.delete("k") is False
    with pytest.raises(ValueError, match="not found"):
        down.incr("k")


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds(settings, monkeypatch):
    settings.CACHES = {
        "default": settings.CACHES["default"],
        "down": {"BACKEND": "cop.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    down = caches["down"]
    tries = []
    real = down._cache.get
    monkeypatch.setattr(down._cache, "get", lambda *args: tries.append(1) or real(*args))
    for _ in range(5):
        down.get("k")
    assert len(tries) == 1
    monkeypatch.setattr(time, "monotonic", lambda: down._down_until + 0.1)
    down.get("k")
    assert len(tries) == 2
