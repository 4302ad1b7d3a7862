"""The public agenda, an event's page and its registration form without an account, the person's own page, the
agenda's feed; the staff's pages to run their operator's events; bad input shows the form again."""
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from spaces.events.models import Event, Registration
from tests.helpers import csrf_from, form_post, login
from tests.spaces.conftest import NOW, paris
from tests.spaces.events.factories import make_event
from tests.totem.factories import PASSWORD
from totem.notifications.models import OutboxMessage

EVENING = (paris("2026-12-08", 17), paris("2026-12-08", 19, 30))


@pytest.fixture(autouse=True)
def in_english(client):  # type: ignore[no-untyped-def]
    client.headers["Accept-Language"] = "en"


@pytest.fixture
def event(db, building):  # type: ignore[no-untyped-def]
    event = make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, capacity=1,
                       description_fr="Rencontre autour de la mer.", description_en="A meetup about the sea.")
    db.commit()
    return event


def _register(client, event, **values):  # type: ignore[no-untyped-def]
    data = {"name": "Camille Durand", "email": "camille@example.fr", "organisation": "Ports", "consent": "yes",
            **values}
    return form_post(client, f"/events/{event.slug}", f"/events/{event.slug}/register", data)


def _registrations(db):  # type: ignore[no-untyped-def]
    db.expire_all()
    return list(db.scalars(select(Registration).order_by(Registration.id)))


def test_the_public_agenda_lists_public_events_in_the_visitors_language(client, db, building, event):
    make_event(db, building, starts_at=EVENING[0] + timedelta(days=1), ends_at=EVENING[1] + timedelta(days=1), now=NOW,
               title="Members' breakfast", audience="members")
    db.commit()
    page = client.get("/events", headers={"Accept-Language": "fr"})
    assert page.status_code == 200 and "Meetup Mer" in page.text and "Members' breakfast" not in page.text
    assert "mardi 8 décembre 2026" in page.text and "1 place restante" in page.text

    english = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"})
    assert "A meetup about the sea." in english.text and "Register" in english.text
    french = client.get(f"/events/{event.id}", headers={"Accept-Language": "fr"})
    assert "Rencontre autour de la mer." in french.text


def test_the_feed_holds_the_public_agenda(client, db, building, event):
    response = client.get("/events.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    [entry] = Calendar.from_ical(response.text).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Meetup Mer" and entry.decoded("DTSTART") == EVENING[0]


def test_anyone_registers_without_an_account_then_the_next_waits(client, db, event):
    response = _register(client, event)
    assert response.status_code == 303 and response.headers["location"] == f"/events/{event.slug}"
    assert "You are registered" in client.get(response.headers["location"]).text
    second = _register(client, event, email="leo@example.fr", name="Léo")
    assert "waiting list" in client.get(second.headers["location"]).text
    assert [r.status for r in _registrations(db)] == ["registered", "waitlisted"]

    again = _register(client, event, email="CAMILLE@example.fr")
    assert "is already registered" in client.get(again.headers["location"]).text
    assert len(_registrations(db)) == 2


@pytest.mark.parametrize(("values", "message"), [
    ({"name": ""}, "Give your name."),
    ({"email": "camille"}, "Give a valid e-mail address."),
    ({"consent": ""}, "Tick the box"),
    ({"organisation": "x" * 300}, "Keep it under"),
    ({"name": "Camille\x00"}, None),
])
def test_bad_input_shows_the_form_again_with_the_message_and_writes_nothing(client, db, event, values, message):
    response = _register(client, event, **values)
    assert response.status_code == 422
    if message:
        assert message in response.text and 'action="/events/' in response.text
    assert _registrations(db) == [] and db.scalar(select(func.count()).select_from(OutboxMessage)) == 1  # the booking's


def test_the_personal_page_shows_the_code_and_cancelling_offers_the_seat_to_the_next(client, db, event):
    _register(client, event)
    _register(client, event, email="leo@example.fr", name="Léo")
    camille, leo = _registrations(db)
    page = client.get(f"/events/registration/{camille.page_token}")
    assert camille.code in page.text and "<svg" in page.text

    confirm = client.get(f"/events/registration/{camille.page_token}/cancel")
    assert confirm.status_code == 200 and _registrations(db)[0].status == "registered"  # a GET changes nothing
    response = client.post(f"/events/registration/{camille.page_token}/cancel",
                           data={"csrf_token": csrf_from(confirm)}, follow_redirects=False)
    assert response.status_code == 303
    assert [r.status for r in _registrations(db)] == ["cancelled", "offered"]

    offer = client.get(f"/events/registration/{leo.page_token}")
    assert "Take the seat" in offer.text
    taken = client.post(f"/events/registration/{leo.page_token}/accept", data={"csrf_token": csrf_from(offer)},
                        follow_redirects=False)
    assert taken.status_code == 303 and _registrations(db)[1].status == "registered"
    assert client.get("/events/registration/not-a-token").status_code == 404


def test_members_only_events_show_to_members_once_logged_in(client, db, building, scene):
    members = make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, title="Breakfast",
                         audience="members")
    db.commit()
    assert client.get(f"/events/{members.slug}").status_code == 404
    login(client, scene.nadia.email, PASSWORD)
    assert "Breakfast" in client.get("/events").text
    assert client.get(f"/events/{members.slug}").status_code == 200


def test_a_manager_creates_an_event_on_the_staff_pages_and_sees_its_registrations(client, db, building):
    login(client, building.lea.email, PASSWORD)
    data = {"title": "Atelier levée de fonds", "kind": "workshop", "audience": "public",
            "operator_id": str(building.metropole.id), "space_id": str(building.hall.id), "day": "2026-12-09",
            "starts": "14:00", "ends": "16:00", "capacity": "40", "description_fr": "", "description_en": "",
            "registration_opens": "", "registration_closes": "2026-12-09T12:00", "tags": "Mer, Aménagement urbain"}
    response = form_post(client, "/staff/events/new", "/staff/events", data)
    assert response.status_code == 303
    event = db.scalars(select(Event)).one()
    assert event.starts_at == paris("2026-12-09", 14) and event.registration_closes_at == paris("2026-12-09", 12)
    assert "Atelier levée de fonds" in client.get("/staff/events").text
    # The event's page leads to its door: the check-in, the list and, afterwards, attendance and feedback.
    staff_page = client.get(f"/staff/events/{event.id}").text
    for door_page in ("check-in", "registrations", "attendance"):
        assert f'href="/staff/events/{event.id}/{door_page}"' in staff_page
        assert client.get(f"/staff/events/{event.id}/{door_page}").status_code == 200

    taken = form_post(client, "/staff/events/new", "/staff/events", {**data, "title": "Another"})
    assert taken.status_code == 409 and "already booked" in taken.text

    bad = form_post(client, "/staff/events/new", "/staff/events", {**data, "day": "2026-13-01"})
    assert bad.status_code == 422 and "Enter a date such as" in bad.text


def test_another_operators_manager_and_members_cannot_reach_the_staff_pages(client, db, building, event, scene):
    login(client, building.marc.email, PASSWORD)
    assert client.get(f"/staff/events/{event.id}").status_code == 404
    assert "Meetup Mer" not in client.get("/staff/events").text
    client.cookies.clear()
    login(client, scene.nadia.email, PASSWORD)
    assert client.get("/staff/events").status_code == 403
