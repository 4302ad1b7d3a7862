"""Safe actions: cancelling asks first, a second room at the same time warns, the cost shows before booking."""
from sqlalchemy import func, select

from spaces.booking.models import Booking
from spaces.credits import service as credits
from spaces.venues import access
from tests.helpers import csrf_from, form_post, login
from tests.spaces.conftest import NOW, paris
from tests.spaces.factories import make_booking, make_rule, make_space
from tests.totem.factories import PASSWORD

SEARCH = {"day": "2026-12-01", "start": "10:00", "end": "11:00", "kind": "meeting_room", "min_capacity": ""}


def _bookings(db) -> int:
    return db.scalar(select(func.count()).select_from(Booking).where(Booking.status == "confirmed"))


def test_cancel_from_my_bookings_is_a_link_to_a_confirmation_page_that_changes_nothing(client, db, scene):
    booking = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 10),
                           organisation_id=scene.oceanwatt_id, title="Board meeting")
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    mine = client.get("/my-bookings").text
    assert f'href="/my-bookings/{booking.id}/cancel"' in mine
    assert f'action="/my-bookings/{booking.id}/cancel"' not in mine  # no one-click cancel

    page = client.get(f"/my-bookings/{booking.id}/cancel")

    assert page.status_code == 200 and "Cancel this booking?" in page.text
    assert "Calanques" in page.text and "10:00–11:00" in page.text and "Board meeting" in page.text
    db.expire_all()
    assert db.get(Booking, booking.id).status == "confirmed"  # the page only asks

    done = client.post(f"/my-bookings/{booking.id}/cancel", data={"csrf_token": csrf_from(page)},
                       follow_redirects=False)
    assert done.status_code == 303
    db.expire_all()
    assert db.get(Booking, booking.id).status == "cancelled"


def test_the_confirmation_says_whether_the_credits_come_back(client, db, scene):
    make_rule(db, venue=scene.venue, space_kind="phone_booth", credits_per_hour=4, refund_notice_hours=24)
    booth = make_space(db, floor=scene.floor, name="Cabine 1", kind="phone_booth", capacity=1)
    access.grant_access(db, actor=scene.manager, organisation_id=scene.oceanwatt_id, venue_id=scene.venue.id,
                        starts_on=NOW.date().replace(day=1), ends_on=NOW.date().replace(year=2027), now=NOW, monthly_credits=20)
    credits.reset_month(db, month_start=NOW.date().replace(day=1), now=NOW)
    login(client, scene.nadia.email, PASSWORD)
    later = form_post(client, "/book", "/book", {**SEARCH, "kind": "phone_booth", "space_id": booth.id})
    soon = form_post(client, "/book", "/book", {**SEARCH, "day": "2026-11-30", "kind": "phone_booth",
                                                "start": "14:00", "end": "14:30", "space_id": booth.id})
    assert later.status_code == soon.status_code == 303
    tomorrow, today = db.scalars(select(Booking).order_by(Booking.starts_at.desc())).all()

    assert "The 4 credits it cost are given back to your start-up." in client.get(
        f"/my-bookings/{tomorrow.id}/cancel").text
    assert "It is too late for a refund: the 2 credits it cost are not given back." in client.get(
        f"/my-bookings/{today.id}/cancel").text


def test_another_startups_booking_has_no_confirmation_page(client, db, scene):
    other = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 14),
                         organisation_id=scene.kelp_id)
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    assert client.get(f"/my-bookings/{other.id}/cancel").status_code == 404


def test_booking_a_second_room_at_the_same_time_warns_and_books_only_when_confirmed(client, db, scene):
    other_room = make_space(db, floor=scene.floor, name="Sormiou", kind="meeting_room", capacity=6)
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 10, 30),
                 organisation_id=scene.oceanwatt_id, title="Board meeting")
    db.commit()
    login(client, scene.nadia.email, PASSWORD)

    warned = form_post(client, "/book", "/book", {**SEARCH, "space_id": other_room.id, "title": "Second call"})

    assert warned.status_code == 200 and "You already hold a booking at this time" in warned.text
    assert "Board meeting" in warned.text and "Book Sormiou as well, from 10:00 to 11:00?" in warned.text
    assert _bookings(db) == 1  # nothing written yet

    confirmed = client.post("/book", data={**SEARCH, "space_id": other_room.id, "title": "Second call",
                                           "despite_clash": "1", "csrf_token": csrf_from(warned)},
                            follow_redirects=False)
    assert confirmed.status_code == 303 and _bookings(db) == 2
    assert db.scalar(select(Booking.title).where(Booking.space_id == other_room.id)) == "Second call"


def test_a_desk_beside_a_meeting_is_no_clash(client, db, scene):
    desk = make_space(db, floor=scene.floor, name="1-001", kind="hot_desk", capacity=1)
    make_booking(db, space=desk, user=scene.nadia, starts_at=paris("2026-12-01", 9), ends_at=paris("2026-12-01", 18))
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    response = form_post(client, "/book", "/book", {**SEARCH, "space_id": scene.room.id})
    assert response.status_code == 303 and _bookings(db) == 2


def test_the_cost_of_each_space_shows_before_booking(client, db, scene):
    make_rule(db, venue=scene.venue, space_kind="phone_booth", credits_per_hour=3)
    make_space(db, floor=scene.floor, name="Cabine 1", kind="phone_booth", capacity=1)
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    booths = client.get("/book", params={**SEARCH, "kind": "phone_booth", "end": "12:00"}).text
    assert "6 credits" in booths  # two hours at 3 an hour
    rooms = client.get("/book", params=SEARCH).text
    assert "No credit" in rooms  # the scene's room rule charges nothing
