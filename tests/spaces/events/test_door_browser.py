"""In chromium, on the demo with an event under way: at the door on a phone (390 px), Léa types a registration's code
and sees the person checked in; then she finds someone in the searchable list and checks them in from their row."""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spaces.events.models import Event, Registration
from spaces.operators import queries as operator_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Floor, Space
from tests.browser import log_in, screenshot, serve_demo
from totem.db import make_engine, make_session_factory
from totem.identity import service as identity

pytestmark = pytest.mark.e2e

PEOPLE = (("Camille Durand", "Ports de Provence", "CAMD2345"), ("Léo Marchand", "Kelp Studio", "LEOM2345"),
          ("Inès Roux", "Mer Bleue", "INES2345"), ("Hugo Bernard", "OceanWatt", "HUGB2345"),
          ("Sarah Benali", "Aix-Marseille Université", "SARB2345"), ("Thomas Lefèvre", "", "THOL2345"))


def _event_under_way(db: Session, now: datetime) -> None:
    """Written as rows: the demo's event space holds a meetup of Léa's operator that started half an hour ago."""
    lea = identity.get_user_by_email(db, "lea.martin@cite-innovation.fr")
    operator_id = operator_queries.first_operator_managed_by(db, lea.id)
    hall = db.scalars(select(Space).where(Space.kind == SpaceKind.EVENT_SPACE).order_by(Space.id)).first()
    hall = hall or db.scalars(select(Space).order_by(Space.id)).first()
    event = Event(slug="door-meetup-mer", operator_id=operator_id, venue_id=_venue_id(db, hall),
                  space_id=hall.id, title="Meetup Mer & Littoral", starts_at=now - timedelta(minutes=30),
                  ends_at=now + timedelta(hours=2), capacity=80, seats_taken=len(PEOPLE), created_at=now)
    db.add(event)
    db.flush()
    for number, (name, organisation, code) in enumerate(PEOPLE):
        email = f"{code.lower()}@example.fr"
        db.add(Registration(event_id=event.id, name=name, email=email, email_key=email, organisation=organisation,
                            consent_at=now, queued_at=now + timedelta(seconds=number), code=code,
                            page_token=f"door-browser-token-{number:02d}-{'x' * 20}", created_at=now,
                            checked_in_at=now - timedelta(minutes=10) if number == 3 else None,
                            checked_in_by=lea.id if number == 3 else None))


def _venue_id(db: Session, space: Space) -> int:
    return db.scalar(select(Floor.venue_id).where(Floor.id == space.floor_id))


@dataclass(frozen=True)
class Demo:
    base_url: str
    database_url: str

    def event_id(self) -> int:
        with make_session_factory(make_engine(self.database_url))() as db:
            return db.scalar(select(Event.id).where(Event.slug == "door-meetup-mer"))

    def checked_in(self, code: str) -> bool:
        with make_session_factory(make_engine(self.database_url))() as db:
            return db.scalar(select(Registration.checked_in_at).where(Registration.code == code)) is not None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("door")
    with serve_demo(folder, _event_under_way) as base:
        yield Demo(base, f"sqlite:///{folder / 'totem.db'}")


@pytest.fixture
def phone(browser, demo):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=demo.base_url, viewport={"width": 390, "height": 844}, locale="fr-FR",
                                  is_mobile=True, has_touch=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_at_the_door_a_typed_code_checks_the_person_in(phone, demo):
    log_in(phone, "manager")  # Léa, who runs accélérateur M's events
    event_id = demo.event_id()
    phone.goto(f"/staff/events/{event_id}/check-in")
    assert phone.locator("h1").inner_text() == "Meetup Mer & Littoral"
    assert phone.locator("#door-scan").is_hidden()  # headless chromium has no BarcodeDetector: the code is typed
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.fill("#f-code", "camd 2345")
    phone.click("#door-form button[type=submit]")
    phone.wait_for_url(f"**/staff/events/{event_id}/check-in")

    assert "L'arrivée de Camille Durand est enregistrée." in phone.locator(".flash").inner_text()
    assert demo.checked_in("CAMD2345")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "door-check-in-phone")

    phone.fill("#f-code", "CAMD2345")
    phone.click("#door-form button[type=submit]")
    phone.wait_for_url(f"**/staff/events/{event_id}/check-in")
    assert "Camille Durand était déjà arrivé(e)" in phone.locator(".flash").inner_text()

    phone.fill("#f-code", "ZZZZ9999")
    phone.click("#door-form button[type=submit]")
    assert "Aucune inscription n'a le code ZZZZ9999." in phone.locator("#e-code").inner_text()
    screenshot(phone, "door-check-in-unknown-code")


def test_the_searchable_list_checks_someone_in_from_their_row(phone, demo):
    log_in(phone, "manager")
    event_id = demo.event_id()
    phone.goto(f"/staff/events/{event_id}/registrations")
    assert phone.locator("table.door-people tbody tr").count() == len(PEOPLE)
    phone.fill("#f-q", "kelp")
    phone.click("form.door-search button[type=submit]")
    phone.wait_for_url("**/registrations?q=kelp")
    rows = phone.locator("table.door-people tbody tr")
    assert rows.count() == 1 and "Léo Marchand" in rows.first.inner_text()

    rows.first.locator("button[type=submit]").click()
    phone.wait_for_url("**/registrations?q=kelp")

    assert "L'arrivée de Léo Marchand est enregistrée." in phone.locator(".flash").inner_text()
    assert "Arrivé à" in phone.locator("table.door-people tbody tr").first.inner_text()
    assert demo.checked_in("LEOM2345")
    phone.goto(f"/staff/events/{event_id}/registrations")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "door-list-phone")


CAMERA = """
// A phone's camera and BarcodeDetector, as the browsers that have them answer: the QR code of one registration.
window.BarcodeDetector = class {
  constructor(options) { this.options = options; }
  detect() { window.__detections = (window.__detections || 0) + 1; return Promise.resolve([{ rawValue: %r }]); }
};
navigator.mediaDevices.getUserMedia = function () {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  canvas.getContext("2d").fillRect(0, 0, 64, 64);
  return Promise.resolve(canvas.captureStream(5));
};
"""


def test_where_the_browser_reads_qr_codes_the_camera_checks_the_person_in(phone, demo):
    log_in(phone, "manager")
    event_id = demo.event_id()
    phone.add_init_script(CAMERA % f"{demo.base_url}/staff/events/{event_id}/check-in?code=INES2345")
    phone.goto(f"/staff/events/{event_id}/check-in")
    assert phone.locator("#door-scan").is_visible()

    phone.click("#door-scan-toggle")
    phone.wait_for_selector(".flash")

    assert "L'arrivée de Inès Roux est enregistrée." in phone.locator(".flash").inner_text()
    assert demo.checked_in("INES2345")
    # The camera is on again for the next person; the same code still before it is not sent again.
    for _ in range(100):  # (wait_for_function evaluates a string: the CSP forbids it)
        if phone.evaluate("window.__detections || 0") > 5:
            break
        phone.wait_for_timeout(100)
    assert phone.evaluate("window.__detections || 0") > 5
    assert phone.locator("#door-video").is_visible()
    assert "L'arrivée de Inès Roux est enregistrée." in phone.locator(".flash").inner_text()
    screenshot(phone, "door-camera-phone")
