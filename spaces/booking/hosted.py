"""Rooms booked for another domain's event, such as a mentor session.

The venue's opening hours and closures, the room's overlaps and its buffer
hold as for any booking. Who may book and credits do not: the host (the
program running the session) decided that already, and the host sends its
own e-mails. The booking is the attendee's, for their start-up, so that it is
in their bookings and their check-in counts.
"""
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from spaces.booking import availability, checks, queries
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.booking.waitlist import service as waitlist
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Space, Venue
from spaces.venues.rules import (
    check_open,
    check_times,
    free_intervals,
    local_moment,
    local_time,
    policy_from,
    public_holiday,
)
from totem import audit
from totem.errors import Conflict, NotFound, error_code
from totem.identity.models import User
from totem.i18n import N_, said

NO_ROOM_FREE = error_code("no_room_free", "No meeting room of the venue is free for the session's time.")


def free_rooms(
    db: Session, *, venue_id: int, starts_at: datetime, ends_at: datetime, min_capacity: int = 2,
) -> list[Space]:
    """Meeting rooms of the venue free for the whole window, the smallest first (buffers are checked on booking)."""
    rooms = availability.find_available_spaces(db, starts_at=starts_at, ends_at=ends_at, kind=SpaceKind.MEETING_ROOM,
                                          min_capacity=min_capacity)
    venue_of = venue_queries.floor_venue_ids(db)
    return sorted((room for room in rooms if venue_of[room.floor_id] == venue_id),
                  key=lambda room: (room.capacity, room.name))


def room_free_windows(
    db: Session, *, venue_id: int, starts_at: datetime, ends_at: datetime, min_capacity: int = 2,
) -> list[tuple[int, datetime, datetime]]:
    """(room id, start, end): the free stretches of the venue's meeting rooms within `[starts_at, ends_at)`,
    inside the opening hours of open days, outside bookings and their buffers. For planning many sessions at
    once (the weekly matching)."""
    venue = db.get_one(Venue, venue_id)
    venue_of = venue_queries.floor_venue_ids(db)
    room_ids = [room.id for room in availability.list_spaces(db, kind=SpaceKind.MEETING_ROOM, min_capacity=min_capacity)
                if venue_of[room.floor_id] == venue_id]
    first, last = local_time(starts_at, venue).date(), local_time(ends_at, venue).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    closed = {closure.day for closure in venue_queries.list_closures(db, [venue_id], days)}
    hours = {weekday: venue_queries.get_opening_hours(db, venue_id, weekday) for weekday in {day.weekday() for day in days}}
    open_hours = [(max(local_moment(day, hours[day.weekday()].opens_at, venue), starts_at),
                   min(local_moment(day, hours[day.weekday()].closes_at, venue), ends_at))
                  for day in days if hours[day.weekday()] is not None and day not in closed
                  and not (venue.observes_public_holidays and public_holiday(day))]
    windows = []
    for room_id in room_ids:
        room = venue_queries.get_space(db, room_id)
        buffer = timedelta(minutes=policy_from(venue_queries.get_rule_for(db, room)).buffer_minutes)
        busy = [(start - buffer, end + buffer)
                for start, end in queries.list_busy(db, room_id, starts_at - buffer, ends_at + buffer)]
        for opens, closes in open_hours:
            if opens < closes:
                windows.extend((room_id, start, end) for start, end in free_intervals(opens, closes, busy))
    return windows


def book_room(
    db: Session, *, actor: User, holder_id: int, organisation_id: int | None, space_id: int, starts_at: datetime,
    ends_at: datetime, title: str, now: datetime,
) -> Booking:
    """Book this room for the host's event, or raise why it cannot be (closed, taken, too close to another)."""
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    space = checks.bookable_space(db, space_id)
    check_times(starts_at, ends_at, now)
    venue = space.floor.venue
    day = local_time(starts_at, venue).date()
    check_open(venue, starts_at, ends_at, venue_queries.get_opening_hours(db, venue.id, day.weekday()),
               venue_queries.get_closure(db, venue.id, day))
    checks.check_free(db, space, policy_from(venue_queries.get_rule_for(db, space)), starts_at, ends_at)
    booking = Booking(
        space_id=space.id, user_id=holder_id, organisation_id=organisation_id, starts_at=starts_at, ends_at=ends_at,
        status=BookingStatus.CONFIRMED, title=checks.clean_title(title), created_at=now, created_by=actor.id,
        hosted=True,
    )
    checks.save_booking(db, booking, space)
    audit.record(db, actor=actor, action="booking.create", obj=booking, now=now,
                 summary=said(N_("{space}, {day}, {start}–{end} (hosted)"), **checks.slot(booking, space)))
    return booking


def book_any_room(
    db: Session, *, actor: User, holder_id: int, organisation_id: int | None, venue_id: int, starts_at: datetime,
    ends_at: datetime, title: str, now: datetime, min_capacity: int = 2,
) -> Booking:
    """Book the smallest free room that fits; when another request takes one first, try the next.

    Raises Conflict when no room is free: the caller's transaction then rolls
    back whatever it made with the room.
    """
    for room in free_rooms(db, venue_id=venue_id, starts_at=starts_at, ends_at=ends_at, min_capacity=min_capacity):
        try:
            return book_room(db, actor=actor, holder_id=holder_id, organisation_id=organisation_id,
                             space_id=room.id, starts_at=starts_at, ends_at=ends_at, title=title, now=now)
        except Conflict:
            continue  # taken meanwhile, or too close to a neighbour's booking
    venue = db.get_one(Venue, venue_id)
    start, end = local_time(starts_at, venue), local_time(ends_at, venue)
    raise Conflict("No meeting room is free on {day} from {start} to {end}.", field="starts_at", code=NO_ROOM_FREE,
                   day=start.date().isoformat(), start=f"{start:%H:%M}", end=f"{end:%H:%M}")


def release_room(db: Session, *, actor: User | None, booking_id: int, now: datetime) -> None:
    """Give a hosted booking's room back (its event is off) and offer it to whoever waits for it."""
    booking = queries.get_booking(db, booking_id)
    if booking is None:
        raise NotFound("No such booking.")
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.PENDING) or booking.ends_at <= now:
        return  # already off, released, used or over: nothing to give back
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    db.flush()
    audit.record(db, actor=actor, action="booking.cancel", obj=booking, now=now,
                 summary=said(N_("{space}, {day}, {start}–{end} (hosted)"),
                                      **checks.slot(booking, booking.space)))
    waitlist.offer_freed_slot(db, space=booking.space, starts_at=booking.starts_at, ends_at=booking.ends_at, now=now)
