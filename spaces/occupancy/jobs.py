"""The occupancy roll-up, nightly."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.occupancy import rollup
from totem.i18n import N_, said_n
from totem.jobs.registry import HOUR, cron_job


@cron_job(
    "spaces.roll_up_occupancy",
    hour=2,
    minute=30,
    # The roll-up catches up the days it missed itself; any run before the next night's is worth doing.
    misfire_grace_seconds=23 * HOUR,
    timeout_minutes=60,
    description=N_("Roll up each venue's bookings of the past days into occupancy by hour and by day for the "
                   "reports"),
)
def roll_up_occupancy(db: Session, fire_time: datetime) -> str:
    """Rewrite the occupancy rows and sums of yesterday, and of the days missed since the last run, in every venue."""
    return said_n("wrote {n} occupancy row", "wrote {n} occupancy rows", rollup.roll_up(db, now=fire_time))
