"""The nightly purge of visitors' records past their retention period."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.visitors import retention
from totem.jobs.registry import HOUR, cron_job
from totem.settings import get_settings


@cron_job(
    "spaces.purge_visitors",
    hour=3,
    minute=40,
    # Nothing is lost by running late: what is due stays due until the next run.
    misfire_grace_seconds=23 * HOUR,
    description="Delete the records of visitors whose visit is past the retention period",
)
def purge_visitors(db: Session, fire_time: datetime) -> str:
    return retention.describe(retention.purge(db, now=fire_time, settings=get_settings()))
