"""Visitors' e-mails, queued in the caller's transaction: the guest's invitation (the address, the time, the
personal code and its QR page, an .ics for the calendar) and the host's note that their guest has arrived."""
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from spaces.venues.models import Venue
from spaces.venues.rules import local_time
from spaces.visitors.models import Visitor
from totem.i18n import N_
from totem.notifications.models import OutboxMessage
from totem.notifications.service import Recipient, queue_mail
from totem.settings import get_settings
from totem.web.formats import clock, day

INVITATION_SUBJECT = N_("Your visit to {venue}, {day} at {time}")
ARRIVAL_SUBJECT = N_("{visitor} has arrived at the front desk")
PRODID = "-//Totem//Totem accelerator operations//EN"
# How long a visit sits in the guest's calendar; the desk does not hold them to it.
CALENDAR_DURATION = timedelta(hours=1)


def page_url(visitor: Visitor) -> str:
    """The guest's own page: their QR code, the address and the time."""
    return f"{get_settings().base_url.rstrip('/')}/visit/{visitor.page_token}"


def desk_url(visitor: Visitor) -> str:
    """What the QR code holds: the front desk's check-in of this visit (staff only)."""
    return f"{get_settings().base_url.rstrip('/')}/front-desk/visitors/check-in?code={visitor.code}"


def queue_invitation(db: Session, visitor: Visitor, venue: Venue, now: datetime) -> OutboxMessage:
    assert visitor.email is not None  # pre-registered guests always have one
    to = Recipient(visitor.email, visitor.name, visitor.locale)
    local = local_time(visitor.expected_at, venue)
    return queue_mail(
        db, to=to, subject=INVITATION_SUBJECT, template="spaces/visitors/emails/invitation", now=now,
        ics=_ics(visitor, venue, now), venue=venue.name, address=venue.address,
        day=day(local.date(), visitor.locale, style="weekday"), time=clock(local.time(), visitor.locale),
        host=visitor.host.name, reason=visitor.reason, code=visitor.code, page_url=page_url(visitor),
    )


def queue_arrival(db: Session, visitor: Visitor, venue: Venue, now: datetime) -> OutboxMessage:
    host = visitor.host
    return queue_mail(
        db, to=host, subject=ARRIVAL_SUBJECT, template="spaces/visitors/emails/arrival", now=now,
        visitor=visitor.name, organisation=visitor.organisation, venue=venue.name,
        time=clock(local_time(now, venue).time(), host.locale),
    )


def _ics(visitor: Visitor, venue: Venue, now: datetime) -> str:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"visitor-{visitor.id}@totem")
    event.add("dtstamp", now)
    starts = visitor.expected_at.astimezone(UTC)
    event.add("dtstart", starts)
    event.add("dtend", starts + CALENDAR_DURATION)
    event.add("summary", venue.name)
    if venue.address:
        event.add("location", venue.address)
    calendar.add_component(event)
    return calendar.to_ical().decode()
