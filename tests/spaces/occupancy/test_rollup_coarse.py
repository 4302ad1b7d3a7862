"""The coarse roll-ups (per day and hour, per space and day) give the reports the same figures as the hourly rows."""
import importlib.util
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from spaces.occupancy import analytics, rollup
from spaces.occupancy.models import OccupancyDayHour, OccupancyHour, OccupancySpaceDay
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking, make_floor, make_space, make_zone

FIRST, LAST = date(2026, 10, 19), date(2026, 11, 1)  # two weeks over the clocks going back on 25 October
SUMMED = ("booked_minutes", "used_minutes", "bookings", "check_ins", "no_shows")
MIGRATION = Path(__file__).parents[3] / "alembic" / "versions" / "20261123_0009_occupancy_rollups.py"


@pytest.fixture
def fortnight(db, scene):  # type: ignore[no-untyped-def]
    """Two floors, a zone, four kinds; bookings at odd minutes, over midnight into the fall-back night, released."""
    upstairs = make_floor(db, venue=scene.venue, name="2e étage", level=2)
    zone = make_zone(db, floor=scene.floor, name="Open space")
    desks = [make_space(db, floor=scene.floor, zone=zone, name=f"D-{n}", kind="hot_desk", capacity=1)
             for n in range(3)]
    booth = make_space(db, floor=upstairs, name="Cabine", kind="phone_booth", capacity=1)
    event = make_space(db, floor=upstairs, name="Agora", kind="event_space", capacity=80)
    people = (scene.nadia, scene.hugo, scene.karim)
    for n in range(14):
        day = date.fromordinal(FIRST.toordinal() + n).isoformat()
        for index, desk in enumerate(desks):
            status = ("checked_in", "released", "confirmed")[(n + index) % 3]
            make_booking(db, space=desk, user=people[index], starts_at=paris(day, 8 + index, 7 * index),
                         ends_at=paris(day, 12 + index, 13 * index), status=status)
        make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris(day, 14, 20),
                     ends_at=paris(day, 15, 50), status="checked_in" if n % 4 else "released")
        make_booking(db, space=booth, user=scene.hugo, starts_at=paris(day, 17, 55), ends_at=paris(day, 18, 5),
                     status="checked_in" if n % 2 else "cancelled")
    make_booking(db, space=event, user=scene.karim, starts_at=paris("2026-10-25", 0),
                 ends_at=paris("2026-10-25", 23), status="checked_in")  # 24 hours on the clock, two 02:00
    for n in range(14):
        rollup.roll_up_day(db, venue=scene.venue, day=date.fromordinal(FIRST.toordinal() + n),
                              now=paris("2026-11-02", 2, 30))
    db.flush()
    return {"floor_id": upstairs.id}, {"zone_id": zone.id}, {"kind": "hot_desk"}, {"floor_id": scene.floor.id}


def _hourly(db, venue_id, *group, first_day=FIRST, last_day=LAST, **filters):  # type: ignore[no-untyped-def]
    """The sums straight from the hourly rows, as the reports read them before the coarse roll-ups."""
    query = (select(*group, *(func.sum(getattr(OccupancyHour, name)) for name in SUMMED))
             .where(OccupancyHour.venue_id == venue_id, OccupancyHour.day >= first_day,
                    OccupancyHour.day <= last_day, *(getattr(OccupancyHour, k) == v for k, v in filters.items()))
             .group_by(*group))
    return {tuple(row[:len(group)]) if len(group) > 1 else row[0]: [int(v) for v in row[len(group):]]
            for row in db.execute(query)}


def test_the_coarse_sums_equal_the_hourly_rows_for_every_filter(db, scene, fortnight):
    for filters in ({}, *fortnight):
        for first_day, last_day in ((FIRST, LAST), (date(2026, 10, 23), date(2026, 10, 26))):
            period = {"venue_id": scene.venue.id, "first_day": first_day, "last_day": last_day, **filters}

            by_day_hour = rollup.usage_by_day_hour(db, **period)
            by_space = rollup.usage_by_space(db, **period)

            expected = _hourly(db, scene.venue.id, OccupancyHour.day, OccupancyHour.hour, first_day=first_day,
                               last_day=last_day, **filters)
            assert by_day_hour == expected and expected, filters
            assert by_space == _hourly(db, scene.venue.id, OccupancyHour.space_id, first_day=first_day,
                                       last_day=last_day, **filters), filters
    fall_back = rollup.usage_by_day_hour(db, venue_id=scene.venue.id, first_day=date(2026, 10, 25),
                                            last_day=date(2026, 10, 25), kind="event_space")
    assert fall_back[(date(2026, 10, 25), 2)][0] == 120  # both 02:00s


def test_the_report_needs_only_the_coarse_sums(db, scene, fortnight):
    scope = analytics.Scope(scene.venue.id, FIRST, LAST)
    before = analytics.occupancy_report(db, scope)

    db.execute(delete(OccupancyHour))

    after = analytics.occupancy_report(db, scope)
    assert (after.total, after.by_hour, after.weeks, after.spaces) == (before.total, before.by_hour, before.weeks,
                                                                      before.spaces)
    assert before.total.bookings == 14 * 5 - 7 + 1  # the cancelled booth bookings are left out


def test_rolling_a_day_up_again_rewrites_its_coarse_sums(db, scene, fortnight):
    first = [_coarse_rows(db, table) for table in (OccupancyDayHour, OccupancySpaceDay)]

    rollup.roll_up_day(db, venue=scene.venue, day=FIRST, now=paris("2026-11-02", 2, 30))

    assert [_coarse_rows(db, table) for table in (OccupancyDayHour, OccupancySpaceDay)] == first


def test_the_migration_backfills_the_same_sums_from_existing_hourly_rows(db, scene, fortnight):
    spec = importlib.util.spec_from_file_location("occupancy_rollups", MIGRATION)
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    written = {table: _coarse_rows(db, table) for table in (OccupancyDayHour, OccupancySpaceDay)}
    for table in written:
        db.execute(delete(table))

    for statement in migration.BACKFILL:
        db.execute(migration.sa.text(statement))

    assert {table: _coarse_rows(db, table) for table in written} == written


def _coarse_rows(db, table):  # type: ignore[no-untyped-def]
    rows = [tuple(getattr(row, c.key) for c in table.__table__.columns if c.key != "id")
            for row in db.scalars(select(table))]
    return sorted(rows, key=repr)  # no zone is None
