"""The weekly digest for managers (every community) and facilitators (their own): the week's
successes, the meetings of the next two weeks, what changed in the health check and the topics
waiting in the backlog.

`digests_queue` reads everything for all communities in a fixed number of grouped queries,
splits it per person in Python, writes this week's health snapshots and queues one e-mail per
person through the outbox. The outbox key holds the person and the ISO week, so a second run in
the same week (or two at once) queues nothing new. Someone with nothing to read gets nothing.

A digest copies the titles of the week's successes, each with its id and an index of those ids
(`success_ids`), so that `digests_forget` can take a success out of every digest that lists it
when it is hidden or its author is erased: pending, sent or failed.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import pgettext_lazy

from cop.checklist import Light, Point, health_checks
from cop.models import Community, HealthSnapshot, Notification, Success, ValueCycle
from cop.models.notification import Status
from cop.notifications.services import notifications_queue_each
from meetings.models import Meeting, MeetingStatus, Topic, TopicStatus
from members.models import Membership, Role, User

KIND = "digest.weekly"
SUCCESS_DAYS = 7  # successes shared in the last week
MEETING_DAYS = 14  # meetings starting in the next two weeks
TOPICS_SHOWN = 5  # oldest open topics listed per community; the rest are counted

LIGHTS = {
    Light.GREEN: pgettext_lazy("health light", "green"),
    Light.AMBER: pgettext_lazy("health light", "amber"),
    Light.RED: pgettext_lazy("health light", "red"),
}
NO_TOPICS: tuple[list[dict[str, Any]], int] = ([], 0)


@dataclass
class Reader:
    """One person who gets a digest, and which communities it covers."""

    user: User
    manager: bool = False
    facilitates: set[int] = field(default_factory=set)
    # Where they are a member (any role) and so may open meetings and the topic backlog.
    member_of: set[int] = field(default_factory=set)

    def scope(self, communities: list[Community]) -> list[Community]:
        return [c for c in communities if self.manager or c.pk in self.facilitates]


@dataclass
class Week:
    """What happened and what is coming, for every active community (language-neutral)."""

    occasion: str  # the ISO week, e.g. 2026-W48: part of each outbox key
    number: int
    communities: list[Community]
    successes: dict[int, list[dict[str, Any]]]
    meetings: dict[int, list[dict[str, Any]]]
    topics: dict[int, tuple[list[dict[str, Any]], int]]
    # Per language, per community: the points to report and the light each had before (None:
    # no earlier snapshot).
    health: dict[str, dict[int, list[tuple[Point, str | None]]]]


def week_of(day: date) -> tuple[str, int, date]:
    """The ISO week's key (2026-W48), number and Monday."""
    year, number, weekday = day.isocalendar()
    return f"{year}-W{number:02d}", number, day - timedelta(days=weekday - 1)


def readers_all() -> list[Reader]:
    """Active managers and current facilitators of active communities, with the communities where
    they are members (two queries)."""
    readers: dict[int, Reader] = {}
    for user in User.objects.filter(is_manager=True, is_active=True).order_by("pk"):
        readers[user.pk] = Reader(user=user, manager=True)
    memberships = (
        Membership.objects.current()
        .filter(community__active=True, user__is_active=True)
        .filter(Q(role=Role.FACILITATOR) | Q(user__is_manager=True))
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        reader = readers.setdefault(membership.user_id, Reader(user=membership.user))
        reader.member_of.add(membership.community_id)
        if membership.role == Role.FACILITATOR:
            reader.facilitates.add(membership.community_id)
    return sorted(readers.values(), key=lambda reader: reader.user.pk)


def _successes(ids: list[int], now: datetime) -> dict[int, list[dict[str, Any]]]:
    found = defaultdict(list)
    rows = (
        Success.objects.filter(
            community_id__in=ids, hidden_at__isnull=True, created_at__gte=now - timedelta(days=SUCCESS_DAYS)
        )
        .filter(created_at__lte=now)
        .order_by("created_at", "pk")
        .values("pk", "community_id", "title", "value")
    )
    for row in rows:
        found[row["community_id"]].append(row)
    return found


def _meetings(ids: list[int], now: datetime) -> dict[int, list[dict[str, Any]]]:
    found = defaultdict(list)
    rows = (
        Meeting.objects.filter(
            community_id__in=ids,
            status=MeetingStatus.PUBLISHED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=MEETING_DAYS),
        )
        .order_by("starts_at", "pk")
        .values("pk", "community_id", "title", "starts_at")
    )
    for row in rows:
        found[row["community_id"]].append(row)
    return found


def _topics(ids: list[int]) -> dict[int, tuple[list[dict[str, Any]], int]]:
    """The oldest TOPICS_SHOWN open topics per community and how many are open in all (one query
    with two windows)."""
    found: dict[int, tuple[list[dict[str, Any]], int]] = {}
    rows = (
        Topic.objects.filter(community_id__in=ids, status=TopicStatus.OPEN)
        .annotate(
            row=Window(RowNumber(), partition_by=F("community_id"), order_by=[F("created_at").asc(), F("pk").asc()]),
            open=Window(Count("pk"), partition_by=F("community_id")),
        )
        .filter(row__lte=TOPICS_SHOWN)
        .order_by("community_id", "row")
        .values("community_id", "title", "created_at", "open")
    )
    for row in rows:
        shown, _open = found.setdefault(row["community_id"], ([], row["open"]))
        shown.append(row)
    return found


def _previous_lights(ids: list[int], monday: date) -> dict[int, dict[str, str]]:
    """Each community's latest snapshot from before this week (one query with a window; also on
    SQLite, which has no DISTINCT ON)."""
    rows = (
        HealthSnapshot.objects.filter(community_id__in=ids, week__lt=monday)
        .annotate(row=Window(RowNumber(), partition_by=F("community_id"), order_by=F("week").desc()))
        .filter(row=1)
        .values_list("community_id", "lights")
    )
    return dict(rows)


def _changes(points: list[Point], before: dict[str, str] | None) -> list[tuple[Point, str | None]]:
    """Points whose light changed since the snapshot; without one, the points that are not green."""
    if before is None:
        return [(point, None) for point in points if point.light != Light.GREEN]
    return [
        (point, before.get(point.key))
        for point in points
        if before.get(point.key) != point.light and (point.key in before or point.light != Light.GREEN)
    ]


def week_read(*, now: datetime, languages: set[str]) -> Week:
    """Everything the digests of this week say, for all active communities, with the health check
    worded in each of `languages`; writes this week's health snapshots (the first run of a week
    keeps them)."""
    occasion, number, monday = week_of(timezone.localdate(now))
    communities = list(Community.objects.filter(active=True).order_by("name"))
    ids = [community.pk for community in communities]
    checks = {}
    for language in sorted(languages) or [settings.LANGUAGE_CODE]:
        with translation.override(language):
            checks[language] = health_checks(communities, now=now)
    # The lights are the same in every language; only the words differ.
    lights = {
        pk: {point.key: point.light.value for point in points} for pk, points in next(iter(checks.values())).items()
    }
    before = _previous_lights(ids, monday)
    HealthSnapshot.objects.bulk_create(
        [HealthSnapshot(community_id=pk, week=monday, lights=lights[pk], taken_at=now) for pk in ids],
        ignore_conflicts=True,
    )
    return Week(
        occasion=occasion,
        number=number,
        communities=communities,
        successes=_successes(ids, now),
        meetings=_meetings(ids, now),
        topics=_topics(ids),
        health={
            language: {pk: _changes(points, before.get(pk)) for pk, points in by_community.items()}
            for language, by_community in checks.items()
        },
    )


def _sentence(text: str) -> str:
    # Some evidence is a phrase ("2 meetings planned; attendance 40%…"); a suggestion follows it.
    return text if not text or text[-1] in ".!?" else f"{text}."


def _url(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def digest_context(*, reader: Reader, week: Week, now: datetime) -> dict[str, Any] | None:
    """The digest for one person as JSON for the outbox, worded in their language and with times
    in their time zone; None when there is nothing to tell them."""
    language = reader.user.language if reader.user.language in week.health else settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(ZoneInfo(reader.user.time_zone)):
        successes, meetings, health, topics = [], [], [], []
        for community in reader.scope(week.communities):
            member = community.pk in reader.member_of
            page = _url("community_detail", community.slug)
            for success in week.successes.get(community.pk, []):
                successes.append(
                    {
                        "id": success["pk"],
                        "title": success["title"],
                        "community": community.name,
                        "value": str(ValueCycle(success["value"]).label),
                        "url": f"{_url('success_wall', community.slug)}#success-{success['pk']}",
                    }
                )
            for meeting in week.meetings.get(community.pk, []):
                meetings.append(
                    (
                        meeting["starts_at"],
                        meeting["pk"],
                        {
                            "title": meeting["title"],
                            "community": community.name,
                            "when": date_format(timezone.localtime(meeting["starts_at"]), "D j F, H:i"),
                            "url": _url("meeting_detail", meeting["pk"]) if member else page,
                        },
                    )
                )
            if changes := week.health.get(language, {}).get(community.pk):
                health.append(
                    {
                        "community": community.name,
                        "url": page,
                        "points": [
                            {
                                "label": str(point.label),
                                "before": str(LIGHTS[Light(light)]) if light in Light else "",
                                "after": str(LIGHTS[point.light]),
                                "light_before": light if light in Light else "",
                                "light": point.light.value,
                                "evidence": _sentence(point.evidence),
                                "suggestion": point.suggestion,
                            }
                            for point, light in changes
                        ],
                    }
                )
            shown, waiting = week.topics.get(community.pk, NO_TOPICS)
            if shown:
                topics.append(
                    {
                        "community": community.name,
                        "url": _url("topic_backlog", community.slug) if member else page,
                        "waiting": [
                            {"title": topic["title"], "days": (now - topic["created_at"]).days} for topic in shown
                        ],
                        "more": waiting - len(shown),
                    }
                )
    if not (successes or meetings or health or topics):
        return None
    return {
        "week": week.number,
        "successes": successes,
        # The same ids as keys, for `digests_forget`'s lookup (has_any_keys, on PostgreSQL and SQLite).
        "success_ids": {str(success["id"]): True for success in successes},
        # Soonest first across communities.
        "meetings": [meeting for _start, _pk, meeting in sorted(meetings, key=lambda item: item[:2])],
        "health": health,
        "topics": topics,
        "url": _url("home"),
    }


def _says_something(context: dict[str, Any]) -> bool:
    return any(context.get(part) for part in ("successes", "meetings", "health", "topics"))


def digests_forget(success_ids: Iterable[int], *, reason: str) -> int:
    """Takes these successes out of every weekly digest that lists them, whatever its status: a
    pending digest goes out without them, a sent or failed one no longer holds their titles. A
    pending digest left with nothing to say is skipped. Returns how many digests changed. Two
    queries, whatever the number of successes and digests; the caller holds the transaction.

    The rows are locked while they are rewritten: a worker cannot claim one in between (its
    conditional claim then finds it skipped), and two callers cannot undo each other's scrub. A
    digest a worker already claimed (sending) goes out as it was read, like any message."""
    forget = {str(pk) for pk in success_ids}
    if not forget:
        return 0
    rows = list(
        Notification.objects.select_for_update()
        .filter(kind=KIND, context__success_ids__has_any_keys=sorted(forget))
        .order_by("pk")
    )
    now = timezone.now()
    for row in rows:
        context = dict(row.context)
        context["successes"] = [item for item in context.get("successes", []) if str(item.get("id")) not in forget]
        context["success_ids"] = {key: True for key in context.get("success_ids", {}) if key not in forget}
        row.context = context
        if row.status == Status.PENDING and not _says_something(context):
            row.status, row.finished_at, row.last_error = Status.SKIPPED, now, reason
    Notification.objects.bulk_update(rows, ["context", "status", "finished_at", "last_error"])
    return len(rows)


@transaction.atomic
def digests_queue(*, now: datetime | None = None) -> int:
    """Writes this week's health snapshots and queues the weekly digest to every manager and
    facilitator who has something to read (a `skipped` row for those who switched digests off);
    returns how many people have a digest this week (queued now or by an earlier run). A fixed
    number of queries for any number of people and communities."""
    now = now or timezone.now()
    readers = readers_all()
    week = week_read(now=now, languages={reader.user.language for reader in readers})
    messages = []
    for reader in readers:
        context = digest_context(reader=reader, week=week, now=now)
        if context is not None:
            messages.append((reader.user, context))
    if messages:
        notifications_queue_each(messages=messages, kind=KIND, occasion=week.occasion)
    return len(messages)
