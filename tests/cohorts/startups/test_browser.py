"""In chromium: a founder applies to the open cohort through the public form; a manager opens the cohort board."""
import pytest

from tests.browser import screenshot
from totem.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_a_founder_applies_without_an_account(page):
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
    screenshot(page, "apply")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/thanks")
    assert "Merci" in page.locator("h1").inner_text()
    assert "Votre candidature est envoyée." in page.locator(".flash").inner_text()


def test_a_manager_sees_the_start_ups_by_track_on_the_board(page):
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
    screenshot(page, "cohort-board")
    page.click(".startup-card >> text=OceanWatt")
    assert "OceanWatt" in page.locator("h1").inner_text()
