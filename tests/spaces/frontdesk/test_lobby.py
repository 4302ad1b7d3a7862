"""The lobby screen: who is in today, by floor, with names only for those allowed to see them."""
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from spaces.frontdesk import service as frontdesk
from spaces.venues.models import DeskAllocation
from tests.helpers import login
from tests.spaces.conftest import make_person, paris
from tests.spaces.factories import make_booking, make_floor, make_space
from tests.totem.factories import PASSWORD

_numbers = iter(range(1, 1000))  # unique e-mails for the residents the query-count test adds


@pytest.fixture
def desks(db, scene):  # type: ignore[no-untyped-def]
    """Three desks on the 1st floor (Nadia and Hugo checked in, Karim booked for the afternoon), two on the 2nd."""
    first = [make_space(db, floor=scene.floor, name=f"D-10{n}", kind="hot_desk", capacity=1) for n in (1, 2, 3)]
    second_floor = make_floor(db, venue=scene.venue, name="2e étage", level=2)
    second = [make_space(db, floor=second_floor, name=f"D-20{n}", kind="dedicated_desk", capacity=1) for n in (1, 2)]
    make_booking(db, space=first[0], user=scene.nadia, starts_at=paris("2026-11-30", 8, 30),
                 ends_at=paris("2026-11-30", 18), status="checked_in", organisation_id=scene.oceanwatt_id)
    make_booking(db, space=first[1], user=scene.hugo, starts_at=paris("2026-11-30", 8, 45),
                 ends_at=paris("2026-11-30", 12), status="checked_in", organisation_id=scene.kelp_id)
    make_booking(db, space=first[2], user=scene.karim, starts_at=paris("2026-11-30", 14),
                 ends_at=paris("2026-11-30", 18), organisation_id=scene.oceanwatt_id)
    # Not today, not active, or not a desk: none of these count.
    make_booking(db, space=second[0], user=scene.hugo, starts_at=paris("2026-12-01", 9), status="checked_in")
    make_booking(db, space=second[1], user=scene.hugo, starts_at=paris("2026-11-30", 9), status="cancelled")
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-11-30", 9), status="checked_in")
    db.commit()
    return first, second


def _floor_section(html: str, floor: str) -> str:
    match = re.search(rf"<h2>{floor}</h2>(.*?)</section>", html, re.S)
    assert match, f"no section for {floor}"
    return match.group(1)


def _counts(section: str) -> list[str]:
    return re.findall(r"<strong>(\d+)</strong>", section)


def test_staff_see_every_name_and_startup_and_the_counts_per_floor(client, scene, desks):
    login(client, scene.manager.email, PASSWORD)

    page = client.get("/lobby")

    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="120">' in page.text
    first = _floor_section(page.text, "1er étage")
    # booked / checked in / free now
    assert _counts(first) == ["3", "2", "1"]
    assert scene.nadia.name in first and "OceanWatt" in first and scene.hugo.name in first and "Kelp Studio" in first
    assert scene.karim.name not in first  # booked, not yet in
    assert _counts(_floor_section(page.text, "2e étage")) == ["0", "0", "2"]
    assert "Nobody has checked in yet." in page.text


def test_members_see_their_startups_names_and_only_a_resident_for_others(client, scene, desks):
    login(client, scene.karim.email, PASSWORD)

    first = _floor_section(client.get("/lobby").text, "1er étage")

    assert scene.nadia.name in first and "OceanWatt" in first  # his team-mate
    assert scene.hugo.name not in first and "Kelp Studio" not in first
    assert first.count("A resident") == 1
    assert _counts(first) == ["3", "2", "1"]


def test_the_lobby_needs_a_login(client, scene):
    response = client.get("/lobby", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/lobby"


def test_an_unknown_venue_is_a_404(client, scene):
    login(client, scene.manager.email, PASSWORD)
    assert client.get("/lobby", params={"venue_id": 999999}).status_code == 404


def test_today_is_the_venues_local_day_on_a_daylight_saving_change(db, scene):
    """On Sunday 28 March 2027 Paris moves from UTC+1 to UTC+2: its day lasts 23 hours."""
    desk = make_space(db, floor=scene.floor, name="D-101", kind="hot_desk", capacity=1)
    night_owl = make_person(db, email="owl@oceanwatt.fr", startup="OceanWatt")
    early_bird = make_person(db, email="bird@oceanwatt.fr", startup="OceanWatt")
    # 00:30 local on the 28th is still 23:30 UTC on the 27th.
    make_booking(db, space=desk, user=early_bird, starts_at=paris("2027-03-28", 0, 30),
                 ends_at=paris("2027-03-28", 1, 30), status="checked_in")
    # 00:30 local on the 29th is 22:30 UTC on the 28th: tomorrow, though within 24 hours of the day's start.
    make_booking(db, space=desk, user=night_owl, starts_at=paris("2027-03-29", 0, 30),
                 ends_at=paris("2027-03-29", 1), status="checked_in")
    now = datetime(2027, 3, 28, 21, 0, tzinfo=UTC)  # 23:00 in Paris

    today = frontdesk.lobby(db, viewer=scene.manager, venue_id=None, now=now)

    assert today.day.isoformat() == "2027-03-28"
    assert [person.name for person in today.floors[0].people] == [early_bird.name]
    assert today.floors[0].people[0].since == "00:30"
    assert today.booked == 1 and today.free_now == 1


def test_the_lobby_runs_a_fixed_number_of_queries_however_many_are_in(db, scene, connection):
    desk_floor = make_floor(db, venue=scene.venue, name="3e étage", level=3)

    def count_queries() -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(connection, "before_cursor_execute", listener)
        try:
            frontdesk.lobby(db, viewer=scene.hugo, venue_id=None, now=paris("2026-11-30", 10))
        finally:
            event.remove(connection, "before_cursor_execute", listener)
        return len(statements)

    def add_residents(count: int) -> None:
        for _ in range(count):
            person = make_person(db, email=f"resident{next(_numbers)}@example.com", startup="OceanWatt")
            desk = make_space(db, floor=desk_floor, kind="hot_desk", capacity=1)
            make_booking(db, space=desk, user=person, starts_at=paris("2026-11-30", 9), status="checked_in")

    add_residents(1)
    few = count_queries()
    add_residents(8)
    assert count_queries() == few <= 4


def test_a_desk_allocated_to_a_startup_is_never_counted_free(client, db, scene, desks):
    first, second = desks
    # D-201 is OceanWatt's for the month, nobody booked it today; D-101, held by Nadia's booking, is theirs too.
    for desk in (second[0], first[0]):
        db.add(DeskAllocation(space_id=desk.id, organisation_id=scene.oceanwatt_id, starts_on=date(2026, 11, 1),
                              ends_on=date(2026, 11, 30), created_at=paris("2026-11-01", 9)))
    # An allocation that ended yesterday frees its desk today.
    db.add(DeskAllocation(space_id=second[1].id, organisation_id=scene.kelp_id, starts_on=date(2026, 11, 1),
                          ends_on=date(2026, 11, 29), created_at=paris("2026-11-01", 9)))
    db.commit()
    login(client, scene.manager.email, PASSWORD)

    page = client.get("/lobby")

    # booked / checked in / free now: the 1st floor as before, the 2nd has one desk free, not two.
    assert _counts(_floor_section(page.text, "1er étage")) == ["3", "2", "1"]
    assert _counts(_floor_section(page.text, "2e étage")) == ["0", "0", "1"]
    today = frontdesk.lobby(db, viewer=scene.manager, venue_id=None, now=paris("2026-11-30", 10))
    assert today.free_now == 2 and today.desks == 5
