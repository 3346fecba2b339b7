import re

import pytest
from playwright.sync_api import expect

from cop.models import NotificationPreference
from cop.notifications.tokens import unsubscribe_token
from members.models import User
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_facilitator_sees_what_went_out_to_the_community(demo, visit, shoot, assert_accessible, width):
    page = visit("/accounts/login/", width=width)
    log_in(page, "facilitator@gilde.demo")
    page.get_by_role("link", name="Verzonden berichten").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verzonden berichten")
    expect(page.get_by_text("intern@gilde.demo")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"outbox-nl-{width}")
    page.get_by_role("link", name=re.compile("^Mislukt")).click()
    expect(page.get_by_text("Hier staat nog niets.")).to_be_visible()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_intern_switches_reminders_off(demo, visit, shoot, assert_accessible, width):
    page = visit("/accounts/login/", width=width)
    log_in(page, "intern@gilde.demo")
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="E-mailkeuzes").click()
    assert_accessible(page)
    shoot(page, f"preferences-nl-{width}")
    page.get_by_label("Herinneringen").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Je e-mailkeuzes zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_label("Herinneringen")).not_to_be_checked()
    assert NotificationPreference.objects.get().category == "reminder"


def test_unsubscribe_from_an_email_link_without_logging_in(demo, visit, shoot, assert_accessible):
    intern = User.objects.get(email="intern@gilde.demo")
    token = unsubscribe_token(user_id=intern.pk, category="announcement")
    page = visit(f"/notifications/unsubscribe/{token}/", width="phone", locale="en-GB")
    assert_accessible(page)
    shoot(page, "unsubscribe-en-phone")
    page.get_by_role("button", name="Yes, unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribed")
    assert_accessible(page)
    assert NotificationPreference.objects.filter(user=intern, category="announcement", email=False).exists()


@pytest.fixture
def local_outbox(settings):
    settings.DEBUG = True
    settings.MAILERS = {"default": {"BACKEND": "cop.devmail.LocalOutboxBackend"}}


def test_local_outbox_shows_the_welcome_mail_as_sent(local_outbox, demo, visit, shoot, assert_accessible):
    page = visit("/dev/mail/", width="desktop")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Welkom in de community!")).first.click()
    expect(page.frame_locator("iframe.mail-frame").get_by_text("Welkom in de community!")).to_be_visible()
    assert_accessible(page)
    shoot(page, "local-outbox-message-nl-desktop")
