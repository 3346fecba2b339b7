import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.ladder import levels_compute
from members.models import Membership, User
from members.paths import path_months
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

COMMUNITY = "Autotechniek — elektrische aandrijflijnen"


@pytest.fixture
def levels(demo):
    """A year of rungs from the demo's meetings, answers, topics and successes, for members who
    joined Autotechniek over a year ago."""
    Membership.objects.filter(community__slug="autotechniek").update(joined_at=timezone.now() - timedelta(days=400))
    for month in path_months():
        levels_compute(month)


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_intern_opens_their_path_and_the_mentor_their_interns(
    levels, visit, shoot, assert_accessible, width, language
):
    User.objects.filter(email__in=["intern@gilde.demo", "mentor@gilde.demo"]).update(language=language)
    nl = language == "nl"
    welcome = "Welkom" if nl else "Welcome"
    own = "Jouw pad op de ladder" if nl else "Your path on the ladder"
    interns = "Jouw stagiairs op de ladder" if nl else "Your interns on the ladder"

    intern = visit("/accounts/login/", width=width, locale="nl-NL" if nl else "en-GB")
    log_in(intern, "intern@gilde.demo", expect_heading=welcome)
    intern.get_by_role("link", name=own).click()
    expect(intern.get_by_role("heading", level=1)).to_have_text(own)
    section = intern.locator("section.path", has=intern.get_by_role("heading", name=COMMUNITY))
    expect(section.get_by_role("img")).to_have_accessible_name(re.compile(COMMUNITY))
    expect(section.locator("table tbody tr")).to_have_count(12)
    expect(section.locator(".badge--rung")).to_be_visible()
    expect(intern.get_by_role("heading", name="De vijf treden" if nl else "The five rungs")).to_be_visible()
    shoot(intern, f"path-intern-{language}-{width}")
    assert_accessible(intern)

    mentor = visit("/accounts/login/", width=width, locale="nl-NL" if nl else "en-GB")
    log_in(mentor, "mentor@gilde.demo", expect_heading=welcome)
    shoot(mentor, f"path-mentor-home-{language}-{width}")
    mentor.get_by_role("link", name=("pad op de ladder" if nl else "path on the ladder") + " · Ilias Bakker").click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text(
        "Pad van Ilias Bakker" if nl else "Path of Ilias Bakker"
    )
    expect(mentor.locator("table tbody tr")).to_have_count(12)
    shoot(mentor, f"path-of-intern-{language}-{width}")
    assert_accessible(mentor)

    mentor.get_by_role("link", name="Start" if nl else "Home", exact=True).click()
    mentor.get_by_role("link", name=interns).click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text(interns)
    ilias = mentor.locator("section.path", has=mentor.get_by_role("link", name="Ilias Bakker"))
    expect(ilias).to_be_visible()
    ilias.get_by_text("De maanden als tabel" if nl else "The months as a table").click()
    expect(ilias.locator("table tbody tr")).to_have_count(12)
    shoot(mentor, f"path-interns-{language}-{width}")
    assert_accessible(mentor)
