"""When a booking may be checked in: rules that need no database."""
from datetime import datetime, timedelta

from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking


# Check-in opens this long before the start; it closes after the venue's grace period.
CHECK_IN_OPENS_BEFORE = timedelta(minutes=15)


def check_in_window(booking: Booking) -> tuple[datetime, datetime]:
    """When its holder may check in: from 15 minutes before the start to the venue's grace period after."""
    grace = timedelta(minutes=booking.space.floor.venue.check_in_grace_minutes)
    return booking.starts_at - CHECK_IN_OPENS_BEFORE, min(booking.starts_at + grace, booking.ends_at)


def may_check_in(booking: Booking, now: datetime) -> bool:
    opens, closes = check_in_window(booking)
    return booking.status == BookingStatus.CONFIRMED and opens <= now <= closes
