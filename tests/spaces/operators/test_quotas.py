"""An operator's monthly room hours: its start-ups' and managers' bookings use them, and a spent quota refuses the
next booking or sends it to approval, as the admin chose; the month is the venue's."""
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spaces.booking import service
from spaces.booking.models import Booking
from spaces.booking.quotas import month_window, hours_booked
from spaces.operators import service as operators
from tests.spaces.conftest import make_person, paris, startup_id
from tests.spaces.factories import make_floor, make_space, make_venue
from tests.spaces.operators.factories import join_operator, make_operator
from totem.errors import Conflict, NotFound

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Paris


@pytest.fixture
def building(db: Session):  # type: ignore[no-untyped-def]
    """A venue open day and night, two rooms, operator Métropole (3 room hours a month) with OceanWatt and manager Léa."""
    venue = make_venue(db, opens=time(0), closes=time(23, 59), weekdays=range(7))
    floor = make_floor(db, venue=venue)
    rooms = [make_space(db, floor=floor, name=name) for name in ("Calanques", "Frioul")]
    admin = make_person(db, role="admin", email="admin@cite.fr")
    lea = make_person(db, role="manager", email="lea@cite.fr")
    nadia = make_person(db, email="nadia@oceanwatt.fr", startup="OceanWatt")
    operator = make_operator(db, admin=admin, now=NOW, name="Métropole", meeting_room_hours=3, managers=(lea,))
    join_operator(db, admin=admin, operator=operator, venue=venue, organisation_id=startup_id(db, "OceanWatt"),
                  now=NOW)
    return venue, rooms, admin, lea, nadia, operator


def book(db: Session, actor, room, day: str, start: int, end: int):  # type: ignore[no-untyped-def]
    return service.create_booking(db, actor=actor, space_id=room.id, starts_at=paris(day, start),
                                  ends_at=paris(day, end), now=NOW)


def count_bookings(db: Session) -> int:
    return db.scalar(select(func.count(Booking.id)))


def test_a_start_ups_booking_counts_against_its_programs_operator(db, building):
    venue, rooms, _admin, _lea, nadia, operator = building

    booking = book(db, nadia, rooms[0], "2026-12-02", 10, 12)

    assert booking.operator_id == operator.id and booking.status == "confirmed"
    start, end = month_window(paris("2026-12-01", 0).date(), venue)
    assert hours_booked(db, operator_id=operator.id, space_kind="meeting_room", starts_at=start, ends_at=end) == 2


def test_a_spent_quota_refuses_the_booking_with_its_code_and_writes_nothing(db, building):
    _venue, rooms, _admin, _lea, nadia, _operator = building
    book(db, nadia, rooms[0], "2026-12-02", 10, 12)
    before = count_bookings(db)

    with pytest.raises(Conflict) as refused:
        book(db, nadia, rooms[1], "2026-12-09", 9, 11)  # 2 + 2 > 3, in another room, another week

    assert refused.value.code == "quota_exhausted"
    assert refused.value.params["used"] == "2" and refused.value.params["quota"] == 3
    assert count_bookings(db) == before
    assert book(db, nadia, rooms[1], "2026-12-09", 9, 10).status == "confirmed"  # the last hour still fits


def test_the_managers_own_bookings_use_the_quota_too(db, building):
    _venue, rooms, _admin, lea, nadia, operator = building
    booking = book(db, lea, rooms[0], "2026-12-03", 10, 13)

    assert booking.operator_id == operator.id
    with pytest.raises(Conflict) as refused:
        book(db, nadia, rooms[1], "2026-12-04", 10, 11)
    assert refused.value.code == "quota_exhausted"


def test_cancelling_gives_the_hours_back(db, building):
    _venue, rooms, _admin, _lea, nadia, _operator = building
    first = book(db, nadia, rooms[0], "2026-12-02", 10, 13)
    service.cancel_booking(db, actor=nadia, booking_id=first.id, now=NOW)

    assert book(db, nadia, rooms[1], "2026-12-03", 10, 13).status == "confirmed"


def test_moving_a_booking_does_not_count_it_twice(db, building):
    _venue, rooms, _admin, _lea, nadia, _operator = building
    booking = book(db, nadia, rooms[0], "2026-12-02", 10, 13)

    moved = service.move_booking(db, actor=nadia, booking_id=booking.id, starts_at=paris("2026-12-03", 9),
                                 ends_at=paris("2026-12-03", 12), now=NOW)

    assert moved.starts_at == paris("2026-12-03", 9)


def test_the_month_is_the_venues_local_month(db, building):
    """00:30 on 1 December in Paris is still November in UTC: it uses December's hours."""
    _venue, rooms, _admin, _lea, nadia, _operator = building
    book(db, nadia, rooms[0], "2026-11-30", 20, 23)  # November's 3 hours

    december = service.create_booking(db, actor=nadia, space_id=rooms[1].id, starts_at=paris("2026-12-01", 0),
                                      ends_at=paris("2026-12-01", 0, 30), now=NOW)

    assert december.starts_at.astimezone(UTC).month == 11 and december.status == "confirmed"
    with pytest.raises(Conflict) as refused:
        service.create_booking(db, actor=nadia, space_id=rooms[1].id, starts_at=paris("2026-11-30", 23, 30),
                               ends_at=paris("2026-11-30", 23, 45), now=NOW)
    assert refused.value.code == "quota_exhausted" and refused.value.params["month"] == "11/2026"


def test_a_quota_set_to_approval_sends_the_booking_to_approval(db, building):
    _venue, rooms, admin, _lea, nadia, operator = building
    operators.set_quota(db, actor=admin, operator_id=operator.id, space_kind="meeting_room", monthly_hours=1,
                        when_exhausted="approval", now=NOW)

    within = book(db, nadia, rooms[0], "2026-12-02", 10, 11)
    beyond = book(db, nadia, rooms[1], "2026-12-03", 10, 11)
    by_the_admin = book(db, admin, rooms[1], "2026-12-04", 10, 11)  # for no start-up: no operator's

    assert (within.status, beyond.status, by_the_admin.status) == ("confirmed", "pending", "confirmed")


def test_a_kind_without_a_quota_is_not_limited(db, building):
    venue, _rooms, _admin, _lea, nadia, _operator = building
    booth = make_space(db, floor=make_floor(db, venue=venue), kind="phone_booth")

    assert book(db, nadia, booth, "2026-12-02", 8, 18).status == "confirmed"


def test_a_start_up_of_no_operator_is_not_limited(db, building):
    _venue, rooms, _admin, _lea, _nadia, _operator = building
    hugo = make_person(db, email="hugo@kelpstudio.fr", startup="Kelp Studio")

    booking = book(db, hugo, rooms[0], "2026-12-02", 8, 18)

    assert booking.operator_id is None and booking.status == "confirmed"


def test_only_the_building_admins_set_quotas_and_another_operators_manager_sees_nothing(db, building):
    _venue, _rooms, admin, lea, _nadia, operator = building
    marc = make_person(db, role="manager", email="marc@armateur.fr")
    make_operator(db, admin=admin, now=NOW, name="Blue Harbour", kind="corporate_programme", managers=(marc,))

    with pytest.raises(NotFound):
        operators.get_operator(db, actor=marc, operator_id=operator.id)
    assert [o.name for o in operators.list_operators(db, actor=marc)] == ["Blue Harbour"]
    assert operators.get_operator(db, actor=lea, operator_id=operator.id).name == "Métropole"
    with pytest.raises(Exception) as refused:
        operators.set_quota(db, actor=lea, operator_id=operator.id, space_kind="meeting_room", monthly_hours=99,
                            now=NOW)
    assert refused.value.code == "forbidden"
