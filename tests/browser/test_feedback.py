from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cop.models import Notification
from feedback.services import surveys_open_due
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
    surveys_open_due()
    link = Notification.objects.get(kind="survey.invitation", recipient=intern).context["link"]
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

    facilitator = visit("/accounts/login/", width="desktop")
    log_in(facilitator, "facilitator@gilde.demo")
    facilitator.goto(f"{live_server.url}/communities/{meeting.community.slug}/topics/")
    expect(facilitator.get_by_role("heading", name="Isolatiemeting")).to_be_visible()
    assert Topic.objects.get(title="Isolatiemeting").source == "survey"
