"""Playwright on Debian's chromium. Tests here get `browser`, a `visit` helper that opens a page at
phone or desktop width, `shoot` for screenshots (test-artifacts/screenshots/, git-ignored) and
`assert_accessible` (axe-core from node_modules, no violations allowed)."""

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect, sync_playwright

from cop.celery import app as celery_app
from tests.conftest import ROOT

# Playwright's sync API keeps an event loop in this thread; Django's ORM calls from the test body
# (setting up data) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"phone": (360, 780), "desktop": (1280, 860)}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install chromium (.ci/run does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def visit(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    contexts = []

    def open_page(path: str = "/", *, width: str = "desktop", locale: str = "nl-NL") -> Page:
        w, h = WIDTHS[width]
        # bypass_csp only lets the test inject axe-core; the app's own pages are checked for
        # inline script and style by the server-side tests.
        context = browser.new_context(viewport={"width": w, "height": h}, locale=locale, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def shoot() -> Callable[[Page, str], Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def assert_accessible() -> Callable[[Page], None]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci (make test does).")
    source = AXE.read_text()

    def check(page: Page) -> None:
        page.add_script_tag(content=source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        violations = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        assert violations == [], f"axe on {page.url}:\n{json.dumps(violations, indent=2)}"

    return check


@pytest.fixture
def demo() -> Iterator[None]:
    """The demo organisation, with notifications delivered in-process as in `make run`."""
    celery_app.conf.task_always_eager = True
    call_command("seed_demo", force=True, verbosity=0)
    yield
    celery_app.conf.task_always_eager = False


def log_in(page: Page, email: str, *, expect_heading: str = "Welkom") -> None:
    """Logs in on the login page the browser is on, with the demo password."""
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill("gilde-demo")
    page.locator("form.form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(expect_heading)
