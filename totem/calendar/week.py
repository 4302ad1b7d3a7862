"""A person's week, day by day on the venue's clock: what each package puts in it (bookings, sessions).

Packages register a source that lists a user's entries overlapping a window; the core names no domain.
Days are the venue's local days, so a week that crosses a daylight-saving change still has seven whole
days (one of 23 hours, or 25) and every entry sits on the day its local start falls on.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from totem.identity.models import User


@dataclass(frozen=True)
class WeekEntry:
    """One thing in someone's agenda: a booking, a session; `url` is its page."""

    starts_at: datetime
    ends_at: datetime
    title: str
    place: str
    url: str
    kind: str  # "booking", "session": how the page marks it
    tentative: bool = False  # waiting for someone's answer (approval, a mentor's acceptance)
    key: str = ""  # "booking-12": what another entry may stand for
    covers: str = ""  # the key of an entry this one stands for: a session's room booking is shown once, as it


WeekSource = Callable[[Session, User, datetime, datetime], Iterable[WeekEntry]]
_SOURCES: list[WeekSource] = []


def register_week_source(source: WeekSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


@dataclass(frozen=True)
class DayEntry:
    entry: WeekEntry
    start: str  # "09:00" on the venue's clock
    end: str


@dataclass(frozen=True)
class Day:
    day: date
    entries: list[DayEntry]
    is_today: bool


@dataclass(frozen=True)
class Week:
    monday: date
    days: list[Day]

    @property
    def previous(self) -> date:
        return self.monday - timedelta(weeks=1)

    @property
    def next(self) -> date:
        return self.monday + timedelta(weeks=1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def is_empty(self) -> bool:
        return not any(day.entries for day in self.days)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def list_days(db: Session, user: User, *, first_day: date, days: int, zone: ZoneInfo, now: datetime) -> list[Day]:
    """The user's entries from every source, on `days` local days from `first_day`, by start."""
    starts_at = datetime.combine(first_day, time(), tzinfo=zone)
    ends_at = datetime.combine(first_day + timedelta(days=days), time(), tzinfo=zone)
    entries = [entry for source in _SOURCES for entry in source(db, user, starts_at, ends_at)]
    covered = {entry.covers for entry in entries if entry.covers}
    by_day: dict[date, list[DayEntry]] = {first_day + timedelta(days=n): [] for n in range(days)}
    for entry in entries:
        start, end = entry.starts_at.astimezone(zone), entry.ends_at.astimezone(zone)
        if start.date() in by_day and not (entry.key and entry.key in covered):
            by_day[start.date()].append(DayEntry(entry, f"{start:%H:%M}", f"{end:%H:%M}"))
    today = now.astimezone(zone).date()
    return [Day(day, sorted(entries, key=lambda e: (e.entry.starts_at, e.entry.title)), day == today)
            for day, entries in by_day.items()]


def build_week(db: Session, user: User, *, day: date, zone: ZoneInfo, now: datetime) -> Week:
    """The Monday-to-Sunday week holding `day`."""
    monday = monday_of(day)
    return Week(monday, list_days(db, user, first_day=monday, days=7, zone=zone, now=now))


def coming_up(db: Session, user: User, *, zone: ZoneInfo, now: datetime, days: int = 7) -> list[Day]:
    """Today's entries still to end and those of the next days: the home page's "coming up"; empty days left out."""
    found = list_days(db, user, first_day=now.astimezone(zone).date(), days=days, zone=zone, now=now)
    return [Day(day.day, kept, day.is_today) for day in found
            if (kept := [e for e in day.entries if e.entry.ends_at > now])]
