import re

import pytest
from playwright.sync_api import expect

from cop.models import Notification
from members.models import Membership
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_facilitator_invites_two_people_and_one_accepts(
    demo, browser, live_server, visit, shoot, assert_accessible, width
):
    page = visit("/accounts/login/", width=width)
    log_in(page, "facilitator@gilde.demo")
    page.get_by_role("link", name="Autotechniek — elektrische aandrijflijnen").click()
    assert_accessible(page)
    shoot(page, f"community-nl-{width}")
    page.get_by_role("link", name="Mensen uitnodigen").click()
    assert_accessible(page)
    shoot(page, f"invitations-nl-{width}")
    page.get_by_label("E-mailadressen").fill("Mila Jansen <mila@example.org>\nomar@example.org\nintern@gilde.demo")
    page.get_by_role("button", name="Lijst controleren").click()
    expect(page.get_by_text("2 van 3 kunnen worden uitgenodigd.")).to_be_visible()
    expect(page.get_by_text("Al lid van deze community.")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"invitation-preview-nl-{width}")
    page.get_by_role("button", name="Stuur 2 uitnodigingen").click()
    expect(page.get_by_text("2 uitnodigingen verstuurd.")).to_be_visible()
    expect(page.get_by_role("button", name="Intrekken mila@example.org")).to_be_visible()

    mail = Notification.objects.get(kind="invitation", to_email="mila@example.org")
    assert mail.status == "sent"
    accept_url = mail.context["accept_url"].replace("http://127.0.0.1:8000", live_server.url)

    invitee = browser.new_context(viewport={"width": 360, "height": 780}, locale="nl-NL", bypass_csp=True).new_page()
    invitee.goto(accept_url)
    expect(invitee.get_by_role("heading", level=1)).to_have_text(
        "Word lid van Autotechniek — elektrische aandrijflijnen"
    )
    assert_accessible(invitee)
    shoot(invitee, f"invitation-accept-nl-{width}")
    invitee.locator("#id_password1").fill("Stage-in-de-werkplaats-2026")
    invitee.locator("#id_password2").fill("Stage-in-de-werkplaats-2026")
    invitee.get_by_role("button", name="Uitnodiging accepteren").click()
    expect(invitee).to_have_url(re.compile(r"/$"))
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Welkom, Mila")
    expect(invitee.get_by_role("heading", name="Als stagiair")).to_be_visible()
    assert Membership.objects.get(user__email="mila@example.org").role == "intern"
    invitee.context.close()


def test_directory_search_narrows_the_list_as_you_type(demo, visit, shoot, assert_accessible):
    page = visit("/accounts/login/", width="phone")
    log_in(page, "mentor@gilde.demo")
    page.get_by_role("link", name="Autotechniek — elektrische aandrijflijnen").click()
    page.get_by_role("link", name="Leden").click()
    expect(page.get_by_text("13 leden")).to_be_visible()
    page.get_by_label("Zoeken").fill("ilias")
    expect(page.get_by_text("1 lid", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=ilias"))
    assert_accessible(page)
    shoot(page, "directory-nl-phone")
    page.get_by_role("link", name="Ilias Bakker").click()
    expect(page.get_by_role("heading", name="Leerdoelen")).to_be_visible()
    assert_accessible(page)
    shoot(page, "profile-nl-phone")


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_my_data_page_and_the_community_page_in_both_languages(
    demo, live_server, visit, shoot, assert_accessible, locale
):
    language = locale[:2]
    User = Membership._meta.get_field("user").related_model  # noqa: N806
    User.objects.filter(email="colleague@gilde.demo").update(language=language)
    page = visit("/accounts/login/", width="phone", locale=locale)
    log_in(page, "colleague@gilde.demo", expect_heading="Carla")
    expect(page.locator("html")).to_have_attribute("lang", language)
    for name, path in [("my-data", "/account/data/"), ("community", "/communities/bouw-metselen/")]:
        page.goto(live_server.url + path)
        assert_accessible(page)
        shoot(page, f"{name}-{language}-phone")
