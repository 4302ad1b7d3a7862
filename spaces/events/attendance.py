"""Who came: per event, the people registered, checked in and the no-shows; per operator and month, what the
reports count (events held, registrations, attendance, no-shows); the attendance export as CSV.

A no-show is a person registered (holding a seat) and not checked in once the event has ended: before its end,
nobody is a no-show yet. An event is held in a month when it was not cancelled, has ended, and started in that
month on its venue's clock.
"""
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spaces.events.enums import EventStatus, RegistrationStatus
from spaces.events.models import Event, Registration
from spaces.events.service import get_managed_event
from spaces.venues.models import Venue
from spaces.venues.rules import local_time
from totem.identity.models import User

CSV_COLUMNS = ("name", "email", "organisation", "status", "checked_in_at")
# A cell a spreadsheet would read as a formula (CSV injection) starts with one of these: it gets a quote first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class EventAttendance:
    registered: int  # holding a seat (checked in or not)
    checked_in: int
    no_shows: int  # registered, not checked in, the event over; 0 before its end
    waitlisted: int  # waiting or offered a seat not yet taken
    cancelled: int
    is_over: bool

    @property
    def rate(self) -> float | None:
        """Checked in over registered, once the event is over."""
        return self.checked_in / self.registered if self.is_over and self.registered else None


@dataclass(frozen=True)
class MonthAttendance:
    """One operator's month, for its report to its funder."""

    operator_id: int
    events_held: int
    registrations: int  # seats held at the held events (the people registered, checked in or not)
    attended: int  # of them, checked in
    no_shows: int  # registrations - attended


def registration_state(registration: Registration, event: Event, now: datetime) -> str:
    """The attendance's word for one person: checked_in, no_show, registered (not in yet), offered, waitlisted,
    cancelled."""
    if registration.checked_in_at is not None:
        return "checked_in"
    if registration.status == RegistrationStatus.REGISTERED:
        return "no_show" if event.ends_at <= now else "registered"
    return str(registration.status)


def event_attendance(db: Session, *, event: Event, now: datetime) -> EventAttendance:
    """The event's figures (no authorization: the caller has the event it may see)."""
    rows = db.execute(select(Registration.status, Registration.checked_in_at.is_not(None), func.count())
                      .where(Registration.event_id == event.id)
                      .group_by(Registration.status, Registration.checked_in_at.is_not(None))).tuples()
    counts: dict[str, int] = {}
    checked_in = 0
    for status, is_in, count in rows:
        counts[status] = counts.get(status, 0) + count
        if is_in:
            checked_in += count
    registered = counts.get(RegistrationStatus.REGISTERED, 0)
    is_over = event.ends_at <= now
    return EventAttendance(
        registered=registered, checked_in=checked_in, no_shows=registered - checked_in if is_over else 0,
        waitlisted=counts.get(RegistrationStatus.WAITLISTED, 0) + counts.get(RegistrationStatus.OFFERED, 0),
        cancelled=counts.get(RegistrationStatus.CANCELLED, 0), is_over=is_over)


def monthly_attendance(db: Session, *, month: date, now: datetime,
                       operator_ids: list[int] | None = None) -> dict[int, MonthAttendance]:
    """Per operator (every one with an event held, or each of `operator_ids`, zeros included): the events held in
    `month` (any day of it) on their venue's clock and their registrations, attendance and no-shows. Reading only:
    the report that shows it checks who may read the operator's figures."""
    first = month.replace(day=1)
    following = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    zones = {venue_id: ZoneInfo(zone) for venue_id, zone in db.execute(select(Venue.id, Venue.timezone)).tuples()}
    # Wide enough in UTC for any zone; the exact month is then decided on each venue's clock.
    low = datetime.combine(first, datetime.min.time(), ZoneInfo("Etc/GMT-14"))
    high = datetime.combine(following, datetime.min.time(), ZoneInfo("Etc/GMT+12"))
    query = select(Event.id, Event.operator_id, Event.venue_id, Event.starts_at).where(
        Event.status == EventStatus.SCHEDULED, Event.ends_at <= now, Event.starts_at >= low, Event.starts_at < high)
    if operator_ids is not None:
        query = query.where(Event.operator_id.in_(operator_ids))
    held: dict[int, int] = {}
    for event_id, operator_id, venue_id, starts_at in db.execute(query).tuples():
        local = starts_at.astimezone(zones.get(venue_id, ZoneInfo("Europe/Paris"))).date()
        if first <= local < following:
            held[event_id] = operator_id
    figures = {operator_id: [0, 0, 0] for operator_id in (operator_ids or [])}
    for operator_id in held.values():
        figures.setdefault(operator_id, [0, 0, 0])[0] += 1
    if held:
        rows = db.execute(select(Registration.event_id, Registration.checked_in_at.is_not(None), func.count())
                          .where(Registration.event_id.in_(list(held)),
                                 Registration.status == RegistrationStatus.REGISTERED)
                          .group_by(Registration.event_id, Registration.checked_in_at.is_not(None))).tuples()
        for event_id, is_in, count in rows:
            entry = figures[held[event_id]]
            entry[1] += count
            if is_in:
                entry[2] += count
    return {operator_id: MonthAttendance(operator_id, events, registrations, attended, registrations - attended)
            for operator_id, (events, registrations, attended) in sorted(figures.items())}


# -- the export ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    registration: Registration
    state: str
    checked_in_local: datetime | None  # on the venue's clock


def attendees(db: Session, *, actor: User, event_id: int, now: datetime) -> tuple[Event, list[Attendee]]:
    """The event's people with their state, for its operator's managers and the admins (others: NotFound)."""
    event = get_managed_event(db, actor=actor, event_id=event_id)
    venue = event.space.floor.venue
    rows = db.scalars(select(Registration).where(Registration.event_id == event.id)
                      .order_by(Registration.name, Registration.id))
    return event, [Attendee(registration, registration_state(registration, event, now),
                            local_time(registration.checked_in_at, venue) if registration.checked_in_at else None)
                   for registration in rows]


def safe_cell(value: object) -> str:
    """The cell as text that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def attendance_csv(db: Session, *, actor: User, event_id: int, now: datetime) -> tuple[str, str]:
    """(file name, CSV text): one line per registration; the check-in time on the venue's clock (ISO 8601 with
    its offset)."""
    event, people = attendees(db, actor=actor, event_id=event_id, now=now)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for person in people:
        registration = person.registration
        checked_in = person.checked_in_local.isoformat(timespec="seconds") if person.checked_in_local else ""
        writer.writerow([safe_cell(value) for value in (registration.name, registration.email,
                                                         registration.organisation, person.state, checked_in)])
    return csv_filename(event), out.getvalue()


def csv_filename(event: Event) -> str:
    """Letters, digits and dashes only: nothing a Content-Disposition header or a file system misreads."""
    day = local_time(event.starts_at, event.space.floor.venue).date().isoformat()
    slug = re.sub(r"[^a-z0-9-]+", "-", event.slug.lower()).strip("-")[:80] or f"event-{event.id}"
    if not slug.endswith(day):
        slug = f"{slug}-{day}"
    return f"attendance-{slug}.csv"
