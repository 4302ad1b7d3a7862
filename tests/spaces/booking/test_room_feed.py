"""A room's private calendar feed: signed URL, busy blocks for residents, details for staff."""
import re
from datetime import UTC, datetime

from icalendar import Calendar

from tests.helpers import login
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking, make_space
from tests.totem.factories import PASSWORD


def _feed_path(client, room_id: int) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/rooms/{room_id}/calendar")
    assert page.status_code == 200
    url = re.search(r'<code class="token">([^<]+)</code>', page.text).group(1)
    assert url.startswith(f"http://testserver/rooms/{room_id}/calendar/") and url.endswith(".ics")
    assert f'href="webcal://testserver/rooms/{room_id}/calendar/' in page.text
    return url.removeprefix("http://testserver")


def _events(client, path: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    client.cookies.clear()  # a calendar app has no session
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    return {event.decoded("dtstart").astimezone(UTC).isoformat(): event
            for event in Calendar.from_ical(response.content).walk("VEVENT")}


def _scene_bookings(db, scene):  # type: ignore[no-untyped-def]
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 10), title="Kelp secret",
                 organisation_id=scene.kelp_id)
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 14), status="pending",
                 title="Board")
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-02", 9), status="cancelled")
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-10-01", 9))  # two months ago
    db.commit()


def test_a_residents_feed_shows_when_the_room_is_booked_and_nothing_more(client, db, scene):
    _scene_bookings(db, scene)
    login(client, scene.nadia.email, PASSWORD)

    events = _events(client, _feed_path(client, scene.room.id))

    assert set(events) == {"2026-12-01T09:00:00+00:00", "2026-12-01T13:00:00+00:00"}
    kelp = events["2026-12-01T09:00:00+00:00"]
    assert str(kelp["summary"]) == "Booked" and "description" not in kelp
    assert kelp.decoded("dtend").astimezone(UTC) == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert "Calanques" in str(kelp["location"])
    assert str(events["2026-12-01T13:00:00+00:00"]["status"]) == "TENTATIVE"


def test_a_managers_feed_names_the_title_startup_and_booker(client, db, scene):
    _scene_bookings(db, scene)
    login(client, scene.manager.email, PASSWORD)

    events = _events(client, _feed_path(client, scene.room.id))

    kelp = events["2026-12-01T09:00:00+00:00"]
    assert str(kelp["summary"]) == "Kelp secret"
    assert "Kelp Studio" in str(kelp["description"]) and scene.hugo.name in str(kelp["description"])
    assert str(kelp["status"]) == "CONFIRMED"


def test_the_feed_is_in_its_subscribers_language(client, db, scene):
    _scene_bookings(db, scene)
    scene.nadia.locale = "fr"
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    events = _events(client, _feed_path(client, scene.room.id))
    assert str(events["2026-12-01T09:00:00+00:00"]["summary"]) == "Réservé"


def test_a_feed_url_works_only_for_its_room_its_signature_and_an_active_subscriber(client, db, scene):
    other_room = make_space(db, floor=scene.floor, name="Sormiou", kind="meeting_room")
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    path = _feed_path(client, scene.room.id)
    key = path.rsplit("/", 1)[1]
    user_id, signature = key.removesuffix(".ics").split("-")
    client.cookies.clear()

    assert client.get(path).status_code == 200
    assert client.get(f"/rooms/{other_room.id}/calendar/{key}").status_code == 404
    assert client.get(path.replace(signature, "0" * len(signature))).status_code == 404
    assert client.get(path.replace(f"/{user_id}-", f"/{scene.hugo.id}-")).status_code == 404
    scene.nadia.is_active = False
    db.commit()
    assert client.get(path).status_code == 404


def test_desks_have_no_room_calendar_and_the_page_needs_a_login(client, db, scene):
    desk = make_space(db, floor=scene.floor, name="D-101", kind="hot_desk", capacity=1)
    db.commit()
    response = client.get(f"/rooms/{scene.room.id}/calendar", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    login(client, scene.nadia.email, PASSWORD)
    assert client.get(f"/rooms/{desk.id}/calendar").status_code == 404
