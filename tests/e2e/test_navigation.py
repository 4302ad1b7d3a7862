"""The bar, in chromium: a manager's pages fit one row, grouped in menus that open with a click or the keyboard
(`<details>`, no JavaScript needed) and that axe-core finds clean when open; the home page's tiles show their
labels whole, on a desktop and on a 390 px phone."""
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot

pytestmark = pytest.mark.e2e
AXE = (Path(__file__).parent / "axe" / "axe.min.js").read_text()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@contextmanager
def _sized(browser, live_server, viewport):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, viewport=viewport, locale="fr-FR", device_scale_factor=1)
    try:
        yield context.new_page()
    finally:
        context.close()


def _tab_to(page, selector: str, text: str, limit: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until an element matching the CSS `selector` and showing `text` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("([s, t]) => { const e = document.activeElement; return !!e && e.matches(s)"
                         " && e.textContent.trim() === t; }", [selector, text]):
            return
    pytest.fail(f"{selector} showing {text!r} cannot be reached with the Tab key")


def _axe_violations(page) -> list:  # type: ignore[no-untyped-def]
    page.evaluate(AXE)
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")


def _clipped_tile_labels(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The tiles' labels that do not show whole: wider than their box, or cut behind an ellipsis."""
    return page.evaluate("""() => [...document.querySelectorAll('.stats dt')].filter(dt =>
        dt.scrollWidth > dt.clientWidth || getComputedStyle(dt).textOverflow === 'ellipsis'
        || dt.getBoundingClientRect().right > dt.parentElement.getBoundingClientRect().right + 0.5)
        .map(dt => dt.textContent.trim())""")


def test_a_managers_bar_is_one_row_of_links_and_menus(page):
    page.set_viewport_size(DESKTOP)
    log_in(page, "manager")
    bar = page.locator("nav.mainnav")
    tops = bar.evaluate("nav => [...nav.children].map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(tops) <= 8 and len(set(tops)) == 1, tops  # one row: it had sixteen links on two
    # The brand, the bar and the person's tools share the top bar's one row.
    tools_top = page.locator(".topbar-tools").evaluate("e => Math.round(e.getBoundingClientRect().top)")
    assert abs(tools_top - tops[0]) < 12
    assert bar.locator("details.navmenu > summary").all_inner_texts() == ["Bâtiment", "Accélérateur",
                                                                          "Administration"]
    assert bar.locator("a:visible").all_inner_texts() == ["Accueil", "Réserver", "Mes réservations", "Rapports"]
    assert bar.locator("a:has-text('Tâches planifiées')").is_hidden()  # in its closed menu

    page.click("nav.mainnav summary:has-text('Administration')")
    assert bar.locator("a:has-text('Tâches planifiées')").is_visible()
    assert _axe_violations(page) == []
    screenshot(page, "nav-manager-administration-open")
    page.click("nav.mainnav summary:has-text('Bâtiment')")  # opening one closes the other
    expect(bar.locator("a:has-text('Tâches planifiées')")).to_be_hidden()  # once the menu's toggle event ran
    assert bar.locator("a:has-text('Accueil visiteurs')").is_visible()
    page.keyboard.press("Escape")
    expect(bar.locator("a:has-text('Accueil visiteurs')")).to_be_hidden()

    page.click("nav.mainnav summary:has-text('Accélérateur')")
    page.click("nav.mainnav a:has-text('Candidatures')")
    page.wait_for_url("**/applications")
    # The menu holding the page one is on says so, closed.
    assert bar.locator("summary.is-current").inner_text() == "Accélérateur"


def test_the_menus_open_with_the_keyboard(page):
    page.set_viewport_size(DESKTOP)
    log_in(page, "manager")
    _tab_to(page, "nav.mainnav details.navmenu > summary", "Administration")
    page.keyboard.press("Enter")
    _tab_to(page, "nav.mainnav a", "Tâches planifiées", limit=8)
    page.keyboard.press("Enter")
    page.wait_for_url("**/jobs")
    # The person's own menu: their profile and logging out, by the keyboard too.
    _tab_to(page, "details.usermenu > summary", "Léa Martin")
    page.keyboard.press("Enter")
    _tab_to(page, "details.usermenu a", "Votre profil", limit=4)
    page.keyboard.press("Enter")
    page.wait_for_url("**/profile")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_home_tiles_show_their_labels_whole(browser, live_server, viewport):
    with _sized(browser, live_server, viewport) as page:
        log_in(page, "manager")
        screenshot(page, f"home-manager-{viewport['width']}")
        labels = page.locator(".stats dt").all_inner_texts()
        assert "Validations en attente" in labels and len(labels) >= 8
        assert _clipped_tile_labels(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_on_a_phone_the_menus_open_inside_the_collapsed_bar(browser, live_server):
    with _sized(browser, live_server, PHONE) as page:
        log_in(page, "manager")
        page.click("label.nav-toggle-label")
        page.click("nav.mainnav summary:has-text('Bâtiment')")
        link = page.locator("nav.mainnav a:has-text('Plan d’étage'), nav.mainnav a:has-text(\"Plan d'étage\")").first
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert _axe_violations(page) == []
        screenshot(page, "nav-phone-building-open")
        link.click()
        page.wait_for_url("**/floors")
