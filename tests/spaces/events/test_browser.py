"""In chromium, on the demo, without an account nor JavaScript: the public agenda, and an event's page on a
390 px phone, where someone registers for the full morning and lands on its waiting list."""
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from spaces.events.models import Registration
from tests.browser import french_page, screenshot, serve_demo
from totem.db import make_engine, make_session_factory

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("events")
    with serve_demo(folder) as base:
        yield base, f"sqlite:///{folder / 'totem.db'}"


def test_the_public_agenda_lists_the_programme_by_day_in_french(browser, demo):
    base, _database = demo
    with french_page(browser, base) as page:
        page.goto("/events")
        assert page.locator("h1").inner_text() == "Agenda de la Cité de l'innovation"
        titles = page.locator(".agenda-event h3").all_inner_texts()
        assert titles[0] == "Matinale de l'économie bleue" and "Blue Harbour Night" in titles
        assert "Petit-déjeuner des résidents" not in titles  # members only, and nobody is signed in
        assert "Complet" in page.locator(".agenda-event").first.inner_text()
        assert page.locator("a[href='/events.ics']").count() == 1
        screenshot(page, "events-agenda")


def test_an_event_page_on_a_phone_takes_a_registration_onto_the_waiting_list(browser, demo):
    base, database = demo
    context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, locale="fr-FR",
                                  is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/events")
        page.click("text=Matinale de l'économie bleue")
        assert page.locator("h1").inner_text() == "Matinale de l'économie bleue"
        assert "Trois start-ups de la filière Mer" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
        screenshot(page, "event-phone")

        page.fill("#f-name", "Camille Durand")
        page.fill("#f-email", "camille.durand@example.fr")
        page.click("button[type=submit].primary")  # the consent box is not ticked: the browser refuses it
        assert page.locator("#f-name").count() == 1
        page.check("input[name=consent]")
        page.click("button[type=submit].primary")
        assert "vous êtes sur la liste d'attente" in page.locator(".flash").inner_text()
        screenshot(page, "event-phone-waiting-list")
    finally:
        context.close()
    with make_session_factory(make_engine(database))() as db:
        registration = db.scalars(select(Registration).where(
            Registration.email_key == "camille.durand@example.fr")).one()
        assert registration.status == "waitlisted"
