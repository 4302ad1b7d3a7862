"""When a booking may be checked in: rules that need no database."""
from datetime import datetime, timedelta

from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from totem.errors import error_code


# Check-in opens this long before the start; it closes after the venue's grace period.
CHECK_IN_OPENS_BEFORE = timedelta(minutes=15)

BOOKING_NOT_ACTIVE = error_code(
    "booking_not_active", "The booking is cancelled, released, refused or over: it can no longer be changed.")
BOOKING_STARTED = error_code("booking_started", "The booking has started: it can no longer be moved.")
APPROVAL_REQUIRED = error_code("approval_required", "The booking still waits for a manager's approval.")
NOT_AWAITING_APPROVAL = error_code("not_awaiting_approval", "The booking is not waiting for approval any more.")
CHECK_IN_WINDOW = error_code(
    "check_in_window", "Check-in is not open: it opens shortly before the start and closes after the grace period.")


def check_in_window(booking: Booking) -> tuple[datetime, datetime]:
    """When its holder may check in: from 15 minutes before the start to the venue's grace period after."""
    grace = timedelta(minutes=booking.space.floor.venue.check_in_grace_minutes)
    return booking.starts_at - CHECK_IN_OPENS_BEFORE, min(booking.starts_at + grace, booking.ends_at)


def may_check_in(booking: Booking, now: datetime) -> bool:
    opens, closes = check_in_window(booking)
    return booking.status == BookingStatus.CONFIRMED and opens <= now <= closes
