"""The Book page and the floor plan start at the next hour the building is open, and say when it is closed."""
import re

import pytest

from spaces.booking import opening
from tests.helpers import login
from tests.spaces.conftest import paris
from tests.spaces.factories import make_closure
from tests.totem.factories import PASSWORD
from totem import clock


def _at(monkeypatch: pytest.MonkeyPatch, moment) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: moment)


def _searched(page: str) -> tuple[str, str, str]:
    day = re.search(r'id="f-day" name="day" type="date" value="([^"]*)"', page).group(1)
    start = re.search(r'id="f-start" name="start" type="time" step="900" value="([^"]*)"', page).group(1)
    end = re.search(r'id="f-end" name="end" type="time" step="900" value="([^"]*)"', page).group(1)
    return day, start, end


@pytest.mark.parametrize(("now", "expected"), [
    (paris("2026-11-30", 2, 54), (paris("2026-11-30", 8), paris("2026-11-30", 9))),  # Monday night: 08:00 today
    (paris("2026-11-30", 10, 20), (paris("2026-11-30", 11), paris("2026-11-30", 12))),  # open: the next whole hour
    (paris("2026-11-30", 19, 5), (paris("2026-12-01", 8), paris("2026-12-01", 9))),  # too late today: tomorrow
    (paris("2026-12-06", 11), (paris("2026-12-07", 8), paris("2026-12-07", 9))),  # Sunday: Monday morning
    (paris("2026-12-24", 21), (paris("2026-12-28", 8), paris("2026-12-28", 9))),  # Christmas, then the weekend
])
def test_the_next_opening_slot_skips_nights_weekends_and_holidays(db, scene, now, expected):
    assert opening.next_opening_slot(db, scene.venue, now) == expected


def test_a_closure_day_is_skipped_too(db, scene):
    make_closure(db, venue=scene.venue, day=paris("2026-12-01", 0).date(), reason="Inventaire")
    assert opening.next_opening_slot(db, scene.venue, paris("2026-11-30", 19, 30))[0] == paris("2026-12-02", 8)


def test_at_2_54_the_book_page_searches_8_00_and_finds_the_room(client, scene, monkeypatch):
    _at(monkeypatch, paris("2026-11-30", 2, 54))
    login(client, scene.nadia.email, PASSWORD)
    page = client.get("/book").text
    assert _searched(page) == ("2026-11-30", "08:00", "09:00")
    assert "1 free space" in page and "Calanques" in page and "closed then" not in page


def test_on_a_sunday_the_book_page_searches_monday(client, scene, monkeypatch):
    _at(monkeypatch, paris("2026-12-06", 15, 10))
    login(client, scene.nadia.email, PASSWORD)
    assert _searched(client.get("/book").text) == ("2026-12-07", "08:00", "09:00")


def test_on_a_holiday_the_book_page_searches_the_next_open_day(client, scene, monkeypatch):
    _at(monkeypatch, paris("2026-12-25", 9, 30))  # Christmas, a Friday
    login(client, scene.nadia.email, PASSWORD)
    assert _searched(client.get("/book").text) == ("2026-12-28", "08:00", "09:00")


def test_a_search_when_closed_says_so_and_offers_the_opening(client, scene, monkeypatch):
    _at(monkeypatch, paris("2026-11-30", 2, 54))
    login(client, scene.nadia.email, PASSWORD)
    page = client.get("/book", params={"day": "2026-11-30", "start": "03:00", "end": "04:00",
                                       "kind": "meeting_room"}).text
    assert "The building is closed then" in page
    assert "On 2026-11-30, Cité de l&#39;innovation is open from 08:00 to 20:00." in page
    assert "0 free spaces" not in page and "Nothing is free then" not in page
    assert "/book?day=2026-11-30&amp;start=08:00&amp;end=09:00" in page

    sunday = client.get("/book", params={"day": "2026-12-06", "start": "10:00", "end": "11:00"}).text
    assert "The building is closed then" in sunday and "/book?day=2026-12-07&amp;start=08:00" in sunday


def test_the_floor_plan_at_night_shows_the_opening_as_the_book_page_does(client, scene, monkeypatch):
    _at(monkeypatch, paris("2026-11-30", 2, 54))
    login(client, scene.nadia.email, PASSWORD)
    plan = client.get(f"/floors/{scene.floor.id}").text
    assert 'name="day" type="date" value="2026-11-30"' in plan and 'name="at" type="time" step="900" value="08:00"' in plan
    assert "The building is closed then" not in plan

    asked = client.get(f"/floors/{scene.floor.id}", params={"day": "2026-11-30", "at": "03:00"}).text
    assert "The building is closed then" in asked and "day=2026-11-30&amp;at=08:00" in asked
