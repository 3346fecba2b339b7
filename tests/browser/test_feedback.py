import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cop.models import Notification
from cop.notifications.render import render_email
from feedback.models import Survey
from feedback.services import response_submit, surveys_open_due
from meetings.models import Attendance, Meeting, Topic
from members.models import User
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_intern_answers_the_survey_from_the_email_on_a_phone(demo, live_server, visit, shoot, assert_accessible):
    intern = User.objects.get(email="intern@gilde.demo")
    start = timezone.now() - timedelta(hours=2)
    meeting = Meeting.objects.create(
        community=intern.memberships.get().community,
        title="Werken aan de hoogvoltaccu",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        status="published",
    )
    Attendance.objects.create(meeting=meeting, user=intern)
    others = list(
        User.objects.filter(memberships__community=meeting.community, memberships__role="intern").exclude(pk=intern.pk)[
            :2
        ]
    )
    for person in others:
        Attendance.objects.create(meeting=meeting, user=person)
    surveys_open_due()
    survey = Survey.objects.get(meeting=meeting)
    rating = survey.questions.get(type="rating")
    valuable = survey.questions.get(type="long")
    for number, text, person in zip((5, 3), ("Goede uitleg", "Veel geleerd"), others, strict=True):
        answers = {rating.pk: {"number": number}, valuable.pk: {"text": text}}
        response_submit(invite=survey.invites.get(user=person), answers=answers)
    # The link as the intern gets it: from the e-mail rendered from the outbox row.
    mail = render_email(Notification.objects.get(kind="survey.invitation", recipient=intern))
    link = re.search(r"http://\S+/s/\S+/", mail.body).group(0)
    page = visit(link.replace("http://127.0.0.1:8000", ""), width="phone")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werken aan de hoogvoltaccu")
    assert_accessible(page)
    shoot(page, "survey-nl-phone")
    page.get_by_text("4", exact=True).click()
    page.get_by_label("Wat vond je waardevol aan deze bijeenkomst?").fill("De demonstratie met de meetapparatuur")
    page.get_by_label("Welke onderwerpen zou je in de toekomst willen bespreken?").fill("Isolatiemeting")
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt!")
    assert_accessible(page)
    shoot(page, "survey-thanks-nl-phone")
    # The thank-you page is kept per process (cop.kept_pages): its language switch must carry this
    # visitor's own CSRF token and return to the survey, now in English, answers kept.
    page.get_by_role("button", name="EN English").click()
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(page.get_by_label("What did you find valuable about this meeting?")).to_have_value(
        "De demonstratie met de meetapparatuur"
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    assert_accessible(page)
    shoot(page, "survey-thanks-en-desktop")

    facilitator = visit("/accounts/login/", width="desktop")
    log_in(facilitator, "facilitator@gilde.demo")
    facilitator.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    facilitator.get_by_role("link", name="Resultaten van de enquête").click()
    expect(facilitator.get_by_text("3 van de 3 hebben geantwoord")).to_be_visible()
    expect(facilitator.get_by_text("gemiddeld 4,0")).to_be_visible()
    expect(facilitator.get_by_text("De demonstratie met de meetapparatuur")).to_be_visible()
    facilitator.get_by_text("De cijfers als tabel").first.click()
    expect(facilitator.get_by_role("row", name="4 1 33%")).to_be_visible()
    assert_accessible(facilitator)
    shoot(facilitator, "survey-results-nl-desktop")
    facilitator.set_viewport_size({"width": 360, "height": 780})
    shoot(facilitator, "survey-results-nl-phone")
    facilitator.goto(f"{live_server.url}/communities/{meeting.community.slug}/topics/")
    expect(facilitator.get_by_role("heading", name="Isolatiemeting")).to_be_visible()
    assert Topic.objects.get(title="Isolatiemeting").source == "survey"


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_survey_pages_for_facilitator_and_manager(demo, live_server, visit, shoot, assert_accessible, locale):
    """The demo's surveys, trend and pulse form: accessible, in both languages, phone and desktop."""
    language = locale[:2]
    for email in ("facilitator@gilde.demo", "manager@gilde.demo"):
        User.objects.filter(email=email).update(language=language)
    page = visit("/accounts/login/", width="desktop", locale=locale)
    log_in(page, "facilitator@gilde.demo", expect_heading="Welkom" if language == "nl" else "Welcome")
    for path, name in (
        ("/communities/autotechniek/surveys/", "surveys"),
        ("/communities/autotechniek/surveys/trend/", "survey-trend"),
    ):
        for width in ("desktop", "phone"):
            page.set_viewport_size({"width": 1280 if width == "desktop" else 360, "height": 900})
            page.goto(live_server.url + path)
            assert_accessible(page)
            shoot(page, f"{name}-{language}-{width}")
    pulse = Survey.objects.get(community__slug="autotechniek", kind="pulse")
    page.goto(f"{live_server.url}/communities/autotechniek/surveys/{pulse.pk}/")
    assert_accessible(page)
    shoot(page, f"survey-pulse-results-{language}-phone")

    manager = visit("/accounts/login/", width="phone", locale=locale)
    log_in(manager, "manager@gilde.demo", expect_heading="Welkom" if language == "nl" else "Welcome")
    manager.goto(f"{live_server.url}/communities/autotechniek/surveys/{pulse.pk}/")
    assert_accessible(manager)
    expect(manager.locator(".answers")).to_have_count(0)
    expect(
        manager.get_by_role("heading", name="Nog niet geantwoord" if language == "nl" else "Not answered yet")
    ).to_have_count(0)
