"""The five-point health check of a community, after the article's short checklist: domain,
community, activities, support, flexibility. Each point is green, amber or red, with the
evidence behind it and one concrete suggestion when it is not green. Thresholds are settings
(HEALTH_*, documented in the README).

Computed for many communities at once with a fixed number of grouped queries, so the
organisation dashboard costs the same for 3 communities or 30.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cop.models import Community, DomainStatementRevision, Success
from members.models import Membership, ParticipationLevel, Role


class Light(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


LIGHT_LABELS = {Light.GREEN: _("green"), Light.AMBER: _("amber"), Light.RED: _("red")}

POINTS = {
    "domain": _("Domain"),
    "community": _("Community"),
    "activities": _("Activities"),
    "support": _("Support"),
    "flexibility": _("Flexibility"),
}
QUESTIONS = {
    "domain": _("Is the subject clear and relevant?"),
    "community": _("Who takes part, and how do we stay connected?"),
    "activities": _("Are there enough moments to meet and learn?"),
    "support": _("Is there a facilitator, and does management back it?"),
    "flexibility": _("How do we respond to new needs and feedback?"),
}


@dataclass(frozen=True)
class Point:
    key: str
    light: Light
    evidence: str
    suggestion: str = ""

    @property
    def label(self) -> str | Promise:
        return POINTS[self.key]

    @property
    def light_label(self) -> str | Promise:
        return LIGHT_LABELS[self.light]

    @property
    def question(self) -> str | Promise:
        return QUESTIONS[self.key]


def _worst(*lights: Light) -> Light:
    return Light.RED if Light.RED in lights else Light.AMBER if Light.AMBER in lights else Light.GREEN


def _facts(community_ids: list[int], now: timezone.datetime) -> dict[int, dict]:
    """Everything the five points need, per community: nine grouped queries in all."""
    from feedback.models import SurveyInvite  # noqa: PLC0415 (cop is imported by feedback)
    from meetings.models import Meeting, MeetingStatus, Topic, TopicStatus  # noqa: PLC0415
    from meetings.selectors import attendance_counts  # noqa: PLC0415

    facts = {pk: {} for pk in community_ids}
    revised = (
        DomainStatementRevision.objects.filter(community_id__in=community_ids)
        .values("community_id")
        .annotate(last=Max("created_at"))
    )
    for row in revised:
        facts[row["community_id"]]["revised"] = row["last"]
    members = (
        Membership.objects.current()
        .filter(community_id__in=community_ids)
        .values("community_id")
        .annotate(members=Count("pk"), facilitators=Count("pk", filter=Q(role=Role.FACILITATOR)))
    )
    for row in members:
        facts[row["community_id"]] |= {"members": row["members"], "facilitators": row["facilitators"]}
    today = now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()  # the organisation's month, not UTC's
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    levels = (
        ParticipationLevel.objects.filter(community_id__in=community_ids, month=last_month)
        .values("community_id")
        .annotate(ranked=Count("pk"), taking_part=Count("pk", filter=Q(rank__gte=2)))
    )
    for row in levels:
        facts[row["community_id"]] |= {"ranked": row["ranked"], "taking_part": row["taking_part"]}
    horizon = now + timedelta(days=settings.HEALTH_PLANNED_DAYS)
    meetings = (
        Meeting.objects.filter(community_id__in=community_ids, status=MeetingStatus.PUBLISHED)
        .values("community_id")
        .annotate(
            planned=Count("pk", filter=Q(starts_at__gt=now, starts_at__lte=horizon)),
            last_held=Max("starts_at", filter=Q(starts_at__lte=now)),
        )
    )
    for row in meetings:
        facts[row["community_id"]] |= {"planned": row["planned"], "last_held": row["last_held"]}
    recent = _recent_meeting_ids(community_ids, now)
    recent_ids = [pk for ids in recent.values() for pk in ids]
    attendance = attendance_counts(Meeting.objects.filter(pk__in=recent_ids))
    invites = (
        SurveyInvite.objects.filter(survey__meeting_id__in=recent_ids)
        .values("survey__community_id")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(responded_at__isnull=False)))
    )
    for community_id, (came, going) in attendance.items():
        facts[community_id] |= {"came": came, "going": going}
    for row in invites:
        facts[row["survey__community_id"]] |= {"asked": row["asked"], "answered": row["answered"]}
    for pk, ids in recent.items():
        facts[pk]["recent"] = len(ids)
    waiting_since = now - timedelta(days=settings.HEALTH_TOPIC_WAIT_DAYS)
    waiting = (
        Topic.objects.filter(community_id__in=community_ids, status=TopicStatus.OPEN, created_at__lt=waiting_since)
        .values("community_id")
        .annotate(n=Count("pk"))
    )
    for row in waiting:
        facts[row["community_id"]]["waiting"] = row["n"]
    successes = (
        Success.objects.filter(
            community_id__in=community_ids,
            hidden_at__isnull=True,
            created_at__gte=now - timedelta(days=settings.HEALTH_SUCCESS_DAYS),
        )
        .values("community_id")
        .annotate(n=Count("pk"))
    )
    for row in successes:
        facts[row["community_id"]]["successes"] = row["n"]
    return facts


def _recent_meeting_ids(community_ids: list[int], now: timezone.datetime) -> dict[int, list[int]]:
    """The last HEALTH_RECENT_MEETINGS meetings held per community: one query with a window."""
    from django.db.models import F, Window  # noqa: PLC0415
    from django.db.models.functions import RowNumber  # noqa: PLC0415

    from meetings.models import Meeting, MeetingStatus  # noqa: PLC0415

    ranked = (
        Meeting.objects.filter(community_id__in=community_ids, status=MeetingStatus.PUBLISHED, starts_at__lte=now)
        .annotate(row=Window(RowNumber(), partition_by=F("community_id"), order_by=F("starts_at").desc()))
        .filter(row__lte=settings.HEALTH_RECENT_MEETINGS)
        .values_list("community_id", "pk")
    )
    result: dict[int, list[int]] = {pk: [] for pk in community_ids}
    for community_id, pk in ranked:
        result[community_id].append(pk)
    return result


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _domain(community: Community, fact: dict, now: timezone.datetime) -> Point:
    if not community.domain_statement.strip():
        return Point(
            "domain",
            Light.RED,
            str(_("No domain statement yet.")),
            str(_("Write down what the community is about and why it matters, together with its members.")),
        )
    revised = fact.get("revised")
    days = (now - revised).days if revised else None
    if days is None or days > settings.HEALTH_DOMAIN_DAYS:
        return Point(
            "domain",
            Light.AMBER,
            str(_("Domain statement not revisited in the last %(days)d days.") % {"days": settings.HEALTH_DOMAIN_DAYS}),
            str(_("Ask the members whether the domain still fits, in the next meeting.")),
        )
    return Point("domain", Light.GREEN, str(_("Domain statement revisited %(days)d days ago.") % {"days": days}))


def _community(fact: dict) -> Point:
    members, ranked, taking_part = fact.get("members", 0), fact.get("ranked", 0), fact.get("taking_part", 0)
    share = _percent(taking_part, ranked)
    evidence = ngettext("%(members)d member", "%(members)d members", members) % {"members": members}
    if share is not None:
        evidence += "; " + str(_("%(share)d%% took part regularly last month") % {"share": share})
    if members < settings.HEALTH_MIN_MEMBERS or share is None or share < settings.HEALTH_TAKING_PART_RED:
        light = Light.RED
    elif share < settings.HEALTH_TAKING_PART_AMBER:
        light = Light.AMBER
    else:
        return Point("community", Light.GREEN, evidence)
    return Point(
        "community",
        light,
        evidence,
        str(_("Invite members personally to the next meeting, or pair newcomers with someone who comes regularly.")),
    )


def _activities(fact: dict) -> Point:
    planned = fact.get("planned", 0)
    attendance = _percent(fact.get("came", 0), fact.get("going", 0))
    if not planned:
        return Point(
            "activities",
            Light.RED,
            str(_("No meeting planned in the next %(days)d days.") % {"days": settings.HEALTH_PLANNED_DAYS}),
            str(_("Plan the next meeting, for instance from the most wanted topic.")),
        )
    evidence = ngettext("%(count)d meeting planned", "%(count)d meetings planned", planned) % {"count": planned}
    if attendance is not None:
        evidence += "; " + str(_("attendance %(rate)d%% of those who said they would come") % {"rate": attendance})
    if attendance is not None and attendance < settings.HEALTH_ATTENDANCE_AMBER:
        return Point(
            "activities", Light.AMBER, evidence, str(_("Ask why people stay away: the time, the format or the themes?"))
        )
    return Point("activities", Light.GREEN, evidence)


def _support(fact: dict) -> Point:
    if not fact.get("facilitators"):
        return Point(
            "support",
            Light.RED,
            str(_("No facilitator.")),
            str(_("Ask someone to facilitate: it keeps the structure and the energy.")),
        )
    successes = fact.get("successes", 0)
    if not successes:
        return Point(
            "support",
            Light.AMBER,
            str(_("No success shared in the last %(days)d days.") % {"days": settings.HEALTH_SUCCESS_DAYS}),
            str(_("Share a success: it shows management what the community brings.")),
        )
    return Point(
        "support",
        Light.GREEN,
        ngettext("%(count)d success shared recently", "%(count)d successes shared recently", successes)
        % {"count": successes},
    )


def _flexibility(fact: dict) -> Point:
    rate = _percent(fact.get("answered", 0), fact.get("asked", 0))
    waiting = fact.get("waiting", 0)
    recent = fact.get("recent", 0)
    parts, lights, suggestion = [], [], ""
    if rate is not None:
        parts.append(
            ngettext(
                "response rate %(rate)d%% over the last meeting",
                "response rate %(rate)d%% over the last %(count)d meetings",
                recent,
            )
            % {"rate": rate, "count": recent}
        )
        if rate < settings.HEALTH_RESPONSE_RED:
            lights.append(Light.RED)
        elif rate < settings.HEALTH_RESPONSE_AMBER:
            lights.append(Light.AMBER)
        if rate < settings.HEALTH_RESPONSE_AMBER:
            suggestion = str(_("Give a few minutes at the end of each meeting to fill in the survey."))
    else:
        parts.append(str(_("no surveys after recent meetings")))
        lights.append(Light.AMBER)
        suggestion = str(_("Hold a meeting and ask for feedback afterwards."))
    if waiting >= settings.HEALTH_TOPICS_WAITING:
        parts.append(
            ngettext(
                "%(count)d requested topic waiting longer than %(days)d days",
                "%(count)d requested topics waiting longer than %(days)d days",
                waiting,
            )
            % {"count": waiting, "days": settings.HEALTH_TOPIC_WAIT_DAYS}
        )
        lights.append(Light.AMBER)
        suggestion = suggestion or str(_("Plan the oldest requested topics, or tell the members why not."))
    light = _worst(*lights)
    return Point("flexibility", light, "; ".join(parts).capitalize(), suggestion if light != Light.GREEN else "")


def health_checks(communities: list[Community], *, now: timezone.datetime | None = None) -> dict[int, list[Point]]:
    """The five points for each community, by community id."""
    now = now or timezone.now()
    facts = _facts([community.pk for community in communities], now)
    return {
        community.pk: [
            _domain(community, facts[community.pk], now),
            _community(facts[community.pk]),
            _activities(facts[community.pk]),
            _support(facts[community.pk]),
            _flexibility(facts[community.pk]),
        ]
        for community in communities
    }
