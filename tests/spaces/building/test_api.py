"""Operators in the API: the admins set them up, their managers read their own, a spent quota is a 409 with its
code, and another operator's manager sees nothing of them."""
import pytest
from sqlalchemy import func, select

from spaces.booking.models import Booking
from spaces.operators.models import Operator
from tests.helpers import api_token
from tests.spaces.conftest import Scene
from tests.totem.factories import PASSWORD

TUESDAY = "2026-12-01"


def test_the_admin_creates_an_operator_and_sets_its_quota(client, scene, operators):
    headers = api_token(client, "admin@cite.fr", PASSWORD)

    created = client.post("/api/v1/operators", json={"name": "Université", "kind": "university"}, headers=headers)
    assert created.status_code == 201, created.text
    operator_id = created.json()["id"]
    quota = client.put(f"/api/v1/operators/{operator_id}/quotas/meeting_room",
                       json={"monthly_hours": 50, "when_exhausted": "approval"}, headers=headers)

    assert quota.status_code == 200, quota.text
    assert quota.json() == [{"space_kind": "meeting_room", "monthly_hours": 50, "when_exhausted": "approval"}]
    assert client.get(f"/api/v1/operators/{operator_id}", headers=headers).json()["quotas"] == quota.json()
    removed = client.delete(f"/api/v1/operators/{operator_id}/quotas/meeting_room", headers=headers)
    assert removed.status_code == 204
    assert client.get(f"/api/v1/operators/{operator_id}/quotas", headers=headers).json() == []


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"name": "Métropole", "kind": "accelerator"}, 409, "conflict", "name"),
    ({"name": "  ", "kind": "accelerator"}, 422, "invalid", "name"),
    ({"name": "X", "kind": "bank"}, 422, "validation_error", None),
    ({"name": "X" * 201}, 422, "validation_error", None),
])
def test_a_bad_operator_is_refused_and_nothing_written(client, db, scene, operators, body, status, code, field):
    headers = api_token(client, "admin@cite.fr", PASSWORD)
    before = db.scalar(select(func.count(Operator.id)))

    refused = client.post("/api/v1/operators", json=body, headers=headers)

    assert refused.status_code == status and refused.json()["code"] == code, refused.text
    if field:
        assert refused.json()["field"] == field
    db.expire_all()
    assert db.scalar(select(func.count(Operator.id))) == before


def test_a_spent_quota_is_a_409_with_its_code_in_the_language_asked(client, db, scene, operators):
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    first = client.post("/api/v1/bookings", json={"space_id": scene.room.id, "starts_at": f"{TUESDAY}T08:00:00+01:00",
                                                  "ends_at": f"{TUESDAY}T09:30:00+01:00"}, headers=headers)
    assert first.status_code == 201, first.text

    refused = client.post("/api/v1/bookings", json={"space_id": scene.room.id,
                                                    "starts_at": f"{TUESDAY}T12:00:00+01:00",
                                                    "ends_at": f"{TUESDAY}T13:00:00+01:00"},
                          headers={**headers, "Accept-Language": "fr"})

    assert refused.status_code == 409
    assert refused.json()["code"] == "quota_exhausted" and refused.json()["field"] == "starts_at"
    assert refused.json()["detail"].startswith("Métropole a réservé 1.5 de ses 2 heures")
    assert db.scalar(select(func.count(Booking.id))) == 1


def test_the_operators_manager_reads_its_usage_and_another_operators_manager_nothing(client, scene, operators):
    metropole, _harbour = operators
    nadia = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    client.post("/api/v1/bookings", json={"space_id": scene.room.id, "starts_at": f"{TUESDAY}T08:00:00+01:00",
                                          "ends_at": f"{TUESDAY}T09:00:00+01:00"}, headers=nadia)
    lea = api_token(client, scene.manager.email, PASSWORD)
    marc = api_token(client, "marc@armateur.fr", PASSWORD)

    usage = client.get(f"/api/v1/operators/{metropole}/usage", params={"month": TUESDAY}, headers=lea)

    assert usage.status_code == 200, usage.text
    assert usage.json() == {"operator_id": metropole, "month": "2026-12-01", "kinds": [
        {"space_kind": "meeting_room", "used_hours": 1.0, "quota_hours": 2, "left_hours": 1.0,
         "when_exhausted": "refuse"}]}
    for path in ("", "/quotas", "/usage"):
        assert client.get(f"/api/v1/operators/{metropole}{path}", headers=marc).status_code == 404
        assert client.get(f"/api/v1/operators/{metropole}{path}", headers=nadia).status_code == 404
    assert [o["name"] for o in client.get("/api/v1/operators", headers=marc).json()] == ["Blue Harbour"]
    assert client.get("/api/v1/operators", headers=nadia).json() == []
    assert client.put(f"/api/v1/operators/{metropole}/quotas/meeting_room", json={"monthly_hours": 99},
                      headers=lea).status_code == 403


def test_peak_hours_are_read_by_all_and_set_by_the_admin(client, scene, operators):
    admin = api_token(client, "admin@cite.fr", PASSWORD)
    path = f"/api/v1/venues/{scene.venue.id}/peak-hours"
    assert client.get(path, headers=admin).json() == {"venue_id": scene.venue.id, "weekdays": [0, 1, 2, 3, 4],
                                                      "periods": "10:00-12:00,14:00-17:00"}

    saved = client.put(path, json={"weekdays": [1, 3], "periods": "09:00-11:00"}, headers=admin)
    refused = client.put(path, json={"weekdays": [1], "periods": "11:00-09:00"}, headers=admin)

    assert saved.json() == {"venue_id": scene.venue.id, "weekdays": [1, 3], "periods": "09:00-11:00"}
    assert refused.status_code == 422 and refused.json()["field"] == "peak_periods"
    assert client.get(path, headers=admin).json()["periods"] == "09:00-11:00"


def test_a_manager_creates_programs_for_their_own_operator_only(client, db, scene, operators):
    metropole, harbour = operators
    lea = api_token(client, scene.manager.email, PASSWORD)

    own = client.post("/api/v1/programs", json={"name": "Mer 2027", "venue_id": scene.venue.id}, headers=lea)
    other = client.post("/api/v1/programs", json={"name": "Port 2027", "venue_id": scene.venue.id,
                                                   "operator_id": harbour}, headers=lea)

    assert own.status_code == 201 and own.json()["operator_id"] == metropole, own.text
    assert other.status_code == 403 and other.json()["code"] == "forbidden"
