"""The door in the API: check in by code (twice is 200 with `already_checked_in`), the refusals as
`{"detail", "code"}` in both languages, the attendance and its CSV, another operator's manager kept out; the
OpenAPI schema documents the routes."""
import pytest

from spaces.events import registrations
from tests.helpers import api_token, assert_refused
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
    return make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, capacity=2)


@pytest.fixture
def people(db, event):  # type: ignore[no-untyped-def]
    seated = [_register(db, event, 1, name="Camille Durand"), _register(db, event, 2)]
    waiting = _register(db, event, 3)
    db.commit()
    return [*seated, waiting]


@pytest.fixture
def at_the_door(monkeypatch, scene):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: AT_THE_DOOR)


def test_check_in_by_code_then_again(client, building, event, people, at_the_door):
    headers = api_token(client, building.lea.email, PASSWORD)
    url = f"/api/v1/events/{event.id}/check-ins"

    first = client.post(url, json={"code": people[0].code.lower()}, headers=headers)
    again = client.post(url, json={"code": f"https://x/staff/events/{event.id}/check-in?code={people[0].code}"},
                        headers=headers)

    assert first.status_code == 200 and first.json()["already_checked_in"] is False
    assert first.json()["name"] == "Camille Durand" and first.json()["checked_in_at"].startswith("2026-12-08T16:05")
    assert again.status_code == 200 and again.json()["already_checked_in"] is True


@pytest.mark.parametrize(("which", "status", "code", "english", "french"), [
    ("waitlisted", 409, "registration_waitlisted", "on the waiting list", "sur la liste d'attente"),
    ("unknown", 404, "no_such_registration_code", "No registration has the code", "Aucune inscription n'a le code"),
    ("other event", 409, "code_for_another_event", "another event", "un autre événement"),
])
def test_refusals_have_a_stable_code_in_both_languages(client, db, building, event, people, at_the_door, which,
                                                       status, code, english, french):
    if which == "waitlisted":
        typed = people[2].code
    elif which == "unknown":
        typed = "ZZZZ2222"
    else:
        other = make_event(db, building, starts_at=paris("2026-12-09", 17), ends_at=paris("2026-12-09", 19),
                           now=NOW, title="Demo day")
        typed = _register(db, other, 9).code
        db.commit()
    headers = api_token(client, building.lea.email, PASSWORD)
    assert_refused(lambda language: client.post(f"/api/v1/events/{event.id}/check-ins", json={"code": typed},
                                                headers={**headers, **language}),
                   status, code, english, french)


def test_the_door_is_closed_before_the_events_day(client, building, event, people, scene):
    headers = api_token(client, building.lea.email, PASSWORD)  # the clock is the fixtures' (30 November)
    answer = client.post(f"/api/v1/events/{event.id}/check-ins", json={"code": people[0].code}, headers=headers)
    assert answer.status_code == 409 and answer.json()["code"] == "check_in_not_open"


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": "x" * 201}, {"code": 12345678}, {"code": None}])
def test_a_malformed_body_is_a_422(client, building, event, people, at_the_door, body):
    headers = api_token(client, building.lea.email, PASSWORD)
    answer = client.post(f"/api/v1/events/{event.id}/check-ins", json=body, headers=headers)
    assert answer.status_code == 422 and "code" in answer.json()


def test_who_checks_in_and_reads_the_attendance(client, db, building, event, people, at_the_door, scene):
    front_desk = make_person(db, role="manager", email="accueil@cite-innovation.fr")
    db.commit()
    check_in = f"/api/v1/events/{event.id}/check-ins"
    reads = [f"/api/v1/events/{event.id}/attendance", f"/api/v1/events/{event.id}/attendance.csv"]
    assert client.post(check_in, json={"code": people[0].code}).status_code == 401
    for who, door, attendance in ((building.marc, 404, 404), (scene.nadia, 403, 404), (front_desk, 200, 404),
                                  (building.admin, 200, 200)):
        headers = api_token(client, who.email, PASSWORD)
        answer = client.post(check_in, json={"code": people[1].code}, headers=headers)
        assert answer.status_code == door, (who.email, answer.text)
        if door != 200:
            assert answer.json()["code"] in ("not_found", "forbidden")
        assert [client.get(url, headers=headers).status_code for url in reads] == [attendance] * 2, who.email


def test_the_attendance_and_its_csv(client, building, event, people, monkeypatch, scene):
    monkeypatch.setattr(clock, "now", lambda: AT_THE_DOOR)
    headers = api_token(client, building.lea.email, PASSWORD)
    client.post(f"/api/v1/events/{event.id}/check-ins", json={"code": people[0].code}, headers=headers)
    monkeypatch.setattr(clock, "now", lambda: paris("2026-12-09", 9))

    body = client.get(f"/api/v1/events/{event.id}/attendance", headers=headers).json()

    assert {key: body[key] for key in ("registered", "checked_in", "no_shows", "waitlisted", "is_over")} == {
        "registered": 2, "checked_in": 1, "no_shows": 1, "waitlisted": 1, "is_over": True}
    states = {person["name"]: (person["state"], person["checked_in_at"]) for person in body["attendees"]}
    assert states["Camille Durand"] == ("checked_in", "2026-12-08T17:05:00+01:00")
    assert states["Person 2"] == ("no_show", None) and states["Person 3"] == ("waitlisted", None)
    csv_answer = client.get(f"/api/v1/events/{event.id}/attendance.csv", headers=headers)
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert csv_answer.text.splitlines()[0] == "name,email,organisation,status,checked_in_at"


def test_the_schema_documents_the_door(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    check_in = paths["/events/{event_id}/check-ins"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(check_in["responses"])
    assert "text/csv" in paths["/events/{event_id}/attendance.csv"]["get"]["responses"]["200"]["content"]
    assert "/events/{event_id}/attendance" in paths
