"""Every key page of `make bench` runs a fixed number of queries: the same on a small and a four
times larger organisation (seed_scale), first visit and again (cached parts), and never more than
12 (the dashboards' first computation aside, see below). The literal counts are the guard: a
change that adds a query to a page fails here and says which page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.pages import Scenario, community_changed
from cop.scale import seed_scale
from feedback.links import invite_from_link
from feedback.models import SurveyResponse
from feedback.services import survey_questions

pytestmark = pytest.mark.django_db

# page: (first request, the same request again). Counted inside the test's transaction: the
# submit's own transaction shows as a SAVEPOINT and its RELEASE (in production, where BEGIN and
# COMMIT are not queries, a first answer is 4 statements and a changed one 6). The dashboards
# compute their figures on a first visit (every figure is a grouped query: 22 for the
# organisation, 25 for one community, with the signed-in person); what managers are served is the
# cached page, kept warm by the `dashboard.warm` job: 3 queries. A signed-in page reads its session
# from the cache (cop.sessions), so the person's user row is its first query.
EXPECTED = {
    "hello (the floor)": (0, 0),
    "hello, one query": (1, 1),
    "hello, one cache read": (0, 0),
    "hello, signed in": (1, 1),
    "home, intern": (2, 2),
    "home, mentor": (3, 3),
    "home, facilitator": (2, 2),
    "home, manager": (2, 2),
    "home, admin": (2, 2),
    "agenda, intern": (4, 2),
    "agenda, intern, after each change": (4, 4),
    "meeting page, intern": (4, 4),
    "attendance list, facilitator": (5, 5),
    "survey form (personal link)": (2, 1),  # and one more to show earlier answers, if any
    "survey submit (personal link)": (2, 8),  # a first answer (feedback.first_answer), then a changed one
    "survey results, facilitator": (11, 11),
    "community trend, facilitator": (5, 5),
    "member directory, intern": (6, 6),
    "topic backlog, intern": (7, 7),
    "success wall, intern": (5, 5),
    "dashboard, organisation, manager": (22, 3),
    "dashboard, one community, facilitator": (25, 3),
    "calendar feed (personal link)": (3, 2),
    "calendar feed, after each change": (3, 3),
}


def _invite(link: str):
    return invite_from_link(link.strip("/").rsplit("/", 1)[1])


def _queries(client, page, submissions) -> int:
    if page.changed is not None:
        community_changed(page.changed)  # the community's meetings changed: nothing cached applies
    if page.post is not None:
        path, fields = submissions.pop()
        # A survey's questions are read once per process, in production when its form is opened:
        # read here, or the count would depend on whether the intern's survey (the form page,
        # counted before) is this one, which varies with the seed and the day.
        survey_questions(_invite(path).survey)
    with CaptureQueriesContext(connection) as context:
        response = client.get(page.path) if page.post is None else client.post(path, fields)
    assert response.status_code == 200, page.label
    return len(context)


@pytest.mark.parametrize("factor", [0.005, 0.02])
def test_every_key_page_runs_a_fixed_number_of_queries(client, settings, factor):
    settings.BENCHMARK = True  # the hello view
    seed_scale(factor=factor, manager_password="bench-secret")
    scenario = Scenario()
    # The intern may have answered already (it depends on the seed and the day): their answers
    # are shown to be changed, one query more. Asked now: the submit below may answer for them.
    answered = int(_invite(scenario.intern_link).responded_at is not None)
    # A first answer, then a changed one: to an invitation nobody has answered yet (the first
    # open one may have been answered, depending on the seed and the day, as on 1 June 2027).
    fresh = next(link for link in scenario.links if _invite(link[0]).responded_at is None)
    submissions = [fresh, fresh]
    counted = {}
    for page in scenario.pages():
        if page.viewer:
            client.force_login(scenario.users[page.viewer])
        else:
            client.logout()
        counted[page.label] = (_queries(client, page, submissions), _queries(client, page, submissions))
    expected = {**EXPECTED, "survey form (personal link)": (2 + answered, 1 + answered)}
    assert counted == expected


def test_the_benchmark_unanswers_invitations_only_in_a_bench_database():
    """`make bench` deletes the answers it will give again; anywhere else it refuses, first."""
    seed_scale(factor=0.005, manager_password="bench-secret")
    before = SurveyResponse.objects.count()
    with pytest.raises(SystemExit, match=r"^test_\w+ is not a bench database: not deleting its survey responses\.$"):
        Scenario(reset=True)
    assert before > 0
    assert SurveyResponse.objects.count() == before
