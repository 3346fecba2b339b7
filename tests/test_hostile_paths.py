"""Every URL of Gilde with hostile path segments: a token or code with a NUL or other control
characters, markup, very long text; an id past 64 bits; a slug nobody has. Whatever the path,
GET and POST answer without a 500 (the test client raises it) for someone allowed nearly
everywhere: an admin who facilitates the community the ids belong to (tests/hostile.py)."""

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings import sprint
from meetings.models import Topic
from members.models import Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory
from tests.feedback.helpers import survey_with
from tests.hostile import HOSTILE, SCALE, SCRIPT, assert_escaped, nasty_text, rolled_back

pytestmark = pytest.mark.django_db

SEGMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes(patterns, prefix: str = "") -> list[str]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append(prefix + str(pattern.pattern))
    return found


# The Django admin and allauth are their own; everything else of Gilde's with a segment to fill.
ROUTES = sorted(
    route
    for route in _routes(get_resolver().url_patterns)
    if SEGMENT.search(route) and not route.startswith(("admin/", "accounts/"))
)


@pytest.fixture
def world(client):
    """An admin facilitating a community with one of everything, whose ids the paths may hit."""
    community = CommunityFactory(slug="autotechniek")
    admin = MembershipFactory(community=community, role=Role.FACILITATOR, user__is_staff=True).user
    meeting = MeetingFactory(community=community)
    sprint.sprint_create(meeting=meeting, by=admin)
    Topic.objects.create(community=community, title="Remmen")
    survey_with(community)
    client.force_login(admin)
    return {"slug": community.slug, "ids": [meeting.pk, admin.pk, 1]}


text_segment = st.one_of(
    nasty_text,
    st.sampled_from(["\x00", "a\x00b", "\u202e", "\x85", "%00", SCRIPT, "up", "down", "publish", "next", "kudos"]),
)


@st.composite
def paths(draw, slug: str, ids: list[int]) -> str:
    route = draw(st.sampled_from(ROUTES))

    def fill(match: re.Match) -> str:
        converter = match.group(1) or "str"
        if converter == "int":
            return str(draw(st.one_of(st.sampled_from(ids), st.sampled_from([0, 2**31, 2**63 + 5, 10**30]))))
        if converter == "slug":
            return draw(st.sampled_from([slug, "nobody-here", "members", "a" * 300]))
        # A path segment holds no slash (another route would answer); everything else, encoded.
        return quote(draw(text_segment).replace("/", ""), safe="") or "x"

    return "/" + SEGMENT.sub(fill, route)


@settings(HOSTILE, max_examples=40 * SCALE)
@given(data=st.data(), post=st.booleans())
def test_no_path_makes_gilde_fail(client, world, data, post):
    path = data.draw(paths(world["slug"], world["ids"]), label="path")
    with rolled_back():
        response = client.post(path) if post else client.get(path)
        assert response.status_code < 500
        if response.get("Content-Type", "").startswith("text/html"):
            assert_escaped(response.content.decode())


@pytest.mark.parametrize(
    "path",
    ["/calendar/%00.ics", "/invitations/%00/", "/s/%00/", "/sprint/%00/", "/notifications/unsubscribe/%00/"],
)
def test_a_nul_in_a_personal_link_is_an_unknown_link(client, world, path):
    assert client.get(path).status_code in {404, 410}
