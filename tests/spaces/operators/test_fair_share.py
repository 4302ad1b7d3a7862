"""At peak hours an operator holds at most its quota's proportion of the shared meeting rooms at once, unless the
slot is within 24 hours and a room is still free; the peak hours are the venue's, on its clock."""
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from spaces.booking import service
from spaces.operators import peak
from spaces.operators import service as operators
from tests.spaces.conftest import make_person, paris, startup_id
from tests.spaces.factories import make_floor, make_space, make_venue
from tests.spaces.operators.factories import join_operator, make_operator
from totem.errors import Conflict, Invalid

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Paris
TUESDAY = "2026-12-01"  # 25 hours and more ahead: the fair share holds


@pytest.fixture
def building(db: Session):  # type: ignore[no-untyped-def]
    """Four rooms; the accelerator's 30 hours give it 3 rooms at once at peak, the corporate programme's 10 one."""
    venue = make_venue(db)
    floor = make_floor(db, venue=venue)
    rooms = [make_space(db, floor=floor, name=f"Salle {n}") for n in range(4)]
    admin = make_person(db, role="admin", email="admin@cite.fr")
    people = {}
    for name, hours, startup in (("Métropole", 30, "OceanWatt"), ("Blue Harbour", 10, "Quai Numérique")):
        operator = make_operator(db, admin=admin, now=NOW, name=name, meeting_room_hours=hours)
        people[name] = [make_person(db, email=f"{n}@{startup_id_slug(startup)}.fr", startup=startup) for n in "ab"]
        join_operator(db, admin=admin, operator=operator, venue=venue, organisation_id=startup_id(db, startup),
                      now=NOW)
    return venue, rooms, admin, people


def startup_id_slug(name: str) -> str:
    return name.lower().replace(" ", "").replace("é", "e")


def book(db: Session, actor, room, day: str, start: int, end: int, minute: int = 0):  # type: ignore[no-untyped-def]
    return service.create_booking(db, actor=actor, space_id=room.id, starts_at=paris(day, start, minute),
                                  ends_at=paris(day, end, minute), now=NOW)


def test_at_peak_an_operator_holds_no_more_than_its_share_of_the_rooms(db, building):
    _venue, rooms, _admin, people = building
    harbour = people["Blue Harbour"]
    book(db, harbour[0], rooms[0], TUESDAY, 10, 11)

    with pytest.raises(Conflict) as refused:
        book(db, harbour[1], rooms[1], TUESDAY, 10, 11)

    assert refused.value.code == "fair_share_exceeded"
    assert (refused.value.params["allowed"], refused.value.params["rooms"], refused.value.params["held"]) == (1, 4, 2)


def test_the_larger_quota_holds_more_rooms_at_once(db, building):
    _venue, rooms, _admin, people = building
    metropole = people["Métropole"]
    for room in rooms[:3]:
        assert book(db, metropole[0], room, TUESDAY, 14, 15).status == "confirmed"

    with pytest.raises(Conflict) as refused:
        book(db, metropole[1], rooms[3], TUESDAY, 14, 15)
    assert refused.value.code == "fair_share_exceeded"


def test_off_peak_and_one_after_the_other_are_not_at_once(db, building):
    _venue, rooms, _admin, people = building
    harbour = people["Blue Harbour"]
    book(db, harbour[0], rooms[0], TUESDAY, 10, 11)

    assert book(db, harbour[1], rooms[1], TUESDAY, 12, 13).status == "confirmed"  # lunch is off-peak
    assert book(db, harbour[1], rooms[2], TUESDAY, 11, 12).status == "confirmed"  # after the first ends


def test_within_24_hours_a_room_still_free_is_anyones(db, building):
    _venue, rooms, _admin, people = building
    harbour = people["Blue Harbour"]
    book(db, harbour[0], rooms[0], "2026-11-30", 14, 15)  # today: 5 hours ahead

    assert book(db, harbour[1], rooms[1], "2026-11-30", 14, 15).status == "confirmed"


def test_peak_hours_are_the_venues_choice(db, building):
    venue, rooms, admin, people = building
    operators.set_peak_hours(db, actor=admin, venue_id=venue.id, weekdays="0,1,2,3,4", periods="16:00-18:00",
                             now=NOW)
    harbour = people["Blue Harbour"]
    book(db, harbour[0], rooms[0], TUESDAY, 10, 11)

    assert book(db, harbour[1], rooms[1], TUESDAY, 10, 11).status == "confirmed"
    book(db, harbour[0], rooms[0], TUESDAY, 16, 17)
    with pytest.raises(Conflict):
        book(db, harbour[1], rooms[1], TUESDAY, 16, 17)


def test_peak_hours_refuse_a_malformed_or_overlapping_period(db, building):
    venue, _rooms, admin, _people = building
    for periods in ("10h-12h", "12:00-10:00", "10:00-12:00,11:00-13:00"):
        with pytest.raises(Invalid) as refused:
            operators.set_peak_hours(db, actor=admin, venue_id=venue.id, weekdays="0,1", periods=periods, now=NOW)
        assert refused.value.field == "peak_periods"
    with pytest.raises(Invalid):
        operators.set_peak_hours(db, actor=admin, venue_id=venue.id, weekdays="0,9", periods="", now=NOW)


def test_peak_windows_follow_the_wall_clock_across_daylight_saving(db):
    venue = make_venue(db)
    # Sunday 29 March 2026 the clocks go forward: Monday's 10:00 in Paris is 08:00 UTC, the Friday before 09:00.
    friday = peak.peak_windows(venue, paris("2026-03-27", 9), paris("2026-03-27", 11))
    monday = peak.peak_windows(venue, paris("2026-03-30", 9), paris("2026-03-30", 11))
    assert friday == [(paris("2026-03-27", 10), paris("2026-03-27", 11))]
    assert [start.astimezone(UTC).hour for start, _end in friday + monday] == [9, 8]
