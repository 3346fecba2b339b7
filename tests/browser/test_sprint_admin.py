"""The facilitator runs a kick-off sprint: attaches a board, makes the groups and moves someone,
starts it on the projector screen (which catches up with the phones by itself), reveals the
boards, closes it, and turns the winning cards into shared learning goals; axe in Dutch and
English on every page, screenshots at 1280 px and on a 1920 by 1080 projector."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from meetings import sprint
from meetings.models import Attendance, Meeting, SprintBoard, SprintParticipant
from members.models import Membership
from tests.browser.conftest import SCREENSHOTS, log_in

pytestmark = pytest.mark.django_db(transaction=True)

CARDS = [
    ("works", "Elke maand een vast moment in de werkplaats"),
    ("works", "Oud en nieuw samen aan één auto"),
    ("pitfall", "Geen tijd door spoedklussen"),
    ("solution", "Bijeenkomst inplannen als werktijd"),
]


def projector(page: Page, name: str) -> None:
    """What the room sees: the viewport of a 1920 by 1080 beamer, not the whole scrolled page."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.set_viewport_size({"width": 1280, "height": 860})


def english(page: Page, assert_accessible, shoot=None, name: str = "") -> None:
    """The same page in English (the person's saved preference), checked by axe, then Dutch again.
    The projector and the printout have no language switch: it is switched on the home page."""
    here = page.url
    home = here.split("/", 3)
    home = f"{home[0]}//{home[2]}/"
    for language in ("EN", "NL"):
        if not page.locator(".language-switch").count():
            page.goto(home)
        page.locator(".language-switch").get_by_role("button", name=re.compile(language)).click()
        expect(page.locator("html")).to_have_attribute("lang", language.lower())
        if page.url != here:
            page.goto(here)
        if language == "EN":
            expect(page.locator("html")).to_have_attribute("lang", "en")
            assert_accessible(page)
            if shoot:
                shoot(page, name)


def test_facilitator_runs_a_kickoff_sprint_from_setup_to_summary(demo, live_server, visit, shoot, assert_accessible):
    meeting = Meeting.objects.create(
        community_id=Membership.objects.get(
            user__email="facilitator@gilde.demo", community__slug="autotechniek"
        ).community_id,
        title="Snelkooksprint: een nieuw seizoen",
        format="kickoff",
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(minutes=80),
        status="published",
        place="Kantine, hoofdgebouw",
    )
    room = [m.user for m in Membership.objects.current().filter(community=meeting.community).order_by("pk")[:7]]
    Attendance.objects.bulk_create(Attendance(meeting=meeting, user=user) for user in room)

    page = visit("/accounts/login/")
    log_in(page, "facilitator@gilde.demo")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(page.get_by_role("heading", name="Sprintbord")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sprintbord toevoegen").click()
    expect(page.get_by_text("Sprintbord toegevoegd.")).to_be_visible()
    board = SprintBoard.objects.get(meeting=meeting)

    # Set-up: groups of three from the seven who checked in; one moved by hand.
    page.get_by_label("Personen per groep").fill("3")
    page.get_by_role("button", name="Groepen maken").click()
    expect(page.get_by_text("Iedereen zit in een van 3 groepen.")).to_be_visible()
    moved = SprintParticipant.objects.filter(board=board, group__number=1).select_related("user").first()
    page.get_by_label(f"Groep voor {moved.user}").select_option(label="Groep 3")
    page.get_by_role("button", name=re.compile(rf"^Verplaatsen\W+{moved.user}$")).click()
    expect(page.get_by_text(f"{moved.user} zit nu in Groep 3.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/sprint/setup/"))  # htmx: no reload
    assert_accessible(page)
    shoot(page, "sprint-admin-setup-nl-desktop")
    english(page, assert_accessible, shoot, "sprint-admin-setup-en-desktop")

    # The projector: start the sprint; the phones' cards show up without a reload.
    page.get_by_role("link", name="Beamerscherm").click()
    expect(page.locator(".sprint-join__code")).to_have_text(board.code)
    expect(page.locator("svg.sprint-qr")).to_be_visible()
    page.get_by_role("button", name="Start de sprint: Wat werkt?").click()
    expect(page.locator(".sprint-timer")).to_have_text(re.compile(r"^Tijd over: [45]:\d\d$"))
    board.refresh_from_db()
    seats = SprintParticipant.objects.filter(board=board).select_related("group", "user")
    for number, user in {seat.group.number: seat.user for seat in seats}.items():
        answers = None
        for column, text in CARDS:
            card = sprint.card_add(board=board, user=user, column=column, text=f"{text} ({number})", answers_id=answers)
            answers = card.pk if column == "pitfall" else None
    first_group = page.locator(".sprint-progress tbody tr").first.locator("td")
    expect(first_group).to_have_text(["2", "2", "1", "1"], timeout=6000)  # polled, no reload
    assert_accessible(page)
    shoot(page, "sprint-admin-screen-nl-desktop")
    projector(page, "sprint-admin-screen-nl-projector")

    page.get_by_role("button", name="Alle borden aan iedereen tonen").click()
    expect(page.get_by_role("heading", name="Alle borden")).to_be_visible()
    for _round in range(3):
        page.get_by_role("button", name=re.compile("^Volgende ronde")).click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Ronde 4 van 4")
    board.refresh_from_db()
    winner = board.cards.get(text="Oud en nieuw samen aan één auto (2)")
    for seat in SprintParticipant.objects.filter(board=board).select_related("user")[:4]:
        sprint.dot_toggle(board=board, user=seat.user, card_id=winner.pk)
    expect(page.get_by_text("Oud en nieuw samen aan één auto (2) 4 stippen")).to_be_visible(timeout=6000)
    assert_accessible(page)
    projector(page, "sprint-admin-screen-vote-nl-projector")
    english(page, assert_accessible, shoot, "sprint-admin-screen-vote-en-desktop")

    # Close: the summary, the winner first; two cards become shared learning goals.
    page.get_by_role("button", name="Sprint afsluiten").click()
    expect(page.get_by_role("heading", name="Wat de sprint opleverde")).to_be_visible()
    first = page.locator("#top-works").locator("xpath=..").locator("li").first
    expect(first).to_contain_text("Oud en nieuw samen aan één auto (2)")
    expect(first).to_contain_text("4 stippen")
    assert_accessible(page)
    shoot(page, "sprint-admin-summary-nl-desktop")
    page.get_by_label("Oud en nieuw samen aan één auto (2)").check()
    page.get_by_label("Bijeenkomst inplannen als werktijd (1)").check()
    page.get_by_role("button", name="Naar de gedeelde leerdoelen").click()
    expect(page.get_by_text("2 leerdoelen toegevoegd aan de gedeelde leerdoelen.")).to_be_visible()
    english(page, assert_accessible, shoot, "sprint-admin-summary-en-desktop")
    page.get_by_role("link", name="Afdrukversie").click()
    expect(page.locator(".site-header")).to_have_count(0)
    assert_accessible(page)
    shoot(page, "sprint-admin-summary-print-nl")
    english(page, assert_accessible)
    page.emulate_media(media="print")
    shoot(page, "sprint-admin-summary-print-media-nl")
    page.emulate_media(media="screen")

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/sprint/summary/")
    page.get_by_label("Elke maand een vast moment in de werkplaats (2)").check()
    page.get_by_label("Oud en nieuw samen aan één auto (2)").check()
    page.get_by_role("button", name="Naar het concept-domein").click()
    expect(page.get_by_text("Het concept-domein bestaat uit 2 kaartjes")).to_be_visible()

    # The community page: the shared learning goals for all, the draft for the facilitator to adopt.
    page.get_by_role("link", name="Communitypagina").click()
    expect(page.get_by_role("heading", name="Gedeelde leerdoelen")).to_be_visible()
    expect(page.locator(".learning-goals li")).to_have_text(
        ["Oud en nieuw samen aan één auto (2)", "Bijeenkomst inplannen als werktijd (1)"]
    )
    page.get_by_role("link", name="In het bewerkformulier zetten").click()
    draft = "Elke maand een vast moment in de werkplaats (2)\nOud en nieuw samen aan één auto (2)"
    expect(page.get_by_label("Domeinbeschrijving")).to_have_value(draft)
    assert_accessible(page)
    shoot(page, "sprint-admin-community-draft-nl-desktop")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator("p.domain")).to_have_text(draft)
    expect(page.get_by_text("Concept uit de kick-off-sprint")).to_have_count(0)


def test_the_demo_sprints_summary_and_setup_on_a_phone(demo, live_server, visit, shoot, assert_accessible):
    board = SprintBoard.objects.get(meeting__community__slug="projectmanagement")
    page = visit("/accounts/login/", width="phone", locale="en-GB")
    log_in(page, "admin@gilde.demo", expect_heading="Welcome")
    page.goto(f"{live_server.url}/meetings/{board.meeting_id}/sprint/summary/")
    first = page.locator("#top-pitfall").locator("xpath=..").locator("li").first
    expect(first).to_contain_text("Eén trekker: valt die weg, dan stopt alles")
    expect(first).to_contain_text("4 dots")
    assert_accessible(page)
    shoot(page, "sprint-admin-summary-demo-en-phone")
    page.goto(f"{live_server.url}/meetings/{board.meeting_id}/sprint/setup/")
    expect(page.get_by_text("The rounds stay as they are once the sprint has started.")).to_be_visible()
    assert_accessible(page)
    shoot(page, "sprint-admin-setup-demo-en-phone")
    page.goto(f"{live_server.url}/meetings/{board.meeting_id}/sprint/screen/")
    expect(page.get_by_role("heading", name="The sprint is closed")).to_be_visible()
    assert_accessible(page)
    shoot(page, "sprint-admin-screen-demo-en-phone")
