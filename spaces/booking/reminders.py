"""E-mail reminders of coming bookings: one per booking, marked on the booking when queued."""
import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaces.booking import mail
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking

logger = logging.getLogger("totem.spaces")

# An hour ahead: time enough to finish what one is doing and walk over, close
# enough to the start that the reminder is not forgotten again; check-in opens
# 15 minutes before the start, so the reminder's link works soon after it arrives.
REMINDER_LEAD = timedelta(minutes=60)


def send_booking_reminders(db: Session, *, now: datetime) -> int:
    """Queue a reminder for each confirmed booking starting within the lead that has none yet; returns how many.

    Each booking gets `reminder_sent_at` with its message, in the caller's
    transaction, so a second run finds nothing more. A booking made less than
    the lead before its start is skipped: its confirmation has just told the
    holder all a reminder would. One booking whose reminder fails is logged
    and left for the next run, without losing the others.
    """
    sent = 0
    for booking in _list_due(db, now):
        if booking.created_at > booking.starts_at - REMINDER_LEAD:
            continue
        booking_id = booking.id
        try:
            with db.begin_nested():
                mail.queue_booking_reminder(db, booking, now)
                booking.reminder_sent_at = now
                db.flush()
        except Exception:
            logger.exception("booking %s: could not queue its reminder", booking_id)
            continue
        sent += 1
    return sent


def _list_due(db: Session, now: datetime) -> list[Booking]:
    """Confirmed bookings starting in [now, now + lead] without a reminder, bounded by the (status, starts_at) index.

    Rows another run is reminding are skipped (PostgreSQL), so two runs never both send one.
    """
    query = (
        select(Booking)
        .where(Booking.status == BookingStatus.CONFIRMED, Booking.starts_at >= now,
               Booking.starts_at <= now + REMINDER_LEAD, Booking.reminder_sent_at.is_(None))
        .order_by(Booking.starts_at, Booking.id)
        .with_for_update(of=Booking, skip_locked=True)
    )
    return list(db.scalars(query))
