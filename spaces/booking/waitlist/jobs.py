"""Offers and waits that lapsed, every two minutes."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.booking.waitlist import service as waitlist
from totem.i18n import N_, said_n
from totem.jobs.registry import interval_job


@interval_job(
    "spaces.expire_waitlist_offers",
    seconds=120,
    # Every run handles all that lapsed by then: a late one is still worth running.
    misfire_grace_seconds=600,
    description=N_("End waitlist offers not taken in time, offering the slot to the next in line, and past waits"),
)
def expire_waitlist_offers(db: Session, fire_time: datetime) -> str:
    """Expire the offers and waits that lapsed by the fire time; an expired offer goes to the next in line."""
    return said_n("expired {n} waitlist entry", "expired {n} waitlist entries", waitlist.expire_offers(db, now=fire_time))
