"""Recurring series through the API: the shape, 409 with the dates, skipped dates, changes, and who sees what."""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spaces.booking.models import Booking
from spaces.series.models import BookingSeries
from tests.helpers import api_token
from tests.spaces.conftest import Scene, paris
from tests.spaces.factories import make_booking
from tests.totem.factories import PASSWORD

FRIDAYS = {"starts_at": "2026-12-11T10:00:00+01:00", "ends_at": "2026-12-11T11:00:00+01:00",
           "rrule": "FREQ=WEEKLY;BYDAY=FR;COUNT=3", "title": "Weekly review"}


FRENCH_NOTHING_BOOKED = "Rien n’a été réservé : ces dates ne sont pas disponibles : 2026-12-18, 2026-12-25."


def counts(db: Session) -> tuple[int, int]:
    db.expire_all()
    return (db.scalar(select(func.count()).select_from(Booking)) or 0,
            db.scalar(select(func.count()).select_from(BookingSeries)) or 0)


def test_all_or_nothing_is_a_409_naming_each_date_and_why(client, db, scene: Scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-18", 10, 30))
    db.commit()
    nadia = api_token(client, scene.nadia.email, PASSWORD)

    refused = client.post("/api/v1/booking-series", json={"space_id": scene.room.id, **FRIDAYS}, headers=nadia)
    in_french = client.post("/api/v1/booking-series", json={"space_id": scene.room.id, **FRIDAYS},
                            headers={**nadia, "Accept-Language": "fr"})

    assert refused.status_code == in_french.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == in_french.json()["code"] == "series_conflict"
    assert in_french.json()["detail"].startswith(FRENCH_NOTHING_BOOKED)
    assert body["detail"].startswith("Nothing was booked: these dates are not available: 2026-12-18, 2026-12-25.")
    assert "2026-12-18: Room Calanques is already booked 10:30–11:30 on 2026-12-18." in body["detail"]
    assert [(d["day"], d["reason"]) for d in body["dates"]] == [("2026-12-18", "conflict"), ("2026-12-25", "closed")]
    assert counts(db) == (1, 0)


def test_skip_mode_books_the_rest_and_the_series_reads_back(client, db, scene: Scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-18", 10, 30))
    db.commit()
    nadia = api_token(client, scene.nadia.email, PASSWORD)

    created = client.post("/api/v1/booking-series", json={"space_id": scene.room.id, **FRIDAYS, "on_conflict": "skip"},
                          headers=nadia)

    assert created.status_code == 201, created.text
    body = created.json()
    assert {key: body[key] for key in ("space_id", "user_id", "startup_id", "rrule", "first_day", "until_day",
                                       "start_time", "duration_minutes", "timezone", "title")} == {
        "space_id": scene.room.id, "user_id": scene.nadia.id, "startup_id": scene.oceanwatt_id,
        "rrule": "FREQ=WEEKLY;BYDAY=FR", "first_day": "2026-12-11", "until_day": "2026-12-25",
        "start_time": "10:00:00", "duration_minutes": 60, "timezone": "Europe/Paris", "title": "Weekly review",
    }
    assert [(b["starts_at"], b["status"], b["title"]) for b in body["bookings"]] == [
        ("2026-12-11T09:00:00Z", "confirmed", "Weekly review")]
    assert body["skipped"] == [
        {"day": "2026-12-18", "reason": "conflict",
         "message": "Room Calanques is already booked 10:30–11:30 on 2026-12-18."},
        {"day": "2026-12-25", "reason": "closed",
         "message": "Cité de l'innovation is closed on 2026-12-25, a public holiday."},
    ]
    assert client.get(f"/api/v1/booking-series/{body['id']}", headers=nadia).json() == body
    assert [s["id"] for s in client.get("/api/v1/booking-series", headers=nadia).json()] == [body["id"]]
    # Each occurrence is an ordinary booking too.
    assert client.get(f"/api/v1/bookings/{body['bookings'][0]['id']}", headers=nadia).status_code == 200


def test_refusals_that_are_not_about_dates(client, db, scene: Scene):
    nadia = api_token(client, scene.nadia.email, PASSWORD)
    daily = client.post("/api/v1/booking-series", json={"space_id": scene.room.id, **FRIDAYS, "rrule": "FREQ=DAILY"},
                        headers=nadia)
    naive = client.post("/api/v1/booking-series",
                        json={"space_id": scene.room.id, **FRIDAYS, "starts_at": "2026-12-11T10:00:00"}, headers=nadia)
    assert daily.status_code == 422 and "Only weekly rules" in daily.json()["detail"]
    assert naive.status_code == 422 and "offset" in naive.json()["detail"]
    assert counts(db) == (0, 0)


def test_cancel_and_move_through_the_api(client, db, scene: Scene):
    nadia = api_token(client, scene.nadia.email, PASSWORD)
    made = client.post("/api/v1/booking-series", json={"space_id": scene.room.id, **FRIDAYS,
                                                        "rrule": "FREQ=WEEKLY;BYDAY=FR;COUNT=2"}, headers=nadia).json()

    moved = client.patch(f"/api/v1/booking-series/{made['id']}", headers=nadia,
                         json={"scope": "all", "start_time": "14:00", "duration_minutes": 30})
    assert moved.status_code == 200, moved.text
    assert [b["starts_at"] for b in moved.json()["bookings"]] == ["2026-12-11T13:00:00Z", "2026-12-18T13:00:00Z"]
    assert moved.json()["start_time"] == "14:00:00" and moved.json()["duration_minutes"] == 30

    cancelled = client.post(f"/api/v1/booking-series/{made['id']}/cancel", headers=nadia,
                            json={"scope": "one", "day": "2026-12-18"})
    assert cancelled.status_code == 200, cancelled.text
    assert [b["status"] for b in cancelled.json()["bookings"]] == ["confirmed", "cancelled"]
    missing_day = client.post(f"/api/v1/booking-series/{made['id']}/cancel", headers=nadia, json={"scope": "range"})
    assert missing_day.status_code == 422 and missing_day.json()["detail"] == "Choose the date."


def test_another_startup_gets_404_and_a_teammate_403_on_changes(client, db, scene: Scene):
    nadia = api_token(client, scene.nadia.email, PASSWORD)
    made = client.post("/api/v1/booking-series", json={"space_id": scene.room.id, **FRIDAYS,
                                                        "rrule": "FREQ=WEEKLY;BYDAY=FR;COUNT=2"}, headers=nadia).json()
    hugo = api_token(client, scene.hugo.email, PASSWORD)
    karim = api_token(client, scene.karim.email, PASSWORD)
    url = f"/api/v1/booking-series/{made['id']}"

    assert client.get(url, headers=hugo).status_code == 404
    assert client.post(f"{url}/cancel", json={"scope": "all"}, headers=hugo).status_code == 404
    assert client.patch(url, json={"scope": "all", "start_time": "15:00"}, headers=hugo).status_code == 404
    assert client.get("/api/v1/booking-series", headers=hugo).json() == []
    assert client.get(url, headers=karim).status_code == 200
    assert client.post(f"{url}/cancel", json={"scope": "all"}, headers=karim).status_code == 403
    assert [b["status"] for b in client.get(url, headers=nadia).json()["bookings"]] == ["confirmed", "confirmed"]
