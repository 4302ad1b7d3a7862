"""A member's private feed carries their bookings, parsed back as RFC 5545 by the icalendar package."""
from icalendar import Calendar

from tests.helpers import api_token
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking
from tests.totem.factories import PASSWORD


def test_the_private_feed_lists_the_members_bookings_and_no_one_elses(client, db, scene):
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 10), title="Board meeting")
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-02", 14), status="cancelled")
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 15), title="Kelp secret")
    db.commit()
    feed_url = client.get("/api/v1/me", headers=api_token(client, scene.nadia.email, PASSWORD)).json()["calendar_url"]

    response = client.get(feed_url.removeprefix("http://testserver"))

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    events = {str(e["summary"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert set(events) == {"Board meeting", "Booking: Calanques"}
    board = events["Board meeting"]
    assert board.decoded("dtstart") == paris("2026-12-01", 10) and board.decoded("dtend") == paris("2026-12-01", 11)
    assert str(board["status"]) == "CONFIRMED" and "Calanques" in str(board["location"])
    assert str(events["Booking: Calanques"]["status"]) == "CANCELLED"


def test_an_unknown_feed_token_is_a_404(client):
    assert client.get("/calendar/not-a-token.ics").status_code == 404
