"""The availability's periodic job: mentors' office hours materialised over a rolling horizon."""
from datetime import datetime

from sqlalchemy.orm import Session

from cohorts import availability
from totem.jobs.registry import cron_job

HOUR = 3600


@cron_job(
    "cohorts.materialise_office_hours",
    hour=1,
    minute=20,
    # The horizon is weeks long: a run late in the day, or the next day's, still catches up.
    misfire_grace_seconds=23 * HOUR,
    description="Make mentors' office hours slots for the coming weeks, without days away and public holidays",
)
def materialise_office_hours(db: Session, fire_time: datetime) -> str:
    """Extend every active mentor's office hours slots to the horizon from the fire time; a repeat adds none."""
    added = availability.materialise(db, now=fire_time)
    return f"added {added} office hours slot{'s' if added != 1 else ''}"
