"""The rows `spaces` holds about a person: for their personal data download (`totem.personal_data`) and their
erasure (`totem.erasure`)."""
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.booking.waitlist.models import WaitlistEntry
from spaces.series.models import BookingSeries
from totem import erasure
from totem.identity.models import User
from totem.personal_data import register

register("bookings", Booking, lambda user: Booking.user_id == user.id)
register("booking_series", BookingSeries, lambda user: BookingSeries.user_id == user.id)
register("waitlist", WaitlistEntry, lambda user: WaitlistEntry.user_id == user.id)

# Still ahead and holding a space: an erased person will not come, so the space is freed.
_UPCOMING = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.OFFERED)


def erase_bookings(db: Session, user: User, now: datetime) -> None:
    """Keep past bookings for occupancy figures, without their titles; free the upcoming ones; drop the waitlist."""
    db.execute(update(Booking).where(Booking.user_id == user.id, Booking.hosted.is_(False),
                                     Booking.status.in_(_UPCOMING), Booking.starts_at > now)
               .values(status=BookingStatus.CANCELLED, cancelled_at=now))
    db.execute(update(Booking).where(Booking.user_id == user.id).values(title=""))
    db.execute(update(BookingSeries).where(BookingSeries.user_id == user.id, BookingSeries.cancelled_at.is_(None))
               .values(cancelled_at=now))
    db.execute(update(BookingSeries).where(BookingSeries.user_id == user.id).values(title=""))
    db.execute(delete(WaitlistEntry).where(WaitlistEntry.user_id == user.id))


erasure.register(erase_bookings)
