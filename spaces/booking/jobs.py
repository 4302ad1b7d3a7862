"""Bookings' periodic jobs: no-shows released, reminders sent."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.booking import reminders, service
from totem.jobs.registry import counted, interval_job



@interval_job(
    "spaces.release_no_shows",
    seconds=300,
    misfire_grace_seconds=3600,
    description="Release bookings not checked in within the venue's grace period",
)
def release_no_shows(db: Session, fire_time: datetime) -> str:
    """Release the confirmed bookings past their check-in grace at the fire time."""
    released = service.release_no_shows(db, now=fire_time)
    return f"released {counted(len(released), 'booking')}"


@interval_job(
    "spaces.send_booking_reminders",
    seconds=300,
    # A late run still reminds every booking it finds ahead; beyond that the reminders come too late.
    misfire_grace_seconds=900,
    description="E-mail the holders of confirmed bookings starting within the hour, once each",
)
def send_booking_reminders(db: Session, fire_time: datetime) -> str:
    """Queue the reminders due at the fire time; a reminded booking is never reminded again."""
    return f"sent {counted(reminders.send_booking_reminders(db, now=fire_time), 'reminder')}"
