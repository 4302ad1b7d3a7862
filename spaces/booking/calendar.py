"""Bookings in their holder's private calendar feed and week."""
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from spaces.booking.enums import ACTIVE_STATUSES, BookingStatus
from spaces.booking.models import Booking
from spaces.venues.models import Floor, Space
from totem.calendar.feed import CalendarEvent, register_source
from totem.calendar.week import WeekEntry, register_week_source
from totem.i18n import N_, translate
from totem.identity.models import User

# Calendar apps keep past events; a month back lets them see recent cancellations.
HISTORY = timedelta(days=30)
# RFC 5545 STATUS and SEQUENCE of each booking state: a later state is a newer version of the event.
FEED_STATUS = {
    BookingStatus.PENDING: ("TENTATIVE", 0),
    BookingStatus.CONFIRMED: ("CONFIRMED", 1),
    BookingStatus.CHECKED_IN: ("CONFIRMED", 2),
    BookingStatus.CANCELLED: ("CANCELLED", 3),
    BookingStatus.RELEASED: ("CANCELLED", 3),
    BookingStatus.REJECTED: ("CANCELLED", 3),
}


def booking_events(db: Session, user: User, now: datetime) -> Iterator[CalendarEvent]:
    bookings = db.scalars(
        select(Booking)
        .where(Booking.user_id == user.id, Booking.ends_at >= now - HISTORY, Booking.status.in_(FEED_STATUS))
        .options(joinedload(Booking.space).joinedload(Space.floor).joinedload(Floor.venue))
        .order_by(Booking.starts_at)
    )
    for booking in bookings:
        yield booking_event(booking, user.locale)


def booking_event(booking: Booking, locale: str) -> CalendarEvent:
    """The booking as one event of its holder's calendar; its UID is the same in the feed and in e-mails."""
    space = booking.space
    status, sequence = FEED_STATUS[BookingStatus(booking.status)]
    return CalendarEvent(
        uid=f"booking-{booking.id}@totem",
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=booking.title or translate(locale, N_("Booking: {space}"), space=space.name),
        location=f"{space.name}, {space.floor.name}, {space.floor.venue.name}",
        status=status,
        sequence=sequence,
    )


def booking_week_entries(db: Session, user: User, starts_at: datetime, ends_at: datetime) -> Iterator[WeekEntry]:
    """The user's bookings that hold their space (or did: checked in) in the window, for their week."""
    bookings = db.scalars(
        select(Booking)
        .where(Booking.user_id == user.id, Booking.status.in_(ACTIVE_STATUSES), Booking.starts_at < ends_at,
               Booking.ends_at > starts_at, Booking.starts_at > starts_at - timedelta(days=1))
        .options(joinedload(Booking.space).joinedload(Space.floor))
        .order_by(Booking.starts_at)
    )
    for booking in bookings:
        space = booking.space
        yield WeekEntry(starts_at=booking.starts_at, ends_at=booking.ends_at, title=booking.title or space.name,
                        place=f"{space.name} · {space.floor.name}" if booking.title else space.floor.name,
                        url="/my-bookings", kind="booking", key=f"booking-{booking.id}",
                        tentative=booking.status in (BookingStatus.PENDING, BookingStatus.OFFERED))


register_source(booking_events)
register_week_source(booking_week_entries)
