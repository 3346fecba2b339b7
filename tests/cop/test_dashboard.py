"""The dashboard's figures on a hand-built organisation: every metric exact, a community out of
view that must not count, the boundaries of the period, the anonymity threshold, and a fixed
number of queries whatever the size."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cop.dashboard import metrics
from cop.dashboard.board import Dashboard
from cop.models import Kudos, Success
from feedback.models import Answer, QuestionType, SurveyInvite, SurveyResponse
from meetings.models import Attendance, Rsvp, Topic
from members.models import Level, ParticipationLevel, Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, UserFactory
from tests.feedback.helpers import survey_with

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def _clock_at_now():
    """The world is built at fixed 2026 dates around NOW, and the pages and the warming job read
    the clock: every test here runs at NOW (the clock ticking from there), so a meeting planned
    for December stays planned and September stays in the last three months whatever today is."""
    with time_machine.travel(NOW, tick=True):
        yield


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 16, 0, tzinfo=ZONE)


def meeting(community, when, *, going=(), came=(), theme="", status="published"):
    held = MeetingFactory(community=community, starts_at=when, theme=theme or "Algemeen", status=status)
    Rsvp.objects.bulk_create(Rsvp(meeting=held, user=user, response="going") for user in going)
    Attendance.objects.bulk_create(Attendance(meeting=held, user=user) for user in came)
    return held


def rated(held, ratings: dict, *, asked=()):
    """A post-meeting survey: everyone in `ratings` answered the rating question with their
    number; those in `asked` were invited and did not answer."""
    survey = survey_with(held.community, meeting=held)
    question = survey.questions.get(type=QuestionType.RATING)
    for person, number in ratings.items():
        invite = SurveyInvite.objects.create(survey=survey, user=person, responded_at=held.ends_at)
        response = SurveyResponse.objects.create(survey=survey, invite=invite)
        Answer.objects.create(response=response, question=question, number=number)
    SurveyInvite.objects.bulk_create(SurveyInvite(survey=survey, user=person) for person in asked)
    return survey


def rung(user, community, month: date, level: Level):
    ParticipationLevel.objects.create(
        user=user, community=community, month=month, level=level, rank=Level.values.index(level)
    )


@pytest.fixture
def world():
    """Two communities in view (A, B) and one out of view (C) with activity of its own."""
    a, b, c = CommunityFactory(name="A"), CommunityFactory(name="B"), CommunityFactory(name="C")
    people = {}
    for name, community, role in [
        ("f", a, Role.FACILITATOR),
        ("i1", a, Role.INTERN),
        ("i2", a, Role.INTERN),
        ("i3", a, Role.INTERN),
        ("m", a, Role.MENTOR),
        ("g", b, Role.FACILITATOR),
        ("j1", b, Role.INTERN),
        ("x", c, Role.INTERN),
    ]:
        people[name] = MembershipFactory(community=community, role=role).user
    gone = MembershipFactory(community=a, role=Role.INTERN, left_at=at(10, 1))  # left: not counted
    p = people
    m1 = meeting(a, at(9, 10), going=[p["i1"], p["i2"], p["i3"]], came=[p["i1"], p["i2"], p["m"]], theme="Veilig")
    m2 = meeting(a, at(10, 8), going=[p["i1"], p["i2"], gone.user], came=[p["i1"]], theme="Feedback")
    meeting(a, at(8, 20), going=[p["i3"]], came=[p["i3"]])  # before the period
    meeting(a, at(11, 5), going=[p["i1"]])  # held, no attendance taken
    meeting(a, at(12, 5))  # planned
    meeting(a, at(12, 10), status="draft")  # a draft is not planned
    meeting(a, at(11, 1), status="cancelled")
    n1 = meeting(b, at(10, 15), going=[p["j1"]], came=[p["j1"]], theme="Veilig")
    meeting(b, at(11, 30))  # planned
    x1 = meeting(c, at(10, 1), going=[p["x"]], came=[p["x"]], theme="Veilig")
    rated(m1, {p["i1"]: 5, p["i2"]: 4, p["m"]: 3})
    rated(m2, {p["i1"]: 5}, asked=[p["i2"]])  # one rating: below the threshold of 3
    rated(n1, {p["j1"]: 2}, asked=[p["g"]])
    rated(x1, {p["x"]: 1, UserFactory(): 1, UserFactory(): 1})
    for title, community, source, created, status, planned in [
        ("t1", a, "member", at(9, 5), "open", None),
        ("t2", a, "member", at(7, 1), "planned", at(10, 1)),
        ("t3", a, "survey", at(10, 2), "open", None),
        ("t4", a, "member", at(11, 1), "archived", None),
        ("t5", b, "member", at(10, 3), "open", None),
        ("t6", c, "member", at(10, 3), "open", None),
    ]:
        Topic.objects.create(
            community=community, title=title, source=source, created_at=created, status=status, planned_at=planned
        )
    for title, community, value, created, extra in [
        ("s1", a, "applied", at(9, 20), {"featured": True}),
        ("s2", a, "applied", at(10, 20), {"hidden_at": at(10, 21)}),
        ("s3", a, "immediate", at(11, 2), {}),
        ("s4", a, "realised", at(8, 1), {}),
        ("s5", b, "reframing", at(10, 5), {}),
        ("s6", c, "immediate", at(10, 5), {}),
    ]:
        success = Success.objects.create(
            community=community, author=p["i1"], kind="intern", value=value, title=title, story="…", **extra
        )
        Success.objects.filter(pk=success.pk).update(created_at=created)
    s3 = Success.objects.get(title="s3")
    Kudos.objects.bulk_create([Kudos(success=s3, user=p["i2"]), Kudos(success=s3, user=p["m"])])
    for user, month, level in [
        (p["i1"], date(2026, 8, 1), Level.NEWCOMER),
        (p["i2"], date(2026, 8, 1), Level.OBSERVER),
        (p["i3"], date(2026, 8, 1), Level.PARTICIPANT),
        (p["i1"], date(2026, 9, 1), Level.OBSERVER),
        (p["i1"], date(2026, 11, 1), Level.PARTICIPANT),
        (p["i2"], date(2026, 11, 1), Level.OBSERVER),
        (p["i3"], date(2026, 11, 1), Level.OBSERVER),
        (p["m"], date(2026, 11, 1), Level.CORE),
    ]:
        rung(user, a, month, level)
    rung(p["x"], c, date(2026, 11, 1), Level.CORE)
    return {"a": a, "b": b, "c": c, **people}


def scope(world, months=3):
    return metrics.scope_for([world["a"].pk, world["b"].pk], months=months, now=NOW)


def test_the_period_is_whole_months_up_to_now():
    assert metrics.scope_for([1], months=3, now=NOW).months == (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))
    assert metrics.scope_for([1], months=1, now=NOW).since == datetime(2026, 11, 1, tzinfo=ZONE)
    # Just after midnight on the first, in Amsterdam (still the 31st in UTC): already the new month.
    assert metrics.scope_for([1], months=1, now=datetime(2026, 11, 1, 0, 30, tzinfo=ZONE)).months == (
        date(2026, 11, 1),
    )


def test_members_by_role_count_current_members_and_who_came(world):
    a, b = world["a"].pk, world["b"].pk
    assert metrics.members_by_role(scope(world)) == {
        (a, "facilitator"): (1, 0),
        (a, "intern"): (3, 2),  # i3 came only before the period; the intern who left is not counted
        (a, "mentor"): (1, 1),  # came without saying so
        (b, "facilitator"): (1, 0),
        (b, "intern"): (1, 1),
    }


def test_meetings_held_and_planned(world):
    # Held: published and started in the period (the cancelled and the draft are not meetings).
    assert metrics.meetings_held(scope(world)) == {world["a"].pk: (3, 1), world["b"].pk: (1, 1)}


def test_attendance_counts_those_who_said_they_would_come_where_attendance_was_taken(world):
    # m1: 2 of 3 came (the mentor came unannounced: not counted); m2: 1 of 3; Nov 5: no attendance taken.
    assert metrics.attendance(scope(world)) == {world["a"].pk: (3, 6), world["b"].pk: (1, 1)}


def test_responses_and_ratings_per_month_respect_the_threshold(world):
    a, b = world["a"].pk, world["b"].pk
    assert metrics.responses_by_month(scope(world)) == {
        (a, date(2026, 9, 1)): (3, 3),
        (a, date(2026, 10, 1)): (2, 1),
        (b, date(2026, 10, 1)): (2, 1),
    }
    # Only m1 reached three answers; the single ratings of m2 and n1 stay out of every mean.
    figures = metrics.ratings(scope(world))
    assert figures == {(a, date(2026, 9, 1), "Veilig"): (12, 3, 1)}
    assert metrics.ratings_by_month(figures) == {(a, date(2026, 9, 1)): (12, 3)}
    assert metrics.themes(figures) == [metrics.ThemeFigure("Veilig", meetings=1, ratings=3, mean=4.0)]


def test_topics_requested_planned_and_waiting_per_source(world):
    a, b = world["a"].pk, world["b"].pk
    assert metrics.topics(scope(world)) == {
        (a, "member"): (2, 1, 1),  # t1 and t4 requested, t2 planned, t1 waits
        (a, "survey"): (1, 0, 1),
        (b, "member"): (1, 0, 1),
    }


def test_successes_by_value_and_the_stories_to_tell(world):
    a, b = world["a"].pk, world["b"].pk
    assert metrics.successes_by_value(scope(world)) == {(a, "applied"): 1, (a, "immediate"): 1, (b, "reframing"): 1}
    # Featured first, then the most kudos, then the newest; hidden and older ones stay out.
    assert [(s.title, s.kudos_count) for s in metrics.stories(scope(world))] == [("s1", 0), ("s3", 2), ("s5", 0)]


def test_ladder_per_month_and_moves_towards_the_core(world):
    a = world["a"].pk
    assert metrics.ladder(scope(world)) == {
        (a, date(2026, 9, 1), "observer"): 1,
        (a, date(2026, 11, 1), "participant"): 1,
        (a, date(2026, 11, 1), "observer"): 2,
        (a, date(2026, 11, 1), "core"): 1,
    }
    # August against November: i1 up, i2 the same, i3 down; the mentor had no August rung.
    assert metrics.ladder_moves(scope(world)) == {a: (1, 1, 1)}


def board(world, communities=("a", "b"), *, org=frozenset({"manager"}), roles=None, months=3):
    chosen = [world[key] for key in communities]
    return Dashboard(
        communities=chosen,
        scope=metrics.scope_for([c.pk for c in chosen], months=months, now=NOW),
        org=org,
        roles=roles or {},
    )


def values(table):
    return [[cell.value for cell in row] for row in table.rows]


def test_key_figures_add_up_over_communities(world):
    figures = {label: cell.text for label, cell, _section in board(world).key_figures()}
    assert figures == {
        "Active members": "57%",  # 4 of 7
        "Meetings held": "4",
        "Meetings planned": "2",
        "Attendance rate": "57%",  # 4 of 7
        "Response rate": "71%",  # 5 of 7
        "Mean rating (1 to 5)": "4.0",
        "Successes shared": "3",
        "Moved towards the core": "1",
    }


def test_tables_hold_the_exact_figures(world):
    dashboard = board(world)
    assert values(dashboard.table("communities")) == [
        # A: support and flexibility green; B: activities, support and flexibility.
        ["A", 5, 3, 3, 1, 50, 80, 4.0, 2, 2],
        ["B", 2, 1, 1, 1, 100, 50, None, 1, 3],
    ]
    assert values(dashboard.table("members")) == [
        ["intern", 4, 3, 75],
        ["mentor", 1, 1, 100],
        ["colleague", 0, 0, None],
        ["facilitator", 2, 0, 0],
    ]
    assert values(dashboard.table("satisfaction")) == [
        [date(2026, 9, 1), 3, 3, 100, 3, 4.0],
        [date(2026, 10, 1), 4, 2, 50, 0, None],
        [date(2026, 11, 1), 0, 0, None, 0, None],
    ]
    assert values(dashboard.table("topics")) == [
        ["suggested by a member", 3, 1, 2],
        ["asked for in a survey", 1, 0, 1],
        ["from a sprint board", 0, 0, 0],
    ]
    assert [row[2] for row in values(dashboard.table("successes"))] == [1, 0, 1, 0, 1]
    assert values(dashboard.table("ladder")) == [
        [date(2026, 9, 1), 0, 1, 0, 0, 0, 1],
        [date(2026, 10, 1), 0, 0, 0, 0, 0, 0],
        [date(2026, 11, 1), 0, 2, 1, 0, 1, 4],
    ]
    assert values(dashboard.table("meetings")) == [["A", 3, 1, 3, 6, 50], ["B", 1, 1, 1, 1, 100]]


def test_one_community_lists_its_meetings_with_their_figures(world):
    dashboard = board(world, ("a",))
    rows = values(dashboard.table("meetings"))
    assert [row[0] for row in rows] == [date(2026, 9, 10), date(2026, 10, 8), date(2026, 11, 5)]
    assert [row[3:] for row in rows] == [
        [2, 3, 67, 3, 3, 4.0],
        [1, 3, 33, 2, 1, None],  # one rating: hidden
        [None, None, None, None, None, None],  # no attendance taken, no survey
    ]


def test_links_go_only_where_the_viewer_may(world):
    a = world["a"]
    # A manager: the survey trend and the success wall, never the member directory or meetings.
    manager = board(world, ("a",))
    assert manager.table("members").rows[0][0].href == ""
    assert manager.table("satisfaction").rows[0][0].href == f"/communities/{a.slug}/surveys/trend/?months=3"
    assert manager.table("successes").rows[0][0].href == f"/communities/{a.slug}/successes/?value=immediate"
    meetings = manager.table("meetings").rows
    assert meetings[0][1].href.startswith(f"/communities/{a.slug}/surveys/")  # its survey's results
    assert meetings[2][1].href == ""  # no survey, and a manager does not open meetings
    assert [href for _point, href, _label in manager.single_health] == [
        f"/communities/{a.slug}/",
        "",  # the directory
        "",  # the topic backlog
        f"/communities/{a.slug}/successes/",
        f"/communities/{a.slug}/surveys/trend/",
    ]
    assert manager.table("ladder").rows[0][0].href == ""  # counts only, never a person's path
    # The community's facilitator: the directory by role, the meeting itself, the interns' paths.
    facilitator = board(world, ("a",), org=frozenset(), roles={a.pk: "facilitator"})
    assert facilitator.table("members").rows[0][0].href == f"/communities/{a.slug}/members/?role=intern"
    assert facilitator.table("meetings").rows[2][1].href.startswith("/meetings/")
    assert facilitator.table("ladder").rows[0][0].href == f"/communities/{a.slug}/ladder/interns/"
    assert [bool(href) for _point, href, _label in facilitator.single_health] == [True] * 5
    # Organisation-wide, figures link to the community's own dashboard.
    assert board(world).table("communities").rows[0][3].href == f"/dashboard/?community={a.slug}&months=3#meetings"


def test_the_dashboard_costs_the_same_queries_for_two_or_twelve_communities(world, django_assert_num_queries):
    small = board(world)
    with django_assert_num_queries(19):
        [small.table(key) for key in Dashboard.TABLES]
        small.charts()
        small.key_figures()
    more = [CommunityFactory() for _ in range(10)]
    for community in more:
        people = [MembershipFactory(community=community).user for _ in range(3)]
        held = meeting(community, at(10, 10), going=people, came=people[:2], theme="Veilig")
        rated(held, dict.fromkeys(people, 4))
        Topic.objects.create(community=community, title="t", created_at=at(10, 1))
    large = Dashboard(
        communities=[world["a"], world["b"], *more],
        scope=metrics.scope_for([world["a"].pk, world["b"].pk, *(c.pk for c in more)], months=12, now=NOW),
        org=frozenset({"manager"}),
        roles={},
    )
    with django_assert_num_queries(19):
        [large.table(key) for key in Dashboard.TABLES]
        large.charts()
        large.key_figures()
    assert large.totals["held"] == 4 + 10 + 1  # twelve months back: August's meeting too


def test_a_single_community_adds_three_queries_for_its_meeting_list(world, django_assert_num_queries):
    dashboard = board(world, ("a",))
    with django_assert_num_queries(22):
        [dashboard.table(key) for key in Dashboard.TABLES]
        dashboard.charts()
        dashboard.key_figures()


def test_a_month_with_a_meeting_at_its_last_evening_counts_in_that_month(world):
    # 31 October 23:30 in Amsterdam is already 1 November in UTC: the month is the organisation's.
    late = meeting(world["b"], datetime(2026, 10, 31, 23, 30, tzinfo=ZONE))
    rated(late, {world["j1"]: 4}, asked=[world["g"]])
    assert metrics.responses_by_month(scope(world))[(world["b"].pk, date(2026, 10, 1))] == (4, 2)
    assert timedelta(0) < NOW - late.starts_at


# The page -------------------------------------------------------------------------------------


@pytest.fixture
def manager():
    return UserFactory(is_manager=True, language="en")


def test_the_manager_sees_every_community_and_exact_figures(client, world, manager, django_assert_num_queries):
    client.force_login(manager)
    with django_assert_num_queries(22):  # user, communities, roles; 19 for the figures
        response = client.get("/dashboard/", {"months": 3}, headers={"accept-language": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("A", "B", "C"):
        assert f">{name}</a>" in page
    assert "no one's own answers are shown here" in page  # aggregates only, and it says so
    with django_assert_num_queries(3):  # the figures again within DASHBOARD_CACHE_SECONDS: cached
        client.get("/dashboard/", {"months": 3}, headers={"accept-language": "en"})
    with django_assert_num_queries(25):
        response = client.get("/dashboard/", {"community": world["a"].slug})
    assert response.context["board"].single == world["a"]
    # Cached, its meetings one by one included; the viewer's links are worked out again.
    with django_assert_num_queries(3):
        client.get("/dashboard/", {"community": world["a"].slug})


def test_cached_figures_are_kept_per_language_and_can_be_switched_off(client, world, manager, settings):
    client.force_login(manager)
    english = client.get("/dashboard/", {"community": world["a"].slug}, headers={"accept-language": "en"})
    assert english.context["board"].health[world["a"].pk][3].evidence == "2 successes shared recently"
    manager.language = "nl"
    manager.save()
    dutch = client.get("/dashboard/", {"community": world["a"].slug}, headers={"accept-language": "nl"})
    assert dutch.context["board"].health[world["a"].pk][3].evidence == "2 successen onlangs gedeeld"
    settings.DASHBOARD_CACHE_SECONDS = 0
    Success.objects.create(community=world["a"], kind="intern", value="applied", title="Nieuw", story="…")
    again = client.get("/dashboard/", {"community": world["a"].slug}, headers={"accept-language": "nl"})
    assert again.context["board"].totals["successes"] == 3


def test_a_facilitator_sees_only_their_own_communities(client, world):
    client.force_login(world["g"])
    response = client.get("/dashboard/", headers={"accept-language": "en"})
    assert response.context["board"].communities == [world["b"]]  # one community: its own view
    page = response.content.decode()
    assert "<h1>Dashboard · B</h1>" in page
    assert ">A<" not in page
    assert ">C<" not in page
    assert client.get("/dashboard/", {"community": world["a"].slug}).status_code == 403
    assert client.get("/dashboard/health.csv", {"community": world["a"].slug}).status_code == 403
    assert client.get("/dashboard/", {"community": "nowhere"}).status_code == 404


def test_members_without_a_dashboard_are_refused(client, world):
    client.force_login(world["i1"])
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/members.csv").status_code == 403
    client.logout()
    assert client.get("/dashboard/").status_code == 302


def test_a_bad_period_is_rejected_with_a_message_in_the_users_language(client, world, manager):
    manager.language = "nl"
    manager.save()
    client.force_login(manager)
    response = client.get("/dashboard/", {"months": "999"}, headers={"accept-language": "nl"})
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert response.context["board"] is None
    assert client.get("/dashboard/members.csv", {"months": "999"}).status_code == 404
    assert client.get("/dashboard/secrets.csv").status_code == 404


def test_every_table_downloads_as_csv_with_the_pages_figures(client, world, manager):
    world["b"].name = "=HYPERLINK(evil)"
    world["b"].save()
    client.force_login(manager)
    for key in Dashboard.TABLES:
        response = client.get(f"/dashboard/{key}.csv", {"months": 3}, headers={"accept-language": "en"})
        assert response.status_code == 200, key
        assert response["Content-Disposition"] == f'attachment; filename="organisation-{key}.csv"'
    response = client.get("/dashboard/topics.csv", {"community": world["a"].slug}, headers={"accept-language": "en"})
    assert response["Content-Disposition"] == f'attachment; filename="{world["a"].slug}-topics.csv"'
    assert response.content.decode().splitlines() == [
        "\ufeffSource,Requested in the period,Planned in the period,Waiting now",
        "suggested by a member,2,1,1",
        "asked for in a survey,1,0,1",
        "from a sprint board,0,0,0",
    ]
    rows = client.get("/dashboard/meetings.csv", headers={"accept-language": "en"}).content.decode().splitlines()
    assert "'=HYPERLINK(evil),1,1,1,1,100" in rows  # a spreadsheet reads it as text, not as a formula


def test_a_new_organisation_without_any_activity_shows_empty_panels(client, manager):
    CommunityFactory(name="Nieuw")
    client.force_login(manager)
    response = client.get("/dashboard/", {"months": 12}, headers={"accept-language": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No successes shared in this period yet." in page
    assert "Nothing in this period." in page  # the themes table
    figures = {label: cell.text for label, cell, _section in response.context["board"].key_figures()}
    assert figures["Attendance rate"] == figures["Mean rating (1 to 5)"] == "\N{EN DASH}"


def _two_ratings(world, first: dict, second: dict):
    """A meeting of A whose survey asks two rating questions; `first` and `second` map people
    to their rating on each."""
    held = meeting(world["a"], at(10, 20), theme="Twee")
    survey = survey_with(held.community, meeting=held, questions=[("rating", "Inhoud", []), ("rating", "Sfeer", [])])
    content, mood = survey.questions.order_by("position")
    for person in {*first, *second}:
        invite = SurveyInvite.objects.create(survey=survey, user=person, responded_at=held.ends_at)
        response = SurveyResponse.objects.create(survey=survey, invite=invite)
        if person in first:
            Answer.objects.create(response=response, question=content, number=first[person])
        if person in second:
            Answer.objects.create(response=response, question=mood, number=second[person])
    return held


def test_two_people_answering_two_rating_questions_stay_hidden_everywhere(world):
    # Four ratings, but only two people: the survey's page hides them, so must every pooled figure.
    held = _two_ratings(world, {world["i1"]: 5, world["i2"]: 1}, {world["i1"]: 5, world["i2"]: 1})
    assert (world["a"].pk, date(2026, 10, 1), "Twee") not in metrics.ratings(scope(world))
    rows = board(world, ("a",)).table("meetings").rows
    assert [row[8].value for row in rows if row[1].text == held.title] == [None]


def test_a_hidden_question_is_not_pooled_with_a_shown_one(world):
    # Inhoud: three ratings of 4 (shown on the results page); Sfeer: two (hidden). Pooling both
    # would give (12 + x + y, 5), and x + y could be worked out.
    people = {world["i1"]: 4, world["i2"]: 4, world["i3"]: 4}
    _two_ratings(world, people, {world["i1"]: 1, world["i2"]: 2})
    assert metrics.ratings(scope(world))[world["a"].pk, date(2026, 10, 1), "Twee"] == (12, 3, 1)


def test_odd_filters_are_answered_not_crashed_on(client, world, manager):
    client.force_login(manager)
    for query in ({"community": "a\x00"}, {"community": "x" * 3000}, {"community": "../etc"}):
        assert client.get("/dashboard/", query).status_code == 404
        assert client.get("/dashboard/health.csv", query).status_code == 404
    for months in ("0", "-1", "1.5", "\x00", "9" * 40):
        assert client.get("/dashboard/", {"months": months}).status_code == 400


def test_a_manager_before_the_first_community_sees_an_empty_dashboard(client, manager):
    client.force_login(manager)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert response.context["board"].communities == []


def test_dates_are_the_organisations_not_utcs(world):
    # 00:30 on 9 October in Amsterdam is still 8 October in UTC.
    meeting(world["a"], datetime(2026, 10, 9, 0, 30, tzinfo=ZONE))
    rows = board(world, ("a",)).table("meetings").rows
    assert date(2026, 10, 9) in [row[0].value for row in rows]
    assert "9 Oct 2026" in [row[0].text for row in rows]


def test_the_warming_job_computes_the_organisation_view_before_a_manager_asks(
    client, world, manager, django_assert_num_queries
):
    from cop.tasks import dashboard_warm  # noqa: PLC0415

    # Two languages: the organisation over four periods, and A, B and C each over three months.
    assert dashboard_warm() == 2 * (4 + 3)
    client.force_login(manager)
    with django_assert_num_queries(3):  # user, communities, roles: no figure computed
        response = client.get("/dashboard/", {"months": 12}, headers={"accept-language": "en"})
    assert response.context["board"].totals["held"] == 6  # A: 4 with August's, B: 1, C: 1
    # A's facilitator opens their own dashboard: from the cache too.
    client.force_login(world["f"])
    with django_assert_num_queries(3):
        response = client.get("/dashboard/", headers={"accept-language": "nl"})
    assert [community.name for community in response.context["board"].communities] == ["A"]


def test_means_are_rounded_not_cut_off():
    from django.utils.translation import override  # noqa: PLC0415

    from cop.dashboard.board import _mean  # noqa: PLC0415

    with override("nl"):
        assert [_mean(456, 100).text, _mean(455, 100).text, _mean(4, 1).text] == ["4,6", "4,6", "4,0"]
    with override("en"):
        assert _mean(449, 100).text == "4.5"
    assert _mean(0, 0).value is None
