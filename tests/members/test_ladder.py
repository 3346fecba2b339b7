"""Every rung of the participation ladder on hand-built data, the window's edges, and the
dashboard aggregates over the stored levels."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cop.models import Success
from feedback.models import Survey, SurveyInvite
from meetings.models import Attendance, SprintBoard, SprintCard, SprintGroup, Topic
from members.ladder import Evidence, distribution, level_for, levels_compute, moved_towards_core
from members.models import Level, ParticipationLevel, Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Amsterdam")
MONTH = date(2026, 9, 1)


def at(day: date, hour: int = 16) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("evidence", "level"),
    [
        (Evidence(), Level.NEWCOMER),
        (Evidence(mentoring=True), Level.NEWCOMER),  # mentoring, but never there
        (Evidence(answered=1), Level.NEWCOMER),  # answered an old survey, but did not come
        (Evidence(attended=1), Level.OBSERVER),
        (Evidence(attended=2), Level.PARTICIPANT),
        (Evidence(attended=1, answered=1), Level.PARTICIPANT),
        (Evidence(contributed=1), Level.CONTRIBUTOR),
        (Evidence(attended=3, answered=3, contributed=1), Level.CONTRIBUTOR),
        (Evidence(hosted=1), Level.CORE),
        (Evidence(mentoring=True, attended=1), Level.CORE),
    ],
)
def test_each_rung(evidence, level):
    assert level_for(evidence) == level


@pytest.fixture
def community():
    return CommunityFactory(slug="auto")


def person(community, role=Role.INTERN, **fields):
    return MembershipFactory(community=community, role=role, joined_at=at(date(2026, 1, 5)), **fields).user


def meeting(community, day: date, **fields):
    return MeetingFactory(community=community, starts_at=at(day), ends_at=at(day, 17), **fields)


def test_levels_from_what_people_did_in_the_three_months(community):
    july, august, september = (meeting(community, date(2026, m, 7)) for m in (7, 8, 9))
    too_early = meeting(community, date(2026, 6, 2))  # outside the window, July to September
    nothing = person(community)
    once = person(community)
    Attendance.objects.create(meeting=august, user=once)
    early_only = person(community)
    Attendance.objects.create(meeting=too_early, user=early_only)
    regular = person(community)
    for held in (july, september):
        Attendance.objects.create(meeting=held, user=regular)
    answered = person(community)
    Attendance.objects.create(meeting=september, user=answered)
    survey = Survey.objects.create(community=community, meeting=september, title="x", closes_at=at(date(2026, 9, 14)))
    SurveyInvite.objects.create(survey=survey, user=answered, responded_at=at(date(2026, 9, 8)))
    suggester = person(community)
    Topic.objects.create(community=community, title="Accu's", suggested_by=suggester, created_at=at(date(2026, 8, 3)))
    writer = person(community, role=Role.COLLEAGUE)
    Success.objects.create(
        community=community,
        author=writer,
        kind="example",
        value="potential",
        title="t",
        story="s",
        created_at=at(date(2026, 9, 20)),
    )
    sketcher = person(community)
    board = SprintBoard.objects.create(meeting=july, code="KICK23")
    group = SprintGroup.objects.create(board=board, number=1)
    SprintCard.objects.create(
        board=board, group=group, column="works", text="Koffie", author=sketcher, created_at=at(date(2026, 7, 7))
    )
    host = person(community, role=Role.COLLEAGUE)
    meeting(community, date(2026, 9, 21), host=host)
    mentor = person(community, role=Role.MENTOR)
    person(community, mentor=mentor)  # an intern of the mentor, who did nothing
    Attendance.objects.create(meeting=july, user=mentor)
    gone = person(community, left_at=at(date(2026, 7, 31)))
    Attendance.objects.create(meeting=july, user=gone)

    assert levels_compute(MONTH) == 11
    levels = dict(ParticipationLevel.objects.filter(month=MONTH).values_list("user", "level"))
    assert gone.pk not in levels
    assert {
        name: levels[user.pk]
        for name, user in [
            ("nothing", nothing),
            ("once", once),
            ("early_only", early_only),
            ("regular", regular),
            ("answered", answered),
            ("suggester", suggester),
            ("writer", writer),
            ("sketcher", sketcher),
            ("host", host),
            ("mentor", mentor),
        ]
    } == {
        "nothing": "newcomer",
        "once": "observer",
        "early_only": "newcomer",
        "regular": "participant",
        "answered": "participant",
        "suggester": "contributor",
        "writer": "contributor",
        "sketcher": "contributor",
        "host": "core",
        "mentor": "core",
    }
    row = ParticipationLevel.objects.get(user=regular, month=MONTH)
    assert (row.attended, row.answered, row.contributed, row.hosted, row.mentoring, row.rank) == (2, 0, 0, 0, False, 2)
    # Computing again replaces the month's figures.
    assert levels_compute(MONTH) == 11
    assert ParticipationLevel.objects.filter(month=MONTH).count() == 11


def test_distribution_and_movement_towards_the_core(community):
    people = [person(community) for _ in range(4)]
    ranks = {date(2026, 6, 1): [0, 1, 2, 4], date(2026, 9, 1): [2, 1, 0]}  # the fourth left
    for month, values in ranks.items():
        for user, rank in zip(people, values, strict=False):
            ParticipationLevel.objects.create(
                user=user, community=community, month=month, rank=rank, level=Level.values[rank]
            )
    assert distribution(community_ids=[community.pk], since=date(2026, 6, 1), until=date(2026, 9, 1)) == {
        (community.pk, date(2026, 6, 1), "newcomer"): 1,
        (community.pk, date(2026, 6, 1), "observer"): 1,
        (community.pk, date(2026, 6, 1), "participant"): 1,
        (community.pk, date(2026, 6, 1), "core"): 1,
        (community.pk, date(2026, 9, 1), "newcomer"): 1,
        (community.pk, date(2026, 9, 1), "observer"): 1,
        (community.pk, date(2026, 9, 1), "participant"): 1,
    }
    moved = moved_towards_core(community_ids=[community.pk], since=date(2026, 6, 15), until=date(2026, 9, 30))
    assert moved == {community.pk: (1, 1, 1)}
    assert moved_towards_core(community_ids=[CommunityFactory().pk], since=MONTH, until=MONTH) == {}


def test_the_daily_job_keeps_this_and_last_months_levels(community):
    from members.tasks import daily  # noqa: PLC0415

    person(community)
    result = daily()
    assert result["levels"] == 2
    assert ParticipationLevel.objects.count() == 2
    assert {row.month.day for row in ParticipationLevel.objects.all()} == {1}
    this_month = timezone.localdate().replace(day=1)
    assert max(ParticipationLevel.objects.values_list("month", flat=True)) == this_month
