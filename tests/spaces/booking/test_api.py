"""Booking through the API: the contract, every refusal with its status, and who sees what."""
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spaces.booking.models import Booking
from tests.helpers import api_token, assert_refused
from tests.spaces.conftest import Scene, make_person, paris
from tests.spaces.factories import make_booking, make_closure, make_rule, make_space
from tests.totem.factories import PASSWORD

TUESDAY = "2026-12-01"


def at(day: str, hhmm: str, offset: str = "+01:00") -> str:
    return f"{day}T{hhmm}:00{offset}"


def booking_count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Booking)) or 0


def book(client: TestClient, headers: dict[str, str], **body: object):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/bookings", json=body, headers=headers)


def test_a_member_books_a_room_and_reads_it_back(client, db, scene: Scene):
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)

    created = book(client, headers, space_id=scene.room.id, starts_at=at(TUESDAY, "09:00"),
                   ends_at=at(TUESDAY, "10:00"), title="Point d'équipe")

    assert created.status_code == 201, created.text
    body = created.json()
    assert body == {
        "id": body["id"], "space_id": scene.room.id, "user_id": scene.nadia.id, "startup_id": scene.oceanwatt_id,
        "starts_at": "2026-12-01T08:00:00Z", "ends_at": "2026-12-01T09:00:00Z", "status": "confirmed",
        "title": "Point d'équipe", "created_at": "2026-11-30T08:00:00Z", "checked_in_at": None,
        "cancelled_at": None, "series_id": None,
    }
    assert client.get(f"/api/v1/bookings/{body['id']}", headers=headers).json() == body
    assert client.get("/api/v1/bookings", params={"mine": "true"}, headers=headers).json() == [body]


# (body changes, status, code, words of the detail in English, in French)
REFUSALS = {
    "time without offset": ({"starts_at": "2026-12-01T09:00:00"}, 422, "validation_error", "offset", "décalage"),
    "end before start": ({"ends_at": at(TUESDAY, "08:30")}, 422, "invalid", "The end must be after the start.",
                         "La fin doit être après le début."),
    "in the past": ({"starts_at": at("2026-11-30", "08:00"), "ends_at": at("2026-11-30", "09:00")}, 422,
                    "advance_window", "The start must be in the future.", "Le début doit se situer dans le futur."),
    "before opening": ({"starts_at": at(TUESDAY, "07:30"), "ends_at": at(TUESDAY, "08:30")}, 422,
                       "outside_opening_hours", "open from 08:00 to 20:00", "est ouvert de 08:00 à 20:00"),
    "after closing": ({"starts_at": at(TUESDAY, "19:30"), "ends_at": at(TUESDAY, "20:30")}, 422,
                      "outside_opening_hours", "open from 08:00 to 20:00", "est ouvert de 08:00 à 20:00"),
    "over two days": ({"starts_at": at(TUESDAY, "19:00"), "ends_at": at("2026-12-02", "09:00")}, 422,
                      "outside_opening_hours", "start and end on the same day", "commencer et finir le même jour"),
    "on a Saturday": ({"starts_at": at("2026-12-05", "09:00"), "ends_at": at("2026-12-05", "10:00")}, 422,
                      "closure_day", "closed on 2026-12-05", "est fermé le 2026-12-05"),
    "on a closure day": ({"starts_at": at("2026-12-02", "09:00"), "ends_at": at("2026-12-02", "10:00")}, 422,
                         "closure_day", "closed on 2026-12-02 (Inventaire)", "est fermé le 2026-12-02 (Inventaire)"),
    "on Christmas": ({"starts_at": at("2026-12-25", "09:00"), "ends_at": at("2026-12-25", "10:00")}, 422,
                     "closure_day", "closed on 2026-12-25, a public holiday", "est fermé le 2026-12-25, jour férié"),
    "too short": ({"ends_at": at(TUESDAY, "11:15")}, 422, "booking_too_short", "at least 30 minutes",
                  "au moins 30 minutes"),
    "too long": ({"ends_at": at(TUESDAY, "15:30")}, 422, "booking_too_long", "at most 240 minutes",
                 "ne peut pas dépasser 240 minutes"),
    "too far ahead": ({"starts_at": at("2027-01-05", "09:00"), "ends_at": at("2027-01-05", "10:00")}, 422,
                      "advance_window", "at most 30 days ahead", "au plus 30 jours à l'avance"),
    "unknown space": ({"space_id": 987654}, 422, "invalid", "No such space.", "Espace introuvable."),
    "another start-up": ({"startup_id": "kelp"}, 403, "forbidden", "You are not a member of this start-up.",
                         "Vous n'êtes pas membre de cette start-up."),
    "title too long": ({"title": "x" * 201}, 422, "validation_error", "at most 200 characters", "200"),
    "overlap": ({"starts_at": at(TUESDAY, "09:30"), "ends_at": at(TUESDAY, "10:30")}, 409, "booking_overlap",
                "Room Calanques is already booked 09:00–10:00 on 2026-12-01.",
                "La salle Calanques est déjà réservée de 09:00 à 10:00 le 2026-12-01."),
    "inside the buffer": ({"starts_at": at(TUESDAY, "10:05"), "ends_at": at(TUESDAY, "11:00")}, 409, "booking_buffer",
                          "Leave 10 minutes between bookings of Calanques: it is booked 09:00–10:00 on 2026-12-01.",
                          "Prévoyez 10 minutes entre deux réservations de Calanques"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_a_refused_booking_says_why_and_leaves_the_table_unchanged(client, db, scene: Scene, case: str):
    changes, status, code, english, french = REFUSALS[case]
    make_closure(db, venue=scene.venue, day=date(2026, 12, 2))
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris(TUESDAY, 9))
    db.commit()
    if changes.get("startup_id") == "kelp":
        changes = {**changes, "startup_id": scene.kelp_id}
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    before = booking_count(db)
    body = {"space_id": scene.room.id, "starts_at": at(TUESDAY, "11:00"), "ends_at": at(TUESDAY, "12:00"),
            **changes}

    assert_refused(lambda language: book(client, {**headers, **language}, **body), status, code, english, french)
    assert booking_count(db) == before


def test_a_role_the_rule_does_not_name_is_forbidden(client, db, scene: Scene):
    booth = make_space(db, floor=scene.floor, name="Cabine 1", kind="phone_booth", capacity=1)
    make_rule(db, venue=scene.venue, space_kind="phone_booth", allowed_roles=["mentor"])
    db.commit()
    member = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    manager = api_token(client, "lea@cite-innovation.fr", PASSWORD)
    slot = {"space_id": booth.id, "starts_at": at(TUESDAY, "11:00"), "ends_at": at(TUESDAY, "11:30")}

    refused = book(client, member, **slot)
    staff = book(client, manager, **slot)

    assert refused.status_code == 403 and "role" in refused.json()["detail"]
    assert staff.status_code == 201 and staff.json()["status"] == "confirmed"


def test_an_event_space_waits_for_approval(client, db, scene: Scene):
    agora = make_space(db, floor=scene.floor, name="Agora", kind="event_space", capacity=200)
    make_rule(db, venue=scene.venue, space_kind="event_space", allowed_roles=["member"], requires_approval=True)
    db.commit()
    member = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    manager = api_token(client, "lea@cite-innovation.fr", PASSWORD)

    pending = book(client, member, space_id=agora.id, starts_at=at(TUESDAY, "18:00"), ends_at=at(TUESDAY, "20:00"))
    assert pending.status_code == 201 and pending.json()["status"] == "pending"
    booking_id = pending.json()["id"]
    # The pending booking holds its slot.
    clash = book(client, manager, space_id=agora.id, starts_at=at(TUESDAY, "19:00"), ends_at=at(TUESDAY, "20:00"))
    assert clash.status_code == 409 and "18:00–20:00" in clash.json()["detail"]
    assert client.post(f"/api/v1/bookings/{booking_id}/approve", headers=member).status_code == 403
    approved = client.post(f"/api/v1/bookings/{booking_id}/approve", headers=manager)
    assert approved.status_code == 200 and approved.json()["status"] == "confirmed"
    assert client.post(f"/api/v1/bookings/{booking_id}/approve", headers=manager).status_code == 409


def test_a_member_cannot_see_or_touch_another_startups_booking(client, db, scene: Scene):
    theirs = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris(TUESDAY, 9),
                          organisation_id=scene.kelp_id)
    db.commit()
    nadia = api_token(client, "nadia@oceanwatt.fr", PASSWORD)

    assert client.get(f"/api/v1/bookings/{theirs.id}", headers=nadia).status_code == 404
    assert client.post(f"/api/v1/bookings/{theirs.id}/cancel", headers=nadia).status_code == 404
    assert client.post(f"/api/v1/bookings/{theirs.id}/check-in", headers=nadia).status_code == 404
    assert client.get("/api/v1/bookings", headers=nadia).json() == []
    db.expire_all()
    assert db.get(Booking, theirs.id).status == "confirmed"


def test_a_teammate_sees_the_startups_booking_but_only_its_holder_or_staff_change_it(client, db, scene: Scene):
    booking = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris(TUESDAY, 9),
                           organisation_id=scene.oceanwatt_id)
    db.commit()
    karim = api_token(client, "karim@oceanwatt.fr", PASSWORD)
    manager = api_token(client, "lea@cite-innovation.fr", PASSWORD)

    assert client.get(f"/api/v1/bookings/{booking.id}", headers=karim).status_code == 200
    assert [b["id"] for b in client.get("/api/v1/bookings", headers=karim).json()] == [booking.id]
    assert client.get("/api/v1/bookings", params={"mine": "true"}, headers=karim).json() == []
    assert client.post(f"/api/v1/bookings/{booking.id}/cancel", headers=karim).status_code == 403
    cancelled = client.post(f"/api/v1/bookings/{booking.id}/cancel", headers=manager)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_listing_filters_by_start(client, db, scene: Scene):
    early = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris(TUESDAY, 9))
    late = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-03", 9))
    db.commit()
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)

    def ids(**params: str) -> list[int]:
        response = client.get("/api/v1/bookings", params={"mine": "true", **params}, headers=headers)
        assert response.status_code == 200, response.text
        return [b["id"] for b in response.json()]

    assert ids() == [early.id, late.id]
    assert ids(starts_after=at("2026-12-02", "00:00")) == [late.id]
    assert ids(starts_before=at("2026-12-02", "00:00")) == [early.id]
    assert client.get("/api/v1/bookings", params={"starts_after": "2026-12-02T00:00:00"},
                      headers=headers).status_code == 422


def test_cancel_and_check_in_through_the_api(client, db, scene: Scene, monkeypatch):
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    first = book(client, headers, space_id=scene.room.id, starts_at=at(TUESDAY, "09:00"), ends_at=at(TUESDAY, "10:00"))
    second = book(client, headers, space_id=scene.room.id, starts_at=at(TUESDAY, "14:00"),
                  ends_at=at(TUESDAY, "15:00"))

    early = client.post(f"/api/v1/bookings/{first.json()['id']}/check-in", headers=headers)
    assert early.status_code == 409 and "Check-in opens at 08:45." in early.json()["detail"]
    cancelled = client.post(f"/api/v1/bookings/{second.json()['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"] == "2026-11-30T08:00:00Z"
    # The cancelled slot is free again.
    again = book(client, headers, space_id=scene.room.id, starts_at=at(TUESDAY, "14:00"), ends_at=at(TUESDAY, "15:00"))
    assert again.status_code == 201
    monkeypatch.setattr("totem.clock.now", lambda: paris(TUESDAY, 8, 50))
    checked_in = client.post(f"/api/v1/bookings/{first.json()['id']}/check-in", headers=headers)
    assert checked_in.status_code == 200 and checked_in.json()["status"] == "checked_in"


def test_a_staff_member_may_book_for_any_startup(client, db, scene: Scene):
    headers = api_token(client, "lea@cite-innovation.fr", PASSWORD)

    created = book(client, headers, space_id=scene.room.id, starts_at=at(TUESDAY, "09:00"),
                   ends_at=at(TUESDAY, "10:00"), startup_id=scene.kelp_id)
    unknown = book(client, headers, space_id=scene.room.id, starts_at=at(TUESDAY, "11:00"),
                   ends_at=at(TUESDAY, "12:00"), startup_id=987654)

    assert created.status_code == 201 and created.json()["startup_id"] == scene.kelp_id
    assert unknown.status_code == 422 and unknown.json() == {"detail": "No such start-up.", "code": "invalid", "field": "startup_id"}
    hugo = api_token(client, "hugo@kelpstudio.fr", PASSWORD)
    assert client.get(f"/api/v1/bookings/{created.json()['id']}", headers=hugo).status_code == 200


def test_a_mentor_books_without_a_startup(client, db, scene: Scene):
    make_person(db, role="mentor", email="yves@mentors-sud.fr")
    db.commit()
    headers = api_token(client, "yves@mentors-sud.fr", PASSWORD)

    created = book(client, headers, space_id=scene.room.id, starts_at=at(TUESDAY, "16:00"),
                   ends_at=at(TUESDAY, "17:00"), title="Mentorat")

    assert created.status_code == 201 and created.json()["startup_id"] is None



def test_the_contract_is_documented_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert {"/spaces", "/spaces/availability", "/spaces/{space_id}", "/venues", "/bookings", "/bookings/{booking_id}",
            "/bookings/{booking_id}/cancel", "/bookings/{booking_id}/check-in"} <= paths.keys()
    assert "201" in paths["/bookings"]["post"]["responses"]
