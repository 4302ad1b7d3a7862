"""The demo's occupancy: nothing of its own, what the other demos' bookings leave behind; once every domain's
demo is in, its past days rolled up as the nightly job would have."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.occupancy import rollup

# The history the demo writes (cohorts.demo.history) goes back thirteen weeks: the report's default period.
HISTORY_DAYS = 13 * 7 + 1


def finish_demo(db: Session, now: datetime) -> None:
    """Roll up every past day that has bookings, over the history's weeks; a day rolled up again keeps its figures."""
    rollup.roll_up(db, now=now, catch_up_days=HISTORY_DAYS)
