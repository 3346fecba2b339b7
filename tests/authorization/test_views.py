"""Every rule of tests/authorization/rules.py, for every kind of visitor: with our community's
objects, with theirs through our slug, and with theirs through their own; with htmx where a view
has a partial. A refused request changes nothing in the database, and nothing of theirs is ever
shown to someone of ours."""

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from cop.models import Community
from members.models import Membership
from tests.authorization.rules import CASES, LOGIN, Case, meeting, meeting_form, mirror, person, slug, slug_obj
from tests.authorization.world import MARKER, VISITORS, World, sign_in, writes, written

pytestmark = pytest.mark.django_db


def login_url(url: str) -> str:
    query = QueryDict(mutable=True)
    query["next"] = url
    return f"/accounts/login/?{query.urlencode(safe='/')}"


def send(client, world: World, visitor: str, case: Case, url: str, *, slug_side: str, object_side: str, htmx=False):
    """The request as `visitor`, with what it changed in the database."""
    sign_in(client, world, visitor)
    headers = {"HX-Request": "true"} if htmx else {}
    data = case.data(world.side(slug_side), world.side(object_side)) if case.data else {}
    before = writes()
    response = client.get(url, headers=headers) if case.method == "get" else client.post(url, data, headers=headers)
    return response, written(before, writes())


def assert_outcome(response, expected: int | str, url: str, *, htmx: bool) -> None:
    if expected == LOGIN:
        if htmx:  # not a login page swapped into the fragment: htmx loads it as a page
            assert (response.status_code, response.get("HX-Redirect")) == (200, login_url(url))
            assert response.content == b""
        else:
            assert (response.status_code, response.get("Location")) == (302, login_url(url))
        return
    assert response.status_code == expected, (response.status_code, response.get("Location"))


def text(response) -> str:
    return response.content.decode(errors="replace")


def ids(cases: list[Case]) -> list[str]:
    return [case.id for case in cases]


OBJECT_CASES = [case for case in CASES if case.objects]
THROUGH_OURS = [case for case in OBJECT_CASES if case.slugged]
HTMX_CASES = [case for case in CASES if case.htmx is not None]


MATRIX = [(case, visitor) for case in CASES for visitor in case.visitors]


@pytest.mark.parametrize(("case", "visitor"), MATRIX, ids=[f"{case.id}-{visitor}" for case, visitor in MATRIX])
def test_each_url_with_our_objects(client, world, case, visitor):
    url = case.url(world.ours, world.ours)
    response, wrote = send(client, world, visitor, case, url, slug_side="ours", object_side="ours")
    expected = case.expected(visitor)
    assert_outcome(response, expected, url, htmx=False)
    assert bool(wrote) == case.writes(visitor), wrote
    if visitor not in case.sees_theirs:
        assert MARKER not in text(response)
    if visitor in case.allowed and response.status_code == 200:
        assert response["Content-Type"] == case.content_type


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("case", HTMX_CASES, ids=ids(HTMX_CASES))
def test_each_partial_with_htmx(client, world, case, visitor):
    url = case.url(world.ours, world.ours)
    response, wrote = send(client, world, visitor, case, url, slug_side="ours", object_side="ours", htmx=True)
    expected = case.htmx if visitor in case.allowed and visitor != "anonymous" else case.expected(visitor)
    assert_outcome(response, expected, url, htmx=True)
    assert bool(wrote) == case.writes(visitor), wrote
    assert MARKER not in text(response)
    if expected == 200:
        assert "<html" not in text(response)  # the fragment, not the page


# Through our slug, only those who get past the community check meet the object at all (everyone
# else is refused before, as test_each_url_with_our_objects shows); the other facilitator too.
THROUGH_OURS_VISITORS = [
    (case, visitor)
    for case in THROUGH_OURS
    for visitor in VISITORS
    if visitor in (case.gate or case.allowed) - {"anonymous"} or visitor == "other facilitator"
]


@pytest.mark.parametrize(
    ("case", "visitor"), THROUGH_OURS_VISITORS, ids=[f"{case.id}-{visitor}" for case, visitor in THROUGH_OURS_VISITORS]
)
def test_their_objects_through_our_community_are_not_found(client, world, case, visitor):
    url = case.url(world.ours, world.theirs)
    response, wrote = send(client, world, visitor, case, url, slug_side="ours", object_side="theirs")
    if visitor in case.foreign:
        expected = case.foreign[visitor]
    elif visitor in (case.gate or case.allowed):
        expected = 404
    else:
        expected = case.expected(visitor)
    assert_outcome(response, expected, url, htmx=False)
    assert not wrote
    assert MARKER not in text(response)


# There, our mentor and colleague are what our intern is: a member of another community; and a
# visitor is sent to the login page as with ours.
MIRRORED = [visitor for visitor in VISITORS if visitor not in {"anonymous", "mentor", "colleague"}]


@pytest.mark.parametrize("visitor", MIRRORED)
@pytest.mark.parametrize("case", OBJECT_CASES, ids=ids(OBJECT_CASES))
def test_their_objects_follow_the_same_rule_in_their_community(client, world, case, visitor):
    """The mirror image: their facilitator is to theirs what ours is to ours. Those allowed see
    the marker (so its absence elsewhere means something); nobody else does."""
    url = case.url(world.theirs, world.theirs)
    response, wrote = send(client, world, visitor, case, url, slug_side="theirs", object_side="theirs")
    as_if = mirror(visitor)
    assert_outcome(response, case.expected(as_if), url, htmx=False)
    assert bool(wrote) == case.writes(as_if), wrote
    allowed = as_if in case.allowed
    if allowed and response.status_code == 200 and case.method == "get" and case.shows:
        assert MARKER in text(response)
    elif not allowed:
        assert MARKER not in text(response)


def test_an_alumnus_is_no_longer_a_member_for_permissions(client, world):
    intern = world.ours.people["intern"]
    Membership.objects.filter(user_id=intern).update(alumni_at=timezone.now())
    sign_in(client, world, "intern")
    assert client.get(reverse("directory", args=["ours"])).status_code == 403


def _theirs_group(world: World) -> int:
    from meetings.models import SprintGroup  # noqa: PLC0415

    return SprintGroup.objects.filter(board__meeting_id=world.theirs.kickoff).values_list("pk", flat=True).first()


# Our objects in the URL, one of theirs in the form: (name, URL, data, what our facilitator and the
# admin get: the form's error, or a message and nothing done; an admin shares no successes).
BODY_CASES = [
    (
        "plan our topic into their meeting",
        slug_obj("topic_manage", "topic", "plan"),
        lambda w: {"meeting": w.theirs.other_meeting},
        404,
    ),
    (
        "merge our topic into theirs",
        slug_obj("topic_manage", "topic", "merge"),
        lambda w: {"into": w.theirs.topic},
        404,
    ),
    (
        "a pulse survey with their template",
        slug("survey_pulse"),
        lambda w: {"title": "Hoe gaat het?", "template": w.theirs.template, "days": 7, "form_key": "body"},
        400,
    ),
    (
        "their member ticked present at our meeting",
        meeting("meeting_attendance"),
        lambda w: {"present": w.theirs.people["intern"]},
        302,
    ),
    (
        "their mentor paired with our intern",
        person("mentor_edit"),
        lambda w: {"mentor": w.theirs.people["mentor"]},
        302,
    ),
    (
        "their cards as our sprint's outcome",
        meeting("sprint_outcome", "closed_kickoff"),
        lambda w: {"to": "topics", "cards": [w.theirs.closed_card]},
        302,
    ),
    (
        "our seat put in their group",
        lambda s, o: reverse("sprint_seat_move", args=[o.kickoff, o.seat]),
        lambda w: {f"seat-{w.ours.seat}-group": _theirs_group(w)},
        302,
    ),
    (
        "a success about their member",
        slug("success_share"),
        lambda w: {
            "title": "Gelukt",
            "story": "Zelf.",
            "kind": "example",
            "value": "immediate",
            "about": w.theirs.people["intern"],
        },
        {"facilitator": 400, "admin": 403},
    ),
    (
        "a success from their meeting",
        slug("success_share"),
        lambda w: {
            "title": "Gelukt",
            "story": "Zelf.",
            "kind": "example",
            "value": "immediate",
            "meeting": w.theirs.meeting,
        },
        {"facilitator": 400, "admin": 403},
    ),
    (
        "a success from their topic",
        slug("success_share"),
        lambda w: {
            "title": "Gelukt",
            "story": "Zelf.",
            "kind": "example",
            "value": "immediate",
            "topic": w.theirs.topic,
        },
        {"facilitator": 400, "admin": 403},
    ),
    (
        "a meeting hosted by their member",
        slug("meeting_create"),
        lambda w: meeting_form(w.ours, w.ours) | {"host": w.theirs.people["colleague"]},
        400,
    ),
    (
        "a meeting on their topic",
        slug("meeting_create"),
        lambda w: meeting_form(w.ours, w.ours) | {"from_topic": w.theirs.topic},
        400,
    ),
    (
        "our meeting given their host",
        meeting("meeting_edit"),
        lambda w: meeting_form(w.ours, w.ours) | {"host": w.theirs.people["colleague"]},
        400,
    ),
]


@pytest.mark.parametrize("visitor", ["facilitator", "admin"])
@pytest.mark.parametrize(("label", "url", "data", "status"), BODY_CASES, ids=[case[0] for case in BODY_CASES])
def test_their_objects_in_a_form_of_ours_are_refused(client, world, label, url, data, status, visitor):
    sign_in(client, world, visitor)
    target = url(world.ours, world.ours)
    before = writes()
    response = client.post(target, data(world))
    assert response.status_code == (status if isinstance(status, int) else status[visitor])
    assert not written(before, writes())
    assert MARKER not in text(response)


@pytest.mark.parametrize(
    ("visitor", "free_text", "names"),
    [("facilitator", True, True), ("manager", False, False), ("admin", False, True)],
)
def test_survey_results_show_free_text_to_the_facilitator_and_names_to_who_runs_surveys(
    client, world, visitor, free_text, names
):
    """READ_FREE_TEXT: what someone wrote is for the community's facilitators only; who has not
    answered yet (the waiting list) for those who run surveys (RUN_SURVEYS); a manager gets
    aggregates only."""
    sign_in(client, world, visitor)
    page = client.get(reverse("survey_results", args=["ours", world.ours.survey])).text
    assert ("Goed uitgelegd" in page) == free_text
    assert ("Lid intern" in page) == names


# The rules whose URL is a page of a community: /communities/<slug>/… (built by these helpers).
SLUGGED = [case for case in CASES if case.url.__qualname__.startswith(("slug", "person", "question"))]


@pytest.mark.parametrize("case", SLUGGED, ids=ids(SLUGGED))
def test_an_inactive_community_is_not_found_by_anyone(client, world, case):
    """A community switched off in the admin is gone from every page of it, for its facilitator
    and the admin too (its outbox was still there)."""
    Community.objects.filter(pk=world.ours.community).update(active=False)
    for visitor in ("facilitator", "admin"):
        response, wrote = send(
            client, world, visitor, case, case.url(world.ours, world.ours), slug_side="ours", object_side="ours"
        )
        assert (visitor, response.status_code) == (visitor, 404)
        assert not wrote
