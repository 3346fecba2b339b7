"""Sessions in PostgreSQL, read through the cache (Django's cached_db backend): a signed-in page
finds its session in Redis instead of querying for it, one query less on every page.

PostgreSQL stays the record, and the cache is a help, not a dependency: cop.cache.RedisCache
treats an outage as an empty cache, so with Redis unreachable every session is read from and
written to the database alone, and signing in and out keep working. An entry is kept in the cache
for at most SESSION_CACHE_SECONDS, not the session's whole life: a logout while Redis could not be
told (unreachable, yet keeping its data) is honoured everywhere within that time, not weeks later."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

from members.backends import RENAMED


class SessionStore(cached_db.SessionStore):
    def _cache_seconds(self, **kwargs: object) -> int:
        return min(self.get_expiry_age(**kwargs), settings.SESSION_CACHE_SECONDS)

    def load(self) -> dict:
        data = self._cache.get(self.cache_key)
        if data is None:
            stored = self._get_session_from_db()
            if stored is None:
                return {}
            data = self.decode(stored.session_data)
            self._cache.set(self.cache_key, data, self._cache_seconds(expiry=stored.expire_date))
        return _renamed(data)

    async def aload(self) -> dict:
        return _renamed(await super().aload())

    def save(self, must_create: bool = False) -> None:
        DatabaseStore.save(self, must_create)
        self._cache.set(self.cache_key, self._session, self._cache_seconds())


def _renamed(data: dict) -> dict:
    """Sessions signed in before Gilde's backends were its own name Django's or allauth's."""
    if (backend := data.get(BACKEND_SESSION_KEY)) in RENAMED:
        data[BACKEND_SESSION_KEY] = RENAMED[backend]
    return data
