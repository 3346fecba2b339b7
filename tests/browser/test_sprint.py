"""The sprint board on two phones in the same group. The facilitator's part is driven through the
services here (its own screens have their own browser test)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from cop.models import Community
from meetings import sprint
from meetings.models import Meeting, SprintCard, SprintParticipant
from members.models import User
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

SOON = 2_000  # ms: the issue asks for two seconds; the board polls every second


def phone(browser, live_server, email: str) -> Page:
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/accounts/login/")
    log_in(page, email)
    return page


def column(page: Page, name: str):
    return page.get_by_role("region", name=name, exact=True)


def card(page: Page, text: str):
    """The card whose own text says `text` (a solution's also names its pitfall)."""
    return page.locator(".ps-card").filter(has=page.locator(".ps-card__text", has_text=text))


def test_two_phones_share_a_group_board_live(demo, browser, live_server, shoot, assert_accessible):
    community = Community.objects.get(name__startswith="Autotechniek")
    facilitator = User.objects.get(email="facilitator@gilde.demo")
    now = timezone.now()
    meeting = Meeting.objects.create(
        community=community,
        title="Aftrap nieuw seizoen",
        format="kickoff",
        status="published",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=1),
    )
    with translation.override("nl"):  # as the facilitator's Dutch page would: the rounds' titles
        board = sprint.sprint_create(meeting=meeting, by=facilitator)

    # Ann joins from the meeting page, Bob with the code, typed as it comes.
    ann = phone(browser, live_server, "intern@gilde.demo")
    ann.goto(live_server.url + f"/meetings/{meeting.pk}/")
    ann.get_by_role("link", name="Doe mee met de sprint").click()
    expect(ann.get_by_text("Je zit nog niet in een groep")).to_be_visible()
    assert_accessible(ann)
    shoot(ann, "sprint-no-group-nl-phone")
    bob = phone(browser, live_server, "colleague@gilde.demo")
    bob.goto(live_server.url + "/sprint/")
    assert_accessible(bob)
    shoot(bob, "sprint-join-nl-phone")
    bob.get_by_label("Code").fill(f"{board.code[:3].lower()} {board.code[3:].lower()}")
    bob.get_by_role("button", name="Meedoen").click()
    expect(bob).to_have_url(re.compile(rf"/meetings/{meeting.pk}/sprint/$"))

    # The facilitator makes the groups and starts: both pages follow by themselves.
    mentor = User.objects.get(email="mentor@gilde.demo")
    sprint.participant_join(board=board, user=mentor)
    sprint.groups_make(board=board, size=2)
    seats = {seat.user.email: seat for seat in SprintParticipant.objects.filter(board=board).select_related("user")}
    groups = list(board.groups.order_by("number"))
    sprint.participant_move(board=board, seat=seats["colleague@gilde.demo"], group=groups[0])
    sprint.participant_move(board=board, seat=seats["mentor@gilde.demo"], group=groups[1])
    sprint.round_next(board=board)
    for page in (ann, bob):
        expect(page.locator("#sprint-live")).to_contain_text("Ronde 1 van 4", timeout=SOON)
        expect(page.locator("#sprint-live")).to_contain_text("Groep 1")
        page.evaluate("window.notReloaded = true")

    # A card from one phone appears on the other, without a reload.
    column(ann, "Wat kan goed werken").get_by_label("Nieuw kaartje").fill("Samen lunchen op vrijdag")
    column(ann, "Wat kan goed werken").get_by_role("button", name="Toevoegen").click()
    expect(card(ann, "Samen lunchen op vrijdag")).to_be_visible()
    # The emptied form took the button's place: htmx puts the focus back on it, not on the page.
    expect(column(ann, "Wat kan goed werken").get_by_role("button", name="Toevoegen")).to_be_focused()
    expect(card(bob, "Samen lunchen op vrijdag")).to_be_visible(timeout=SOON)
    assert bob.evaluate("window.notReloaded") is True

    # Bob is typing when Ann's next card comes in: what he typed stays, and so does his focus.
    pitfall_text = column(bob, "Valkuilen en obstakels").get_by_label("Nieuw kaartje")
    pitfall_text.fill("Geen tijd naast het")
    column(ann, "Wat kan goed werken").get_by_label("Nieuw kaartje").fill("Een vaste plek in de kantine")
    column(ann, "Wat kan goed werken").get_by_role("button", name="Toevoegen").click()
    expect(card(bob, "Een vaste plek in de kantine")).to_be_visible(timeout=SOON)
    expect(pitfall_text).to_have_value("Geen tijd naast het")
    expect(pitfall_text).to_be_focused()
    pitfall_text.press_sequentially(" werk")
    column(bob, "Valkuilen en obstakels").get_by_role("button", name="Toevoegen").click()
    expect(card(bob, "Geen tijd naast het werk")).to_be_visible()
    expect(pitfall_text).to_have_value("")

    # A solution answering that pitfall.
    solutions = column(bob, "Oplossingen")
    solutions.get_by_label("Nieuw kaartje").fill("Eén vast uur per week in het rooster")
    solutions.get_by_label("Lost deze valkuil op").select_option(label="Geen tijd naast het werk")
    solutions.get_by_role("button", name="Toevoegen").click()
    expect(card(ann, "Eén vast uur per week")).to_contain_text("→ antwoord op: Geen tijd naast het werk", timeout=SOON)
    assert SprintCard.objects.get(text__startswith="Eén vast uur").answers.text == "Geen tijd naast het werk"
    assert_accessible(bob)
    shoot(bob, "sprint-board-nl-phone")

    # Ann edits and deletes her own cards; Bob's have no such buttons for her.
    expect(card(ann, "Geen tijd naast het werk").get_by_role("link", name=re.compile("^Bewerken"))).to_have_count(0)
    card(ann, "Samen lunchen op vrijdag").get_by_role("link", name=re.compile("^Bewerken")).click()
    assert_accessible(ann)
    shoot(ann, "sprint-card-edit-nl-phone")
    ann.get_by_label("Kaartje").fill("Samen lunchen op vrijdag, om de beurt koken")
    ann.get_by_role("button", name="Opslaan").click()
    expect(card(ann, "om de beurt koken")).to_be_visible()  # back on the board
    ann.evaluate("window.notReloaded = true")
    expect(card(bob, "om de beurt koken")).to_be_visible(timeout=SOON)
    card(ann, "Een vaste plek in de kantine").get_by_role("button", name=re.compile("^Verwijderen")).click()
    expect(card(ann, "Een vaste plek in de kantine")).to_have_count(0)
    expect(card(bob, "Een vaste plek in de kantine")).to_have_count(0, timeout=SOON)

    # Bob's phone loses its connection for a while; the board keeps trying and catches up.
    bob.context.set_offline(True)
    column(ann, "Valkuilen en obstakels").get_by_label("Nieuw kaartje").fill("Te veel lawaai in de werkplaats")
    column(ann, "Valkuilen en obstakels").get_by_role("button", name="Toevoegen").click()
    expect(card(ann, "Te veel lawaai in de werkplaats")).to_be_visible()
    bob.wait_for_timeout(4_500)  # two polls lost
    expect(card(bob, "Te veel lawaai in de werkplaats")).to_have_count(0)
    bob.context.set_offline(False)
    expect(card(bob, "Te veel lawaai in de werkplaats")).to_be_visible(timeout=SOON)
    assert bob.evaluate("window.notReloaded") is True

    # The facilitator's screen, on the projector, moves the sprint on to the vote round.
    sprint.card_add(board=board, user=mentor, column="works", text="Elke maand een ander bedrijf bezoeken")
    screen = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL", bypass_csp=True).new_page()
    screen.set_default_timeout(10_000)
    screen.goto(live_server.url + "/accounts/login/")
    log_in(screen, "facilitator@gilde.demo")
    screen.goto(live_server.url + f"/meetings/{meeting.pk}/sprint/screen/")
    expect(screen.get_by_text(board.code, exact=True)).to_be_visible()
    for title in ("Valkuilen en obstakels", "Oplossingen", "Stemmen"):
        screen.get_by_role("button", name=f"Volgende ronde: {title}").click()
        expect(screen.locator("#sprint-live")).to_contain_text(title)
    expect(ann.locator("#sprint-live")).to_contain_text("Ronde 4 van 4", timeout=SOON)
    expect(ann.locator("#sprint-live")).to_contain_text("Nog 3 van de 3 stippen")
    dot = card(ann, "Geen tijd naast het werk").get_by_role("button", name=re.compile("^Stip op"))
    expect(dot).to_have_attribute("aria-pressed", "false")
    dot.click()
    expect(dot).to_have_attribute("aria-pressed", "true")
    expect(dot).to_contain_text("1")
    expect(ann.locator("#sprint-live")).to_contain_text("Nog 2 van de 3 stippen")
    expect(card(bob, "Geen tijd naast het werk").get_by_role("button", name=re.compile("^Stip op"))).to_contain_text(
        "1", timeout=SOON
    )
    # Revealed from the screen: the other group's board, to vote on too, and every card up there.
    screen.get_by_role("button", name="Alle borden aan iedereen tonen").click()
    expect(screen.locator("#sprint-live")).to_contain_text("Geen tijd naast het werk")
    expect(ann.get_by_role("heading", name="Groep 2")).to_be_visible(timeout=SOON)
    expect(card(ann, "Elke maand een ander bedrijf bezoeken")).to_be_visible()
    assert ann.evaluate("window.notReloaded") is True
    assert bob.evaluate("window.notReloaded") is True
    assert_accessible(ann)
    shoot(ann, "sprint-vote-nl-phone")
    ann.set_viewport_size({"width": 1280, "height": 860})
    shoot(ann, "sprint-vote-nl-desktop")

    # In English, on the same board.
    bob.get_by_role("button", name=re.compile("^EN")).click()
    expect(bob.get_by_role("heading", level=1)).to_have_text("Kick-off sprint")
    expect(bob.locator("#sprint-live")).to_contain_text("Round 4 of 4")
    expect(bob.locator("#sprint-live")).to_contain_text("3 of 3 dots left")
    assert_accessible(bob)
    shoot(bob, "sprint-vote-en-phone")
    bob.set_viewport_size({"width": 1280, "height": 860})
    shoot(bob, "sprint-vote-en-desktop")

    # Bob's dot makes the pitfall the winner.
    bob_dot = card(bob, "Geen tijd naast het werk").get_by_role("button", name=re.compile("^Dot on"))
    bob_dot.click()
    expect(bob_dot).to_have_attribute("aria-pressed", "true")

    # Closed from the screen: the phones reload into the finished board with the summary link, and
    # the summary names the winner.
    screen.get_by_role("button", name="Sprint afsluiten").click()
    expect(ann.get_by_role("heading", name="De sprint is voorbij")).to_be_visible(timeout=SOON)
    expect(ann.get_by_role("link", name="Bekijk de samenvatting")).to_be_visible()
    assert_accessible(ann)
    shoot(ann, "sprint-closed-nl-desktop")
    screen.goto(live_server.url + f"/meetings/{meeting.pk}/sprint/summary/")
    winner = screen.locator(".sprint-column--pitfall .sprint-top__card").first
    expect(winner).to_contain_text("Geen tijd naast het werk")
    expect(winner).to_contain_text("2 stippen")
    assert_accessible(screen)
    shoot(screen, "sprint-summary-after-two-phones-nl-projector")
    for page in (ann, bob, screen):
        page.context.close()
