import re

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

import cop.views
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


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


ACCOUNT_PAGES = {
    "login-code": "/accounts/login/code/",
    "password-reset": "/accounts/password/reset/",
    "signup-closed": "/accounts/signup/",
}
SIGNED_IN_PAGES = {
    "account-email": "/accounts/email/",
    "account-password": "/accounts/password/change/",
}


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_account_pages_are_accessible_in_both_languages(demo, live_server, visit, shoot, assert_accessible, locale):
    language = locale[:2]
    for name, path in ACCOUNT_PAGES.items():
        page = visit(path, width="phone", locale=locale)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)
        shoot(page, f"{name}-{language}-phone")

    page = visit("/accounts/login/", locale=locale)
    log_in(page, "facilitator@gilde.demo", expect_heading="Fenna")
    # The person's saved language (Dutch) wins over the browser's from now on.
    for name, path in SIGNED_IN_PAGES.items():
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        assert_accessible(page)
        shoot(page, f"{name}-nl-desktop")


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize(("locale", "heading"), [("nl-NL", "Pagina niet gevonden"), ("en-GB", "Page not found")])
def test_an_error_page_is_ours_accessible_and_in_the_visitors_language(
    visit, shoot, assert_accessible, width, locale, heading
):
    page = visit("/nergens/", width=width, locale=locale)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("main a")).to_have_attribute("href", "/")
    assert_accessible(page)
    shoot(page, f"error-404-{locale[:2]}-{width}")


BACK_IN_A_MOMENT = {"nl": "Zo terug", "en": "Back in a moment"}


@pytest.mark.parametrize(("language", "other"), [("nl", "en"), ("en", "nl")])
def test_the_503_page_is_ours_at_phone_width_and_its_language_switch_works(
    live_server, visit, shoot, assert_accessible, monkeypatch, language, other
):
    user = UserFactory(language=language)
    page = visit("/accounts/login/", width="phone", locale={"nl": "nl-NL", "en": "en-GB"}[language])
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(cop.views, "roles_for", unreachable)  # the database "away" for the home page
    assert page.goto(f"{live_server.url}/").status == 503
    expect(page.get_by_role("heading", level=1)).to_have_text(BACK_IN_A_MOMENT[language])
    assert page.evaluate("document.documentElement.scrollWidth") == 360
    assert_accessible(page)
    shoot(page, f"error-503-{language}-phone")
    # It answered "The form has expired": the page had no CSRF token (cf2d122).
    page.locator(".language-switch").get_by_role("button", name=other.upper()).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BACK_IN_A_MOMENT[other])  # the same 503
