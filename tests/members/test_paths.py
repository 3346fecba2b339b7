"""Paths on the participation ladder: a member's own, a mentor's interns', who may see whose, the
words for the evidence, and fixed query counts. Other people's levels exist in every test, so a
page that leaked them would show them."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance
from members.ladder import Evidence, level_for, levels_compute
from members.models import LEVEL_RANK, Level, ParticipationLevel, Role, User
from members.paths import NEXT_STEP, RUNG_EXPLAINED, PathMonth, evidence_words, path_months, paths, steps_chart
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
MONTHS = path_months(today=NOW.date())  # the last twelve, this one last


@pytest.fixture(autouse=True)
def _clock_at_now():
    """MONTHS are worked out once, and the pages work out theirs when asked: every test here runs
    at NOW (the clock ticking from there), so both are the same twelve months even when a test
    run crosses the end of a month."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def client(client):
    """People here read Gilde in English (factories make Dutch speakers); the Dutch test switches."""
    force_login = client.force_login

    def english(user, backend=None):
        User.objects.filter(pk=user.pk).update(language="en")
        force_login(user, backend)

    client.force_login = english
    return client


def stored(user, community, month, level, **evidence):
    return ParticipationLevel.objects.create(
        user=user, community=community, month=month, level=level, rank=LEVEL_RANK[level], **evidence
    )


# What each NEXT_STEP sentence asks, added to evidence that gives the rung: it must give the next.
NEXT_STEP_DONE = {
    Level.NEWCOMER: (Evidence(), Evidence(attended=1)),
    Level.OBSERVER: (Evidence(attended=1), Evidence(attended=2)),
    Level.PARTICIPANT: (Evidence(attended=2), Evidence(attended=2, contributed=1)),
    Level.CONTRIBUTOR: (Evidence(contributed=1), Evidence(contributed=1, hosted=1)),
}


@pytest.mark.parametrize("level", list(NEXT_STEP_DONE))
def test_each_next_step_takes_one_rung_up(level):
    before, after = NEXT_STEP_DONE[level]
    assert level_for(before) == level
    assert LEVEL_RANK[level_for(after)] == LEVEL_RANK[level] + 1
    assert NEXT_STEP[level]


def test_the_observers_other_way_up_is_answering_the_survey():
    assert level_for(Evidence(attended=1, answered=1)) == Level.PARTICIPANT


def test_a_mentor_who_did_not_come_is_told_one_meeting_makes_them_core():
    assert level_for(Evidence(contributed=1, mentoring=True)) == Level.CONTRIBUTOR
    assert level_for(Evidence(contributed=1, mentoring=True, attended=1)) == Level.CORE
    community = CommunityFactory()
    mentor = MembershipFactory(community=community, role=Role.MENTOR).user
    stored(mentor, community, MONTHS[-1], Level.CONTRIBUTOR, contributed=1, mentoring=True)
    path = paths(pairs=[(mentor.pk, community.pk)])[mentor.pk, community.pk]
    assert str(path.next_step) == "Come to a meeting (you mentor an intern), or host one."


def test_every_rung_has_its_line_and_only_core_has_no_next_step():
    assert set(RUNG_EXPLAINED) == set(Level)
    assert set(NEXT_STEP) == set(Level) - {Level.CORE}


def test_evidence_in_words():
    level = ParticipationLevel(attended=2, answered=1, contributed=1, hosted=0, mentoring=False)
    assert evidence_words(level) == (
        "came to 2 meetings, answered 1 survey, suggested, shared or wrote 1 topic, success or sprint card"
    )
    level = ParticipationLevel(attended=1, answered=0, contributed=3, hosted=2, mentoring=True)
    assert evidence_words(level) == (
        "came to 1 meeting, suggested, shared or wrote 3 topics, successes or sprint cards, "
        "hosted 2 meetings, mentored an intern"
    )
    assert evidence_words(ParticipationLevel()) == "nothing yet"


def test_path_months_are_the_last_twelve_oldest_first():
    assert path_months(today=date(2026, 3, 18)) == [date(2025, month, 1) for month in range(4, 13)] + [
        date(2026, month, 1) for month in (1, 2, 3)
    ]


def test_paths_leave_months_without_a_stored_level_empty_and_skip_older_ones():
    community = CommunityFactory()
    intern = MembershipFactory(community=community).user
    stored(intern, community, MONTHS[0] - timedelta(days=40), Level.CORE)  # thirteen months ago: not shown
    stored(intern, community, MONTHS[3], Level.OBSERVER, attended=1)
    stored(intern, community, MONTHS[4], Level.PARTICIPANT, attended=2)
    stored(MembershipFactory(community=community).user, community, MONTHS[5], Level.CORE)  # someone else
    path = paths(pairs=[(intern.pk, community.pk)])[intern.pk, community.pk]
    assert [month.level for month in path.months] == [None] * 3 + [Level.OBSERVER, Level.PARTICIPANT] + [None] * 7
    assert path.latest.month == MONTHS[4]
    assert (path.next_level, str(path.next_step)) == (Level.CONTRIBUTOR, "Suggest a topic or share a success.")
    assert path.computed == 2


@pytest.fixture
def autotechniek():
    return CommunityFactory(slug="auto", name="Autotechniek")


@pytest.fixture
def intern(autotechniek):
    mentor = MembershipFactory(community=autotechniek, role=Role.MENTOR, user=UserFactory(full_name="Marco Jansen"))
    return MembershipFactory(
        community=autotechniek, role=Role.INTERN, mentor=mentor.user, user=UserFactory(full_name="Ilias Bakker")
    )


def test_a_member_sees_their_own_path_in_each_community(client, autotechniek, intern):
    bouw = CommunityFactory(slug="bouw", name="Bouw & Metselen")
    MembershipFactory(community=bouw, role=Role.COLLEAGUE, user=intern.user)
    stored(intern.user, autotechniek, MONTHS[-2], Level.OBSERVER, attended=1)
    stored(intern.user, autotechniek, MONTHS[-1], Level.PARTICIPANT, attended=2, answered=1)
    stored(intern.user, bouw, MONTHS[-1], Level.CORE, hosted=1)
    # Another intern of the same community, further up: never on this page.
    other = MembershipFactory(community=autotechniek, user=UserFactory(full_name="Sanne de Vries")).user
    stored(other, autotechniek, MONTHS[-1], Level.CONTRIBUTOR, contributed=4)
    client.force_login(intern.user)
    page = client.get(reverse("my_path")).text
    auto, bouw_part = page.split('id="bouw"')
    assert "Participant</strong>" in auto
    assert "One rung up, to contributor:</strong> Suggest a topic or share a success." in auto
    assert "came to 2 meetings, answered 1 survey" in auto
    assert "came to 1 meeting</span>" in auto
    # Ten months without a stored level: shown as not computed, never as newcomer.
    assert auto.count('<span class="visually-hidden">not computed</span>') == 10
    assert "Newcomer</strong>" not in auto
    assert "Core</strong>" in bouw_part
    assert "This is the top rung of the ladder." in bouw_part
    assert "hosted 1 meeting" in bouw_part
    assert "contributed" not in page
    assert "suggested, shared or wrote 4" not in page
    assert "Sanne de Vries" not in page


def test_a_month_computed_from_what_the_member_did_shows_on_their_path(client, autotechniek, intern):
    now = timezone.now()
    meeting = MeetingFactory(community=autotechniek, starts_at=now - timedelta(minutes=90), ends_at=now)
    Attendance.objects.create(meeting=meeting, user=intern.user)
    levels_compute(timezone.localdate())
    client.force_login(intern.user)
    page = client.get(reverse("my_path")).text
    assert "Observer</strong>" in page
    assert "came to 1 meeting" in page
    assert "One rung up, to participant:</strong> Come to a second meeting" in page


def test_the_path_page_in_dutch(client, autotechniek, intern):
    stored(intern.user, autotechniek, MONTHS[-1], Level.PARTICIPANT, attended=2, answered=1)
    client.force_login(intern.user)
    User.objects.filter(pk=intern.user_id).update(language="nl")
    page = client.get(reverse("my_path")).text
    assert "Jouw pad op de ladder" in page
    assert "Deelnemer</strong>" in page
    assert "kwam naar 2 bijeenkomsten, vulde 1 enquête in" in page


def test_someone_in_no_community_has_no_path(client):
    client.force_login(UserFactory(is_manager=True))
    page = client.get(reverse("my_path")).text
    assert "You are not a member of a community yet" in page


@pytest.mark.parametrize("communities", [1, 4])
def test_my_path_runs_a_fixed_number_of_queries(client, django_assert_num_queries, communities):
    person = UserFactory()
    for _ in range(communities):
        community = CommunityFactory()
        MembershipFactory(community=community, user=person)
        for month in MONTHS:
            stored(person, community, month, Level.OBSERVER, attended=1)
    client.force_login(person)
    # user, memberships with their communities, the levels
    with django_assert_num_queries(3):
        response = client.get(reverse("my_path"))
    assert response.text.count("came to 1 meeting</span>") == communities * 12


@pytest.fixture
def people(autotechniek, intern):
    """Everyone who might look at Ilias's path, and a second intern with another mentor."""
    other_mentor = MembershipFactory(community=autotechniek, role=Role.MENTOR).user
    other_intern = MembershipFactory(
        community=autotechniek, role=Role.INTERN, mentor=other_mentor, user=UserFactory(full_name="Sanne de Vries")
    )
    stored(intern.user, autotechniek, MONTHS[-1], Level.OBSERVER, attended=1)
    stored(other_intern.user, autotechniek, MONTHS[-1], Level.CONTRIBUTOR, contributed=5)
    elsewhere = CommunityFactory(slug="elders")
    return {
        "self": intern.user,
        "mentor": intern.mentor,
        "other mentor": other_mentor,
        "other intern": other_intern.user,
        "colleague": MembershipFactory(community=autotechniek, role=Role.COLLEAGUE).user,
        "facilitator": MembershipFactory(community=autotechniek, role=Role.FACILITATOR).user,
        "other facilitator": MembershipFactory(community=elsewhere, role=Role.FACILITATOR).user,
        "manager": UserFactory(is_manager=True),
        "admin": UserFactory(is_staff=True),
    }


@pytest.mark.parametrize(
    ("visitor", "status"),
    [
        ("self", 200),
        ("mentor", 200),
        ("facilitator", 200),
        ("admin", 200),
        ("other mentor", 403),
        ("other intern", 403),
        ("colleague", 403),
        ("other facilitator", 403),
        ("manager", 403),
    ],
)
def test_who_may_see_an_interns_path(client, autotechniek, intern, people, visitor, status):
    client.force_login(people[visitor])
    response = client.get(reverse("member_path", args=["auto", intern.user_id]))
    assert response.status_code == status
    if status == 200:
        assert "Path of Ilias Bakker" in response.text or "Your path on the ladder" in response.text
        assert "came to 1 meeting" in response.text
        assert "suggested, shared or wrote 5" not in response.text


def test_a_mentor_who_left_no_longer_sees_the_interns_path(client, intern):
    intern.mentor.memberships.update(left_at=timezone.now())
    client.force_login(intern.mentor)
    assert client.get(reverse("member_path", args=["auto", intern.user_id])).status_code == 403


def test_an_unknown_member_is_not_found_for_a_facilitator_and_forbidden_for_others(client, autotechniek, people):
    stranger = MembershipFactory(role=Role.INTERN).user  # of another community
    url = reverse("member_path", args=["auto", stranger.pk])
    client.force_login(people["facilitator"])
    assert client.get(url).status_code == 404
    client.force_login(people["colleague"])
    assert client.get(url).status_code == 403


def test_a_mentor_sees_only_their_own_interns_paths(client, autotechniek, intern, people):
    elsewhere_intern = MembershipFactory(role=Role.INTERN, mentor=intern.mentor, user=UserFactory(full_name="Elders"))
    stored(elsewhere_intern.user, elsewhere_intern.community, MONTHS[-1], Level.CORE, hosted=1)
    client.force_login(intern.mentor)
    page = client.get(reverse("intern_paths", args=["auto"])).text
    assert "Your interns on the ladder" in page
    assert "Ilias Bakker" in page
    assert "Observer</strong>" in page
    assert "Sanne de Vries" not in page  # another mentor's intern
    assert "suggested, shared or wrote 5" not in page
    assert "Elders" not in page  # their intern in another community
    assert "hosted 1 meeting" not in page


def test_a_mentor_without_interns_here_sees_an_empty_page(client, autotechniek, people):
    client.force_login(MembershipFactory(community=autotechniek, role=Role.MENTOR).user)
    page = client.get(reverse("intern_paths", args=["auto"])).text
    assert "No interns paired with you yet." in page
    assert "Ilias Bakker" not in page


def test_a_facilitator_sees_every_interns_path_with_their_mentor(client, autotechniek, intern, people):
    client.force_login(people["facilitator"])
    page = client.get(reverse("intern_paths", args=["auto"])).text
    assert "Interns on the ladder" in page
    assert "Ilias Bakker" in page
    assert "mentor: Marco Jansen" in page
    assert "Sanne de Vries" in page
    assert "suggested, shared or wrote 5 topics, successes or sprint cards" in page


@pytest.mark.parametrize("visitor", ["self", "colleague", "other facilitator", "manager"])
def test_others_may_not_open_the_interns_page(client, people, visitor):
    client.force_login(people[visitor])
    assert client.get(reverse("intern_paths", args=["auto"])).status_code == 403


@pytest.mark.parametrize("interns", [1, 6])
def test_the_interns_page_runs_a_fixed_number_of_queries(client, autotechniek, django_assert_num_queries, interns):
    mentor = MembershipFactory(community=autotechniek, role=Role.MENTOR).user
    for _ in range(interns):
        user = MembershipFactory(community=autotechniek, role=Role.INTERN, mentor=mentor).user
        for month in MONTHS:
            stored(user, autotechniek, month, Level.PARTICIPANT, attended=2)
    client.force_login(mentor)
    # user, community, the mentor's standing, the interns with people and mentors, levels
    with django_assert_num_queries(5):
        response = client.get(reverse("intern_paths", args=["auto"]))
    assert response.text.count("came to 2 meetings</span>") == interns * 12


def test_one_members_path_runs_a_fixed_number_of_queries(client, intern, django_assert_num_queries):
    for month in MONTHS:
        stored(intern.user, intern.community, month, Level.OBSERVER, attended=1)
    client.force_login(intern.mentor)
    # user, community, the mentor's standing, the intern, the levels
    with django_assert_num_queries(5):
        response = client.get(reverse("member_path", args=["auto", intern.user_id]))
    assert response.text.count("came to 1 meeting</span>") == 12


def test_the_home_page_links_to_ones_own_path_and_a_mentors_interns(client, intern):
    client.force_login(intern.mentor)
    page = client.get(reverse("home")).text
    assert f'href="{reverse("my_path")}"' in page
    assert f'href="{reverse("member_path", args=["auto", intern.user_id])}"' in page
    assert f'href="{reverse("intern_paths", args=["auto"])}"' in page
    assert "Your interns on the ladder</a>" in page  # one community: no need to name it
    bouw = CommunityFactory(slug="bouw", name="Bouw & Metselen")
    MembershipFactory(community=bouw, role=Role.MENTOR, user=intern.mentor)
    MembershipFactory(community=bouw, role=Role.INTERN, mentor=intern.mentor)
    page = client.get(reverse("home")).text
    assert "Your interns on the ladder · Autotechniek</a>" in page
    assert "Your interns on the ladder · Bouw &amp; Metselen</a>" in page
    client.force_login(intern.user)
    page = client.get(reverse("home")).text
    assert f'href="{reverse("my_path")}"' in page
    assert reverse("intern_paths", args=["auto"]) not in page


@pytest.mark.parametrize(
    ("visitor", "linked"),
    [("self", True), ("mentor", True), ("facilitator", True), ("colleague", False), ("other mentor", False)],
)
def test_the_profile_links_to_the_path_for_those_who_may_see_it(client, intern, people, visitor, linked):
    client.force_login(people[visitor])
    page = client.get(reverse("member_profile", args=["auto", intern.user_id])).text
    assert (reverse("member_path", args=["auto", intern.user_id]) in page) == linked


def test_the_chart_steps_up_with_the_rung_and_labels_the_years_without_overlap():
    months = [date(2025, 12, 1)] + [date(2026, month, 1) for month in range(1, 12)]
    path = [PathMonth(month=month, stored=None) for month in months]
    path[-1] = PathMonth(month=months[-1], stored=ParticipationLevel(level=Level.CORE))
    path[-2] = PathMonth(month=months[-2], stored=ParticipationLevel(level=Level.NEWCOMER))
    chart = steps_chart(path)
    assert [step.height for step in chart.steps] == [0] * 10 + [26, 130]
    assert chart.steps[-1].y == chart.base - 130
    assert [step.year for step in chart.steps] == [None, 2026] + [None] * 10
    later = steps_chart([PathMonth(month=date(2025, m, 1), stored=None) for m in range(3, 13)])
    assert [step.year for step in later.steps] == [2025] + [None] * 9
