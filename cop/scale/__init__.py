"""A large organisation's year of data, written with bulk inserts, for benchmarks and scale tests
(`manage.py seed_scale`). What it holds and how the counts scale: `cop.scale.plan`; who the
people are: `people`; meetings, RSVPs, attendance and topics: `activity`; surveys: `surveys`;
successes: `stories`; the outbox: `outbox`. The participation ladder is then computed by the
real `members.ladder.levels_compute`, month by month, as the daily job would have.

Deterministic: the same factor, seed and day give the same rows (times are relative to now).
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cop.scale import activity, outbox, people, stories, surveys
from cop.scale.plan import Plan, World, plan_for
from members.ladder import levels_compute, month_start

LADDER_MONTHS = 12


@dataclass
class Report:
    plan: Plan
    timings: list[tuple[str, float]] = field(default_factory=list)
    ladder_months: list[float] = field(default_factory=list)  # seconds per levels_compute call
    shortfall: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(seconds for _step, seconds in self.timings)


def seed_scale(*, factor: float = 1.0, seed: int = 2026, manager_password: str) -> Report:
    """Writes the organisation (into a database without communities: the command checks), then
    computes the ladder for this month and the twelve before it and vacuums and analyses the
    tables. Returns what took how long."""
    zone = ZoneInfo(settings.TIME_ZONE)
    rng = random.Random(seed)  # noqa: S311 (made-up data, reproducible on purpose; not for secrets)
    world = World(plan=plan_for(factor), rng=rng, now=timezone.now(), zone=zone)
    report = Report(plan=world.plan)

    def step(name: str, build: Callable[[], None]) -> None:
        started = time.perf_counter()
        build()
        report.timings.append((name, time.perf_counter() - started))

    with transaction.atomic():
        step("communities and people", lambda: _people(world, manager_password))
        step("meetings", lambda: activity.meetings_build(world))
        step("RSVPs and attendance", lambda: activity.rsvps_build(world))
        step("topics and votes", lambda: activity.topics_build(world))
        step("surveys, invites and answers", lambda: surveys.surveys_build(world))
        step("successes and kudos", lambda: stories.successes_build(world))
        step("outbox", lambda: outbox.outbox_build(world))
        step("participation ladder", lambda: _ladder(world, report))
    step("VACUUM ANALYZE", _analyze)
    report.shortfall = world.shortfall
    return report


def _people(world: World, manager_password: str) -> None:
    people.communities_build(world)
    people.people_build(world, manager_password=manager_password)
    people.domain_history(world)


def _ladder(world: World, report: Report) -> None:
    this_month = month_start(world.today)
    for back in range(LADDER_MONTHS, -1, -1):
        started = time.perf_counter()
        levels_compute(this_month - relativedelta(months=back))
        report.ladder_months.append(time.perf_counter() - started)


def _analyze() -> None:
    # Fresh tables have no planner statistics and no visibility map (index-only scans still read
    # the table) until autovacuum comes by: measure what production would run. VACUUM cannot run
    # inside a transaction (a test's): there, statistics only.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def dataset_counts() -> dict[str, int]:
    """Rows per table that the plan speaks of, and those that follow from it."""
    from allauth.account.models import EmailAddress  # noqa: PLC0415

    from cop.models import Community, DomainStatementRevision, Kudos, Notification, Success  # noqa: PLC0415
    from feedback.models import Answer, Survey, SurveyInvite, SurveyQuestion, SurveyResponse  # noqa: PLC0415
    from meetings.models import Attendance, Meeting, Rsvp, Topic, TopicVote  # noqa: PLC0415
    from members.models import Membership, ParticipationLevel, User  # noqa: PLC0415

    now = timezone.now()
    return {
        "communities": Community.objects.count(),
        "users": User.objects.count(),
        "managers": User.objects.filter(is_manager=True).count(),
        "e-mail addresses": EmailAddress.objects.count(),
        "memberships": Membership.objects.count(),
        "current memberships": Membership.objects.current().count(),
        "domain statement revisions": DomainStatementRevision.objects.count(),
        "past meetings": Meeting.objects.filter(starts_at__lte=now).count(),
        "planned meetings": Meeting.objects.filter(starts_at__gt=now).count(),
        "RSVPs": Rsvp.objects.count(),
        "attendance": Attendance.objects.count(),
        "surveys": Survey.objects.count(),
        "survey questions": SurveyQuestion.objects.count(),
        "survey invites": SurveyInvite.objects.count(),
        "survey responses": SurveyResponse.objects.count(),
        "answers": Answer.objects.count(),
        "successes": Success.objects.count(),
        "kudos": Kudos.objects.count(),
        "topics": Topic.objects.count(),
        "topic votes": TopicVote.objects.count(),
        "outbox rows": Notification.objects.count(),
        "participation levels": ParticipationLevel.objects.count(),
    }
