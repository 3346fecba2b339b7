import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting, Rsvp
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_facilitator_plans_and_publishes_and_an_intern_answers_on_a_phone(
    demo, browser, live_server, visit, shoot, assert_accessible, width
):
    page = visit("/accounts/login/", width=width)
    log_in(page, "facilitator@gilde.demo")
    page.get_by_role("link", name="Autotechniek — elektrische aandrijflijnen").click()
    page.get_by_role("link", name="Bijeenkomst plannen").click()
    assert_accessible(page)
    shoot(page, f"meeting-form-nl-{width}")
    day = timezone.localdate() + timedelta(days=10)
    page.get_by_label("Titel").fill("Diagnose aan de hoogvoltaccu")
    page.get_by_label("Thema:", exact=True).fill("Creatief problemen oplossen: tools en technieken")
    page.get_by_label("Begint").fill(f"{day:%Y-%m-%d}T16:00")
    page.get_by_label("Eindigt").fill(f"{day:%Y-%m-%d}T17:30")
    page.get_by_label("Plaats:", exact=True).fill("Werkplaats, hal 2")
    page.get_by_label("Aantal plaatsen").fill("1")
    page.get_by_role("button", name="Opslaan als concept").click()
    expect(page.get_by_text("concept: alleen planners zien dit")).to_be_visible()
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_text("Gepubliceerd: de leden zijn uitgenodigd.")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"meeting-published-nl-{width}")
    meeting = Meeting.objects.get(title="Diagnose aan de hoogvoltaccu")

    phone = browser.new_context(viewport={"width": 360, "height": 780}, locale="nl-NL", bypass_csp=True).new_page()
    phone.goto(live_server.url + "/accounts/login/")
    log_in(phone, "intern@gilde.demo")
    phone.get_by_role("link", name="Agenda").click()
    assert_accessible(phone)
    shoot(phone, f"agenda-nl-phone-{width}")
    phone.get_by_role("link", name="Diagnose aan de hoogvoltaccu").click()
    phone.get_by_role("button", name="Ik kom", exact=True).click()
    expect(phone.get_by_text("Je gaat.", exact=True)).to_be_visible()
    expect(phone.get_by_role("button", name="Ik kom", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(phone).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))  # htmx swapped the panel in place
    assert_accessible(phone)
    shoot(phone, f"meeting-rsvp-nl-phone-{width}")
    assert Rsvp.objects.get(meeting=meeting, user__email="intern@gilde.demo").response == "going"
    phone.context.close()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_facilitator_plans_from_a_backlog_topic_and_takes_attendance(demo, visit, shoot, assert_accessible, width):
    page = visit("/accounts/login/", width=width)
    log_in(page, "facilitator@gilde.demo")
    page.get_by_role("link", name="Autotechniek — elektrische aandrijflijnen").click()
    page.get_by_role("link", name="Onderwerpen").click()
    assert_accessible(page)
    shoot(page, f"topics-nl-{width}")
    page.get_by_role("link", name="Autotechniek — elektrische aandrijflijnen").click()
    page.get_by_role("link", name="Bijeenkomst plannen").click()
    page.get_by_label("Titel").fill("Werkplaatsoverleg")
    page.get_by_label("Thema uit de onderwerpenlijst").select_option(label="Werken met de diagnosecomputer")
    starts = timezone.localtime() + timedelta(minutes=30)
    page.get_by_label("Begint").fill(f"{starts:%Y-%m-%dT%H:%M}")
    page.get_by_label("Eindigt").fill(f"{starts + timedelta(hours=1):%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="Opslaan als concept").click()
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_text("Werken met de diagnosecomputer")).to_be_visible()
    page.get_by_role("link", name="Aanwezigheid bijhouden").click()
    expect(page.get_by_text("Aanmeldcode voor de zaal:")).to_be_visible()
    page.get_by_label("Zoeken").fill("ilias")
    expect(page).to_have_url(re.compile(r"q=ilias"))
    page.get_by_role("button", name=re.compile(r"^Aanwezig melden.*Ilias Bakker")).click()
    expect(page.get_by_role("button", name=re.compile(r"^Aanwezig\W+Ilias Bakker"))).to_have_attribute(
        "aria-pressed", "true"
    )
    assert_accessible(page)
    shoot(page, f"attendance-nl-{width}")
    meeting = Meeting.objects.get(title="Werkplaatsoverleg")
    assert list(meeting.attendance.values_list("user__email", flat=True)) == ["intern@gilde.demo"]


def test_cards_side_by_side_line_up_and_the_list_gap_alone_spaces_them(demo, visit):
    page = visit("/accounts/login/", width="desktop")
    log_in(page, "intern@gilde.demo")
    page.get_by_role("link", name="Agenda").click()
    past = page.locator(".meeting-list").nth(1).locator(":scope > li")
    boxes = [past.nth(number).bounding_box() for number in range(4)]
    # Three to a row at desktop width: the first row's tops alike (a margin on every card but the
    # first pushed the others down), and the fourth a gap (0.75rem) below the first row's tallest.
    assert boxes[1]["y"] == boxes[2]["y"] == boxes[0]["y"]
    assert boxes[3]["x"] == boxes[0]["x"]
    assert boxes[3]["y"] - max(box["y"] + box["height"] for box in boxes[:3]) == 12


def test_the_meeting_pages_buttons_stand_apart_from_the_cards_above_them(demo, live_server, visit):
    # A past meeting as its facilitator: the survey results button after the notes card, the
    # actions after the form card. Both sat against the card (0 and 0 px) before.
    page = visit("/accounts/login/", width="desktop")
    log_in(page, "facilitator@gilde.demo")
    meeting = Meeting.objects.filter(starts_at__lt=timezone.now(), notes__gt="").order_by("-starts_at").first()
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")

    def gap_below_card(locator: object) -> float:
        card = locator.locator("xpath=preceding-sibling::*[1]")
        assert "card" in card.get_attribute("class")
        return locator.bounding_box()["y"] - (card.bounding_box()["y"] + card.bounding_box()["height"])

    results = page.get_by_role("link", name="Resultaten van de enquête").locator("xpath=..")
    actions = page.locator("main .button-group").last
    assert gap_below_card(results) == 16
    assert gap_below_card(actions) == 16
