"""In chromium, on the demo: the front desk checks in today's visitors by typing a code; a guest opens their
invitation's page on a phone, without an account."""
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from spaces.visitors.models import Visitor
from tests.browser import french_page, log_in, screenshot, serve_demo
from totem.db import make_engine, make_session_factory

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Demo:
    base_url: str
    database_url: str

    def visitor(self, name: str) -> Visitor:
        with make_session_factory(make_engine(self.database_url))() as db:
            return db.scalars(select(Visitor).where(Visitor.name == name)).one()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo of its own, whose database the test reads the guests' codes from."""
    folder = tmp_path_factory.mktemp("visitors")
    with serve_demo(folder) as base:
        yield Demo(base, f"sqlite:///{folder / 'totem.db'}")


@pytest.fixture
def page(browser, demo):  # type: ignore[no-untyped-def]
    with french_page(browser, demo.base_url) as page:
        yield page


def test_the_front_desk_checks_in_a_visitor_by_code(page, demo):
    log_in(page, "manager")  # Léa, on the front desk
    page.click("nav.mainnav summary:has-text('Bâtiment')")  # the bar's menu of the building's pages
    page.click("nav.mainnav a:has-text('Accueil visiteurs')")
    page.wait_for_url("**/front-desk/visitors")
    rows = page.locator("table.visitors tbody tr")
    assert rows.count() == 4
    assert "1 arrivé(s) sur 4" in page.locator(".page-head").inner_text()
    screenshot(page, "front-desk-visitors")

    guest = demo.visitor("Thomas Lefèvre")
    page.fill("#f-code", guest.code.lower())
    page.click("form:has(#f-code) button[type=submit]")
    page.wait_for_url("**/front-desk/visitors")
    assert "L'arrivée de Thomas Lefèvre est enregistrée" in page.locator(".flash").inner_text()
    assert "2 arrivé(s) sur 4" in page.locator(".page-head").inner_text()


def test_a_guest_opens_their_qr_code_on_a_phone(browser, demo):
    guest = demo.visitor("Julie Marchetti")
    context = browser.new_context(base_url=demo.base_url, viewport={"width": 390, "height": 844}, locale="fr-FR",
                                  is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"/visit/{guest.page_token}")
        assert page.locator("h1").inner_text() == "Bienvenue, Julie Marchetti"
        assert page.locator("svg.qr-code").count() == 1 and guest.code in page.content()
        assert re.search(r"12 quai de la Joliette", page.content())
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        screenshot(page, "visitor-phone")
    finally:
        context.close()
