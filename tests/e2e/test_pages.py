"""The key pages of each role, in chromium, in French and in English: one language at a time, and no
accessibility violation that axe-core finds, under the app's own Content-Security-Policy; dates and numbers
written as the reader's language writes them."""
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser import next_open_day, screenshot, serve_demo
from totem.demo import ACCOUNTS, DEMO_PASSWORD
from totem.domains import DOMAINS
from totem.i18n_check import load_catalog

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
# Evaluated by Playwright, which the page's CSP does not govern: the CSP stays as the app serves it.
AXE = (Path(__file__).parent / "axe" / "axe.min.js").read_text()

# The pages each role opens first, by the demo account's e-mail (None: not signed in).
KEY_PAGES = {
    None: ["/login", "/apply", "/directory"],
    "nadia@oceanwatt.fr": ["/", "/book", "/my-bookings", "/waitlist", "/floors", "/sessions", "/sessions/request",
                           "/mentors", "/profile"],
    "yves.roux@mentors-sud.fr": ["/", "/mentor", "/mentor/availability", "/sessions"],
    "lea.martin@cite-innovation.fr": ["/", "/programs", "/applications", "/startups", "/admin/spaces",
                                      "/admin/reports/occupancy", "/admin/reports/programs", "/admin/mentoring",
                                      "/admin/matching", "/jobs", "/import", "/lobby", "/admin/territory"],
    "admin@cite-innovation.fr": ["/admin/users", "/admin/audit"],
}
CASES = [(email, path) for email, paths in KEY_PAGES.items() for path in paths]

# The text a reader sees, and the attributes read aloud or shown as text.
VISIBLE_TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && !parent.closest('script, style, code, pre')) texts.push(walker.currentNode.textContent);
  }
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label], [alt]')) {
    for (const name of ['title', 'placeholder', 'aria-label', 'alt']) {
      if (el.hasAttribute(name)) texts.push(el.getAttribute(name));
    }
  }
  return texts.map(text => text.replace(/\\s+/g, ' ').trim()).filter(Boolean);
}"""


def _wrong_language_texts() -> dict[str, set[str]]:
    """For each language, the catalogues' texts that belong only to the other: an English page must show no French
    translation, a French page no English msgid that has a French translation of its own."""
    english, french = set(), set()
    for package in ("totem", *DOMAINS):
        for message in load_catalog(REPO / package):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not message.id or "{" in ids[0]:
                continue  # the header, and messages with placeholders, never shown as they are written
            english.update(ids)
            french.update(text for text in strings if text)
    return {"en": french - english, "fr": english - french}


# Names in the demo's data that are also words of a catalogue: the sea track is called "Mer" in both languages.
DEMO_NAMES = {"Mer"}
WRONG = {locale: texts - DEMO_NAMES for locale, texts in _wrong_language_texts().items()}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo of this module's own: the language switch is remembered on the demo accounts."""
    with serve_demo(tmp_path_factory.mktemp("pages")) as base:
        yield base


def _signed_in(browser, base: str, email: str | None, locale: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=base, viewport={"width": 1366, "height": 900}, locale="fr-FR")
    page = context.new_page()
    if email is not None:
        page.goto("/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url("**/")
    # The language switch, remembered on the person (or, signed out, in a cookie).
    page.goto(f"/?lang={locale}" if email else f"/login?lang={locale}")
    return context, page


@pytest.fixture(scope="module")
def pages(browser, demo_server) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    """One signed-in page per (person, language), opened once for the module."""
    opened: dict = {}
    try:
        yield {"open": lambda email, locale: opened.setdefault(
            (email, locale), _signed_in(browser, demo_server, email, locale))[1]}
    finally:
        for context, _page in opened.values():
            context.close()


def _name(email: str | None, path: str, locale: str) -> str:
    who = (email or "anonymous").split("@")[0]
    return f"{who}{path.replace('/', '-') or '-home'}-{locale}".rstrip("-")


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize(("email", "path"), CASES, ids=[f"{e or 'anonymous'}:{p}" for e, p in CASES])
def test_each_key_page_speaks_one_language(pages, email, path, locale):
    page = pages["open"](email, locale)
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert page.locator("html").get_attribute("lang") == locale
    wrong = sorted({text for text in page.evaluate(VISIBLE_TEXTS) if text in WRONG[locale]})
    screenshot(page, _name(email, path, locale))
    assert not wrong, f"{path} in {locale} shows text of the other language: {wrong}"


@pytest.mark.parametrize(("email", "path"), CASES, ids=[f"{e or 'anonymous'}:{p}" for e, p in CASES])
def test_axe_finds_no_violation_on_the_key_pages(pages, email, path):
    page = pages["open"](email, "fr")
    page.goto(path)
    page.evaluate(AXE)
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
    assert violations == [], f"{path}: " + "; ".join(f"{v['id']} ({v['impact']}) at {v['nodes']}" for v in violations)


def _tab_to(page, selector: str, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def test_a_member_books_a_room_with_the_keyboard_only(browser, demo_server):
    context = browser.new_context(base_url=demo_server, viewport={"width": 1366, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto("/login")
        _tab_to(page, "input[name=email]")
        page.keyboard.type("hugo@kelpstudio.fr")
        _tab_to(page, "input[name=password]")
        page.keyboard.type(DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url("**/")
        day = next_open_day().isoformat()
        # Hugo's demo workshop holds him until 15:30 on that day: an hour later nothing of his clashes.
        page.goto(f"/book?day={day}&start=16:00&end=17:00&kind=meeting_room")
        first_title = "table.table tbody tr:first-child input[name=title]"
        room = page.locator("table.table tbody tr").first.locator("td strong").inner_text()
        _tab_to(page, first_title)
        page.keyboard.type("Revue au clavier")
        _tab_to(page, "table.table tbody tr:first-child button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url("**/my-bookings")
        screenshot(page, "keyboard-booking")
        assert room in page.locator(".flash").inner_text()
        assert "Revue au clavier" in page.locator("table").first.inner_text()
    finally:
        context.close()


# The pages that show dates, figures and money, by the demo account's e-mail: "/a >> css" opens /a, then the first
# link there that matches css, and so on (ids differ from a demo to the next).
FIGURE_PAGES = {
    "nadia@oceanwatt.fr": ["/my-bookings", "/week", "/startups >> a[href$='/kpis']", "/my-bookings/series"],
    "yves.roux@mentors-sud.fr": ["/mentor"],
    "lea.martin@cite-innovation.fr": [
        "/programs", "/programs >> a[href^='/programs/']", "/programs >> a[href^='/cohorts/']",
        "/programs >> a[href^='/cohorts/'] >> a[href$='/calendar']", "/applications", "/applications >> a[href*='/applications?']",
        "/startups >> a[href^='/startups/']", "/admin/mentoring", "/admin/matching", "/admin/reports/occupancy",
        "/admin/reports/programs", "/admin/reports/programs >> a[href$='/funders']", "/admin/spaces/approvals",
        "/admin/spaces/allocations", "/admin/spaces >> a[href^='/admin/spaces/venues/']:not([href$='/new'])", "/jobs"],
}
FIGURE_CASES = [(email, path) for email, paths in FIGURE_PAGES.items() for path in paths]
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RAW_FLOAT = re.compile(r"\b\d+\.0\b")  # "3.0 / 10"
# What one language writes and the other does not: a decimal point or "83%" in French, "83 %" in English.
WRONG_FIGURES = {"fr": re.compile(r"\d\.\d|\d%"), "en": re.compile(r"\d[ \u00a0\u202f]%")}
# A whole number of four digits or more, written without the thousands' separator ("3600" for euros); years and
# "#3605" references aside.
UNGROUPED = re.compile(r"(?<![\d#.,:/\-\u00a0\u202f])(?!(?:19|20)\d\d\b)\d{4,}\b")


def _open(page, spec: str):  # type: ignore[no-untyped-def]
    path, *links = spec.split(" >> ")
    response = page.goto(path)
    for link in links:
        href = page.locator(link).first.get_attribute("href")
        assert href, f"no link {link} on {page.url}"
        response = page.goto(href)
    return response


def _raw_figures(texts: list[str], locale: str) -> list[str]:
    """The texts that show a date or a number as the code holds it, not as the reader's language writes it."""
    return sorted({text for text in texts if "://" not in text and (
        ISO_DAY.search(text) or RAW_FLOAT.search(text) or WRONG_FIGURES[locale].search(text)
        or UNGROUPED.search(text))})


def test_the_figure_check_sees_raw_dates_and_numbers():
    assert _raw_figures(["2026-12-08", "3.0 / 10", "3600", "Réservation #3605", "mardi 8 déc. 2026"], "fr") == [
        "2026-12-08", "3.0 / 10", "3600"]
    assert _raw_figures(["83.3 %", "83\u202f%", "3\u202f600\u00a0€", "2026"], "fr") == ["83.3 %"]
    assert _raw_figures(["83 %", "83%", "4.52", "£3,600"], "en") == ["83 %"]


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize(("email", "path"), FIGURE_CASES, ids=[f"{e.split('@')[0]}:{p}" for e, p in FIGURE_CASES])
def test_dates_and_numbers_follow_the_language(pages, email, path, locale):
    page = pages["open"](email, locale)
    response = _open(page, path)
    assert response is not None and response.status == 200, path
    raw = _raw_figures(page.evaluate(VISIBLE_TEXTS), locale)
    screenshot(page, "figures-" + _name(email, urlparse(page.url).path, locale))
    assert not raw, f"{page.url} in {locale} shows dates or numbers as the code holds them: {raw}"
