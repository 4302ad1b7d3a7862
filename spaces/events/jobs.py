"""Events' periodic jobs: offers of freed seats expired and passed on, day-before reminders sent, old registrations
anonymised."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.events import registrations, retention
from totem.i18n import N_, said_n
from totem.jobs.registry import HOUR, cron_job, interval_job
from totem.settings import get_settings


@interval_job(
    "spaces.expire_event_offers",
    seconds=300,
    # Late, it still expires every offer past its time and passes the seat on.
    misfire_grace_seconds=3600,
    description=N_("Withdraw the event seats offered and not taken in time, and offer each to the next waiting"),
)
def expire_event_offers(db: Session, fire_time: datetime) -> str:
    """Expire the offers past their time at the fire time; an expired offer is never expired again."""
    return said_n("expired {n} offer", "expired {n} offers", len(registrations.expire_offers(db, now=fire_time)))


@cron_job(
    "spaces.send_event_reminders",
    hour=10,
    minute=0,
    # Late the same day, the reminder is still the day before.
    misfire_grace_seconds=10 * 3600,
    description=N_("E-mail each person registered for tomorrow's events a reminder, once"),
)
def send_event_reminders(db: Session, fire_time: datetime) -> str:
    """Queue the day-before reminders due at the fire time; a reminded registration is never reminded again."""
    return said_n("sent {n} event reminder", "sent {n} event reminders",
                  len(registrations.send_reminders(db, now=fire_time)))


from spaces.events.door_jobs import send_event_feedback_requests  # noqa: E402,F401  (the door's job, collected here)


@cron_job(
    "spaces.anonymise_event_registrations",
    hour=3,
    minute=50,
    # Nothing is lost by running late: what is due stays due until the next run.
    misfire_grace_seconds=23 * HOUR,
    description=N_("Remove the names and e-mails of the people registered for events past the retention period"),
)
def anonymise_event_registrations(db: Session, fire_time: datetime) -> str:
    return retention.describe(retention.purge(db, now=fire_time, settings=get_settings()))
