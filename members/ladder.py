"""The participation ladder: each member's rung per community and month, from the periphery to
the core, derived from what they did. The rules live here and nowhere else.

Evidence counts the three months up to and including the month (a monthly community meets once
a month, so one missed meeting does not drop anyone a rung):

- core: hosted a meeting, or mentors an intern and came to a meeting;
- contributor: suggested a topic, shared a success or wrote a card on a sprint board;
- participant: came regularly (two meetings or more), or came and answered a survey;
- observer: came to a meeting now and then (once);
- newcomer: just joined, or not taking part yet.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Sign

from members.models import LEVEL_RANK, Level, Membership, ParticipationLevel, Role

WINDOW_MONTHS = 3


@dataclass(frozen=True)
class Evidence:
    attended: int = 0
    answered: int = 0
    contributed: int = 0
    hosted: int = 0
    mentoring: bool = False


def level_for(evidence: Evidence) -> Level:
    """The rung for this evidence: the one rule of the ladder."""
    if evidence.hosted or (evidence.mentoring and evidence.attended):
        return Level.CORE
    if evidence.contributed:
        return Level.CONTRIBUTOR
    if evidence.attended >= 2 or (evidence.attended and evidence.answered):
        return Level.PARTICIPANT
    if evidence.attended:
        return Level.OBSERVER
    return Level.NEWCOMER


def month_start(day: date) -> date:
    return day.replace(day=1)


def _bounds(month: date) -> tuple[datetime, datetime]:
    """The window's start (WINDOW_MONTHS back) and the month's end, in the organisation's zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(month - relativedelta(months=WINDOW_MONTHS - 1), time(), tzinfo=zone)
    end = datetime.combine(month + relativedelta(months=1), time(), tzinfo=zone)
    return start, end


def _grouped(queryset, user: str, community: str) -> dict[tuple[int, int], int]:
    rows = queryset.values(user, community).annotate(n=Count("pk")).values_list(user, community, "n")
    return {(user_id, community_id): n for user_id, community_id, n in rows}


def _evidence(month: date, community_ids: list[int] | None) -> dict[tuple[int, int], Evidence]:
    """Evidence per (user, community) for the window ending with `month`: a grouped query per
    kind of activity, whatever the number of members."""
    from cop.models import Success  # noqa: PLC0415 (members is imported by those apps)
    from feedback.models import SurveyInvite  # noqa: PLC0415
    from meetings.models import Attendance, Meeting, MeetingStatus, SprintCard, Topic  # noqa: PLC0415

    start, end = _bounds(month)
    scope = Q() if community_ids is None else Q(community_id__in=community_ids)
    meeting_scope = Q() if community_ids is None else Q(meeting__community_id__in=community_ids)
    meeting_scope_cards = Q() if community_ids is None else Q(board__meeting__community_id__in=community_ids)
    attended = _grouped(
        Attendance.objects.filter(meeting_scope, meeting__starts_at__gte=start, meeting__starts_at__lt=end),
        "user_id",
        "meeting__community_id",
    )
    survey_scope = Q() if community_ids is None else Q(survey__community_id__in=community_ids)
    answered = _grouped(
        SurveyInvite.objects.filter(survey_scope, responded_at__gte=start, responded_at__lt=end),
        "user_id",
        "survey__community_id",
    )
    topics = _grouped(
        Topic.objects.filter(scope, created_at__gte=start, created_at__lt=end, suggested_by__isnull=False),
        "suggested_by_id",
        "community_id",
    )
    successes = _grouped(
        Success.objects.filter(scope, created_at__gte=start, created_at__lt=end, author__isnull=False),
        "author_id",
        "community_id",
    )
    cards = _grouped(
        SprintCard.objects.filter(meeting_scope_cards, created_at__gte=start, created_at__lt=end, author__isnull=False),
        "author_id",
        "board__meeting__community_id",
    )
    hosted = _grouped(
        Meeting.objects.filter(
            scope, status=MeetingStatus.PUBLISHED, starts_at__gte=start, starts_at__lt=end, host__isnull=False
        ),
        "host_id",
        "community_id",
    )
    mentors = set(
        Membership.objects.filter(scope, role=Role.INTERN, mentor__isnull=False, joined_at__lt=end)
        .filter(Q(left_at__isnull=True) | Q(left_at__gte=start))
        .values_list("mentor_id", "community_id")
    )
    keys = set(attended) | set(answered) | set(topics) | set(successes) | set(cards) | set(hosted) | mentors
    return {
        key: Evidence(
            attended=attended.get(key, 0),
            answered=answered.get(key, 0),
            contributed=topics.get(key, 0) + successes.get(key, 0) + cards.get(key, 0),
            hosted=hosted.get(key, 0),
            mentoring=key in mentors,
        )
        for key in keys
    }


@transaction.atomic
def levels_compute(month: date, *, community_ids: list[int] | None = None) -> int:
    """Stores every member's rung for `month` (its first day), replacing earlier figures for
    that month. Members are those whose membership overlapped the month. Returns the count."""
    month = month_start(month)
    _start, end = _bounds(month)
    month_begins = end - relativedelta(months=1)
    scope = Q() if community_ids is None else Q(community_id__in=community_ids)
    members = set(
        Membership.objects.filter(scope, joined_at__lt=end)
        .filter(Q(left_at__isnull=True) | Q(left_at__gte=month_begins))
        .filter(Q(alumni_at__isnull=True) | Q(alumni_at__gte=month_begins))
        .values_list("user_id", "community_id")
    )
    evidence = _evidence(month, community_ids)
    rows = []
    for user_id, community_id in members:
        found = evidence.get((user_id, community_id), Evidence())
        level = level_for(found)
        rows.append(
            ParticipationLevel(
                user_id=user_id,
                community_id=community_id,
                month=month,
                level=level,
                rank=LEVEL_RANK[level],
                attended=found.attended,
                answered=found.answered,
                contributed=found.contributed,
                hosted=found.hosted,
                mentoring=found.mentoring,
            )
        )
    ParticipationLevel.objects.filter(scope, month=month).delete()
    ParticipationLevel.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def path_of(*, user_id: int, community_id: int, months: int = 12) -> list[ParticipationLevel]:
    """A member's rungs over the last `months` months, oldest first."""
    recent = ParticipationLevel.objects.filter(user_id=user_id, community_id=community_id).order_by("-month")
    return list(reversed(recent[:months]))


def distribution(*, community_ids: list[int], since: date, until: date) -> dict[tuple[int, date, str], int]:
    """Members per (community, month, rung), for the months from `since` to `until`; one grouped
    query."""
    rows = (
        ParticipationLevel.objects.filter(
            community_id__in=community_ids, month__gte=month_start(since), month__lte=month_start(until)
        )
        .values("community_id", "month", "level")
        .annotate(n=Count("pk"))
    )
    return {(row["community_id"], row["month"], row["level"]): row["n"] for row in rows}


def moved_towards_core(*, community_ids: list[int], since: date, until: date) -> dict[int, tuple[int, int, int]]:
    """(up, same, down) per community, of the members with a rung in both the month of `since`
    and that of `until`; one grouped query, counted by the database."""
    before = ParticipationLevel.objects.filter(
        user_id=OuterRef("user_id"), community_id=OuterRef("community_id"), month=month_start(since)
    ).values("rank")[:1]
    # One comparison per member (up 1, same 0, down -1), grouped: a count per direction would run
    # the "before" look-up once for each.
    rows = (
        ParticipationLevel.objects.filter(community_id__in=community_ids, month=month_start(until))
        .annotate(step=Sign(F("rank") - Subquery(before)))
        .filter(step__isnull=False)
        .values("community_id", "step")
        .annotate(n=Count("pk"))
    )
    moves: dict[int, list[int]] = {}
    for row in rows:
        moves.setdefault(row["community_id"], [0, 0, 0])[1 - row["step"]] = row["n"]
    return {community_id: tuple(counts) for community_id, counts in moves.items()}
