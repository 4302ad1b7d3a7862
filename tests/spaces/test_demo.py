"""The demo venue: its size, its week of bookings within the rules, loaded once, quickly."""
from datetime import UTC, date, datetime

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
    coming = [b for b in bookings if b.starts_at > now]
    assert len(coming) >= 15
    assert {b.status for b in coming} == {"confirmed", "pending"}
    # The rest is the past weeks' history (cohorts.demo.history): used or released, never still waiting.
    assert {b.status for b in bookings if b.starts_at <= now} <= {"checked_in", "released"}
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
    first = db.execute(select(Space.name, Booking.starts_at, Booking.title).join(Space).where(Booking.starts_at > now)
                       .order_by(Booking.starts_at, Space.name)).all()

    assert first[0] == ("3-086", datetime(2026, 12, 1, 7, 30, tzinfo=UTC), "")
    assert ("Agora", datetime(2026, 12, 7, 17, 0, tzinfo=UTC), "Afterwork Mer") in first


# The instants .ci/any-instant runs the suite at, and the venue's next working day then: the demo books from it.
NEXT_WORKING_DAYS = [
    (datetime(2026, 12, 8, 23, 30, tzinfo=UTC), date(2026, 12, 9)),  # 00:30 on Wednesday in Paris: that morning
    (datetime(2026, 12, 12, 10, 0, tzinfo=UTC), date(2026, 12, 14)),  # a Saturday: Monday
    (datetime(2026, 12, 25, 9, 0, tzinfo=UTC), date(2026, 12, 28)),  # Christmas, a Friday: Monday
    (datetime(2027, 3, 28, 0, 30, tzinfo=UTC), date(2027, 3, 30)),  # the DST night, Easter: Tuesday after Easter Monday
    (datetime(2028, 2, 29, 22, 45, tzinfo=UTC), date(2028, 3, 1)),  # a leap day, 23:45 in Paris: Wednesday
    (datetime(2026, 11, 30, 6, 59, tzinfo=UTC), date(2026, 11, 30)),  # a minute before the doors open: that day
    (datetime(2026, 11, 30, 7, 0, tzinfo=UTC), date(2026, 12, 1)),  # open already: tomorrow
]


@pytest.mark.parametrize(("now", "first_day"), NEXT_WORKING_DAYS, ids=[
    "weekday-night", "saturday", "christmas", "dst-night", "leap-day", "before-opening", "at-opening"])
def test_the_demo_books_from_the_venues_next_working_day(db, now, first_day):
    demo.load_demo(db, now)

    venue = db.scalars(select(Venue)).one()
    desks = db.execute(select(Booking.user_id, Booking.starts_at).join(Space).where(Space.kind == "hot_desk",
                                                                                         Booking.starts_at > now)).all()
    days = sorted({local_time(starts_at, venue).date() for _user, starts_at in desks})
    assert days[0] == first_day
    # Every resident at a desk that first day, so the floor plan shows them.
    assert len({user for user, starts_at in desks if local_time(starts_at, venue).date() == first_day}) == 3
    assert all(day.weekday() < 5 for day in days)  # a short week when holidays fall in it (Christmas: three days)


@pytest.mark.parametrize("now", [*MOMENTS, datetime(2026, 12, 6, 22, 30, tzinfo=UTC)],
                         ids=["november", "christmas", "summer-time", "sunday-night"])
def test_the_demo_expects_visitors_today_at_the_front_desk(db, now):
    demo.load_demo(db, now)
    manager = db.scalars(select(User).where(User.email == spaces_demo.MANAGER_EMAIL)).one()

    venue, day, expected = visitors.expected_on(db, actor=manager, now=now)

    assert day == local_time(now, venue).date() and venue.address
    assert len(expected) == 4 and len({visitor.host_id for visitor in expected}) == 3
    assert [visitor.name for visitor in expected if visitor.checked_in_at] == ["Martine Giraud"]
