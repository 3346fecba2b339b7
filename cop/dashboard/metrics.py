"""The dashboard's figures, each one grouped query for all communities in scope at once, so the
organisation dashboard costs the same for 3 communities or 30, and for a month or a year.

Every function returns raw counts keyed by community (and month, role, level…); percentages and
means are worked out from the counts, so a total over communities is exact rather than a mean
of means. What a figure means is said once, here:

- active member: a current member who came to at least one of the community's meetings in the
  period;
- meetings held: published meetings that started in the period; planned: published, still to
  come;
- attendance rate: of those who said they would come, how many were checked in (meetings where
  attendance was taken, see meetings.selectors.attendance_counts);
- response rate: invitations to post-meeting surveys of meetings in the period that were
  answered;
- satisfaction: the mean of the 1-to-5 ratings of those surveys, only ratings that may be shown
  (feedback.results.shown_rating_answers: each question answered by at least the anonymity
  threshold, and no anonymous survey still open);
- topics requested: suggested in the period; planned: put on a meeting in the period;
- successes: shared in the period, not hidden;
- ladder: members per rung per month; moved towards the core compares each member's rung in the
  month before the period with the last month of it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from cop.models import Success
from feedback.models import Survey, SurveyInvite
from feedback.results import shown_rating_sums
from meetings.models import Attendance, Meeting, MeetingStatus, Topic, TopicStatus
from meetings.selectors import attendance_counts
from members.ladder import distribution, moved_towards_core
from members.models import Membership


@dataclass(frozen=True)
class Scope:
    community_ids: tuple[int, ...]
    months: tuple[date, ...]  # first days, oldest first; the last is the current month
    now: datetime

    @property
    def since(self) -> datetime:
        return datetime.combine(self.months[0], time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


def scope_for(community_ids: list[int], *, months: int, now: datetime) -> Scope:
    """The last `months` calendar months up to now: whole months, so that monthly figures and
    the ladder's months line up."""
    local = now.astimezone(ZoneInfo(settings.TIME_ZONE)).date().replace(day=1)
    firsts = tuple(local - relativedelta(months=back) for back in range(months - 1, -1, -1))
    return Scope(community_ids=tuple(community_ids), months=firsts, now=now)


def _month(field: str) -> TruncMonth:
    return TruncMonth(field, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def members_by_role(scope: Scope) -> dict[tuple[int, str], tuple[int, int]]:
    """(members, active in the period) per (community, role), for current members."""
    came = Attendance.objects.filter(
        user_id=OuterRef("user_id"),
        meeting__community_id=OuterRef("community_id"),
        meeting__starts_at__gte=scope.since,
        meeting__starts_at__lte=scope.now,
    )
    rows = (
        Membership.objects.current()
        .filter(community_id__in=scope.community_ids)
        .values("community_id", "role")
        .annotate(members=Count("pk"), active=Count("pk", filter=Q(Exists(came))))
    )
    return {(row["community_id"], row["role"]): (row["members"], row["active"]) for row in rows}


def meetings_held(scope: Scope) -> dict[int, tuple[int, int]]:
    """(held in the period, planned from now on) per community."""
    rows = (
        Meeting.objects.filter(community_id__in=scope.community_ids, status=MeetingStatus.PUBLISHED)
        .filter(starts_at__gte=scope.since)
        .values("community_id")
        .annotate(
            held=Count("pk", filter=Q(starts_at__lte=scope.now)),
            planned=Count("pk", filter=Q(starts_at__gt=scope.now)),
        )
    )
    return {row["community_id"]: (row["held"], row["planned"]) for row in rows}


def held(scope: Scope) -> QuerySet[Meeting]:
    """Published meetings that started in the period."""
    return Meeting.objects.filter(
        community_id__in=scope.community_ids,
        status=MeetingStatus.PUBLISHED,
        starts_at__gte=scope.since,
        starts_at__lte=scope.now,
    )


def attendance(scope: Scope) -> dict[int, tuple[int, int]]:
    """(came, said they would come) per community, over the meetings held in the period."""
    return attendance_counts(held(scope))


def responses_by_month(scope: Scope) -> dict[tuple[int, date], tuple[int, int]]:
    """(invited, answered) per (community, month of the meeting), for post-meeting surveys."""
    rows = (
        SurveyInvite.objects.filter(survey__meeting__in=held(scope))
        .annotate(month=_month("survey__meeting__starts_at"))
        .values("survey__community_id", "month")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(responded_at__isnull=False)))
    )
    return {(row["survey__community_id"], _day(row["month"])): (row["invited"], row["answered"]) for row in rows}


@dataclass(frozen=True)
class ThemeFigure:
    theme: str
    meetings: int
    ratings: int
    mean: float


def ratings(scope: Scope) -> dict[tuple[int, date, str], tuple[int, int, int]]:
    """(sum of ratings, number of ratings, meetings) per (community, month of the meeting,
    theme), of the ratings that may be shown (feedback.results.shown_rating_sums): one query,
    a row per rating question, added up here; it serves both the months and the themes."""
    rows = shown_rating_sums(
        Survey.objects.filter(meeting__in=held(scope)),
        "question__survey__community_id",
        "question__survey__meeting_id",
        "question__survey__meeting__theme",
    ).annotate(month=_month("question__survey__meeting__starts_at"))
    sums: dict[tuple[int, date, str], list] = defaultdict(lambda: [0, 0, set()])
    for row in rows:
        key = (row["question__survey__community_id"], _day(row["month"]), row["question__survey__meeting__theme"])
        sums[key][0] += row["total"]
        sums[key][1] += row["count"]
        sums[key][2].add(row["question__survey__meeting_id"])
    return {key: (total, count, len(meetings)) for key, (total, count, meetings) in sums.items()}


def ratings_by_month(figures: dict[tuple[int, date, str], tuple[int, int, int]]) -> dict[tuple[int, date], tuple]:
    """(sum, number) of ratings per (community, month), from `ratings`."""
    totals: dict[tuple[int, date], tuple[int, int]] = {}
    for (community_id, month, _theme), (total, count, _meetings) in figures.items():
        before = totals.get((community_id, month), (0, 0))
        totals[community_id, month] = (before[0] + total, before[1] + count)
    return totals


def themes(figures: dict[tuple[int, date, str], tuple[int, int, int]], *, limit: int = 5) -> list[ThemeFigure]:
    """The best-rated meeting themes, from `ratings` (themes named alike in two communities count
    as one); ties go to the theme met most, then the name."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (_community, _month, theme), counts in figures.items():
        if theme:
            sums[theme] = [a + b for a, b in zip(sums[theme], counts, strict=True)]
    ranked = sorted(sums.items(), key=lambda item: (-item[1][0] / item[1][1], -item[1][2], item[0]))
    return [ThemeFigure(theme, meetings, count, total / count) for theme, (total, count, meetings) in ranked[:limit]]


def topics(scope: Scope) -> dict[tuple[int, str], tuple[int, int, int]]:
    """(requested in the period, planned in the period, waiting now) per (community, source)."""
    rows = (
        Topic.objects.filter(community_id__in=scope.community_ids)
        .values("community_id", "source")
        .annotate(
            requested=Count("pk", filter=Q(created_at__gte=scope.since, created_at__lte=scope.now)),
            planned=Count("pk", filter=Q(planned_at__gte=scope.since, planned_at__lte=scope.now)),
            waiting=Count("pk", filter=Q(status=TopicStatus.OPEN)),
        )
    )
    return {
        (row["community_id"], row["source"]): (row["requested"], row["planned"], row["waiting"])
        for row in rows
        if row["requested"] or row["planned"] or row["waiting"]
    }


def _successes(scope: Scope):
    return Success.objects.filter(
        community_id__in=scope.community_ids,
        hidden_at__isnull=True,
        created_at__gte=scope.since,
        created_at__lte=scope.now,
    )


def successes_by_value(scope: Scope) -> dict[tuple[int, str], int]:
    rows = _successes(scope).values("community_id", "value").annotate(n=Count("pk"))
    return {(row["community_id"], row["value"]): row["n"] for row in rows}


def stories(scope: Scope, *, limit: int = 6) -> list[Success]:
    """The period's successes to tell: featured first, then the most appreciated, then the newest."""
    return list(
        _successes(scope)
        .select_related("community")
        .annotate(kudos_count=Count("kudos"))
        .order_by("-featured", "-kudos_count", "-created_at")[:limit]
    )


def ladder(scope: Scope) -> dict[tuple[int, date, str], int]:
    """Members per (community, month, rung) over the period's months."""
    return distribution(community_ids=list(scope.community_ids), since=scope.months[0], until=scope.months[-1])


def ladder_moves(scope: Scope) -> dict[int, tuple[int, int, int]]:
    """(up, same, down) per community: the month before the period against its last month."""
    return moved_towards_core(
        community_ids=list(scope.community_ids),
        since=scope.months[0] - relativedelta(months=1),
        until=scope.months[-1],
    )


def by_key(figures: dict, *, position: int, width: int) -> dict[object, list[int]]:
    """Sums a {(community, …): counts} mapping per the key's part at `position` (0 for the
    community, 1 for the month or role…): {part: [sums]}. Counts are a tuple, or one number."""
    totals: dict[object, list[int]] = defaultdict(lambda: [0] * width)
    for key, counts in figures.items():
        counts = counts if isinstance(counts, tuple) else (counts,)  # noqa: PLW2901
        totals[key[position]] = [a + b for a, b in zip(totals[key[position]], counts, strict=True)]
    return totals
