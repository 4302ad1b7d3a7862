"""A user's private iCalendar (RFC 5545) feed, built from events each package contributes."""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur
from sqlalchemy import select
from sqlalchemy.orm import Session

from totem.identity.models import User


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str | None = None
    description: str | None = None
    status: str = "CONFIRMED"
    sequence: int = 0
    # A recurring event is written on a wall clock: DTSTART/DTEND with this zone's TZID (an IANA name), so
    # that calendar apps keep it at the same local time across daylight-saving changes.
    timezone: str | None = None
    rrule: str | None = None  # RFC 5545 RRULE value, e.g. "FREQ=WEEKLY;BYDAY=TU,TH"
    exdates: tuple[datetime, ...] = ()  # occurrences left out, at their start time
    transparent: bool = False  # free time (office hours): does not make its owner look busy


EventSource = Callable[[Session, User, datetime], Iterable[CalendarEvent]]
_SOURCES: list[EventSource] = []


def register_source(source: EventSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def get_user_by_calendar_token(db: Session, token: str) -> User | None:
    return db.scalar(select(User).where(User.calendar_token == token, User.is_active))


def calendar_url(base_url: str, user: User) -> str:
    return f"{base_url}/calendar/{user.calendar_token}.ics"


def new_calendar(name: str | None = None, *, method: str | None = None) -> Calendar:
    """An empty VCALENDAR with Totem's header; `method` for an iTIP message (REQUEST, CANCEL)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Totem//Totem accelerator operations//EN")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def build_feed(db: Session, user: User, now: datetime) -> bytes:
    calendar = new_calendar(f"Totem — {user.name}")
    for source in _SOURCES:
        for item in source(db, user, now):
            calendar.add_component(to_vevent(item, now))
    calendar.add_missing_timezones()  # a VTIMEZONE for each TZID used
    return calendar.to_ical()


def to_vevent(item: CalendarEvent, now: datetime) -> Event:
    """The VEVENT; a calendar holding one with a `timezone` needs `add_missing_timezones()` before it is sent."""
    zone = ZoneInfo(item.timezone) if item.timezone else None
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", now)
    event.add("dtstart", item.starts_at.astimezone(zone) if zone else item.starts_at)
    event.add("dtend", item.ends_at.astimezone(zone) if zone else item.ends_at)
    if item.rrule:
        event.add("rrule", vRecur.from_ical(item.rrule))
    if item.exdates:
        event.add("exdate", [moment.astimezone(zone) if zone else moment for moment in item.exdates])
    if item.transparent:
        event.add("transp", "TRANSPARENT")
    event.add("summary", item.summary)
    event.add("status", item.status)
    event.add("sequence", item.sequence)
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    return event
