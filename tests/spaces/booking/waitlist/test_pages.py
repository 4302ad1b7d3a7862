"""The waitlist through the JSON API and the pages: join, see the offer, answer it; nobody answers another's."""
from datetime import timedelta

from sqlalchemy import func, select

from spaces.booking import service as booking_service
from spaces.booking.models import Booking
from spaces.booking.waitlist import service as waitlist
from spaces.booking.waitlist.models import WaitlistEntry
from tests.helpers import api_token, assert_refused, csrf_from, form_post, login
from tests.spaces.conftest import NOW, paris
from tests.spaces.factories import make_booking
from tests.totem.factories import PASSWORD
from totem import clock

TUESDAY = "2026-12-01"


def at(hhmm: str) -> str:
    return f"{TUESDAY}T{hhmm}:00+01:00"


def take_the_room(db, scene) -> Booking:  # type: ignore[no-untyped-def]
    """Hugo holds Calanques on Tuesday 10:00–11:00."""
    booking = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris(TUESDAY, 10))
    db.commit()
    return booking


def entry_count(db) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count()).select_from(WaitlistEntry)) or 0


def test_the_api_joins_lists_and_accepts_an_offer(client, db, scene):
    taken = take_the_room(db, scene)
    headers = api_token(client, scene.nadia.email, PASSWORD)

    free = client.post("/api/v1/waitlist", headers=headers,
                       json={"space_id": scene.room.id, "starts_at": at("14:00"), "ends_at": at("15:00")})
    joined = client.post("/api/v1/waitlist", headers=headers,
                         json={"space_id": scene.room.id, "starts_at": at("10:00"), "ends_at": at("11:00"),
                               "title": "Board"})

    assert free.status_code == 409 and free.json() == {"detail": "Calanques is free at that time: book it instead.",
                                                   "code": "slot_is_free", "field": "space_id"}
    assert joined.status_code == 201, joined.text
    body = joined.json()
    assert body == {
        "id": body["id"], "space_id": scene.room.id, "user_id": scene.nadia.id, "startup_id": scene.oceanwatt_id,
        "starts_at": "2026-12-01T09:00:00Z", "ends_at": "2026-12-01T10:00:00Z", "title": "Board",
        "status": "waiting", "created_at": "2026-11-30T08:00:00Z", "offered_at": None, "offer_expires_at": None,
        "booking_id": None,
    }
    booking_service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)
    db.commit()
    (mine,) = client.get("/api/v1/waitlist", headers=headers).json()
    assert mine["status"] == "offered" and mine["offer_expires_at"] == "2026-11-30T08:30:00Z"

    accepted = client.post(f"/api/v1/waitlist/{body['id']}/accept", headers=headers)

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["id"] == mine["booking_id"] and accepted.json()["status"] == "confirmed"
    assert client.get(f"/api/v1/waitlist/{body['id']}", headers=headers).json()["status"] == "booked"


def test_the_api_hides_another_members_entry(client, db, scene):
    take_the_room(db, scene)
    entry = waitlist.join_waitlist(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris(TUESDAY, 10),
                                   ends_at=paris(TUESDAY, 11), now=NOW)
    db.commit()
    hugo = api_token(client, scene.hugo.email, PASSWORD)

    assert client.get(f"/api/v1/waitlist/{entry.id}", headers=hugo).status_code == 404
    for action in ("accept", "decline", "withdraw"):
        assert client.post(f"/api/v1/waitlist/{entry.id}/{action}", headers=hugo).status_code == 404
    assert client.get("/api/v1/waitlist", headers=hugo).json() == []
    db.refresh(entry)
    assert entry.status == "waiting"


def test_the_api_says_when_there_is_no_offer_to_answer(client, db, scene):
    take_the_room(db, scene)
    headers = api_token(client, scene.nadia.email, PASSWORD)
    entry = client.post("/api/v1/waitlist", headers=headers,
                        json={"space_id": scene.room.id, "starts_at": at("10:00"), "ends_at": at("11:00")}).json()

    refused = client.post(f"/api/v1/waitlist/{entry['id']}/accept", headers=headers)
    again = client.post("/api/v1/waitlist", headers={**headers, "Accept-Language": "fr"},
                        json={"space_id": scene.room.id, "starts_at": at("10:00"), "ends_at": at("11:00")})
    left = client.post(f"/api/v1/waitlist/{entry['id']}/withdraw", headers=headers)

    assert refused.status_code == 409
    assert refused.json() == {"detail": "There is no open offer on this waitlist entry.", "code": "no_open_offer"}
    assert_refused(lambda language: client.post(f"/api/v1/waitlist/{entry['id']}/decline",
                                                headers={**headers, **language}),
                   409, "no_open_offer", "There is no open offer", "Aucune proposition n'est en cours")
    assert again.status_code == 409 and again.json() == {
        "detail": "Vous êtes déjà sur la liste d'attente pour ce créneau.", "code": "already_waiting", "field": "space_id"}
    assert left.status_code == 200 and left.json()["status"] == "withdrawn"
    assert_refused(lambda language: client.post("/api/v1/waitlist", headers={**headers, **language}, json={
        "space_id": scene.room.id, "starts_at": at("14:00"), "ends_at": at("15:00")}),
        409, "slot_is_free", "Calanques is free at that time", "L'espace Calanques est libre à ce moment-là")


def test_a_member_joins_from_the_book_page_and_sees_the_entry(client, db, scene):
    take_the_room(db, scene)
    login(client, scene.nadia.email, PASSWORD)

    response = form_post(client, "/waitlist", "/waitlist",
                         {"space_id": scene.room.id, "day": TUESDAY, "start": "10:00", "end": "11:00"})

    assert response.status_code == 303 and response.headers["location"] == "/waitlist"
    entry = db.scalars(select(WaitlistEntry)).one()
    assert (entry.user_id, entry.starts_at, entry.ends_at) == (scene.nadia.id, paris(TUESDAY, 10), paris(TUESDAY, 11))
    page = client.get("/waitlist")
    assert "You are on the waitlist for Calanques." in page.text
    assert "Leave the waitlist" in page.text and "10:00–11:00" in page.text


def test_joining_a_free_slot_from_the_page_goes_back_to_the_search_with_the_reason(client, db, scene):
    login(client, scene.nadia.email, PASSWORD)

    response = form_post(client, "/waitlist", "/waitlist",
                         {"space_id": scene.room.id, "day": TUESDAY, "start": "14:00", "end": "15:00"})

    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/book?day={TUESDAY}&start=14%3A00&end=15%3A00")
    assert "Calanques is free at that time: book it instead." in client.get(response.headers["location"]).text
    assert entry_count(db) == 0


def test_the_page_shows_the_offer_with_its_expiry_and_accepting_books_it(client, db, scene):
    taken = take_the_room(db, scene)
    entry = waitlist.join_waitlist(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris(TUESDAY, 10),
                                   ends_at=paris(TUESDAY, 11), now=NOW)
    booking_service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)
    db.commit()
    login(client, scene.nadia.email, PASSWORD)

    page = client.get("/waitlist")

    assert page.status_code == 200 and "Offers for you" in page.text
    assert "09:30" in page.text  # held until, on the venue's clock (Monday)
    assert f'action="/waitlist/{entry.id}/accept"' in page.text
    assert f'action="/waitlist/{entry.id}/decline"' in page.text
    response = form_post(client, "/waitlist", f"/waitlist/{entry.id}/accept", {})
    assert response.status_code == 303 and response.headers["location"] == "/my-bookings"
    db.refresh(entry)
    assert entry.status == "booked" and db.get(Booking, entry.booking_id).status == "confirmed"


def test_a_late_answer_is_told_the_offer_expired(client, db, scene, monkeypatch):
    taken = take_the_room(db, scene)
    entry = waitlist.join_waitlist(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris(TUESDAY, 10),
                                   ends_at=paris(TUESDAY, 11), now=NOW)
    booking_service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    token = csrf_from(client.get("/waitlist"))
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(hours=1))

    response = client.post(f"/waitlist/{entry.id}/accept", data={"csrf_token": token}, follow_redirects=True)

    assert "The offer expired at 09:30." in response.text
    db.refresh(entry)
    assert entry.status == "offered"  # until the job ends it


def test_another_member_cannot_answer_or_leave_someone_elses_entry_from_the_pages(client, db, scene):
    taken = take_the_room(db, scene)
    entry = waitlist.join_waitlist(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris(TUESDAY, 10),
                                   ends_at=paris(TUESDAY, 11), now=NOW)
    booking_service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)
    db.commit()
    login(client, scene.karim.email, PASSWORD)

    for action in ("accept", "decline", "withdraw"):
        assert form_post(client, "/waitlist", f"/waitlist/{entry.id}/{action}", {}).status_code == 404
    assert "Calanques" not in client.get("/waitlist").text
    db.refresh(entry)
    assert entry.status == "offered"


def test_declining_from_the_page_passes_the_slot_on(client, db, scene):
    taken = take_the_room(db, scene)
    entry = waitlist.join_waitlist(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris(TUESDAY, 10),
                                   ends_at=paris(TUESDAY, 11), now=NOW)
    booking_service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)
    db.commit()
    login(client, scene.nadia.email, PASSWORD)

    response = form_post(client, "/waitlist", f"/waitlist/{entry.id}/decline", {})

    assert response.status_code == 303 and response.headers["location"] == "/waitlist"
    db.refresh(entry)
    assert entry.status == "withdrawn"
    assert "Offer declined: the next in line gets the slot." in client.get("/waitlist").text
