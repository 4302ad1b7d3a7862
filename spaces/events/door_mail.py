"""The door's e-mail: after the event, each attendee checked in is asked what they thought of it, in their
registration's language, with the link to the feedback page (the registration's secret page token is the key)."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.events.models import Event, Registration
from spaces.venues.rules import local_time
from totem.i18n import N_
from totem.notifications.models import OutboxMessage
from totem.notifications.service import Recipient, queue_mail
from totem.settings import get_settings
from totem.web.formats import clock, day

FEEDBACK_SUBJECT = N_("How was {event}?")


def feedback_url(registration: Registration) -> str:
    return f"{get_settings().base_url.rstrip('/')}/events/feedback/{registration.page_token}"


def queue_feedback_request(db: Session, registration: Registration, event: Event, now: datetime) -> OutboxMessage:
    """Queued in the caller's transaction; `event` with its space, floor and venue loaded."""
    locale = registration.locale
    space = event.space
    venue = space.floor.venue
    local = local_time(event.starts_at, venue)
    return queue_mail(
        db, to=Recipient(registration.email, registration.name, locale), subject=FEEDBACK_SUBJECT,
        template="spaces/events/emails/door_feedback", now=now, event=event.title, venue=venue.name,
        address=venue.address, space=space.name, day=day(local.date(), locale, style="weekday"),
        time=clock(local.time(), locale), feedback_url=feedback_url(registration))
