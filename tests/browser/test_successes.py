import re

import pytest
from playwright.sync_api import expect

from cop.models import Kudos, Notification, Success
from members.models import User
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

COMMUNITY = "Autotechniek — elektrische aandrijflijnen"
WALL = "/communities/autotechniek/successes/"
TITLE = "Zelf een hoogvoltaccu spanningsloos gemaakt"


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_an_intern_shares_a_colleague_gives_kudos_the_facilitator_features_it(
    demo, live_server, visit, shoot, assert_accessible, width
):
    phone = visit("/accounts/login/", width="phone")
    log_in(phone, "intern@gilde.demo")
    phone.get_by_role("link", name=COMMUNITY).click()
    phone.get_by_role("link", name="Successen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Successen")
    phone.get_by_text("Deel een succes").click()
    phone.get_by_label("Titel").fill(TITLE)
    phone.get_by_label("Het verhaal").fill(
        "Met de checklist uit de bijeenkomst over veilig werken, en Marco ernaast. Elke stap klopte."
    )
    phone.get_by_label("Mijlpaal van een stagiair").check()
    phone.get_by_label("Toegepaste waarde").check()
    expect(phone.get_by_label("Toegepaste waarde")).to_have_accessible_description("Het veranderde hoe iemand werkt.")
    phone.get_by_label("Over een collega (niet verplicht)").select_option(label="Marco Jansen")
    assert_accessible(phone)
    shoot(phone, f"successes-share-form-nl-phone-{width}")
    phone.get_by_role("button", name="Delen", exact=True).click()
    expect(phone.get_by_text("Bedankt voor het delen! Je community hoort ervan.")).to_be_visible()
    card = phone.locator(".success", has_text=TITLE)
    expect(card).to_contain_text("over Marco Jansen")
    expect(card).to_contain_text("Toegepaste waarde")
    expect(card.locator(".kudos--static")).to_have_text(re.compile(r"0 kudos"))  # not on one's own
    assert_accessible(phone)
    shoot(phone, f"successes-shared-nl-phone-{width}")
    success = Success.objects.get(title=TITLE)
    told = set(
        Notification.objects.filter(kind="success.shared", channel="email").values_list("recipient__email", flat=True)
    )
    assert "mentor@gilde.demo" in told
    assert "colleague@gilde.demo" in told
    assert "intern@gilde.demo" not in told

    colleague = visit("/accounts/login/", width=width)
    log_in(colleague, "colleague@gilde.demo")
    colleague.goto(live_server.url + WALL)
    colleague.evaluate("window.sameDocument = true")
    kudos = colleague.get_by_role("button", name=re.compile(rf"Kudos 0 · {TITLE}"))
    expect(kudos).to_have_attribute("aria-pressed", "false")
    kudos.click()
    given = colleague.get_by_role("button", name=re.compile(rf"Kudos 1 · {TITLE}"))
    expect(given).to_have_attribute("aria-pressed", "true")
    expect(given).to_be_focused()  # htmx kept focus on the swapped button
    assert colleague.evaluate("window.sameDocument") is True  # no reload
    assert Kudos.objects.filter(success=success, user__email="colleague@gilde.demo").count() == 1
    assert_accessible(colleague)
    shoot(colleague, f"successes-kudos-nl-{width}")

    facilitator = visit("/accounts/login/", width=width)
    log_in(facilitator, "facilitator@gilde.demo")
    facilitator.goto(live_server.url + WALL)
    facilitator.get_by_role("button", name=f"Uitlichten · {TITLE}").click()
    expect(facilitator.get_by_text("Uitgelicht: het staat nu bovenaan de successenmuur.")).to_be_visible()
    first = facilitator.locator(".success").first
    expect(first).to_contain_text(TITLE)
    expect(first).to_contain_text("Uitgelicht")
    expect(first.locator(".kudos--static, .kudos__count").first).to_contain_text("1")
    assert_accessible(facilitator)
    shoot(facilitator, f"successes-featured-nl-{width}")
    success.refresh_from_db()
    assert success.featured is True


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_the_wall_and_form_are_accessible_in_both_languages(demo, live_server, visit, shoot, assert_accessible, locale):
    """The facilitator sees everything the wall has (form, kudos, moderation, a hidden story) and a
    form sent back with a message."""
    language = locale[:2]
    User.objects.filter(email="facilitator@gilde.demo").update(language=language)
    hidden = Success.objects.filter(community__slug="autotechniek", featured=False).first()
    hidden.hidden_at = hidden.created_at
    hidden.save(update_fields=["hidden_at"])
    page = visit("/accounts/login/", width="desktop", locale=locale)
    log_in(page, "facilitator@gilde.demo", expect_heading="Welkom" if language == "nl" else "Welcome")
    for width, size in (("desktop", (1280, 900)), ("phone", (360, 780))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.goto(live_server.url + WALL)
        expect(page.locator(".success--hidden")).to_have_count(1)
        assert_accessible(page)
        shoot(page, f"successes-wall-{language}-{width}")
    page.get_by_text("Deel een succes" if language == "nl" else "Share a success").click()
    page.get_by_label("Titel" if language == "nl" else "Title").fill("   ")
    page.get_by_label("Het verhaal" if language == "nl" else "The story").fill("Een goed verhaal.")
    page.get_by_label("Verbeterd werkproces" if language == "nl" else "Process improvement").check()
    page.get_by_label("Directe waarde" if language == "nl" else "Immediate value").check()
    page.get_by_role("button", name="Delen" if language == "nl" else "Share", exact=True).click()
    expect(
        page.get_by_text("Geef het succes een titel." if language == "nl" else "Give the success a title.")
    ).to_be_visible()
    expect(page.get_by_label("Het verhaal" if language == "nl" else "The story")).to_have_value("Een goed verhaal.")
    expect(page.get_by_label("Directe waarde" if language == "nl" else "Immediate value")).to_be_checked()
    assert_accessible(page)
    shoot(page, f"successes-form-error-{language}-phone")
    page.goto(f"{live_server.url}{WALL}?value=realised")
    expect(page.locator(".success")).not_to_have_count(0)
    assert_accessible(page)
