"""The rows `spaces` holds about a person: for their personal data download (`totem.personal_data`) and their
erasure (`totem.erasure`)."""
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from spaces.booking import service as bookings
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.booking.waitlist import service as waitlist
from spaces.booking.waitlist.models import WaitlistEntry
from spaces.series.models import BookingSeries
from totem import erasure
from totem.identity.models import User
from totem.personal_data import register

register("bookings", Booking, lambda user: Booking.user_id == user.id)
register("booking_series", BookingSeries, lambda user: BookingSeries.user_id == user.id)
register("waitlist", WaitlistEntry, lambda user: WaitlistEntry.user_id == user.id)

# Still ahead and holding a space: an erased person will not come, so the space is freed.
_UPCOMING = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


def erase_bookings(db: Session, user: User, now: datetime, actor: User) -> None:
    """Keep past bookings for occupancy figures, without their titles; free the upcoming ones; drop the waitlist.

    They leave the waitlist and their bookings are cancelled as they would do it themselves: credits come back
    when in time, and each freed slot (a held offer too) goes to the next in line.
    """
    for entry_id in db.scalars(select(WaitlistEntry.id).where(
            WaitlistEntry.user_id == user.id, WaitlistEntry.status.in_(waitlist.OPEN_STATUSES))).all():
        waitlist.withdraw(db, actor=actor, entry_id=entry_id, now=now)
    for booking_id in db.scalars(select(Booking.id).where(
            Booking.user_id == user.id, Booking.hosted.is_(False), Booking.status.in_(_UPCOMING),
            Booking.starts_at > now).order_by(Booking.starts_at, Booking.id)).all():
        bookings.cancel_booking(db, actor=actor, booking_id=booking_id, now=now)
    db.execute(update(Booking).where(Booking.user_id == user.id).values(title=""))
    db.execute(update(BookingSeries).where(BookingSeries.user_id == user.id, BookingSeries.cancelled_at.is_(None))
               .values(cancelled_at=now))
    db.execute(update(BookingSeries).where(BookingSeries.user_id == user.id).values(title=""))
    db.execute(delete(WaitlistEntry).where(WaitlistEntry.user_id == user.id))


erasure.register(erase_bookings)
