import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, verbosity=0)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_facilitator_logs_in_sees_dutch_switches_to_english_and_logs_out(demo, visit, shoot, assert_accessible, width):
    page = visit("/", width=width)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij Gilde")
    assert_accessible(page)
    shoot(page, f"login-nl-{width}")

    page.get_by_label("E-mailadres").fill("facilitator@gilde.demo")
    page.get_by_label("Wachtwoord").fill("gilde-demo")
    page.get_by_role("button", name="Inloggen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Fenna")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", name="Als facilitator")).to_be_visible()
    expect(page.get_by_text("Autotechniek — elektrische aandrijflijnen")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"home-nl-{width}")

    page.get_by_role("button", name="EN English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Fenna")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="As facilitator")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"home-en-{width}")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Gilde")
    page.goto(page.url.replace("/accounts/login/", "/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_keyboard_user_can_skip_to_content_and_reach_the_form(demo, visit):
    page = visit("/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
