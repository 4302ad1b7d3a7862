"""What people meet on the pages, in chromium: the Book page stays short with every kind of space, and on a
390 px phone the lobby's labels and the floor plan fit (the plan scrolls inside its frame, not the page)."""
from contextlib import contextmanager

import pytest

from tests.browser import log_in, next_open_day, screenshot

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@contextmanager
def _phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="fr-FR", device_scale_factor=1)
    try:
        yield context.new_page()
    finally:
        context.close()


def _page_width(page) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth")


def test_book_with_every_kind_is_a_short_page_grouped_by_floor_and_zone(page):
    log_in(page)
    page.goto(f"/book?day={next_open_day().isoformat()}&start=10:00&end=11:00&kind=")
    screenshot(page, "book-every-kind")
    rows = page.locator("section.place-group tbody tr").count()
    assert 20 <= rows <= 80  # the demo's 300-odd free spaces, a few per floor and zone
    assert page.evaluate("document.documentElement.scrollHeight") < 9000  # it was 32,000 px
    assert page.locator("section.place-group h3").count() >= 6
    page.locator("a", has_text="Voir les").first.click()
    assert "zone_id=" in page.url or "floor_id=" in page.url
    screenshot(page, "book-one-zone")
    assert page.locator("section.place-group tbody tr").count() <= 30 + 30  # a page of each group, at most


def test_the_lobby_fits_a_phone(browser, live_server):
    with _phone(browser, live_server) as page:
        log_in(page)
        page.goto("/lobby")
        screenshot(page, "lobby-phone")
        assert _page_width(page) <= PHONE["width"]
        for label in page.locator(".lobby-stats dt").all():
            # Each label shows whole: nothing clipped behind an ellipsis or the card's edge.
            assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), label.inner_text()
        assert "Postes réservés" in page.locator(".lobby-stats").inner_text()


def test_the_floor_plan_scrolls_inside_its_frame_on_a_phone(browser, live_server):
    with _phone(browser, live_server) as page:
        log_in(page)
        page.goto("/floors")
        screenshot(page, "floor-plan-phone")
        assert _page_width(page) <= PHONE["width"]
        frame = page.locator(".plan-wrap")
        assert frame.evaluate("e => e.scrollWidth > e.clientWidth")  # the plan is wider: it scrolls in the frame
        box = frame.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_the_week_and_the_home_page_show_what_is_coming(page):
    log_in(page)
    coming = page.locator("section.panel", has_text="À venir")
    assert coming.count() == 1 and coming.locator("h3").count() >= 2  # more than today
    screenshot(page, "home-coming-up")
    page.goto(f"/week?day={next_open_day().isoformat()}")
    assert page.locator("li.week-day").count() == 7
    assert page.locator("li.week-entry").count() >= 1
    screenshot(page, "week")
    page.click("a[rel=prev]")
    assert page.locator("li.week-entry.week-booking").count() >= 3  # last week's desk days, from the history


def test_a_fresh_demo_shows_occupancy_figures_and_a_matching_run(page):
    log_in(page, "manager")
    page.goto("/admin/reports/occupancy")
    figures = page.locator(".report-kpis dd").all_inner_texts()
    assert figures[0] not in ("0 %", "0\u00a0%", "—") and int(figures[4].replace("\u202f", "").replace(" ", "")) > 0
    screenshot(page, "occupancy-demo")
    page.goto("/admin/matching")
    assert "n’a pas encore tourné" not in page.content()
    screenshot(page, "matching-demo")


def test_cancelling_asks_first(page):
    log_in(page)
    page.goto("/my-bookings")
    page.locator("a.button.danger", has_text="Annuler").first.click()
    assert "/cancel" in page.url and page.locator("h1").inner_text() == "Annuler cette réservation ?"
    screenshot(page, "cancel-confirmation")
    page.click("text=La garder")
    page.wait_for_url("**/my-bookings")


def test_a_closed_hour_says_so_and_a_second_room_at_once_warns(page):
    log_in(page)
    day = next_open_day()
    page.goto(f"/book?day={day.isoformat()}&start=03:00&end=04:00&kind=meeting_room")
    assert "Le bâtiment est fermé à ce moment-là" in page.locator("main").inner_text()
    screenshot(page, "book-closed")
    page.click("text=Voir ce qui est libre à l’ouverture")
    assert "start=08:00" in page.url
    # Nadia's demo meeting "Point d'équipe" is 10:00–11:00 on the first open day: another room then warns.
    page.goto(f"/book?day={day.isoformat()}&start=10:00&end=11:00&kind=meeting_room")
    page.locator("table.table tbody tr button[type=submit]").first.click()
    assert "Vous avez déjà une réservation à ce moment-là" in page.content()
    screenshot(page, "book-clash")
    page.click("text=Ne pas réserver")
    assert "/book?" in page.url
