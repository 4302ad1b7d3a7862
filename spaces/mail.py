"""Booking e-mails to the booking's holder, in their language, queued in the caller's transaction.

Confirmations and cancellations carry an iTIP invitation (.ics) whose UID and
SEQUENCE are those of the booking in the holder's private feed
(`spaces.calendar`), so that calendar apps update one event instead of adding
another. `spaces.service` queues these mails: this module imports nothing that
imports it.
"""
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from babel.dates import format_date
from icalendar import vCalAddress
from sqlalchemy.orm import Session

from spaces import queries
from spaces.calendar import FEED_STATUS, booking_event
from spaces.enums import BookingStatus
from spaces.labels import KIND_LABELS
from spaces.models import Booking
from spaces.rules import local_time
from totem.calendar.feed import new_calendar, to_vevent
from totem.i18n import N_
from totem.identity.models import User
from totem.notifications.models import OutboxMessage
from totem.notifications.service import queue_mail
from totem.settings import get_settings

CONFIRMATION_SUBJECTS = {
    BookingStatus.PENDING: N_("Booking request received: {space}, {day} at {start}"),
    BookingStatus.CONFIRMED: N_("Booking confirmed: {space}, {day} at {start}"),
}
CANCELLATION_SUBJECTS = {
    BookingStatus.CANCELLED: N_("Booking cancelled: {space}, {day} at {start}"),
    BookingStatus.REJECTED: N_("Booking request declined: {space}, {day} at {start}"),
    BookingStatus.RELEASED: N_("Booking released: {space}, {day} at {start}"),
}
REMINDER_SUBJECT = N_("Reminder: {space}, {day} at {start}")
# A later version of the event than any the holder's calendar got before (see spaces.calendar.FEED_STATUS).
CANCELLED_EVENT = FEED_STATUS[BookingStatus.CANCELLED]


def check_in_url(base_url: str, space_id: int) -> str:
    """A space's check-in page, as an absolute URL: its QR code and the e-mails point there."""
    return f"{base_url.rstrip('/')}/spaces/{space_id}/check-in"


@dataclass(frozen=True)
class _Details:
    """A booking as its e-mails describe it: on the venue's clock, in the holder's language."""

    booking: Booking
    holder: User
    values: dict[str, Any]


def queue_booking_confirmation(db: Session, booking: Booking, now: datetime) -> OutboxMessage:
    """Tell the holder their booking is confirmed, or requested while it awaits approval; invite them to it."""
    details = _details(db, booking)
    status = BookingStatus.PENDING if booking.status == BookingStatus.PENDING else BookingStatus.CONFIRMED
    ics = _invitation(details, "REQUEST", FEED_STATUS.get(BookingStatus(booking.status), FEED_STATUS[status]), now)
    return queue_mail(db, to=details.holder, subject=CONFIRMATION_SUBJECTS[status],
                      template="spaces/emails/booking_confirmation", now=now, ics=ics,
                      pending=status == BookingStatus.PENDING, **details.values)


def queue_booking_cancellation(db: Session, booking: Booking, now: datetime) -> OutboxMessage:
    """Tell the holder their booking is off (cancelled, declined or released) and remove it from their calendar."""
    details = _details(db, booking)
    reason = BookingStatus(booking.status)
    if reason not in CANCELLATION_SUBJECTS:
        reason = BookingStatus.CANCELLED
    ics = _invitation(details, "CANCEL", CANCELLED_EVENT, now)
    return queue_mail(db, to=details.holder, subject=CANCELLATION_SUBJECTS[reason],
                      template="spaces/emails/booking_cancellation", now=now, ics=ics, reason=str(reason),
                      **details.values)


def queue_booking_reminder(db: Session, booking: Booking, now: datetime) -> OutboxMessage:
    """Remind the holder of a coming booking and how to check in; the invitation they have already stands."""
    details = _details(db, booking)
    return queue_mail(db, to=details.holder, subject=REMINDER_SUBJECT, template="spaces/emails/booking_reminder",
                      now=now, **details.values)


def _details(db: Session, booking: Booking) -> _Details:
    # The same object, with its space, floor and venue loaded whoever made it.
    loaded, holder = queries.get_booking(db, booking.id), db.get(User, booking.user_id)
    if loaded is None or holder is None:
        raise ValueError(f"booking {booking.id} is not in the database or has no holder")
    booking = loaded
    space, settings = booking.space, get_settings()
    venue = space.floor.venue
    start, end = local_time(booking.starts_at, venue), local_time(booking.ends_at, venue)
    return _Details(booking, holder, {
        "space": space.name,
        "kind": KIND_LABELS[space.kind],
        "floor": space.floor.name,
        "venue": venue.name,
        "day": format_date(start.date(), format="full", locale=holder.locale),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "title": booking.title,
        "grace_minutes": venue.check_in_grace_minutes,
        "check_in_url": check_in_url(settings.base_url, space.id),
        "bookings_url": f"{settings.base_url.rstrip('/')}/my-bookings",
    })


def _invitation(details: _Details, method: str, version: tuple[str, int], now: datetime) -> str:
    """A one-event iTIP message: the holder attends, Totem organises (its mail sender)."""
    booking, holder = details.booking, details.holder
    status, sequence = version
    event = to_vevent(replace(booking_event(booking, holder.locale), status=status, sequence=sequence), now)
    sender_name, sender_address = parseaddr(get_settings().mail_from)
    organizer = vCalAddress(f"mailto:{sender_address}")
    organizer.params["cn"] = sender_name or "Totem"
    attendee = vCalAddress(f"mailto:{holder.email}")
    attendee.params.update({"cn": holder.name, "role": "REQ-PARTICIPANT", "partstat": "ACCEPTED"})
    event.add("organizer", organizer)
    event.add("attendee", attendee)
    calendar = new_calendar(method=method)
    calendar.add_component(event)
    return calendar.to_ical().decode()
