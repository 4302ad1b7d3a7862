"""In chromium, on the demo, without an account: the directory is searched and filtered without JavaScript, and
an organisation's page shows what it publishes; a manager reads the territory's figures."""
import pytest

from tests.browser import log_in, screenshot

pytestmark = pytest.mark.e2e


def test_a_visitor_searches_the_directory_and_opens_an_organisation(page):
    page.goto("/directory")
    assert "Annuaire du territoire" in page.locator("h1").inner_text()
    page.fill("#f-q", "amenagement")
    page.select_option("#f-kind", "public_body")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**/directory?q=amenagement&kind=public_body**")
    cards = page.locator(".directory-actor")
    assert cards.count() >= 1
    assert all("Acteur public" in text and "Aménagement urbain" in text for text in cards.all_inner_texts())
    screenshot(page, "directory-search")

    name = cards.first.locator("h2").inner_text()
    cards.first.locator("h2 a").click()
    assert page.locator("h1").inner_text() == name
    assert "Aménagement urbain" in page.locator("main").inner_text()
    screenshot(page, "directory-actor")


def test_the_directory_reads_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, locale="fr-FR")
    try:
        phone = context.new_page()
        phone.goto("/directory?sector=mer")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the directory is {width} px wide on a 390 px phone"
        assert phone.locator(".directory-actor").count() >= 1
        screenshot(phone, "directory-phone")
    finally:
        context.close()


def test_a_manager_reads_the_territory_figures(page):
    log_in(page, "manager")
    page.goto("/admin/territory")
    assert "Chiffres du territoire" in page.locator("h1").inner_text()
    for chart in ("kinds", "sectors", "cities"):
        image = page.locator(f"img[src='/admin/territory/charts/{chart}.svg']")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), chart
    screenshot(page, "territory-figures")
