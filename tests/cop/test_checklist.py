"""The five-point health check on hand-built communities: each light, its evidence and
suggestion, and a fixed number of queries however many communities are checked."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cop.checklist import health_checks
from cop.models import DomainStatementRevision, Success
from feedback.models import Survey, SurveyInvite
from meetings.models import Attendance, Rsvp, Topic
from members.ladder import levels_compute
from members.models import ParticipationLevel, Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def lights(community):
    return {point.key: (point.light.value, point.evidence) for point in health_checks([community])[community.pk]}


def test_a_neglected_community_is_red_where_it_should_be():
    community = CommunityFactory(domain_statement="")
    MembershipFactory(community=community, role=Role.INTERN)
    points = health_checks([community])[community.pk]
    assert [(p.key, p.light.value) for p in points] == [
        ("domain", "red"),
        ("community", "red"),
        ("activities", "red"),
        ("support", "red"),
        ("flexibility", "amber"),
    ]
    found = {p.key: p for p in points}
    assert found["activities"].evidence == "No meeting planned in the next 45 days."
    assert found["support"].evidence == "No facilitator."
    assert all(p.suggestion for p in points)


def test_a_lively_community_is_green_with_its_evidence():
    now = timezone.now()
    community = CommunityFactory(domain_statement="Autotechniek: diagnose en onderhoud.")
    DomainStatementRevision.objects.create(community=community, text=community.domain_statement)
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    people = [MembershipFactory(community=community, role=Role.INTERN).user for _ in range(4)]
    MeetingFactory(community=community, starts_at=now + timedelta(days=10))
    held = MeetingFactory(community=community, starts_at=now - timedelta(days=20), ends_at=now - timedelta(days=19))
    survey = Survey.objects.create(community=community, meeting=held, title="x", closes_at=now)
    for person in [facilitator, *people]:
        Rsvp.objects.create(meeting=held, user=person, response="going")
        Attendance.objects.create(meeting=held, user=person)
        SurveyInvite.objects.create(survey=survey, user=person, responded_at=now - timedelta(days=19))
    Success.objects.create(
        community=community, author=facilitator, kind="example", value="applied", title="t", story="s"
    )
    for person in people[:3]:
        Topic.objects.create(community=community, title=f"Oud {person.pk}", created_at=now - timedelta(days=61))
    levels_compute((now.date().replace(day=1) - timedelta(days=1)).replace(day=1))
    found = lights(community)
    assert found["domain"] == ("green", "Domain statement revisited 0 days ago.")
    assert found["activities"] == ("green", "1 meeting planned; attendance 100% of those who said they would come")
    assert found["support"] == ("green", "1 success shared recently")
    assert found["flexibility"] == (
        "amber",
        "Response rate 100% over the last meeting; 3 requested topics waiting longer than 60 days",
    )


def test_many_communities_cost_the_same_queries(django_assert_num_queries):
    few = [CommunityFactory() for _ in range(2)]
    many = [*few, *(CommunityFactory() for _ in range(8))]
    for community in many:
        MeetingFactory(community=community, starts_at=timezone.now() - timedelta(days=3))
    for communities in (few, many):
        with django_assert_num_queries(9):
            health_checks(communities)


def test_just_after_midnight_on_the_first_the_month_before_is_the_organisations(settings):
    # 1 December 00:30 in Amsterdam is 30 November in UTC: last month is November, not October.
    community = CommunityFactory()
    people = [MembershipFactory(community=community, role=Role.INTERN).user for _ in range(4)]
    for user in people:
        ParticipationLevel.objects.create(
            user=user, community=community, month=date(2026, 11, 1), level="participant", rank=2
        )
    now = datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    point = health_checks([community], now=now)[community.pk][1]
    assert point.evidence == "4 members; 100% took part regularly last month"
