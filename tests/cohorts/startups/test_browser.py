"""In chromium: a founder applies to the open cohort through the public form; a manager opens the cohort board."""
import os
import shutil
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, live_server  # noqa: F401  (the demo served in a thread)
from totem.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """A browser for this module only: Playwright's sync API allows one at a time, and tests/e2e has its own."""
    if not shutil.which("chromium") and not os.path.exists(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is required under CI=true (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (only when a browser is there)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):  # type: ignore[no-untyped-def]  # noqa: F811
    context = chromium.new_context(base_url=live_server, viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


def _screenshot(page, name: str) -> None:  # noqa: F811
    if os.environ.get("TOTEM_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["TOTEM_SCREENSHOTS"], f"{name}.png"), full_page=True)


def test_a_founder_applies_without_an_account(page):  # noqa: F811
    page.goto("/apply")
    page.click("a.button.primary:has-text('Candidater')")
    page.wait_for_url("**/apply/*")
    assert "Candidater à Promo 2027" in page.locator("h1").inner_text()
    page.fill("#f-startup_name", "Méduse Tech")
    page.select_option("#f-country", "SN")
    page.select_option("#f-stage", "prototype")
    page.select_option("#f-track_id", label="Mer")
    page.fill("#f-pitch", "Prévenir les échouages de méduses sur les plages.")
    page.fill("#f-problem", "Les plages ferment sans prévenir.")
    page.fill("#f-founder_name", "Aminata Diallo")
    page.fill("#f-founder_email", "aminata@meduse.example")
    _screenshot(page, "apply")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/thanks")
    assert "Merci" in page.locator("h1").inner_text()
    assert "Votre candidature est envoyée." in page.locator(".flash").inner_text()


def test_a_manager_sees_the_start_ups_by_track_on_the_board(page):  # noqa: F811
    page.goto("/login")
    page.fill("input[name=email]", "lea.martin@cite-innovation.fr")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")
    page.goto("/programs")
    page.click("text=Promo 2026")
    columns = page.locator(".board-column")
    assert columns.count() == 3
    assert [columns.nth(i).locator("h3").inner_text().split("\n")[0] for i in range(3)] == [
        "Aménagement urbain", "Industries créatives", "Mer"]
    assert page.locator(".startup-card").count() == 20
    assert page.locator(".timeline li.is-current").inner_text().startswith("En cours")
    _screenshot(page, "cohort-board")
    page.click(".startup-card >> text=OceanWatt")
    assert "OceanWatt" in page.locator("h1").inner_text()
