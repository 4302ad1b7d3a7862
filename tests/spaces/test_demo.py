"""The demo venue: its size, its week of bookings within the rules, loaded once, quickly."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from spaces import demo as spaces_demo
from spaces.booking.models import Booking
from spaces.venues.models import Floor, Space, Venue
from spaces.venues.rules import local_time
from spaces.visitors import service as visitors
from totem import demo
from totem.identity.models import User

# A Monday in December, the Wednesday before Christmas, and the eve of the switch to summer time.
MOMENTS = [datetime(2026, 11, 30, 7, 0, tzinfo=UTC), datetime(2026, 12, 23, 17, 0, tzinfo=UTC),
           datetime(2027, 3, 26, 22, 30, tzinfo=UTC)]


@pytest.mark.parametrize("now", MOMENTS, ids=["november", "christmas", "summer-time"])
def test_the_demo_builds_a_venue_and_a_week_of_bookings(db, now):
    demo.load_demo(db, now)

    venue = db.scalars(select(Venue)).one()
    kinds = dict(db.execute(select(Space.kind, func.count()).group_by(Space.kind)).all())
    assert venue.timezone == "Europe/Paris"
    assert db.scalar(select(func.count()).select_from(Floor)) == 4
    assert kinds == {"hot_desk": 180, "dedicated_desk": 120, "meeting_room": 20, "phone_booth": 8, "event_space": 1}
    bookings = db.scalars(select(Booking)).all()
    assert len(bookings) >= 15
    assert {b.status for b in bookings} == {"confirmed", "pending"}
    assert all(b.starts_at > now for b in bookings)
    assert all(8 <= local_time(b.starts_at, venue).hour and local_time(b.ends_at, venue).hour <= 20 for b in bookings)


def test_the_demo_is_loaded_once(db):
    now = MOMENTS[0]
    demo.load_demo(db, now)
    counts = (db.scalar(select(func.count()).select_from(Space)), db.scalar(select(func.count()).select_from(Booking)))

    spaces_demo.load_demo(db, now)

    assert (db.scalar(select(func.count()).select_from(Space)),
            db.scalar(select(func.count()).select_from(Booking))) == counts


def test_the_demo_is_the_same_every_time(db):
    now = MOMENTS[0]
    demo.load_demo(db, now)
    first = db.execute(select(Space.name, Booking.starts_at, Booking.title).join(Space)
                       .order_by(Booking.starts_at, Space.name)).all()

    assert first[0] == ("3-086", datetime(2026, 12, 1, 7, 30, tzinfo=UTC), "")
    assert ("Agora", datetime(2026, 12, 7, 17, 0, tzinfo=UTC), "Afterwork Mer") in first


@pytest.mark.parametrize("now", [*MOMENTS, datetime(2026, 12, 6, 22, 30, tzinfo=UTC)],
                         ids=["november", "christmas", "summer-time", "sunday-night"])
def test_the_demo_expects_visitors_today_at_the_front_desk(db, now):
    demo.load_demo(db, now)
    manager = db.scalars(select(User).where(User.email == spaces_demo.MANAGER_EMAIL)).one()

    venue, day, expected = visitors.expected_on(db, actor=manager, now=now)

    assert day == local_time(now, venue).date() and venue.address
    assert len(expected) == 4 and len({visitor.host_id for visitor in expected}) == 3
    assert [visitor.name for visitor in expected if visitor.checked_in_at] == ["Martine Giraud"]
