"""Events and registrations in the API: the agenda and registering without a token, the staff's changes,
`{"detail", "code"}` refusals, another operator's manager kept out."""
from datetime import timedelta

import pytest

from tests.helpers import api_token
from tests.spaces.conftest import NOW, paris
from tests.spaces.events.factories import make_event
from tests.totem.factories import PASSWORD

EVENING = (paris("2026-12-08", 17), paris("2026-12-08", 19))


@pytest.fixture
def event(db, building):  # type: ignore[no-untyped-def]
    event = make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, capacity=1)
    db.commit()
    return event


def _body(building, **fields):  # type: ignore[no-untyped-def]
    return {"title": "Demo day Mer", "kind": "demo_day", "space_id": building.hall.id,
            "starts_at": (EVENING[0] + timedelta(days=1)).isoformat(),
            "ends_at": (EVENING[1] + timedelta(days=1)).isoformat(), "capacity": 200, "tags": ["Mer"], **fields}


def test_the_agenda_and_an_event_need_no_token(client, event):
    listed = client.get("/api/v1/events")
    assert listed.status_code == 200 and [e["id"] for e in listed.json()] == [event.id]
    one = client.get(f"/api/v1/events/{event.id}").json()
    assert one["slug"] == event.slug and one["seats_left"] == 1 and one["status"] == "scheduled"


def test_registering_without_a_token_then_waiting_then_the_same_email_again(client, event):
    body = {"name": "Camille", "email": "camille@example.fr", "consent": True}
    first = client.post(f"/api/v1/events/{event.id}/registrations", json=body)
    assert first.status_code == 201 and first.json() == {"event_id": event.id, "status": "registered", "is_new": True}
    second = client.post(f"/api/v1/events/{event.id}/registrations", json={**body, "email": "leo@example.fr"})
    assert second.json()["status"] == "waitlisted"
    again = client.post(f"/api/v1/events/{event.id}/registrations", json={**body, "email": "CAMILLE@example.fr"})
    assert again.status_code == 200 and again.json()["is_new"] is False
    refused = client.post(f"/api/v1/events/{event.id}/registrations", json={**body, "consent": False})
    assert refused.status_code == 422 and refused.json()["code"] == "consent_required"


def test_a_manager_creates_updates_and_cancels_an_event_and_reads_its_registrations(client, building, event):
    headers = api_token(client, building.lea.email, PASSWORD)
    created = client.post("/api/v1/events", json=_body(building), headers=headers)
    assert created.status_code == 201, created.text
    new = created.json()
    assert new["tag_slugs"] == ["mer"] and new["booking_id"] and new["operator_id"] == building.metropole.id

    taken = client.post("/api/v1/events", json=_body(building, title="Clash"), headers=headers)
    assert taken.status_code == 409 and taken.json()["code"] == "booking_overlap" and taken.json()["detail"]

    updated = client.put(f"/api/v1/events/{new['id']}", json=_body(building, capacity=300), headers=headers)
    assert updated.status_code == 200 and updated.json()["capacity"] == 300

    client.post(f"/api/v1/events/{event.id}/registrations",
                json={"name": "Camille", "email": "camille@example.fr", "consent": True})
    registrations = client.get(f"/api/v1/events/{event.id}/registrations", headers=headers).json()
    assert [(r["email"], r["status"]) for r in registrations] == [("camille@example.fr", "registered")]
    cancelled = client.post(f"/api/v1/events/{event.id}/registrations/{registrations[0]['id']}/cancel",
                            headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"

    off = client.post(f"/api/v1/events/{new['id']}/cancel", headers=headers)
    assert off.status_code == 200 and off.json()["status"] == "cancelled"


def test_another_operators_manager_neither_reads_registrations_nor_changes_the_event(client, building, event):
    headers = api_token(client, building.marc.email, PASSWORD)
    for response in (client.get(f"/api/v1/events/{event.id}/registrations", headers=headers),
                     client.put(f"/api/v1/events/{event.id}", json=_body(building), headers=headers),
                     client.post(f"/api/v1/events/{event.id}/cancel", headers=headers)):
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get("/api/v1/events/managed", headers=headers).json() == []


def test_members_and_the_public_may_not_create_events(client, building, scene):
    assert client.post("/api/v1/events", json=_body(building)).status_code == 401
    headers = api_token(client, scene.nadia.email, PASSWORD)
    refused = client.post("/api/v1/events", json=_body(building), headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_the_schema_lists_the_events_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/events", "/events/{event_id}", "/events/{event_id}/registrations", "/events/{event_id}/cancel",
            "/events/{event_id}/registrations/{registration_id}/cancel"} <= set(paths)
