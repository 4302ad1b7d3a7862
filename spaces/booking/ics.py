"""Bookings from an iCalendar file (a room's exported calendar), recurring events expanded.

Each event books the space named by the import's `space` option, else by its
LOCATION; for its organiser when they are a Totem user, else for the `booker`
option, else for whoever runs the import. An RRULE is expanded on the
venue's wall clock (EXDATE and moved occurrences honoured); one without an
end stops a year after the import. Cancelled events are skipped, tentative
ones await approval. Line numbers are those of the event's BEGIN:VEVENT.
"""
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dateutil.rrule import rrulestr
from icalendar import Calendar
from sqlalchemy.orm import Session

from spaces.booking.bulk import BookingLine, Directory, SpaceRef, check_line, save_bookings
from spaces.booking.checks import TITLE_MAX_LENGTH
from spaces.booking.enums import BookingStatus
from totem.i18n import N_
from totem.importing import FileRefused, ImportResult, Options, decode_text

HORIZON = timedelta(days=365)


def import_calendar(db: Session, data: bytes, result: ImportResult, options: Options) -> None:
    text = decode_text(data)
    try:
        calendar = Calendar.from_ical(text)
    except ValueError:
        raise FileRefused(N_("This is not an iCalendar file (.ics).")) from None
    starts = [number for number, content in enumerate(text.splitlines(), start=1)
              if content.strip().upper() == "BEGIN:VEVENT"]
    events = list(zip(starts, calendar.walk("VEVENT"), strict=False))
    directory = Directory(db)
    moved = {(str(event.get("UID")), _utc(event.decoded("RECURRENCE-ID")))
             for _line, event in events if event.get("RECURRENCE-ID") is not None and event.get("UID")}
    lines: list[BookingLine] = []
    for line, event in events:
        lines.extend(_event_lines(result, line, event, directory, options, moved))
    save_bookings(db, lines, result, options, directory)


def _event_lines(result: ImportResult, line: int, event: Any, directory: Directory, options: Options,
                 moved: set) -> Iterator[BookingLine]:
    status = str(event.get("STATUS", "")).upper()
    if status == "CANCELLED":
        return
    space_name = options.extra.get("space") or str(event.get("LOCATION", "")).strip()
    refs = directory.find_space(space_name) if space_name else []
    if len(refs) != 1:
        if not space_name:
            result.refuse(line, N_("The event names no space: give its LOCATION or choose the room."))
        elif refs:
            result.refuse(line, N_("Several spaces are called {space}: add the venue and floor columns."),
                          space=space_name)
        else:
            result.refuse(line, N_("Unknown space {space}."), space=space_name)
        return
    space = refs[0]
    user_id = _booker(event, directory, options)
    if user_id is None:
        result.refuse(line, N_("The organiser is not a Totem user: choose whom the bookings are for."))
        return
    try:
        starts_at, ends_at = _times(event, space)
    except (KeyError, ValueError, TypeError):
        result.refuse(line, N_("Bad date in this event: it needs a DTSTART and a DTEND or DURATION."))
        return
    title = str(event.get("SUMMARY", "")).strip()[:TITLE_MAX_LENGTH]
    booking_status = BookingStatus.PENDING if status == "TENTATIVE" else BookingStatus.CONFIRMED
    uid = str(event.get("UID", ""))
    try:
        occurrences = list(_occurrences(event, starts_at, options.now + HORIZON))
    except (ValueError, TypeError):
        result.refuse(line, N_("This event's repeat rule (RRULE) cannot be read."))
        return
    length = ends_at - starts_at
    is_master = event.get("RECURRENCE-ID") is None
    for start in occurrences:
        start_utc = start.astimezone(UTC)
        if is_master and event.get("RRULE") is not None and (uid, start_utc) in moved:
            continue  # this occurrence was moved: its own event books it
        booking = check_line(result, line, space.id, start_utc, (start + length).astimezone(UTC), user_id,
                             booking_status.value, title, None)
        if booking is None:
            return
        yield booking


def _booker(event: Any, directory: Directory, options: Options) -> int | None:
    organiser = str(event.get("ORGANIZER", "")).removeprefix("mailto:").removeprefix("MAILTO:").strip().lower()
    for email in (organiser, options.extra.get("booker", "").strip().lower()):
        if email and email in directory.users:
            return directory.users[email]
    # The manager importing holds what nobody else claims; the system holds no bookings.
    return None if options.actor.is_system else options.actor.id


def _times(event: Any, space: SpaceRef) -> tuple[datetime, datetime]:
    """The first occurrence's start and end, on the venue's clock when the file gives no zone; a day event: the day."""
    starts_at = _local(event.decoded("DTSTART"), space)
    if event.get("DTEND") is not None:
        ends_at = _local(event.decoded("DTEND"), space)
    elif event.get("DURATION") is not None:
        ends_at = starts_at + event.decoded("DURATION")
    else:
        ends_at = starts_at + (timedelta(days=1) if not isinstance(event.decoded("DTSTART"), datetime)
                               else timedelta(0))
    return starts_at, ends_at


def _local(value: date | datetime, space: SpaceRef) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    return value.replace(tzinfo=space.zone) if value.tzinfo is None else value


def _utc(value: date | datetime) -> datetime | None:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return None


def _occurrences(event: Any, starts_at: datetime, until: datetime) -> Iterator[datetime]:
    rule = event.get("RRULE")
    if rule is None:
        yield starts_at
        return
    # Expanded in the start's own zone: "every Monday at 9" stays at 9 across a daylight-saving change.
    recurrence = rrulestr(rule.to_ical().decode(), dtstart=starts_at)
    excluded = set()
    for exdate in _as_list(event.get("EXDATE")):
        excluded.update(_local_exdate(value.dt, starts_at) for value in exdate.dts)
    for start in recurrence:
        if start >= until:
            return
        if start.astimezone(UTC) not in excluded:
            yield start


def _local_exdate(value: date | datetime, starts_at: datetime) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, starts_at.timetz().replace(tzinfo=None))
    if value.tzinfo is None:
        value = value.replace(tzinfo=starts_at.tzinfo)
    return value.astimezone(UTC)


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
