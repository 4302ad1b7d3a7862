"""Visitors in the JSON API: the same rules and refusals as the pages, with stable codes."""
from sqlalchemy import func, select

from spaces.visitors.models import Visitor
from tests.helpers import api_token
from tests.spaces.conftest import NOW
from tests.totem.factories import PASSWORD
from totem import clock

BODY = {"guests": [{"name": "Camille Durand", "email": "camille@example.fr", "organisation": "Ports de Provence"}],
        "day": "2026-11-30", "time": "11:00", "reason": "Pilot review"}


def _count(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Visitor))


def test_a_member_expects_a_guest_and_the_desk_checks_them_in(client, db, scene):
    member = api_token(client, scene.nadia.email, PASSWORD)
    desk = api_token(client, scene.manager.email, PASSWORD)

    created = client.post("/api/v1/visitors", headers=member, json=BODY)

    assert created.status_code == 201
    [visitor] = created.json()
    assert visitor["name"] == "Camille Durand" and visitor["host_id"] == scene.nadia.id
    assert visitor["expected_at"] == "2026-11-30T10:00:00Z" and visitor["checked_in_at"] is None
    assert [v["id"] for v in client.get("/api/v1/visitors", headers=desk).json()] == [visitor["id"]]
    assert client.get("/api/v1/visitors", headers=api_token(client, scene.hugo.email, PASSWORD)).json() == []

    checked = client.post(f"/api/v1/visitors/{visitor['id']}/check-in", headers=desk)
    assert checked.status_code == 200 and checked.json()["checked_in_at"] == "2026-11-30T08:00:00Z"
    twice = client.post(f"/api/v1/visitors/{visitor['id']}/check-in", headers=desk)
    assert twice.status_code == 409 and twice.json()["code"] == "already_checked_in"


def test_refusals_carry_a_code_and_write_nothing(client, db, scene):
    member = api_token(client, scene.nadia.email, PASSWORD)
    cases = [
        ({**BODY, "day": "2026-11-27"}, 422, "visit_in_the_past"),
        ({**BODY, "day": "2026-12-05"}, 422, "closure_day"),
        ({**BODY, "day": 0}, 422, "validation_error"),
        ({**BODY, "time": "11:00+01:00"}, 422, "validation_error"),
        ({**BODY, "guests": []}, 422, "validation_error"),
        ({**BODY, "guests": [{"name": "C", "email": "not-an-address"}]}, 422, "validation_error"),
        ({**BODY, "host_id": scene.hugo.id}, 403, "forbidden"),
        ({**BODY, "host_id": 2**40}, 422, "validation_error"),
    ]
    for body, status, code in cases:
        response = client.post("/api/v1/visitors", headers=member, json=body)
        assert (response.status_code, response.json()["code"]) == (status, code), body
    assert _count(db) == 0


def test_another_start_up_and_the_desk_rules_per_object(client, db, scene):
    member = api_token(client, scene.nadia.email, PASSWORD)
    other = api_token(client, scene.hugo.email, PASSWORD)
    [visitor] = client.post("/api/v1/visitors", headers=member, json={**BODY, "day": "2026-12-01"}).json()

    assert client.get(f"/api/v1/visitors/{visitor['id']}", headers=other).status_code == 404
    assert client.post(f"/api/v1/visitors/{visitor['id']}/cancel", headers=other).status_code == 404
    refused = client.post(f"/api/v1/visitors/{visitor['id']}/check-in", headers=member)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    desk = api_token(client, scene.manager.email, PASSWORD)
    not_today = client.post(f"/api/v1/visitors/{visitor['id']}/check-in", headers=desk)
    assert not_today.status_code == 409 and not_today.json()["code"] == "visit_not_today"
    cancelled = client.post(f"/api/v1/visitors/{visitor['id']}/cancel", headers=member)
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"] == "2026-11-30T08:00:00Z"


def test_the_desk_adds_a_walk_in(client, db, scene, monkeypatch):
    desk = api_token(client, scene.manager.email, PASSWORD)
    walk_in = client.post("/api/v1/visitors/walk-ins", headers=desk,
                          json={"name": "Inès Roux", "organisation": "Région Sud", "host_id": scene.hugo.id})
    assert walk_in.status_code == 201 and walk_in.json()["walk_in"] is True
    assert walk_in.json()["checked_in_at"] == NOW.isoformat().replace("+00:00", "Z")
    member = api_token(client, scene.nadia.email, PASSWORD)
    assert client.post("/api/v1/visitors/walk-ins", headers=member,
                       json={"name": "X", "host_id": scene.hugo.id}).status_code == 403
    assert clock.now() == NOW
