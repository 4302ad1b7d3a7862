"""In chromium, on the demo: a manager builds the speed-meeting timetable of the running cohort, pins a meeting,
solves again around it, publishes, and prints the per-start-up timetable; the pinned meeting stays where it was."""
import os

import pytest

from cohorts.speed_meeting import timetable
from tests.browser import screenshot
from totem.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _cell(page, row: int, column: int):
    """The grid's cell of the first day at that slot (row) and room (column), from 1."""
    return page.locator("table.sm-grid").first.locator(f"tbody tr:nth-child({row}) td:nth-of-type({column})")


def test_a_manager_builds_pins_solves_again_and_publishes_the_speed_meeting_day(page, monkeypatch):
    monkeypatch.setattr(timetable, "TIME_LIMIT_SECONDS", 5.0)  # the server runs in this process
    page.goto("/login")
    page.fill("input[name=email]", "lea.martin@cite-innovation.fr")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")
    page.goto("/programs")
    page.click("a:has-text('Accélérateur Métropole')")
    page.click("a:has-text('Promo 2026')")
    page.click("a.button:has-text('Journée speed-meeting')")
    page.wait_for_url("**/speed-meeting")
    assert page.locator(".sm-meeting").count() == 0

    page.click("button:has-text('Construire le planning')")
    page.wait_for_url("**/speed-meeting")
    assert "Planning construit" in page.locator(".flash").first.inner_text()
    meetings = page.locator(".sm-meeting").count()
    assert meetings >= 60  # two mornings of six rooms, twenty start-ups
    # Every start-up gets its fair share: the counts differ by one at most.
    counts = [int(text.rsplit(":", 1)[1]) for text in page.locator("#timetable p .tag").all_inner_texts()]
    assert max(counts) - min(counts) <= 1 and min(counts) >= 3
    # OceanWatt must meet Yves Roux: it does.
    assert page.locator(".sm-meeting:has-text('OceanWatt'):has-text('Yves Roux')").count() == 1

    cell = _cell(page, 3, 2)
    pinned_text = cell.locator(".sm-meeting").inner_text().split("#")[0].strip()
    cell.locator("button:has-text('Épingler')").click()
    page.wait_for_url("**/speed-meeting")
    assert "Rendez-vous épinglé" in page.locator(".flash").first.inner_text()
    assert "épinglé" in _cell(page, 3, 2).inner_text()

    page.click("button:has-text('Recalculer autour des épingles')")
    page.wait_for_url("**/speed-meeting")
    assert "Planning construit" in page.locator(".flash").first.inner_text()
    kept = _cell(page, 3, 2)
    assert kept.locator(".sm-meeting.is-pinned").count() == 1
    assert kept.locator(".sm-meeting").inner_text().split("#")[0].strip() == pinned_text
    assert page.locator(".sm-meeting.is-pinned").count() == 1
    figures = page.locator("dl.stats").inner_text()
    assert "Écart" in figures and "%" in figures
    screenshot(page, "speed-meeting-grid")

    page.click("button:has-text('Publier')")
    page.wait_for_url("**/speed-meeting")
    assert "Planning publié" in page.locator(".flash").first.inner_text()
    assert page.locator("h1 .badge:has-text('Publié')").count() == 1
    assert page.locator("button:has-text('Épingler')").count() == 0  # read-only now
    assert page.locator(".sm-meeting").count() == meetings

    page.click("a:has-text('Imprimer par start-up')")
    page.wait_for_url("**/print?by=startup")
    sheet = page.locator(".sm-sheet:has(h2:text-is('OceanWatt'))")
    assert "Yves Roux" in sheet.inner_text()
    page.emulate_media(media="print")
    screenshot(page, "speed-meeting-print")
    if os.environ.get("TOTEM_SCREENSHOTS"):
        page.pdf(path=os.path.join(os.environ["TOTEM_SCREENSHOTS"], "speed-meeting-print.pdf"), format="A4")
