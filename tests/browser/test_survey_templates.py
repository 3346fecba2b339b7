import re

import pytest
from playwright.sync_api import expect

from feedback.models import SurveyTemplate
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_facilitator_copies_the_default_and_adds_a_choice_question(
    demo, live_server, visit, shoot, assert_accessible, width
):
    # Selectors by form and field rather than by text, so the test holds whatever the translations say.
    page = visit("/accounts/login/", width=width)
    log_in(page, "facilitator@gilde.demo")
    page.goto(f"{live_server.url}/communities/autotechniek/surveys/templates/")
    expect(page.get_by_text("Hoe waardevol was deze bijeenkomst?")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"survey-templates-{width}")

    page.locator("form[action$='/copy/'] button").first.click()  # the default's comes first
    expect(page).to_have_url(re.compile(r"/surveys/templates/\d+/$"))
    copy = SurveyTemplate.objects.filter(community__slug="autotechniek").latest("pk")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Na de bijeenkomst (")
    assert page.url.endswith(f"/surveys/templates/{copy.pk}/")
    expect(page.locator(".question-item")).to_have_count(3)

    page.locator("#id_type").select_option("single")
    page.locator("#id_text").fill("Welke dag past jou het best?")
    page.locator("#id_choices").fill("Dinsdag\nDonderdag\n")
    page.locator("#id_required").check()
    page.locator("form[action*='/questions/#'] button[type=submit]").click()

    added = page.locator(".question-item").last
    expect(added).to_contain_text("Welke dag past jou het best?")
    expect(added.locator(".question-item__choices li")).to_have_text(["Dinsdag", "Donderdag"])
    assert list(copy.questions.values_list("position", "type", "choices", "required"))[-1] == (
        3,
        "single",
        ["Dinsdag", "Donderdag"],
        True,
    )
    assert_accessible(page)
    shoot(page, f"survey-template-edit-{width}")

    # Moving up swaps the list in place (htmx) and keeps focus on the button.
    added.locator("button[id^='move-up-']").click()
    expect(page.locator(".question-item").nth(2)).to_contain_text("Welke dag past jou het best?")
    expect(page.locator(".question-item").nth(2).locator("button[id^='move-up-']")).to_be_focused()


def test_a_refused_question_comes_back_at_its_error_on_a_phone(demo, live_server, visit, shoot, assert_accessible):
    """It came back at the top of the page, the reason 1,200 px further down; and the language
    switch there went to the address the form was posted to, which takes only posts (a 405)."""
    page = visit("/accounts/login/", width="phone")
    log_in(page, "facilitator@gilde.demo")
    page.goto(f"{live_server.url}/communities/autotechniek/surveys/templates/")
    page.locator("form[action$='/copy/'] button").first.click()
    edit = page.url
    page.locator("#id_type").select_option("single")
    page.locator("#id_text").fill("Welke dag past jou het best?")
    page.locator("form[action*='/questions/#'] button[type=submit]").click()
    expect(page.locator("#id_choices_error")).to_have_text("Geef minstens twee verschillende keuzes, één per regel.")
    expect(page.locator("#id_choices_error")).to_be_in_viewport()
    expect(page.locator("#id_text")).to_have_value("Welke dag past jou het best?")
    assert page.evaluate("document.documentElement.scrollWidth") == 360
    assert_accessible(page)
    shoot(page, "survey-template-question-refused-nl-phone")
    page.locator(".language-switch").get_by_role("button", name="EN").click()
    expect(page).to_have_url(edit)
    expect(page.get_by_role("heading", name="Add a question")).to_be_visible()
