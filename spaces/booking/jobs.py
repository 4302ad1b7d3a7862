"""Bookings' periodic jobs: no-shows released, reminders sent."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.booking import reminders, service
from totem.i18n import N_, said_n
from totem.jobs.registry import interval_job

@interval_job(
    "spaces.release_no_shows",
    seconds=300,
    misfire_grace_seconds=3600,
    description=N_("Release bookings not checked in within the venue's grace period"),
)
def release_no_shows(db: Session, fire_time: datetime) -> str:
    """Release the confirmed bookings past their check-in grace at the fire time."""
    released = service.release_no_shows(db, now=fire_time)
    return said_n("released {n} booking", "released {n} bookings", len(released))


@interval_job(
    "spaces.send_booking_reminders",
    seconds=300,
    # A late run still reminds every booking it finds ahead; beyond that the reminders come too late.
    misfire_grace_seconds=900,
    description=N_("E-mail the holders of confirmed bookings starting within the hour, once each"),
)
def send_booking_reminders(db: Session, fire_time: datetime) -> str:
    """Queue the reminders due at the fire time; a reminded booking is never reminded again."""
    return said_n("sent {n} reminder", "sent {n} reminders", reminders.send_booking_reminders(db, now=fire_time))
