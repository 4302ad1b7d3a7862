"""The door's pages: the phone's check-in by typed code (a plain form), the QR code's link, the searchable list with
a button per person, the refusals shown on the page, who may open them; the attendance CSV download."""
import csv
import io

import pytest
from sqlalchemy import select

from spaces.events import registrations
from spaces.events.models import Registration
from tests.helpers import csrf_from, form_post, login
from tests.spaces.conftest import NOW, make_person, paris
from tests.spaces.events.factories import make_event
from tests.totem.factories import PASSWORD
from totem import clock

EVENING = (paris("2026-12-08", 17), paris("2026-12-08", 19, 30))
AT_THE_DOOR = paris("2026-12-08", 17, 5)


def _register(db, event, n, **fields):  # type: ignore[no-untyped-def]
    applicant = registrations.Applicant(**{"name": f"Person {n}", "email": f"person{n}@example.fr",
                                           "organisation": "Ports", "consent": True, **fields})
    return registrations.register(db, event_id=event.id, applicant=applicant, now=NOW).registration


@pytest.fixture
def event(db, building):  # type: ignore[no-untyped-def]
    event = make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, capacity=2)
    db.commit()
    return event


@pytest.fixture
def at_the_door(monkeypatch, scene):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: AT_THE_DOOR)


def _stamp(db, registration_id):  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.get(Registration, registration_id).checked_in_at


def test_the_door_checks_someone_in_by_the_typed_code_then_says_already_in(client, db, building, event, at_the_door):
    person = _register(db, event, 1, name="Camille Durand")
    db.commit()
    login(client, building.lea.email, PASSWORD)
    door = f"/staff/events/{event.id}/check-in"
    page = client.get(door)
    assert page.status_code == 200 and 'name="code"' in page.text and "/static/door_scan.js" in page.text
    assert 'id="door-scan" hidden' in page.text  # the camera shows only where the script finds BarcodeDetector

    done = form_post(client, door, door, {"code": person.code.lower()})

    assert done.status_code == 303 and done.headers["location"] == door
    assert _stamp(db, person.id) == AT_THE_DOOR
    assert "Camille Durand is checked in." in client.get(door).text
    again = form_post(client, door, door, {"code": person.code})
    assert again.status_code == 303
    assert "Camille Durand was already checked in, at 17:05." in client.get(door).text


def test_the_qr_codes_link_opens_the_person_to_check_in(client, db, building, event, at_the_door):
    person = _register(db, event, 1, name="Camille Durand", organisation="Ports de Provence")
    db.commit()
    login(client, building.lea.email, PASSWORD)
    page = client.get(f"/staff/events/{event.id}/check-in?code={person.code}")
    assert page.status_code == 200 and "Check Camille Durand in" in page.text and "Ports de Provence" in page.text
    assert _stamp(db, person.id) is None  # opening the link changes nothing


@pytest.mark.parametrize(("case", "status", "message"), [
    ("unknown", 404, "No registration has the code ZZZZ2222."),
    ("another event", 409, "is a registration for another event."),
    ("waitlisted", 409, "is on the waiting list, without a seat."),
    ("cancelled", 409, "registration was cancelled."),
])
def test_refusals_are_shown_on_the_door_page(client, db, building, event, at_the_door, case, status, message):
    _register(db, event, 1), _register(db, event, 2)
    code = "ZZZZ2222"
    if case == "another event":
        other = make_event(db, building, starts_at=paris("2026-12-09", 17), ends_at=paris("2026-12-09", 19), now=NOW,
                           title="Demo day")
        code = _register(db, other, 9).code
    elif case == "waitlisted":
        code = _register(db, event, 3).code
    elif case == "cancelled":
        person = _register(db, event, 4)  # waits
        registrations.cancel(db, registration=person, now=NOW)
        code = person.code
    db.commit()
    login(client, building.lea.email, PASSWORD)
    door = f"/staff/events/{event.id}/check-in"

    refused = form_post(client, door, door, {"code": code})

    assert refused.status_code == status and message in refused.text
    assert 'name="code"' in refused.text  # the form again, to type the next code
    db.expire_all()
    assert db.scalar(select(Registration.id).where(Registration.checked_in_at.is_not(None))) is None


def test_the_list_searches_and_checks_in_from_a_row(client, db, building, event, at_the_door):
    camille = _register(db, event, 1, name="Camille Durand", organisation="Ports de Provence")
    _register(db, event, 2, name="Léo Marchand", organisation="Kelp Studio")
    db.commit()
    login(client, building.lea.email, PASSWORD)
    listing = f"/staff/events/{event.id}/registrations"

    found = client.get(listing, params={"q": "ports"})
    assert found.status_code == 200 and "Camille Durand" in found.text and "Léo Marchand" not in found.text
    assert "0 of 2 checked in" in found.text

    done = client.post(f"{listing}/{camille.id}/check-in", data={"q": "ports", "csrf_token": csrf_from(found)},
                       follow_redirects=False)

    assert done.status_code == 303 and done.headers["location"] == f"{listing}?q=ports"
    after = client.get(done.headers["location"])
    assert "Camille Durand is checked in." in after.text and "In at 17:05" in after.text
    assert "1 of 2 checked in" in after.text
    assert "Nobody registered matches" in client.get(listing, params={"q": "zzz"}).text


def test_a_row_of_another_event_is_a_404(client, db, building, event, at_the_door):
    other = make_event(db, building, starts_at=paris("2026-12-09", 17), ends_at=paris("2026-12-09", 19), now=NOW,
                       title="Demo day")
    stranger = _register(db, other, 9)
    db.commit()
    login(client, building.lea.email, PASSWORD)
    listing = f"/staff/events/{event.id}/registrations"
    refused = client.post(f"{listing}/{stranger.id}/check-in", data={"csrf_token": csrf_from(client.get(listing))},
                          follow_redirects=False)
    assert refused.status_code == 404 and _stamp(db, stranger.id) is None


def test_who_opens_the_door_pages(client, db, building, event, at_the_door, scene):
    person = _register(db, event, 1)
    front_desk = make_person(db, role="manager", email="accueil@cite-innovation.fr")
    db.commit()
    pages = [f"/staff/events/{event.id}/check-in", f"/staff/events/{event.id}/registrations"]
    staff_only = [f"/staff/events/{event.id}/attendance", f"/staff/events/{event.id}/attendance.csv"]
    assert client.get(pages[0], follow_redirects=False).status_code in (302, 303)  # log in first
    for who, door, attendance in ((building.admin, 200, 200), (front_desk, 200, 404),
                                  (building.marc, 404, 404), (scene.nadia, 403, 403)):
        client.cookies.clear()
        login(client, who.email, PASSWORD)
        assert [client.get(url).status_code for url in pages] == [door, door], who.email
        assert [client.get(url).status_code for url in staff_only] == [attendance, attendance], who.email
    assert _stamp(db, person.id) is None


def test_the_attendance_csv_downloads_with_a_safe_name(client, db, building, event, monkeypatch, scene):
    person = _register(db, event, 1, name="=cmd|' /C calc'!A0")
    db.commit()
    monkeypatch.setattr(clock, "now", lambda: AT_THE_DOOR)
    login(client, building.lea.email, PASSWORD)
    door = f"/staff/events/{event.id}/check-in"
    form_post(client, door, door, {"code": person.code})
    monkeypatch.setattr(clock, "now", lambda: paris("2026-12-09", 9))
    client.cookies.clear()
    login(client, building.lea.email, PASSWORD)  # the next morning

    download = client.get(f"/staff/events/{event.id}/attendance.csv")

    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert download.headers["content-disposition"] == f'attachment; filename="attendance-{event.slug}.csv"'
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[1][0] == "'=cmd|' /C calc'!A0" and rows[1][3:] == ["checked_in", "2026-12-08T17:05:00+01:00"]
    page = client.get(f"/staff/events/{event.id}/attendance")
    assert page.status_code == 200 and "100%" in page.text and "attendance.csv" in page.text


def test_the_front_desk_finds_todays_doors_in_the_menu(client, db, building, event, at_the_door):
    front_desk = make_person(db, role="manager", email="accueil@cite-innovation.fr")
    db.commit()
    login(client, front_desk.email, PASSWORD)
    home = client.get("/")
    assert 'href="/staff/door"' in home.text
    doors = client.get("/staff/door")
    assert doors.status_code == 200 and "Meetup Mer" in doors.text
    assert f'href="/staff/events/{event.id}/check-in"' in doors.text
    client.cookies.clear()
    login(client, building.marc.email, PASSWORD)
    assert "No event of yours has its door open today." in client.get("/staff/door").text
