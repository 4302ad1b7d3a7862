"""Booking e-mails to the booking's holder, in their language, queued in the caller's transaction.

Confirmations and cancellations carry an iTIP invitation (.ics) whose UID and
SEQUENCE are those of the booking in the holder's private feed
(`spaces.booking.calendar`), so that calendar apps update one event instead of adding
another. `spaces.booking.service` queues these mails: this module imports nothing that
imports it.
"""
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any

from babel.dates import format_date
from sqlalchemy import inspect
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from spaces.booking import queries
from spaces.booking.calendar import FEED_STATUS, booking_event
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.venues.labels import KIND_LABELS
from spaces.venues.models import Floor, Space
from spaces.venues.rules import local_time
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
# As the private feeds' (totem.calendar.feed), so that calendar apps see one producer.
PRODID = "-//Totem//Totem accelerator operations//EN"
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
                      template="spaces/booking/emails/booking_confirmation", now=now, ics=ics,
                      pending=status == BookingStatus.PENDING, **details.values)


def queue_booking_cancellation(db: Session, booking: Booking, now: datetime) -> OutboxMessage:
    """Tell the holder their booking is off (cancelled, declined or released) and remove it from their calendar."""
    details = _details(db, booking)
    reason = BookingStatus(booking.status)
    if reason not in CANCELLATION_SUBJECTS:
        reason = BookingStatus.CANCELLED
    ics = _invitation(details, "CANCEL", CANCELLED_EVENT, now)
    return queue_mail(db, to=details.holder, subject=CANCELLATION_SUBJECTS[reason],
                      template="spaces/booking/emails/booking_cancellation", now=now, ics=ics, reason=str(reason),
                      **details.values)


def queue_booking_reminder(db: Session, booking: Booking, now: datetime) -> OutboxMessage:
    """Remind the holder of a coming booking and how to check in; the invitation they have already stands."""
    details = _details(db, booking)
    return queue_mail(db, to=details.holder, subject=REMINDER_SUBJECT, template="spaces/booking/emails/booking_reminder",
                      now=now, **details.values)


def _details(db: Session, booking: Booking) -> _Details:
    booking, holder = _loaded(db, booking), db.get(User, booking.user_id)
    if holder is None:
        raise ValueError(f"booking {booking.id} has no holder")
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


def _loaded(db: Session, booking: Booking) -> Booking:
    """The booking with its space, floor and venue loaded; read again only when they are not at hand.

    The caller has usually just loaded the space (to lock it) or the booking
    with its space: the session's identity map then has them, without a query.
    """
    space = booking.space if "space" not in inspect(booking).unloaded else db.get(
        Space, booking.space_id, options=[joinedload(Space.floor).joinedload(Floor.venue)])
    if space is not None and "floor" not in inspect(space).unloaded and "venue" not in inspect(space.floor).unloaded:
        set_committed_value(booking, "space", space)
        return booking
    loaded = queries.get_booking(db, booking.id)
    if loaded is None:
        raise ValueError(f"booking {booking.id} is not in the database")
    return loaded


def _invitation(details: _Details, method: str, version: tuple[str, int], now: datetime) -> str:
    """A one-event iTIP message (RFC 5546): the holder attends, Totem organises (its mail sender).

    Written directly rather than through `icalendar`, which took half the cost
    of a booking e-mail: the no-show job writes dozens at once. Tests parse it
    back with `icalendar`.
    """
    booking, holder = details.booking, details.holder
    status, sequence = version
    event = booking_event(booking, holder.locale)
    sender_name, sender_address = parseaddr(get_settings().mail_from)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", f"METHOD:{method}", "BEGIN:VEVENT",
        f"SUMMARY:{_text(event.summary)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"DTSTAMP:{_utc(now)}",
        f"UID:{_text(event.uid)}",
        f"SEQUENCE:{sequence}",
        f"ATTENDEE;CN={_param(holder.name)};PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:{holder.email}",
        *([f"LOCATION:{_text(event.location)}"] if event.location else []),
        f"ORGANIZER;CN={_param(sender_name or 'Totem')}:mailto:{sender_address}",
        f"STATUS:{status}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)


def _text(value: str) -> str:
    """A TEXT value, escaped (RFC 5545, 3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _param(value: str) -> str:
    """A parameter value, always quoted, its quotes and line breaks escaped as RFC 6868 says."""
    return '"' + value.replace("^", "^^").replace('"', "^'").replace("\n", "^n") + '"'


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued after a CRLF and a space, never inside a UTF-8 character."""
    if len(line.encode()) <= 75:
        return line
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not parts else 74):
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)
