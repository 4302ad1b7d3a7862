"""The e-mails of a registration, queued in the caller's transaction: the confirmation (an .ics, the personal
QR code of the door code and the links to the person's page and cancelling), the waiting list's, a freed seat's
offer and its expiry, the day-before reminder, and the event's cancellation."""
from datetime import UTC, datetime

from icalendar import Calendar
from icalendar import Event as CalendarEvent
from markupsafe import Markup
from sqlalchemy.orm import Session

from spaces.events.models import Event, Registration
from spaces.frontdesk.service import qr_svg
from spaces.venues.rules import local_time
from totem.i18n import N_
from totem.notifications.models import OutboxMessage
from totem.notifications.service import Recipient, queue_mail
from totem.settings import get_settings
from totem.web.formats import clock, day

CONFIRMATION_SUBJECT = N_("You are registered: {event}")
WAITLISTED_SUBJECT = N_("You are on the waiting list: {event}")
OFFER_SUBJECT = N_("A seat is free for you: {event}")
OFFER_EXPIRED_SUBJECT = N_("The seat offered to you has gone: {event}")
REMINDER_SUBJECT = N_("Tomorrow: {event}")
CANCELLED_SUBJECT = N_("Cancelled: {event}")
PRODID = "-//Totem//Totem accelerator operations//EN"


def _base() -> str:
    return get_settings().base_url.rstrip("/")


def page_url(registration: Registration) -> str:
    """The person's own page: their QR code, the event, cancelling or taking an offered seat."""
    return f"{_base()}/events/registration/{registration.page_token}"


def cancel_url(registration: Registration) -> str:
    return f"{page_url(registration)}/cancel"


def door_url(registration: Registration) -> str:
    """What the QR code holds: the door check-in of this registration (staff only), its code in the query."""
    return f"{_base()}/staff/events/{registration.event_id}/check-in?code={registration.code}"


def event_url(event: Event) -> str:
    return f"{_base()}/events/{event.slug}"


def qr_code(registration: Registration) -> Markup:
    """The door code's QR code as inline SVG: drawn by the qrcode package from a URL we built, not user input."""
    return Markup(qr_svg(door_url(registration)))


def queue_confirmation(db: Session, registration: Registration, event: Event, now: datetime) -> OutboxMessage:
    return _queue(db, registration, event, now, CONFIRMATION_SUBJECT, "confirmation", ics=event_ics([event], now),
                  qr=qr_code(registration), code=registration.code)


def queue_waitlisted(db: Session, registration: Registration, event: Event, now: datetime) -> OutboxMessage:
    return _queue(db, registration, event, now, WAITLISTED_SUBJECT, "waitlisted")


def queue_offer(db: Session, registration: Registration, event: Event, now: datetime) -> OutboxMessage:
    assert registration.offer_expires_at is not None
    return _queue(db, registration, event, now, OFFER_SUBJECT, "offer",
                  expires=_when(registration.offer_expires_at, event, registration.locale))


def queue_offer_expired(db: Session, registration: Registration, event: Event, now: datetime) -> OutboxMessage:
    return _queue(db, registration, event, now, OFFER_EXPIRED_SUBJECT, "offer_expired")


def queue_reminder(db: Session, registration: Registration, event: Event, now: datetime) -> OutboxMessage:
    return _queue(db, registration, event, now, REMINDER_SUBJECT, "reminder", qr=qr_code(registration),
                  code=registration.code)


def queue_event_cancelled(db: Session, registration: Registration, event: Event, now: datetime) -> OutboxMessage:
    return _queue(db, registration, event, now, CANCELLED_SUBJECT, "event_cancelled")


def _queue(db: Session, registration: Registration, event: Event, now: datetime, subject: str, template: str,
           ics: str | None = None, **context: object) -> OutboxMessage:
    locale = registration.locale
    space = event.space
    local = local_time(event.starts_at, space.floor.venue)
    return queue_mail(
        db, to=Recipient(registration.email, registration.name, locale), subject=subject,
        template=f"spaces/events/emails/{template}", now=now, ics=ics, event=event.title,
        venue=space.floor.venue.name, address=space.floor.venue.address, space=space.name,
        day=day(local.date(), locale, style="weekday"), time=clock(local.time(), locale),
        page_url=page_url(registration), cancel_url=cancel_url(registration), event_url=event_url(event),
        **context,
    )


def _when(moment: datetime, event: Event, locale: str) -> str:
    local = local_time(moment, event.space.floor.venue)
    return f"{day(local.date(), locale, style='weekday')} {clock(local.time(), locale)}"


def event_ics(events: list[Event], now: datetime, name: str | None = None) -> str:
    """An iCalendar of these events (space, floor and venue loaded): one attached to a confirmation, or the
    public agenda's feed."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.id}@totem")
        entry.add("dtstamp", now)
        entry.add("dtstart", event.starts_at.astimezone(UTC))
        entry.add("dtend", event.ends_at.astimezone(UTC))
        entry.add("summary", event.title)
        description = event.description("fr")
        if description:
            entry.add("description", description)
        venue = event.space.floor.venue
        entry.add("location", ", ".join(part for part in (event.space.name, venue.name, venue.address) if part))
        entry.add("url", event_url(event))
        if event.is_cancelled:
            entry.add("status", "CANCELLED")
        calendar.add_component(entry)
    return calendar.to_ical().decode()
