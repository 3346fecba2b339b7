"""The manager's dashboard in a real browser: open it from the home page, filter one community,
read its health check, download a table as CSV; axe in Dutch and English, phone and desktop."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

COMMUNITY = "Projectmanagement & werkvoorbereiding"  # the demo's community that fell quiet


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_manager_filters_a_community_reads_its_health_check_and_exports_it(
    demo, visit, shoot, assert_accessible, width
):
    page = visit("/accounts/login/", width=width)
    log_in(page, "manager@gilde.demo")
    page.get_by_role("link", name="Open het dashboard").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Dashboard")
    expect(page.locator("#health tbody tr")).to_have_count(4)  # one row per community
    expect(page.get_by_role("link", name="Bijeenkomsten gehouden")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"dashboard-organisation-nl-{width}")

    page.get_by_label("Community:", exact=True).select_option(label=COMMUNITY)
    page.get_by_label("Periode:", exact=True).select_option(label="6 maanden")
    page.get_by_role("button", name="Tonen").click()
    expect(heading).to_have_text(f"Dashboard · {COMMUNITY}")
    points = page.locator("#health .health__point")
    expect(points).to_have_count(5)
    expect(points.nth(2)).to_contain_text("rood")
    expect(points.nth(2)).to_contain_text("Geen bijeenkomst gepland in de komende 45 dagen.")
    expect(points.nth(3)).to_contain_text("Geen facilitator.")
    expect(points.nth(3).get_by_role("link", name="De successen")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"dashboard-community-nl-{width}")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download „Gezondheidscheck” als CSV").click()
    assert download.value.suggested_filename == "projectmanagement-health.csv"
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Community,Punt,Kleur,Waarop gebaseerd,Suggestie"
    assert [line.split(",")[1:3] for line in lines[1:]] == [
        ["Domein", "oranje"],
        ["Community", "rood"],
        ["Activiteiten", "rood"],
        ["Ondersteuning", "rood"],
        ["Flexibiliteit", "oranje"],
    ]

    page.get_by_role("button", name="EN English").click()
    expect(heading).to_have_text(f"Dashboard · {COMMUNITY}")
    expect(page.get_by_role("heading", name="Health check")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"dashboard-community-en-{width}")
