"""The monthly reset of room credits."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.credits import service as credits
from totem.i18n import N_, said_n
from totem.jobs.registry import DAY, cron_job
from totem.settings import get_settings


@cron_job(
    "spaces.reset_credits",
    day=1,
    hour=0,
    minute=5,
    # A reset missed while the service was down is still due later in the month (it never resets twice).
    misfire_grace_seconds=27 * DAY,
    description=N_("Expire last month's room credits and credit each start-up its monthly allowance"),
)
def reset_credits(db: Session, fire_time: datetime) -> str:
    """Reset every account for the month of the fire, on the venues' clock (the configured time zone)."""
    month_start = fire_time.astimezone(get_settings().tz).date().replace(day=1)
    reset = credits.reset_month(db, month_start=month_start, now=fire_time)
    return said_n("reset {n} credit account for {month}", "reset {n} credit accounts for {month}", reset,
                  month=f"{month_start:%Y-%m}")
