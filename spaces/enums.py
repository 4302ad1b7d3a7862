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


# Bookings in these states hold their space: no other may overlap them.
ACTIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


def sql_list(values: tuple[str, ...] | type[StrEnum]) -> str:
    """`'a', 'b'` for a CHECK or a partial index written in SQL."""
    return ", ".join(f"'{value}'" for value in values)
