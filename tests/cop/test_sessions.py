"""Sessions in the database, read through the cache (cop.sessions)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse

from cop.sessions import SessionStore
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DOWN = {"default": {"BACKEND": "cop.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


def test_a_signed_in_session_is_read_from_the_cache_and_the_database_is_the_record(client, django_assert_num_queries):
    user = UserFactory()
    client.force_login(user)
    key = client.session.session_key
    with django_assert_num_queries(0):
        assert SessionStore(key).load()[SESSION_KEY] == str(user.pk)
    cache.clear()  # Redis emptied (a restart): the database still has it, and the cache gets it again
    with django_assert_num_queries(1):
        assert SessionStore(key).load()[SESSION_KEY] == str(user.pk)
    with django_assert_num_queries(0):
        assert SessionStore(key).load()[SESSION_KEY] == str(user.pk)


def test_a_cached_session_is_kept_no_longer_than_an_hour(client, settings):
    client.force_login(UserFactory())
    store = SessionStore(client.session.session_key)
    redis = cache._cache.get_client()
    assert 3590 < redis.ttl(cache.make_key(store.cache_key)) <= 3600
    settings.SESSION_CACHE_SECONDS = 60
    store.save()
    assert 50 < redis.ttl(cache.make_key(store.cache_key)) <= 60


def test_logging_out_ends_the_session_in_the_cache_too(client):
    client.force_login(UserFactory())
    key = client.session.session_key
    client.post(reverse("account_logout"))
    assert SessionStore(key).load() == {}
    assert client.get(reverse("home")).status_code == 302


def test_signing_in_out_and_pages_work_with_redis_unreachable(client, settings):
    user = UserFactory(email="intern@example.org")
    settings.CACHES = DOWN
    response = client.post(reverse("account_login"), {"login": "intern@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.session[SESSION_KEY] == str(user.pk)
    client.post(reverse("account_logout"))
    assert client.get(reverse("home")).status_code == 302
