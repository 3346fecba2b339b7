"""Personal links carry a long random or signed token: guessing one is hopeless, but nothing
should let anyone try millions. Each address gets LINK_MISSES_ALLOWED unknown links per
LINK_MISSES_SECONDS; after that it gets 429 until the window ends. Only misses count: a whole office
behind one address opening its real links is never slowed down. The address is allauth's
(X-Forwarded-For only behind TRUSTED_PROXY_COUNT proxies). With the cache unavailable nothing is
counted (the links keep working).

Two kinds of link, two places to check:
- a random token looked up in the database (invitations, calendar feeds): `link_guarded` refuses
  a blocked address before the lookup, so a guess can never succeed once the limit is reached;
- a signed token (survey answers, unsubscribe links): a valid signature cannot be guessed, so only
  a link that fails is checked (`link_missed`'s answer). Real links cost no cache round trip, and
  they keep working for an office whose address someone else got blocked."""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cop.cache import cache_or


def _key(request: HttpRequest, scope: str) -> str:
    from allauth.account.adapter import get_adapter  # noqa: PLC0415 (allauth's address, proxies and all)

    address = get_adapter(request).get_client_ip(request) or ""
    return f"link-misses:{scope}:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def link_blocked(request: HttpRequest, scope: str) -> HttpResponse | None:
    """A 429 page when this address has tried too many unknown links; None otherwise."""
    misses = cache_or(lambda: cache.get(_key(request, scope)), 0) or 0
    return _too_many(request) if misses >= settings.LINK_MISSES_ALLOWED else None


def link_guarded(scope: str) -> Callable:
    """Decorates a personal link's view: an address over its misses gets the 429 page."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            return link_blocked(request, scope) or view(request, *args, **kwargs)

        return guarded

    return decorate


def link_missed(request: HttpRequest, scope: str) -> HttpResponse | None:
    """Counts an unknown or forged link from this address; the 429 page once it has had too many."""
    key = _key(request, scope)

    def count() -> int:
        cache.add(key, 0, settings.LINK_MISSES_SECONDS)
        return cache.incr(key)

    misses = cache_or(count, 0) or 0
    return _too_many(request) if misses > settings.LINK_MISSES_ALLOWED else None


def _too_many(request: HttpRequest) -> HttpResponse:
    # At most this long: the window started with the first miss.
    minutes = -(-settings.LINK_MISSES_SECONDS // 60)
    response = render(request, "too_many.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(settings.LINK_MISSES_SECONDS)
    return response
