"""The door's periodic job: a day after an event, its attendees are asked for their feedback."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.events import feedback
from totem.i18n import N_, said_n
from totem.jobs.registry import interval_job


@interval_job(
    "spaces.send_event_feedback_requests",
    seconds=3600,
    # Late, it still asks everyone due (within the week after their event), once each.
    misfire_grace_seconds=6 * 3600,
    description=N_("E-mail the people checked in at an event, a day after it ended, a link to give their feedback"),
)
def send_event_feedback_requests(db: Session, fire_time: datetime) -> str:
    """Ask, at the fire time, every attendee due and not asked yet; an attendee asked is never asked again."""
    return said_n("asked {n} attendee for feedback", "asked {n} attendees for feedback",
                  len(feedback.send_requests(db, now=fire_time)))
