"""In chromium: a founder updates a milestone, sends the month's figures and edits the start-up's profile."""
import re
from datetime import date

import pytest
from babel.dates import format_date

from tests.browser import screenshot
from totem.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _log_in_as_hugo(page) -> None:
    page.goto("/login")
    page.fill("input[name=email]", "hugo@kelpstudio.fr")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")
    page.goto("/startups")  # a member of one start-up lands on its page
    page.wait_for_url("**/startups/*")


def _milestones_done(page) -> tuple[int, int]:
    """The start-up page's "3 sur 4 faits": how far the demo's milestones are depends on the day it was loaded."""
    done, total = re.search(r"(\d+) sur (\d+) faits", page.locator("main").inner_text()).groups()
    return int(done), int(total)


def test_a_founder_updates_a_milestone_and_sends_the_months_figures(page):
    _log_in_as_hugo(page)
    assert page.locator("h1").inner_text() == "Kelp Studio"
    done, total = _milestones_done(page)
    screenshot(page, "startup-member")
    page.click("text=Mettre à jour les jalons")
    page.wait_for_url("**/milestones")
    row = page.locator("tr", has_text="Pitch du demo day")
    row.locator("select[name=status]").select_option(label="Fait")
    row.locator("input[name=note]").fill("Répété devant l'équipe mardi")
    row.locator("button[type=submit]").click()
    page.wait_for_url("**/milestones")
    assert "Jalon Pitch du demo day mis à jour." in page.locator(".flash").inner_text()
    row = page.locator("tr", has_text="Pitch du demo day")
    assert row.locator("select[name=status]").input_value() == "done"
    assert row.locator("input[name=note]").input_value() == "Répété devant l'équipe mardi"
    screenshot(page, "milestones-member")

    page.click("nav.crumbs >> text=Kelp Studio")
    assert _milestones_done(page) == (done + 1, total)
    page.click("text=Envoyer les chiffres du mois")
    page.wait_for_url("**/kpis")
    month = page.locator("#f-month").input_value()
    page.fill("#f-headcount", "6")
    page.fill("#f-customers", "11")
    page.fill("#f-revenue_eur", "9600")
    page.fill("#f-funds_raised_eur", "0")
    page.fill("#f-notes", "Deux boutiques de musée")
    screenshot(page, "kpis-form")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/kpis")
    assert page.locator(".flash").inner_text().startswith(f"Chiffres de {month} enregistrés.")
    first = page.locator("tbody tr").first
    # The table names the month in the reader's language ("décembre 2026"), the flash by its ISO form.
    year, number = (int(part) for part in month.split("-"))
    assert first.locator("td").first.inner_text() == format_date(date(year, number, 1), "LLLL y", locale="fr")
    assert "9600" in re.sub(r"\s", "", first.inner_text()) and "Deux boutiques de musée" in first.inner_text()
    screenshot(page, "kpis-sent")


def test_a_founder_edits_the_startups_profile(page):
    _log_in_as_hugo(page)
    page.click("text=Modifier le profil")
    page.wait_for_url("**/profile")
    page.fill("#f-sector", "Design biosourcé")
    page.fill("#f-website", "pas un site")
    page.fill("#f-team_size", "8")
    page.click("button[type=submit].primary")
    error = page.locator("#e-website")
    assert "adresse du site" in error.inner_text()
    assert page.locator("#f-sector").input_value() == "Design biosourcé"  # what was typed is kept
    screenshot(page, "profile-error")
    page.fill("#f-website", "kelp-studio.example")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/startups/*")
    assert "Le profil de Kelp Studio est enregistré." in page.locator(".flash").inner_text()
    profile = page.locator("section.card", has_text="Profil").first
    # The team shown is the monthly figures' headcount (one source for the figure), said beside it.
    assert "Design biosourcé" in profile.inner_text() and "effectif des chiffres mensuels" in profile.inner_text()
    assert "https://kelp-studio.example" in profile.inner_text()
    screenshot(page, "profile-saved")
