"""The spaces package's periodic jobs, collected by the core's scheduler."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces import credits, occupancy, reminders, series, service, waitlist
from totem.jobs.registry import cron_job, interval_job
from totem.settings import get_settings

HOUR = 3600
DAY = 24 * HOUR


@interval_job(
    "spaces.release_no_shows",
    seconds=300,
    misfire_grace_seconds=3600,
    description="Release bookings not checked in within the venue's grace period",
)
def release_no_shows(db: Session, fire_time: datetime) -> str:
    """Release the confirmed bookings past their check-in grace at the fire time."""
    released = service.release_no_shows(db, now=fire_time)
    return f"released {_count(len(released), 'booking')}"


@interval_job(
    "spaces.send_booking_reminders",
    seconds=300,
    # A late run still reminds every booking it finds ahead; beyond that the reminders come too late.
    misfire_grace_seconds=900,
    description="E-mail the holders of confirmed bookings starting within the hour, once each",
)
def send_booking_reminders(db: Session, fire_time: datetime) -> str:
    """Queue the reminders due at the fire time; a reminded booking is never reminded again."""
    return f"sent {_count(reminders.send_booking_reminders(db, now=fire_time), 'reminder')}"


@cron_job(
    "spaces.roll_up_occupancy",
    hour=2,
    minute=30,
    # The roll-up catches up the days it missed itself; any run before the next night's is worth doing.
    misfire_grace_seconds=23 * HOUR,
    timeout_minutes=60,
    description="Roll up each venue's bookings of the past days into occupancy by hour and by day for the reports",
)
def roll_up_occupancy(db: Session, fire_time: datetime) -> str:
    """Rewrite the occupancy rows and sums of yesterday, and of the days missed since the last run, in every venue."""
    return f"wrote {_count(occupancy.roll_up(db, now=fire_time), 'occupancy row')}"


@cron_job(
    "spaces.reset_credits",
    day=1,
    hour=0,
    minute=5,
    # A reset missed while the service was down is still due later in the month (it never resets twice).
    misfire_grace_seconds=27 * DAY,
    description="Expire last month's room credits and credit each start-up its monthly allowance",
)
def reset_credits(db: Session, fire_time: datetime) -> str:
    """Reset every account for the month of the fire, on the venues' clock (the configured time zone)."""
    month_start = fire_time.astimezone(get_settings().tz).date().replace(day=1)
    reset = credits.reset_month(db, month_start=month_start, now=fire_time)
    return f"reset {_count(reset, 'credit account')} for {month_start:%Y-%m}"


@cron_job(
    "spaces.materialise_series",
    hour=3,
    minute=0,
    # Open series are booked weeks ahead: a run late by most of a day still books in time.
    misfire_grace_seconds=23 * HOUR,
    timeout_minutes=60,
    description="Book the occurrences of open recurring series that came within the booking horizon",
)
def materialise_series(db: Session, fire_time: datetime) -> str:
    """Extend every open series over the rolling horizon, as its holder would book each date."""
    return f"booked {_count(series.materialise_series(db, now=fire_time), 'occurrence')}"


@interval_job(
    "spaces.expire_waitlist_offers",
    seconds=120,
    # Every run handles all that lapsed by then: a late one is still worth running.
    misfire_grace_seconds=600,
    description="End waitlist offers not taken in time, offering the slot to the next in line, and past waits",
)
def expire_waitlist_offers(db: Session, fire_time: datetime) -> str:
    """Expire the offers and waits that lapsed by the fire time; an expired offer goes to the next in line."""
    return f"expired {_count(waitlist.expire_offers(db, now=fire_time), 'waitlist entry', 'waitlist entries')}"


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
