"""The cohorts package's own job: the nightly purge of what outlived its retention period."""
from datetime import datetime

from sqlalchemy.orm import Session

import cohorts.personal_data  # noqa: F401  (registers the cohorts' eraser)
from cohorts.retention import describe, purge
from totem.i18n import N_
from totem.jobs.registry import HOUR, cron_job
from totem.settings import get_settings


@cron_job(
    "cohorts.purge_retention",
    hour=3,
    minute=30,
    # Nothing is lost by running late: what is due stays due until the next run.
    misfire_grace_seconds=23 * HOUR,
    description=N_("Delete rejected applications and erase inactive alumni accounts past their retention periods"),
)
def purge_retention(db: Session, fire_time: datetime) -> str:
    """Purge what has outlived its retention period."""
    return describe(purge(db, now=fire_time, settings=get_settings()))
