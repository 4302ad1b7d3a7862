"""The nightly roll-up: booked and used minutes per space and local hour, counts in the starting hour."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from spaces.occupancy import rollup
from spaces.occupancy.models import OccupancyHour
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking, make_floor, make_space, make_venue, make_zone
from totem.jobs.registry import collect_jobs
from totem.jobs.runner import run_fire
from totem.i18n import shown

TUESDAY = date(2026, 12, 1)


def _rows(db, day=None):  # type: ignore[no-untyped-def]
    """(space, hour, booked, used, bookings, check-ins, no-shows) per row, in time order."""
    query = select(OccupancyHour).order_by(OccupancyHour.space_id, OccupancyHour.starts_at)
    if day is not None:
        query = query.where(OccupancyHour.day == day)
    return [(row.space_id, row.hour, row.booked_minutes, row.used_minutes, row.bookings, row.check_ins, row.no_shows)
            for row in db.scalars(query)]


def _all_columns(db):  # type: ignore[no-untyped-def]
    columns = [c for c in OccupancyHour.__table__.columns if c.name != "id"]
    return sorted(tuple(getattr(row, c.key) for c in columns) for row in db.scalars(select(OccupancyHour)))


def test_a_day_splits_minutes_across_hours_and_counts_each_booking_in_its_first_hour(db, scene):
    zone = make_zone(db, floor=scene.floor, name="Open space")
    desk = make_space(db, floor=scene.floor, zone=zone, name="D-1", kind="hot_desk", capacity=1)
    booth = make_space(db, floor=scene.floor, name="Cabine", kind="phone_booth", capacity=1)
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 9, 30),
                 ends_at=paris("2026-12-01", 11, 15), status="checked_in")
    make_booking(db, space=desk, user=scene.hugo, starts_at=paris("2026-12-01", 10),
                 ends_at=paris("2026-12-01", 12), status="released")
    # Never checked in, never released (the no-show job was down): a no-show all the same.
    make_booking(db, space=booth, user=scene.karim, starts_at=paris("2026-12-01", 16, 45),
                 ends_at=paris("2026-12-01", 17, 5), status="confirmed")
    for hour, status in enumerate(("cancelled", "rejected", "pending", "expired", "offered"), start=12):
        make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", hour), status=status)
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-02", 9), status="checked_in")
    other_venue_room = make_space(db, floor=make_floor(db, venue=make_venue(db)))
    make_booking(db, space=other_venue_room, user=scene.hugo, starts_at=paris("2026-12-01", 9), status="checked_in")

    written = rollup.roll_up_day(db, venue=scene.venue, day=TUESDAY, now=paris("2026-12-02", 2, 30))

    assert written == 7
    assert _rows(db) == [
        (scene.room.id, 9, 30, 30, 1, 1, 0),
        (scene.room.id, 10, 60, 60, 0, 0, 0),
        (scene.room.id, 11, 15, 15, 0, 0, 0),
        (desk.id, 10, 60, 0, 1, 0, 1),
        (desk.id, 11, 60, 0, 0, 0, 0),
        (booth.id, 16, 15, 0, 1, 0, 1),
        (booth.id, 17, 5, 0, 0, 0, 0),
    ]
    nine = db.scalars(select(OccupancyHour).where(OccupancyHour.space_id == scene.room.id,
                                                  OccupancyHour.hour == 9)).one()
    assert (nine.venue_id, nine.floor_id, nine.zone_id, nine.kind) == (scene.venue.id, scene.floor.id, None,
                                                                       "meeting_room")
    assert (nine.day, nine.weekday, nine.starts_at) == (TUESDAY, 1, datetime(2026, 12, 1, 8, tzinfo=UTC))
    desk_row = db.scalars(select(OccupancyHour).where(OccupancyHour.space_id == desk.id)).first()
    assert (desk_row.zone_id, desk_row.kind) == (zone.id, "hot_desk")


def test_rolling_a_day_up_again_writes_the_same_rows_and_picks_up_corrections(db, scene):
    booking = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 9, 30),
                           ends_at=paris("2026-12-01", 11, 15), status="checked_in")
    later = paris("2026-12-02", 2, 30)
    rollup.roll_up_day(db, venue=scene.venue, day=TUESDAY, now=later)
    first = _all_columns(db)

    assert rollup.roll_up_day(db, venue=scene.venue, day=TUESDAY, now=later) == 3
    assert _all_columns(db) == first

    booking.status = "cancelled"
    db.flush()
    assert rollup.roll_up_day(db, venue=scene.venue, day=TUESDAY, now=later) == 0
    assert _rows(db) == []


def test_a_day_that_is_not_over_is_refused(db, scene):
    with pytest.raises(ValueError, match="not over"):
        rollup.roll_up_day(db, venue=scene.venue, day=TUESDAY, now=paris("2026-12-01", 23, 59))


def test_the_spring_forward_day_has_23_hours_and_no_2_am(db, scene):
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2027-03-28", 0),
                 ends_at=paris("2027-03-29", 0), status="checked_in")
    desk = make_space(db, floor=scene.floor, name="D-1", kind="hot_desk", capacity=1)
    # 01:30 to 03:30 on the clock is one hour: 02:00 became 03:00.
    make_booking(db, space=desk, user=scene.hugo, starts_at=paris("2027-03-28", 1, 30),
                 ends_at=paris("2027-03-28", 3, 30), status="released")

    assert rollup.roll_up_day(db, venue=scene.venue, day=date(2027, 3, 28), now=paris("2027-03-29", 2, 30)) == 25

    room_rows = db.scalars(select(OccupancyHour).where(OccupancyHour.space_id == scene.room.id)
                           .order_by(OccupancyHour.starts_at)).all()
    assert [row.hour for row in room_rows] == [0, 1, *range(3, 24)]
    assert all(row.booked_minutes == 60 == row.used_minutes for row in room_rows)
    assert [row.starts_at for row in room_rows] == [datetime(2027, 3, 27, 23, tzinfo=UTC) + timedelta(hours=n)
                                                    for n in range(23)]
    assert {row.weekday for row in room_rows} == {6}
    assert [row[1:] for row in _rows(db) if row[0] == desk.id] == [(1, 30, 0, 1, 0, 1), (3, 30, 0, 0, 0, 0)]


def test_the_fall_back_day_has_25_hours_with_2_am_twice(db, scene):
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2027-10-31", 0),
                 ends_at=paris("2027-11-01", 0), status="checked_in")

    assert rollup.roll_up_day(db, venue=scene.venue, day=date(2027, 10, 31), now=paris("2027-11-01", 2, 30)) == 25

    rows = db.scalars(select(OccupancyHour).order_by(OccupancyHour.starts_at)).all()
    assert [row.hour for row in rows] == [0, 1, 2, 2, *range(3, 24)]
    assert [row.starts_at for row in rows if row.hour == 2] == [datetime(2027, 10, 31, 0, tzinfo=UTC),
                                                                datetime(2027, 10, 31, 1, tzinfo=UTC)]
    assert sum(row.booked_minutes for row in rows) == 25 * 60
    assert [row.bookings for row in rows] == [1] + [0] * 24


def test_the_job_rolls_up_yesterday_and_a_second_run_rewrites_the_same_rows(db, session_factory, scene):
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 9, 30),
                 ends_at=paris("2026-12-01", 11, 15), status="checked_in")
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-02", 9), status="confirmed")
    db.commit()
    job = collect_jobs()["spaces.roll_up_occupancy"]

    first = run_fire(session_factory, job, paris("2026-12-02", 2, 30))
    db.expire_all()
    rows = _all_columns(db)
    second = run_fire(session_factory, job, paris("2026-12-02", 2, 30) + timedelta(minutes=5))
    db.expire_all()

    assert first.status == "succeeded" and shown(first.summary, "en") == "wrote 3 occupancy rows"
    assert shown(second.summary, "en") == "wrote 3 occupancy rows"
    assert _all_columns(db) == rows
    assert {row.day for row in db.scalars(select(OccupancyHour))} == {TUESDAY}


def test_after_missed_nights_the_roll_up_catches_up_the_days_since_the_last_one(db, scene):
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris(day, 10), status="checked_in")
    rollup.roll_up(db, now=paris("2026-12-02", 2, 30))
    assert {row.day for row in db.scalars(select(OccupancyHour))} == {TUESDAY}

    # No run on the nights of the 3rd and the 4th: the next one fills the 2nd and 3rd in (the 4th had no bookings).
    written = rollup.roll_up(db, now=paris("2026-12-05", 2, 30))

    assert written == 2
    assert [(row.day, row.hour) for row in db.scalars(select(OccupancyHour).order_by(OccupancyHour.day))] == [
        (TUESDAY, 10), (date(2026, 12, 2), 10), (date(2026, 12, 3), 10)]


def test_a_first_roll_up_goes_back_at_most_31_days(db, scene):
    for day in ("2026-10-30", "2026-10-31", "2026-11-27"):
        make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris(day, 10), status="checked_in")

    written = rollup.roll_up(db, now=paris("2026-12-01", 2, 30))

    assert written == 2
    assert sorted(row.day for row in db.scalars(select(OccupancyHour))) == [date(2026, 10, 31), date(2026, 11, 27)]


def test_each_venue_rolls_up_its_own_local_yesterday(db, scene):
    montreal = make_venue(db, name="Espace Montréal", timezone="America/Montreal")
    room = make_space(db, floor=make_floor(db, venue=montreal))
    # 22:00 on Monday 30 November in Montréal is 04:00 on Tuesday in Paris.
    make_booking(db, space=room, user=scene.hugo, starts_at=datetime(2026, 12, 1, 3, tzinfo=UTC),
                 status="checked_in")

    rollup.roll_up(db, now=paris("2026-12-01", 8))  # 02:00 on Tuesday in Montréal

    [row] = db.scalars(select(OccupancyHour)).all()
    assert (row.venue_id, row.day, row.hour, row.weekday, row.used_minutes) == (montreal.id, date(2026, 11, 30),
                                                                                22, 0, 60)


def test_a_day_is_read_deleted_and_written_in_a_few_statements_however_many_bookings(db, connection, scene):
    desks = [make_space(db, floor=scene.floor, name=f"D-{n}", kind="hot_desk", capacity=1) for n in range(20)]
    for n, desk in enumerate(desks):
        make_booking(db, space=desk, user=scene.hugo, starts_at=paris("2026-12-01", 8 + n % 10, 30),
                     ends_at=paris("2026-12-01", 10 + n % 10), status="checked_in" if n % 2 else "released")
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(connection, "before_cursor_execute", listener)
    try:
        written = rollup.roll_up_day(db, venue=scene.venue, day=TUESDAY, now=paris("2026-12-02", 2, 30))
    finally:
        event.remove(connection, "before_cursor_execute", listener)

    assert written == 40
    # The bookings and the venue's lock; the day's rows out of the hourly and the two coarser tables, then in.
    assert [statement.split()[0] for statement in statements] == ["SELECT", "SELECT", *["DELETE"] * 3, *["INSERT"] * 3]
