"""Residents book, see, cancel and check in through the pages; the plan and the timeline show who holds what."""
from datetime import date

from sqlalchemy import func, select

from spaces.booking.models import Booking
from spaces.venues import access
from tests.helpers import csrf_from, form_post, login
from tests.spaces.conftest import NOW, paris
from tests.spaces.factories import make_booking, make_space
from tests.totem.factories import PASSWORD

SEARCH = {"day": "2026-12-01", "start": "10:00", "end": "11:00", "kind": "meeting_room", "min_capacity": ""}


def _bookings(db) -> int:
    return db.scalar(select(func.count()).select_from(Booking))


def test_a_member_finds_a_free_room_books_it_and_sees_it_in_my_bookings(client, db, scene):
    login(client, scene.nadia.email, PASSWORD)
    page = client.get("/book", params=SEARCH)
    assert page.status_code == 200 and "Calanques" in page.text and "1 free space" in page.text

    response = form_post(client, "/book", "/book", {**SEARCH, "space_id": scene.room.id, "title": "Board meeting"})

    assert response.status_code == 303 and response.headers["location"] == "/my-bookings"
    booking = db.scalars(select(Booking)).one()
    assert booking.user_id == scene.nadia.id and booking.organisation_id == scene.oceanwatt_id
    assert booking.starts_at == paris("2026-12-01", 10) and booking.title == "Board meeting"
    mine = client.get("/my-bookings")
    assert "Calanques is booked for you." in mine.text
    assert "Board meeting" in mine.text and "10:00–11:00" in mine.text and "2026-12-01" in mine.text


def test_a_refused_booking_shows_the_reason_and_writes_nothing(client, db, scene):
    login(client, scene.nadia.email, PASSWORD)
    evening = {**SEARCH, "start": "19:30", "end": "21:00", "space_id": scene.room.id}
    response = form_post(client, "/book", "/book", evening)
    assert response.status_code == 422
    assert "On 2026-12-01, Cité de l&#39;innovation is open from 08:00 to 20:00." in response.text
    assert 'value="19:30"' in response.text  # the input is kept
    assert _bookings(db) == 0


def test_an_overlap_is_a_409_naming_the_slot(client, db, scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 10, 30))
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    response = form_post(client, "/book", "/book", {**SEARCH, "space_id": scene.room.id})
    assert response.status_code == 409
    assert "Room Calanques is already booked 10:30–11:30 on 2026-12-01." in response.text
    assert _bookings(db) == 1


def test_booking_needs_the_csrf_token(client, db, scene):
    login(client, scene.nadia.email, PASSWORD)
    response = client.post("/book", data={**SEARCH, "space_id": scene.room.id}, follow_redirects=False)
    assert response.status_code == 403 and _bookings(db) == 0


def test_a_member_cancels_their_booking_but_not_another_startups(client, db, scene):
    own = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 10),
                       organisation_id=scene.oceanwatt_id)
    other = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 14),
                         organisation_id=scene.kelp_id)
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    token = csrf_from(client.get("/my-bookings"))

    done = client.post(f"/my-bookings/{own.id}/cancel", data={"csrf_token": token}, follow_redirects=False)
    refused = client.post(f"/my-bookings/{other.id}/cancel", data={"csrf_token": token}, follow_redirects=False)

    assert done.status_code == 303 and refused.status_code == 404
    db.expire_all()
    assert db.get(Booking, own.id).status == "cancelled" and db.get(Booking, other.id).status == "confirmed"


def test_check_in_from_my_bookings_during_the_window(client, db, scene):
    booking = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-11-30", 9, 10))
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    page = client.get("/my-bookings")
    assert "Check in" in page.text
    response = client.post(f"/my-bookings/{booking.id}/check-in", data={"csrf_token": csrf_from(page)})
    assert "You are checked in." in response.text
    db.expire_all()
    assert db.get(Booking, booking.id).status == "checked_in"


def test_the_floor_plan_shows_free_mine_and_taken_and_hides_other_startups_names(client, db, scene):
    desk = make_space(db, floor=scene.floor, name="D-101", kind="hot_desk", capacity=1)
    free_desk = make_space(db, floor=scene.floor, name="D-102", kind="hot_desk", capacity=1)
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 10), title="Kelp secret")
    make_booking(db, space=desk, user=scene.nadia, starts_at=paris("2026-12-01", 9), ends_at=paris("2026-12-01", 18))
    db.commit()
    login(client, scene.nadia.email, PASSWORD)

    page = client.get(f"/floors/{scene.floor.id}", params={"day": "2026-12-01", "at": "10:15"})

    assert page.status_code == 200 and "<svg" in page.text
    assert 'class="space space-taken"' in page.text and 'class="space space-mine"' in page.text
    assert 'class="space space-free"' in page.text and free_desk.name in page.text
    assert scene.hugo.name not in page.text and "Kelp secret" not in page.text
    assert "Booked (1)" in page.text and "Yours (1)" in page.text and "Free (1)" in page.text


def test_staff_see_who_holds_a_space_on_the_plan(client, db, scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 10))
    db.commit()
    login(client, scene.manager.email, PASSWORD)
    page = client.get(f"/floors/{scene.floor.id}", params={"day": "2026-12-01", "at": "10:15"})
    assert scene.hugo.name in page.text


def test_the_room_timeline_lays_out_the_day_in_venue_time(client, db, scene):
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 10), title="Sprint review")
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 14), title="Kelp secret")
    db.commit()
    login(client, scene.nadia.email, PASSWORD)

    page = client.get("/rooms", params={"day": "2026-12-01"})

    assert page.status_code == 200 and "Calanques" in page.text
    assert "10:00–11:00 Sprint review" in page.text  # her own, with its title
    assert "14:00–15:00" in page.text and "Kelp secret" not in page.text  # another start-up's, times only
    # Opening at 08:00: the 10:00 booking starts 120 minutes into the grid.
    assert 'x="340" y="33" width="60"' in page.text


def test_pages_need_a_login(client):
    for path in ("/book", "/my-bookings", "/floors", "/rooms"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_member_books_for_a_colleague_from_the_book_page(client, db, scene):
    login(client, scene.nadia.email, PASSWORD)
    page = client.get("/book", params=SEARCH)
    assert "For Karim" in page.text or scene.karim.name in page.text
    assert scene.hugo.name not in page.text  # another start-up's member is not offered

    response = form_post(client, "/book", "/book", {**SEARCH, "space_id": scene.room.id, "for_user": scene.karim.id})

    assert response.status_code == 303
    booking = db.scalars(select(Booking)).one()
    assert (booking.user_id, booking.created_by) == (scene.karim.id, scene.nadia.id)


def test_a_manager_books_for_someone_by_e_mail_an_unknown_address_is_refused(client, db, scene):
    login(client, scene.manager.email, PASSWORD)
    unknown = form_post(client, "/book", "/book", {**SEARCH, "space_id": scene.room.id, "for_email": "x@nowhere.fr"})
    assert unknown.status_code == 422 and "No account uses this e-mail address." in unknown.text
    assert _bookings(db) == 0

    done = form_post(client, "/book", "/book", {**SEARCH, "space_id": scene.room.id, "for_email": scene.hugo.email})
    assert done.status_code == 303
    assert db.scalars(select(Booking)).one().user_id == scene.hugo.id


def test_a_taken_room_is_offered_with_its_waitlist(client, db, scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 10))
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    page = client.get("/book", params=SEARCH)
    assert "0 free spaces" in page.text
    assert "Taken then" in page.text and "Join the waitlist" in page.text and "Calanques" in page.text


def test_moving_a_booking_from_my_bookings_keeps_the_rules(client, db, scene):
    booking = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 10),
                           organisation_id=scene.oceanwatt_id)
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    moved = form_post(client, "/my-bookings", f"/my-bookings/{booking.id}/move",
                      {"day": "2026-12-02", "start": "14:00", "end": "15:30"})
    assert moved.status_code == 303
    db.expire_all()
    assert (booking.starts_at, booking.ends_at) == (paris("2026-12-02", 14), paris("2026-12-02", 15, 30))
    refused = form_post(client, "/my-bookings", f"/my-bookings/{booking.id}/move",
                        {"day": "2026-12-05", "start": "10:00", "end": "11:00"})  # a Saturday
    assert refused.status_code == 303
    assert "closed on 2026-12-05" in client.get("/my-bookings").text
    db.expire_all()
    assert booking.starts_at == paris("2026-12-02", 14)
    login(client, scene.hugo.email, PASSWORD)
    assert form_post(client, "/my-bookings", f"/my-bookings/{booking.id}/move",
                     {"day": "2026-12-03", "start": "10:00", "end": "11:00"}).status_code == 404


def test_the_floor_plan_shows_dedicated_desks_allocated_and_to_whom_for_their_start_up(client, db, scene):
    desk = make_space(db, floor=scene.floor, name="D-07", kind="dedicated_desk", capacity=1)
    access.allocate_desk(db, actor=scene.manager, space_id=desk.id, organisation_id=scene.oceanwatt_id,
                         starts_on=date(2026, 11, 30), ends_on=date(2026, 12, 31), now=NOW)
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    mine = client.get(f"/floors/{scene.floor.id}", params={"day": "2026-12-01", "at": "10:00"}).text
    assert "Allocated to a start-up (1)" in mine and "D-07 · Dedicated desk · OceanWatt" in mine
    login(client, scene.hugo.email, PASSWORD)
    theirs = client.get(f"/floors/{scene.floor.id}", params={"day": "2026-12-01", "at": "10:00"}).text
    assert "Allocated to a start-up (1)" in theirs and "OceanWatt" not in theirs


def test_amenities_are_named_in_the_readers_language(client, db, scene):
    scene.room.amenities = ["screen", "sound_system", "espresso machine"]
    scene.nadia.locale = "fr"
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    page = client.get("/book", params=SEARCH).text
    assert "écran, sonorisation, espresso machine" in page  # a word the labels do not know stays as typed
    assert "sound_system" not in page
