"""In chromium, on the demo: a founder filters the mentor directory and asks a mentor; a mentor opens their home
with the requests to answer, each with its free times as one-click buttons."""
import pytest

from tests.browser import screenshot
from totem.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")


def test_a_founder_filters_the_directory_and_asks_a_mentor(page):
    _log_in(page, "nadia@oceanwatt.fr")
    page.click("nav.mainnav summary:has-text('Accélérateur')")  # the bar's menu holding the directory
    page.click("nav.mainnav >> text=Mentors")
    assert page.locator(".startup-card").count() == 15
    page.select_option("#f-language", "it")
    page.click("button[type=submit]:has-text('Rechercher')")
    names = page.locator(".startup-card strong").all_inner_texts()
    assert names == ["Chiara Rossi", "Sofia Marchetti"]
    screenshot(page, "mentors-directory")
    page.click(".startup-card >> text=Sofia Marchetti")
    assert page.locator("h1").inner_text() == "Sofia Marchetti"
    page.click("text=Demander à ce mentor")
    page.wait_for_url("**/sessions/request?mentor=*")
    assert page.locator("#f-mentor_id option:checked").inner_text().startswith("Sofia Marchetti")
    page.select_option("#f-mentor_id", "")
    page.fill("#f-topic", "Homologuer notre moteur électrique")
    for tag in ("nautisme", "énergies marines"):  # checkboxes: no Ctrl or ⌘ needed to choose several
        page.check(f"fieldset.tag-choices input[value='{tag}']")
    page.select_option("#f-language", "fr")
    screenshot(page, "mentoring-ask")
    page.click("button[type=submit]:has-text('Envoyer la demande')")
    page.wait_for_url("**/sessions")
    assert "Votre demande est envoyée" in page.locator(".flash").inner_text()
    request = page.locator("li:has-text('Homologuer notre moteur électrique')")
    assert "Tout mentor qui convient" in request.inner_text()


def test_a_mentor_sees_requests_to_answer_with_their_free_times(page):
    _log_in(page, "yves.roux@mentors-sud.fr")
    page.click("nav.mainnav >> text=Espace mentor")
    assert page.locator("h1").inner_text() == "Espace mentor"
    request = page.locator("li:has-text('Exporter nos objets en algues par la mer')")
    assert "Vous a demandé" in request.inner_text()
    # Each free time once, the mode beside them, and one button to accept.
    times = request.locator("form.accept-slots input[name=starts_at]")
    assert times.count() >= 2
    assert len(set(times.evaluate_all("inputs => inputs.map(i => i.value)"))) == times.count()
    assert request.locator("form.accept-slots input[name=mode]").count() <= 2
    assert request.locator("form.accept-slots button").count() == 1
    assert page.locator("li:has-text('Financer notre campagne de replantation')").count() == 1
    screenshot(page, "mentor-home")
