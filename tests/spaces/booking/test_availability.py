"""Searching for free spaces: exactly those with no active booking in the window, in an open venue."""
from datetime import date

import pytest
from sqlalchemy import event

from spaces.booking import availability
from tests.helpers import api_token
from tests.spaces.conftest import Scene, paris
from tests.spaces.factories import make_booking, make_closure, make_floor, make_space, make_venue
from tests.totem.factories import PASSWORD

WINDOW = (paris("2026-12-01", 9), paris("2026-12-01", 10))


@pytest.fixture
def rooms(db, scene: Scene) -> dict[str, int]:
    """Calanques (8, screen) is booked; the others are free, or busy only outside the window."""
    floor2 = make_floor(db, venue=scene.venue, name="2e étage", level=2)
    spaces = {
        "Calanques": scene.room,
        "Sormiou": make_space(db, floor=scene.floor, name="Sormiou", capacity=4, amenities=["screen", "whiteboard"]),
        "Goudes": make_space(db, floor=floor2, name="Goudes", capacity=10, amenities=["screen", "videoconference"]),
        "Frioul": make_space(db, floor=scene.floor, name="Frioul", capacity=12, amenities=["whiteboard"]),
        "Estaque": make_space(db, floor=scene.floor, name="Estaque", capacity=6, is_active=False),
        "Morgiou": make_space(db, floor=scene.floor, name="Morgiou", capacity=6, amenities=["screen"]),
        "1-001": make_space(db, floor=scene.floor, name="1-001", kind="hot_desk", capacity=1),
        "1-002": make_space(db, floor=scene.floor, name="1-002", kind="hot_desk", capacity=1),
    }
    hugo = scene.hugo
    make_booking(db, space=scene.room, user=hugo, starts_at=paris("2026-12-01", 8, 30), ends_at=paris("2026-12-01", 9, 30))
    make_booking(db, space=spaces["Morgiou"], user=hugo, starts_at=paris("2026-12-01", 9, 45), status="pending")
    make_booking(db, space=spaces["1-002"], user=hugo, starts_at=paris("2026-12-01", 8), ends_at=paris("2026-12-01", 18),
                 status="checked_in")
    # Inactive bookings and those that only touch the window do not count.
    make_booking(db, space=spaces["Sormiou"], user=hugo, starts_at=WINDOW[0], status="cancelled")
    make_booking(db, space=spaces["Goudes"], user=hugo, starts_at=WINDOW[0], status="rejected")
    make_booking(db, space=spaces["Frioul"], user=hugo, starts_at=paris("2026-12-01", 8), ends_at=WINDOW[0])
    make_booking(db, space=spaces["Frioul"], user=hugo, starts_at=WINDOW[1], ends_at=paris("2026-12-01", 11))
    db.commit()
    return {name: space.id for name, space in spaces.items()}


def names(spaces) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(space.name for space in spaces)


def free(db, **filters) -> list[str]:  # type: ignore[no-untyped-def]
    starts_at, ends_at = filters.pop("window", WINDOW)
    return names(availability.find_available_spaces(db, starts_at=starts_at, ends_at=ends_at, **filters))


def test_free_spaces_are_exactly_those_without_an_active_booking_in_the_window(db, rooms):
    assert free(db) == ["1-001", "Frioul", "Goudes", "Sormiou"]
    assert free(db, kind="meeting_room") == ["Frioul", "Goudes", "Sormiou"]
    assert free(db, kind="meeting_room", min_capacity=10) == ["Frioul", "Goudes"]
    assert free(db, amenities=["screen"]) == ["Goudes", "Sormiou"]
    assert free(db, amenities=["screen", "videoconference"]) == ["Goudes"]
    assert free(db, floor_id=availability.get_space(db, rooms["Goudes"]).floor_id) == ["Goudes"]
    assert free(db, window=(paris("2026-12-01", 12), paris("2026-12-01", 13)), kind="meeting_room") == [
        "Calanques", "Frioul", "Goudes", "Morgiou", "Sormiou",
    ]


def test_nothing_is_free_when_the_venue_is_closed(db, scene, rooms):
    make_closure(db, venue=scene.venue, day=date(2026, 12, 2))

    assert free(db, window=(paris("2026-12-05", 9), paris("2026-12-05", 10))) == []  # Saturday
    assert free(db, window=(paris("2026-12-02", 9), paris("2026-12-02", 10))) == []  # closure day
    assert free(db, window=(paris("2026-12-25", 9), paris("2026-12-25", 10))) == []  # Christmas
    assert free(db, window=(paris("2026-12-01", 19), paris("2026-12-01", 21))) == []  # past closing time


def test_only_the_open_venue_offers_its_spaces(db, scene, rooms):
    weekend_venue = make_venue(db, name="Le Dock", weekdays=range(7))
    dock = make_space(db, floor=make_floor(db, venue=weekend_venue), name="Dock 1")

    assert free(db, window=(paris("2026-12-05", 9), paris("2026-12-05", 10))) == ["Dock 1"]
    assert dock.id not in rooms.values()


def test_the_search_is_one_query_whatever_the_number_of_spaces(db, scene, rooms, database):
    for n in range(30):
        make_space(db, floor=scene.floor, name=f"Extra {n}")
    statements: list[str] = []
    engine = database.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert len(free(db, kind="meeting_room")) == 33
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    space_queries = [s for s in statements if "FROM space" in s]
    assert len(space_queries) == 1 and "NOT IN (SELECT booking.space_id" in space_queries[0]


def test_availability_through_the_api(client, rooms):
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    window = {"starts_at": WINDOW[0].isoformat(), "ends_at": WINDOW[1].isoformat()}

    def search(**params: object):  # type: ignore[no-untyped-def]
        return client.get("/api/v1/spaces/availability", params={**window, **params}, headers=headers)

    rooms_free = search(kind="meeting_room", min_capacity=5)
    assert rooms_free.status_code == 200
    assert sorted(s["name"] for s in rooms_free.json()) == ["Frioul", "Goudes"]
    assert rooms_free.json()[0].keys() == {"id", "name", "kind", "capacity", "floor_id", "zone_id", "amenities"}
    assert [s["name"] for s in search(amenities="screen,videoconference").json()] == ["Goudes"]
    assert [s["name"] for s in search(amenities=["screen", "videoconference"]).json()] == ["Goudes"]
    naive = client.get("/api/v1/spaces/availability", headers=headers,
                       params={"starts_at": "2026-12-01T09:00:00", "ends_at": "2026-12-01T10:00:00"})
    assert naive.status_code == 422 and naive.json()["detail"]
    backwards = search(starts_at=WINDOW[1].isoformat(), ends_at=WINDOW[0].isoformat())
    assert backwards.status_code == 422 and backwards.json() == {"detail": "The end must be after the start.", "code": "invalid",
                                                          "field": "ends_at"}
    assert search(kind="sofa").status_code == 422


def test_listing_spaces_through_the_api(client, rooms):
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)

    everything = client.get("/api/v1/spaces", headers=headers).json()
    big_rooms = client.get("/api/v1/spaces", params={"kind": "meeting_room", "min_capacity": 8}, headers=headers)
    desk = client.get(f"/api/v1/spaces/{rooms['1-001']}", headers=headers)

    assert len(everything) == 7  # the inactive room is not offered
    # Each space reads in the list as on its own (the list is written from rows, the single space by its schema).
    assert everything == [client.get(f"/api/v1/spaces/{space['id']}", headers=headers).json() for space in everything]
    assert sorted(s["name"] for s in big_rooms.json()) == ["Calanques", "Frioul", "Goudes"]
    assert desk.json()["kind"] == "hot_desk" and desk.json()["amenities"] == []
    assert client.get("/api/v1/spaces/987654", headers=headers).status_code == 404
    assert client.get("/api/v1/spaces").status_code == 401


def test_venues_and_free_slots_through_the_api(client, scene, rooms):
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)

    venues = client.get("/api/v1/venues", headers=headers).json()
    slots = client.get(f"/api/v1/spaces/{rooms['Calanques']}/free-slots", params={"day": "2026-12-01"},
                       headers=headers).json()

    assert venues[0]["name"] == "Cité de l'innovation" and venues[0]["timezone"] == "Europe/Paris"
    assert venues[0]["opening_hours"][0] == {"weekday": 0, "opens_at": "08:00:00", "closes_at": "20:00:00"}
    # Booked 08:30–09:30 with a 10-minute buffer: the 20 minutes from opening are shorter than the 30-minute minimum.
    assert slots["slots"] == [{"starts_at": "2026-12-01T08:40:00Z", "ends_at": "2026-12-01T19:00:00Z"}]
