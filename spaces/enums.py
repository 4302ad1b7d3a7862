"""Kinds of space and the life of a booking."""
from enum import StrEnum


class SpaceKind(StrEnum):
    HOT_DESK = "hot_desk"
    DEDICATED_DESK = "dedicated_desk"
    MEETING_ROOM = "meeting_room"
    PHONE_BOOTH = "phone_booth"
    EVENT_SPACE = "event_space"


class BookingStatus(StrEnum):
    PENDING = "pending"  # waits for a manager's approval, yet holds the slot
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    RELEASED = "released"  # not checked in within the grace period
    REJECTED = "rejected"
    OFFERED = "offered"  # held for the first on the waitlist until the offer expires
    EXPIRED = "expired"  # an offer nobody took


# Bookings in these states hold their space: no other may overlap them.
ACTIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.OFFERED)


class WaitlistStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"  # a freed slot is held for them until `offer_expires_at`
    BOOKED = "booked"
    EXPIRED = "expired"  # the offer ran out, or the wanted time passed
    WITHDRAWN = "withdrawn"


class CreditReason(StrEnum):
    ALLOWANCE = "allowance"  # the month's allowance, at the monthly reset
    EXPIRY = "expiry"  # what was left of last month's, at the monthly reset
    BOOKING = "booking"
    REFUND = "refund"  # a booking cancelled in time
    ADJUSTMENT = "adjustment"  # by a manager, with a note


class SeriesSkip(StrEnum):
    """Why an occurrence of a series has no booking."""

    CONFLICT = "conflict"  # the space was taken
    CLOSED = "closed"  # the venue is closed that day
    REFUSED = "refused"  # another rule refused it (credits, advance window...)


def sql_list(values: tuple[str, ...] | type[StrEnum]) -> str:
    """`'a', 'b'` for a CHECK or a partial index written in SQL."""
    return ", ".join(f"'{value}'" for value in values)
