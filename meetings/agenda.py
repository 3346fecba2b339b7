"""The agenda page and the calendar feed, cached per person until something on them changes.

The agenda is what members open most, and at scale its two lists (every upcoming meeting of the
person's communities and the twenty latest past ones, with counts) cost tens of milliseconds to
query and render. The rendered lists are kept in the cache under a key made of what they depend
on, and used while the versions stored with them are still current:
- the person, their language and time zone (dates are shown in it), in the key;
- their current communities and roles there (a facilitator also sees drafts), in the key;
- a version per community, stored with the entry, and replaced (after the transaction commits)
  whenever one of its meetings, an RSVP to one of them, or the community itself is saved or
  deleted: `agenda_changed`, wired to those models' signals in `meetings.apps`. Code that writes
  these rows with `QuerySet.update()` or `bulk_create()` must call `agenda_changed` itself.
Time moves meetings from "coming up" to "past": an entry lives no longer than until the first
upcoming meeting ends, and never longer than AGENDA_CACHE_SECONDS.

The calendar feed (what calendar apps fetch every few minutes to hours, for every subscriber) is
kept the same way: its key holds the person, the language and their communities, the entry their
versions, for at most AGENDA_CACHE_SECONDS (its 90-day window moves on by the day).

The cache is a help, not a dependency: with Redis unreachable the lists are rendered on every
request and a change is saved as usual (a version that could not be replaced then may show old
lists, once Redis is back, for at most AGENDA_CACHE_SECONDS).
"""

import hashlib
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from cop.cache import cache_or
from cop.compiled import Compiled
from meetings import selectors
from meetings.calendar import calendar_bytes
from members.models import Membership, User

VERSION_KEY = "agenda:version:{}"
# The person's current communities and roles, what both keys are made of: compiled once per process
# (cop.compiled), as the ORM would spend more on building this small query than on the agenda's
# cache read.
_memberships = Compiled(
    lambda user_id: Membership.objects.current().filter(user_id=user_id).values_list("community_id", "role")
)


def agenda_changed(community_id: int) -> None:
    """The community's meetings or answers changed: agendas showing them are rendered anew once
    the change is committed (a reader before the commit may only cache the old rows under the old
    version)."""
    transaction.on_commit(lambda: cache_or(lambda: cache.set(VERSION_KEY.format(community_id), time.time_ns(), None)))


def _kept[T](kind: str, parts: list, community_ids: list[int], build: Callable[[], tuple[T, int]]) -> T:
    """What `build` makes (with how many seconds it may be kept), from the cache while none of
    `community_ids` changed; `parts` is everything else it depends on.

    The entry is stored with the versions it was built under and read in the same round trip as
    the current versions, one MGET instead of two reads: a round trip to Redis costs the worker
    about 0.2 ms of CPU on the benchmark machine, as much as a dozen template tags."""
    key = f"{kind}:" + hashlib.sha256(repr([*parts, community_ids]).encode()).hexdigest()
    version_keys = [VERSION_KEY.format(community_id) for community_id in community_ids]
    found = cache_or(lambda: cache.get_many([key, *version_keys]), {})
    # A version never set (or evicted) gets a fresh one: nothing cached before can match it.
    missing = {version_key: time.time_ns() for version_key in version_keys if version_key not in found}
    if missing:
        cache_or(lambda: cache.set_many(missing, None))
    current = [found.get(version_key, missing.get(version_key)) for version_key in version_keys]
    entry = found.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value, seconds = build()
    cache_or(lambda: cache.set(key, (current, value), seconds))
    return value


def agenda_lists(*, user: User, now: datetime) -> SafeString:
    """The rendered "coming up" and "past meetings" sections for the person."""
    memberships = sorted(_memberships.rows(user.pk))

    def build() -> tuple[str, int]:
        upcoming, past = selectors.agenda(user=user, now=now, memberships=memberships)
        html = render_to_string("meetings/_agenda_lists.html", {"upcoming": upcoming, "past": past})
        seconds = settings.AGENDA_CACHE_SECONDS
        if upcoming:  # the first to end moves to the past then
            seconds = min(seconds, max(1, int((min(m.ends_at for m in upcoming) - now).total_seconds())))
        return html, seconds

    parts = [user.pk, translation.get_language(), timezone.get_current_timezone_name(), memberships]
    html = _kept("agenda", parts, [community_id for community_id, _role in memberships], build)
    return mark_safe(html)  # noqa: S308 (rendered by the template above, autoescaped)


FEED_DAYS = 90  # how far back the calendar feed goes


def feed_ics(*, user: User, now: datetime) -> bytes:
    """The person's calendar feed: published and cancelled meetings of their communities from
    FEED_DAYS ago on."""
    community_ids = sorted(community_id for community_id, _role in _memberships.rows(user.pk))

    def build() -> tuple[bytes, int]:
        meetings = selectors.feed_meetings(user=user, since=now - timedelta(days=FEED_DAYS))
        return calendar_bytes(meetings, name="Gilde"), settings.AGENDA_CACHE_SECONDS

    return _kept("calendar", [user.pk, translation.get_language()], community_ids, build)
