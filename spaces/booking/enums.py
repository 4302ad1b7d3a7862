"""The states of a booking."""
from enum import StrEnum


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
