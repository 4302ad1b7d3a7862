"""The building now and today: spaces in use per floor, today's arrivals, no-shows and those still expected."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.booking.queries import LONGEST_BOOKING
from spaces.occupancy.rollup import local_hours
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Floor, Space, Venue
from spaces.venues.rules import local_time, venue_zone
from totem.errors import Invalid
from totem.identity.models import User
from totem.local_times import WallClockHours


DESK_KINDS = (SpaceKind.HOT_DESK, SpaceKind.DEDICATED_DESK)


HOLDING = (BookingStatus.CONFIRMED, BookingStatus.PENDING, BookingStatus.OFFERED)


@dataclass
class Counts:
    """Spaces of one sort on a floor right now: in use (checked in), booked (not yet), free."""

    total: int = 0
    in_use: int = 0
    booked: int = 0

    @property
    def free(self) -> int:
        return max(self.total - self.in_use - self.booked, 0)


@dataclass
class FloorNow:
    floor_id: int
    floor: str
    venue: str
    desks: Counts = field(default_factory=Counts)
    rooms: Counts = field(default_factory=Counts)  # meeting rooms, phone booths, the event space


def occupancy_now(db: Session, *, now: datetime) -> list[FloorNow]:
    """Per floor, desks and rooms in use, booked and free at `now` (three grouped queries)."""
    floors = {floor_id: FloorNow(floor_id, name, venue) for floor_id, name, venue in db.execute(
        select(Floor.id, Floor.name, Venue.name).join(Venue, Venue.id == Floor.venue_id)
        .order_by(Venue.name, Floor.level, Floor.name))}
    for floor_id, kind, count in db.execute(
            select(Space.floor_id, Space.kind, func.count()).where(Space.is_active)
            .group_by(Space.floor_id, Space.kind)):
        _counts(floors[floor_id], kind).total += count
    for floor_id, kind, status, count in db.execute(
            select(Space.floor_id, Space.kind, Booking.status, func.count(func.distinct(Booking.space_id)))
            .join(Space, Space.id == Booking.space_id)
            .where(Space.is_active, Booking.status.in_((BookingStatus.CHECKED_IN, *HOLDING)),
                   Booking.starts_at > now - LONGEST_BOOKING, Booking.starts_at <= now, Booking.ends_at > now)
            .group_by(Space.floor_id, Space.kind, Booking.status)):
        counts = _counts(floors[floor_id], kind)
        if status == BookingStatus.CHECKED_IN:
            counts.in_use += count
        else:
            counts.booked += count
    return [floor for floor in floors.values() if floor.desks.total or floor.rooms.total]


def _counts(floor: FloorNow, kind: str) -> Counts:
    return floor.desks if kind in DESK_KINDS else floor.rooms


@dataclass(frozen=True)
class Today:
    check_ins: int
    no_shows: int
    expected: int  # booked, not checked in yet
    bookings: int


def _today_windows(db: Session, now: datetime) -> list[tuple[int, datetime, datetime]]:
    """Each venue's local day around `now`, as UTC bounds."""
    windows = []
    for venue in db.scalars(select(Venue).order_by(Venue.id)):
        hours = local_hours(local_time(now, venue).date(), venue_zone(venue))
        windows.append((venue.id, hours[0].starts_at, hours[-1].ends_at))
    return windows


def today(db: Session, *, now: datetime) -> Today:
    """Bookings starting today (each venue's day): checked in, released as no-shows, still expected."""
    counts: dict[str, int] = {}
    for venue_id, starts_at, ends_at in _today_windows(db, now):
        for status, count in db.execute(
                select(Booking.status, func.count()).join(Space, Space.id == Booking.space_id)
                .join(Floor, Floor.id == Space.floor_id)
                .where(Floor.venue_id == venue_id, Booking.starts_at >= starts_at, Booking.starts_at < ends_at)
                .group_by(Booking.status)):
            counts[status] = counts.get(status, 0) + count
    expected = counts.get(BookingStatus.CONFIRMED, 0) + counts.get(BookingStatus.PENDING, 0)
    checked, released = counts.get(BookingStatus.CHECKED_IN, 0), counts.get(BookingStatus.RELEASED, 0)
    return Today(checked, released, expected, checked + released + expected)


@dataclass(frozen=True)
class DayBooking(WallClockHours):
    id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    space: str
    floor: str
    holder: str
    timezone: str


TODAY_LISTS = {"checked_in": (BookingStatus.CHECKED_IN,), "released": (BookingStatus.RELEASED,),
               "expected": (BookingStatus.CONFIRMED, BookingStatus.PENDING)}


def list_today(db: Session, *, now: datetime, which: str) -> list[DayBooking]:
    """The bookings behind one of today's counts: `checked_in`, `released` (no-shows) or `expected`."""
    statuses = TODAY_LISTS.get(which)
    if statuses is None:
        raise Invalid("Unknown list.", field="status")
    found = []
    for venue_id, starts_at, ends_at in _today_windows(db, now):
        found += [DayBooking(*row) for row in db.execute(
            select(Booking.id, Booking.starts_at, Booking.ends_at, Booking.status, Space.name, Floor.name, User.name,
                   Venue.timezone)
            .join(Space, Space.id == Booking.space_id).join(Floor, Floor.id == Space.floor_id)
            .join(Venue, Venue.id == Floor.venue_id).join(User, User.id == Booking.user_id)
            .where(Floor.venue_id == venue_id, Booking.status.in_(statuses), Booking.starts_at >= starts_at,
                   Booking.starts_at < ends_at)
            .order_by(Booking.starts_at, Space.name))]
    return found
