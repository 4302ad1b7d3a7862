"""Recurring series booked over a rolling horizon, nightly."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.series import service as series
from totem.i18n import N_, said_n
from totem.jobs.registry import HOUR, cron_job


@cron_job(
    "spaces.materialise_series",
    hour=3,
    minute=0,
    # Open series are booked weeks ahead: a run late by most of a day still books in time.
    misfire_grace_seconds=23 * HOUR,
    timeout_minutes=60,
    description=N_("Book the occurrences of open recurring series that came within the booking horizon"),
)
def materialise_series(db: Session, fire_time: datetime) -> str:
    """Extend every open series over the rolling horizon, as its holder would book each date."""
    return said_n("booked {n} occurrence", "booked {n} occurrences", series.materialise_series(db, now=fire_time))
