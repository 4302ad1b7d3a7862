"""The spaces package's periodic jobs, collected by the core's scheduler."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces import service
from totem.jobs.registry import interval_job


@interval_job(
    "spaces.release_no_shows",
    seconds=300,
    misfire_grace_seconds=3600,
    description="Release bookings not checked in within the venue's grace period",
)
def release_no_shows(db: Session, fire_time: datetime) -> str:
    released = service.release_no_shows(db, now=fire_time)
    return f"released {len(released)} booking{'' if len(released) == 1 else 's'}"
