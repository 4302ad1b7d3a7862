"""Reading the roll-up back: booked and used minutes against the open space-minutes, by weekday and hour."""
from datetime import date, time, timedelta

import pytest

from spaces.occupancy import rollup
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking, make_closure, make_floor, make_space, make_venue, make_zone
from totem.errors import Invalid

WEDNESDAY, SUNDAY = date(2026, 12, 23), date(2026, 12, 27)
THURSDAY = 3


@pytest.fixture
def christmas_week(db, scene):  # type: ignore[no-untyped-def]
    """Of Wednesday 23 to Sunday 27 December only Thursday is open (08:00–20:00): Wednesday is closed for
    inventory, Friday is Christmas, the weekend is closed. Two active spaces: the room and a desk."""
    zone = make_zone(db, floor=scene.floor, name="Open space")
    desk = make_space(db, floor=scene.floor, zone=zone, name="D-1", kind="hot_desk", capacity=1)
    make_space(db, floor=scene.floor, name="D-old", kind="hot_desk", is_active=False)
    make_closure(db, venue=scene.venue, day=WEDNESDAY)
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-24", 9, 30),
                 ends_at=paris("2026-12-24", 11, 15), status="checked_in")
    make_booking(db, space=desk, user=scene.hugo, starts_at=paris("2026-12-24", 10),
                 ends_at=paris("2026-12-24", 12), status="released")
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-24", 14), status="cancelled")
    elsewhere = make_space(db, floor=make_floor(db, venue=make_venue(db)))
    make_booking(db, space=elsewhere, user=scene.hugo, starts_at=paris("2026-12-24", 9), status="checked_in")
    rollup.roll_up(db, now=paris("2026-12-28", 2, 30))
    return desk, zone


def test_totals_and_hours_match_the_hand_counted_figures(db, scene, christmas_week):
    report = rollup.utilisation(db, venue_id=scene.venue.id, first_day=WEDNESDAY, last_day=SUNDAY)

    # Thursday only: 12 hours x 60 minutes x 2 active spaces.
    assert report.total == rollup.Figures(capacity_minutes=1440, booked_minutes=105 + 120, used_minutes=105,
                                             bookings=2, check_ins=1, no_shows=1)
    assert report.total.booked_rate == 225 / 1440 and report.total.used_rate == 105 / 1440
    assert report.total.check_in_rate == 0.5 == report.total.no_show_rate
    assert [(h.weekday, h.hour) for h in report.by_hour] == [(THURSDAY, hour) for hour in range(8, 20)]
    by_hour = {h.hour: h for h in report.by_hour}
    assert by_hour[9] == rollup.HourFigures(weekday=THURSDAY, hour=9, capacity_minutes=120, booked_minutes=30,
                                               used_minutes=30, bookings=1, check_ins=1)
    assert by_hour[10] == rollup.HourFigures(weekday=THURSDAY, hour=10, capacity_minutes=120,
                                                booked_minutes=120, used_minutes=60, bookings=1, no_shows=1)
    assert (by_hour[11].booked_minutes, by_hour[11].used_minutes) == (75, 15)
    assert by_hour[8] == rollup.HourFigures(weekday=THURSDAY, hour=8, capacity_minutes=120)
    assert by_hour[8].booked_rate == 0 and by_hour[8].check_in_rate is None


def test_a_kind_or_a_zone_keeps_its_own_spaces_and_capacity(db, scene, christmas_week):
    desk, zone = christmas_week

    rooms = rollup.utilisation(db, venue_id=scene.venue.id, first_day=WEDNESDAY, last_day=SUNDAY,
                                  kind="meeting_room")
    open_space = rollup.utilisation(db, venue_id=scene.venue.id, first_day=WEDNESDAY, last_day=SUNDAY,
                                       zone_id=zone.id)
    floor = rollup.utilisation(db, venue_id=scene.venue.id, first_day=WEDNESDAY, last_day=SUNDAY,
                                  floor_id=scene.floor.id)

    assert rooms.total == rollup.Figures(capacity_minutes=720, booked_minutes=105, used_minutes=105, bookings=1,
                                            check_ins=1)
    assert open_space.total == rollup.Figures(capacity_minutes=720, booked_minutes=120, bookings=1, no_shows=1)
    assert floor.total.capacity_minutes == 1440 and floor.total.booked_minutes == 225


def test_a_period_with_nothing_open_has_no_rates(db, scene, christmas_week):
    report = rollup.utilisation(db, venue_id=scene.venue.id, first_day=date(2026, 12, 25),
                                   last_day=date(2026, 12, 27))

    assert report.total == rollup.Figures() and report.by_hour == []
    assert report.total.booked_rate is None and report.total.no_show_rate is None


def test_opening_hours_off_the_hour_give_part_hours_and_venues_may_ignore_holidays(db, scene):
    venue = make_venue(db, name="Marseille Nord", opens=time(8, 30), closes=time(10, 15), weekdays=[4],
                       observes_public_holidays=False)
    make_space(db, floor=make_floor(db, venue=venue), kind="phone_booth")

    report = rollup.utilisation(db, venue_id=venue.id, first_day=date(2026, 12, 25),
                                   last_day=date(2026, 12, 25) + timedelta(days=7))

    assert [(h.weekday, h.hour, h.capacity_minutes) for h in report.by_hour] == [(4, 8, 60), (4, 9, 120),
                                                                                 (4, 10, 30)]


def test_the_last_day_before_the_first_is_refused(db, scene):
    with pytest.raises(Invalid):
        rollup.utilisation(db, venue_id=scene.venue.id, first_day=SUNDAY, last_day=WEDNESDAY)
