"""Occupancy reports for managers: the building now, today's check-ins and no-shows, and a period's analytics.

The analytics read the nightly roll-up's sums per day and hour and per
space and day, never the bookings' history nor the hourly rows.
Utilisation is the booked share of the open space-minutes; the check-in
rate is the share of bookings checked in, the no-show rate the share not.
"""
import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from spaces.enums import BookingStatus, CreditReason, SpaceKind
from spaces.models import (
    Booking,
    CreditAccount,
    CreditEntry,
    Floor,
    Space,
    Venue,
    Zone,
)
from spaces.occupancy import (
    Figures,
    HourFigures,
    local_hours,
    open_minutes_by_day,
    usage_by_day_hour,
    usage_by_space,
)
from spaces.rules import local_time, venue_zone
from totem.errors import Invalid
from totem.identity.models import User
from totem.permissions import is_staff, rule

DESK_KINDS = (SpaceKind.HOT_DESK, SpaceKind.DEDICATED_DESK)
# A booking lasts less than a day: bounding its start from below lets the index skip the history.
_LONGEST_BOOKING = timedelta(days=1)
HOLDING = (BookingStatus.CONFIRMED, BookingStatus.PENDING, BookingStatus.OFFERED)
SHOWN_SPACES = 5  # the most and the least used


@rule("reports.read")
def _read_reports(user: User, _obj: Any) -> bool:
    return is_staff(user)


# -- the building now -----------------------------------------------------------------------------


@dataclass
class Counts:
    """Spaces of one sort on a floor right now: in use (checked in), booked (not yet), free."""

    total: int = 0
    in_use: int = 0
    booked: int = 0

    @property
    def free(self) -> int:
        return max(self.total - self.in_use - self.booked, 0)


@dataclass
class FloorNow:
    floor_id: int
    floor: str
    venue: str
    desks: Counts = field(default_factory=Counts)
    rooms: Counts = field(default_factory=Counts)  # meeting rooms, phone booths, the event space


def occupancy_now(db: Session, *, now: datetime) -> list[FloorNow]:
    """Per floor, desks and rooms in use, booked and free at `now` (three grouped queries)."""
    floors = {floor_id: FloorNow(floor_id, name, venue) for floor_id, name, venue in db.execute(
        select(Floor.id, Floor.name, Venue.name).join(Venue, Venue.id == Floor.venue_id)
        .order_by(Venue.name, Floor.level, Floor.name))}
    for floor_id, kind, count in db.execute(
            select(Space.floor_id, Space.kind, func.count()).where(Space.is_active)
            .group_by(Space.floor_id, Space.kind)):
        _counts(floors[floor_id], kind).total += count
    for floor_id, kind, status, count in db.execute(
            select(Space.floor_id, Space.kind, Booking.status, func.count(func.distinct(Booking.space_id)))
            .join(Space, Space.id == Booking.space_id)
            .where(Space.is_active, Booking.status.in_((BookingStatus.CHECKED_IN, *HOLDING)),
                   Booking.starts_at > now - _LONGEST_BOOKING, Booking.starts_at <= now, Booking.ends_at > now)
            .group_by(Space.floor_id, Space.kind, Booking.status)):
        counts = _counts(floors[floor_id], kind)
        if status == BookingStatus.CHECKED_IN:
            counts.in_use += count
        else:
            counts.booked += count
    return [floor for floor in floors.values() if floor.desks.total or floor.rooms.total]


def _counts(floor: FloorNow, kind: str) -> Counts:
    return floor.desks if kind in DESK_KINDS else floor.rooms


# -- today ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Today:
    check_ins: int
    no_shows: int
    expected: int  # booked, not checked in yet
    bookings: int


def _today_windows(db: Session, now: datetime) -> list[tuple[int, datetime, datetime]]:
    """Each venue's local day around `now`, as UTC bounds."""
    windows = []
    for venue in db.scalars(select(Venue).order_by(Venue.id)):
        hours = local_hours(local_time(now, venue).date(), venue_zone(venue))
        windows.append((venue.id, hours[0].starts_at, hours[-1].ends_at))
    return windows


def today(db: Session, *, now: datetime) -> Today:
    """Bookings starting today (each venue's day): checked in, released as no-shows, still expected."""
    counts: dict[str, int] = {}
    for venue_id, starts_at, ends_at in _today_windows(db, now):
        for status, count in db.execute(
                select(Booking.status, func.count()).join(Space, Space.id == Booking.space_id)
                .join(Floor, Floor.id == Space.floor_id)
                .where(Floor.venue_id == venue_id, Booking.starts_at >= starts_at, Booking.starts_at < ends_at)
                .group_by(Booking.status)):
            counts[status] = counts.get(status, 0) + count
    expected = counts.get(BookingStatus.CONFIRMED, 0) + counts.get(BookingStatus.PENDING, 0)
    checked, released = counts.get(BookingStatus.CHECKED_IN, 0), counts.get(BookingStatus.RELEASED, 0)
    return Today(checked, released, expected, checked + released + expected)


@dataclass(frozen=True)
class DayBooking:
    id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    space: str
    floor: str
    holder: str
    timezone: str

    @property
    def start(self) -> str:
        """On the wall clock of the booking's venue."""
        return self.starts_at.astimezone(ZoneInfo(self.timezone)).strftime("%H:%M")

    @property
    def end(self) -> str:
        return self.ends_at.astimezone(ZoneInfo(self.timezone)).strftime("%H:%M")


TODAY_LISTS = {"checked_in": (BookingStatus.CHECKED_IN,), "released": (BookingStatus.RELEASED,),
               "expected": (BookingStatus.CONFIRMED, BookingStatus.PENDING)}


def list_today(db: Session, *, now: datetime, which: str) -> list[DayBooking]:
    """The bookings behind one of today's counts: `checked_in`, `released` (no-shows) or `expected`."""
    statuses = TODAY_LISTS.get(which)
    if statuses is None:
        raise Invalid("Unknown list.", field="status")
    found = []
    for venue_id, starts_at, ends_at in _today_windows(db, now):
        found += [DayBooking(*row) for row in db.execute(
            select(Booking.id, Booking.starts_at, Booking.ends_at, Booking.status, Space.name, Floor.name, User.name,
                   Venue.timezone)
            .join(Space, Space.id == Booking.space_id).join(Floor, Floor.id == Space.floor_id)
            .join(Venue, Venue.id == Floor.venue_id).join(User, User.id == Booking.user_id)
            .where(Floor.venue_id == venue_id, Booking.status.in_(statuses), Booking.starts_at >= starts_at,
                   Booking.starts_at < ends_at)
            .order_by(Booking.starts_at, Space.name))]
    return found


def my_day(db: Session, *, user: User, now: datetime) -> list[DayBooking]:
    """The user's own bookings running or still to come today, in their venue's day."""
    rows = [DayBooking(*row) for row in db.execute(
        select(Booking.id, Booking.starts_at, Booking.ends_at, Booking.status, Space.name, Floor.name, User.name,
               Venue.timezone)
        .join(Space, Space.id == Booking.space_id).join(Floor, Floor.id == Space.floor_id)
        .join(Venue, Venue.id == Floor.venue_id).join(User, User.id == Booking.user_id)
        .where(Booking.user_id == user.id, Booking.status.in_((BookingStatus.CHECKED_IN, *HOLDING)),
               Booking.ends_at > now, Booking.starts_at < now + _LONGEST_BOOKING)
        .order_by(Booking.starts_at))]
    return [row for row in rows
            if row.starts_at.astimezone(ZoneInfo(row.timezone)).date() <= now.astimezone(ZoneInfo(row.timezone)).date()]


# -- a period's analytics -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a report covers: a venue's days from `first_day` through `last_day`, maybe one floor, zone or kind."""

    venue_id: int
    first_day: date
    last_day: date
    floor_id: int | None = None
    zone_id: int | None = None
    kind: str | None = None

    def query(self) -> dict[str, str]:
        """The scope as the report pages' query string gives it."""
        values = {"venue_id": self.venue_id, "from": self.first_day.isoformat(), "to": self.last_day.isoformat(),
                  "floor_id": self.floor_id, "zone_id": self.zone_id, "kind": self.kind}
        return {key: str(value) for key, value in values.items() if value is not None}


MAX_DAYS = 400


def parse_scope(db: Session, *, venue_id: int | None, first: str | None, last: str | None, floor_id: int | None,
                zone_id: int | None, kind: str | None, today: date) -> Scope:
    """The report's scope from a form or a query string; by default the last 13 full weeks of the first venue."""
    if venue_id is None:
        venue_id = db.scalar(select(Venue.id).order_by(Venue.id).limit(1))
        if venue_id is None:
            raise Invalid("No venue yet.", field="venue_id")
    try:
        last_day = date.fromisoformat(last) if last else today - timedelta(days=1)
        first_day = date.fromisoformat(first) if first else last_day - timedelta(weeks=13) + timedelta(days=1)
    except ValueError:
        raise Invalid("Enter dates such as 2026-09-30.", field="from") from None
    if last_day < first_day:
        raise Invalid("The last day must not be before the first.", field="to")
    if (last_day - first_day).days >= MAX_DAYS:
        raise Invalid("Choose a period of at most {days} days.", field="from", days=MAX_DAYS)
    if kind is not None and kind not in set(SpaceKind):
        raise Invalid("Unknown kind of space.", field="kind")
    return Scope(venue_id, first_day, last_day, floor_id or None, zone_id or None, kind or None)


@dataclass(frozen=True)
class WeekFigures(Figures):
    week: date = date.min  # its Monday


@dataclass(frozen=True)
class SpaceFigures(Figures):
    space_id: int = 0
    name: str = ""
    kind: str = ""
    floor: str = ""


@dataclass(frozen=True)
class OccupancyReport:
    scope: Scope
    venue: Venue
    spaces_counted: int
    total: Figures
    by_hour: list[HourFigures]  # by weekday and hour, every hour open or booked
    weeks: list[WeekFigures]
    spaces: list[SpaceFigures]  # most used first

    @property
    def peak_hours(self) -> list[HourFigures]:
        """The three busiest open hours of the week."""
        open_hours = [h for h in self.by_hour if h.capacity_minutes]
        return sorted(open_hours, key=lambda h: (-(h.booked_rate or 0), h.weekday, h.hour))[:3]

    @property
    def most_used(self) -> list[SpaceFigures]:
        return self.spaces[:SHOWN_SPACES]

    @property
    def least_used(self) -> list[SpaceFigures]:
        return list(reversed(self.spaces[-SHOWN_SPACES:])) if len(self.spaces) > SHOWN_SPACES else []

    @property
    def hours_shown(self) -> list[int]:
        """The local hours from the first to the last with capacity or bookings."""
        hours = [h.hour for h in self.by_hour]
        return list(range(min(hours), max(hours) + 1)) if hours else []

    def heat(self) -> list[list[float | None]]:
        """Utilisation by weekday (rows, Monday first) and hour (columns); None where nothing was open or booked."""
        cells = {(h.weekday, h.hour): h.booked_rate for h in self.by_hour}
        return [[cells.get((weekday, hour)) for hour in self.hours_shown] for weekday in range(7)]


def occupancy_report(db: Session, scope: Scope) -> OccupancyReport:
    """The period's utilisation by weekday and hour, by week and by space, from the roll-up."""
    venue = db.scalar(select(Venue).where(Venue.id == scope.venue_id).options(selectinload(Venue.opening_hours)))
    if venue is None:
        raise Invalid("No such venue.", field="venue_id")
    spaces = _list_spaces(db, scope)
    open_minutes = open_minutes_by_day(db, venue, scope.first_day, scope.last_day)
    per_space_capacity = sum(open_minutes.values())
    hours: dict[tuple[int, int], list[int]] = {}
    weeks: dict[date, list[int]] = {}
    for (day, hour), minutes in open_minutes.items():
        _add(hours, (day.weekday(), hour), [minutes * len(spaces), 0, 0, 0, 0, 0])
        _add(weeks, _monday(day), [minutes * len(spaces), 0, 0, 0, 0, 0])
    filters = {"venue_id": scope.venue_id, "first_day": scope.first_day, "last_day": scope.last_day,
               "kind": scope.kind, "floor_id": scope.floor_id, "zone_id": scope.zone_id}
    by_day_hour, used = usage_by_day_hour(db, **filters), usage_by_space(db, **filters)
    for (day, hour), sums in by_day_hour.items():
        figures = [0, *sums]
        _add(hours, (day.weekday(), hour), figures)
        _add(weeks, _monday(day), figures)
    by_space = [SpaceFigures(per_space_capacity, *used.get(space_id, (0, 0, 0, 0, 0)), space_id=space_id, name=name,
                             kind=kind, floor=floor) for space_id, name, kind, floor in spaces]
    by_space.sort(key=lambda s: (-(s.booked_rate or 0), -s.booked_minutes, s.name))
    by_hour = [HourFigures(*values, weekday=weekday, hour=hour) for (weekday, hour), values in sorted(hours.items())]
    total = Figures(*(sum(values[i] for values in hours.values()) for i in range(6)))
    return OccupancyReport(scope, venue, len(spaces), total, by_hour,
                           [WeekFigures(*values, week=week) for week, values in sorted(weeks.items())], by_space)


def _add(totals: dict[Any, list[int]], key: Any, figures: Iterable[int]) -> None:
    row = totals.setdefault(key, [0] * 6)
    for index, value in enumerate(figures):
        row[index] += value


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _list_spaces(db: Session, scope: Scope) -> list[tuple[int, str, str, str]]:
    query = (select(Space.id, Space.name, Space.kind, Floor.name).join(Floor, Floor.id == Space.floor_id)
             .where(Floor.venue_id == scope.venue_id, Space.is_active))
    if scope.kind is not None:
        query = query.where(Space.kind == scope.kind)
    if scope.floor_id is not None:
        query = query.where(Space.floor_id == scope.floor_id)
    if scope.zone_id is not None:
        query = query.where(Space.zone_id == scope.zone_id)
    return list(db.execute(query).tuples())


@dataclass(frozen=True)
class Choices:
    """What the report's form offers: venues, their floors and zones."""

    venues: list[tuple[int, str]]
    floors: list[tuple[int, str]]
    zones: list[tuple[int, str]]


def list_choices(db: Session, venue_id: int) -> Choices:
    return Choices(
        list(db.execute(select(Venue.id, Venue.name).order_by(Venue.name)).tuples()),
        list(db.execute(select(Floor.id, Floor.name).where(Floor.venue_id == venue_id)
                        .order_by(Floor.level, Floor.name)).tuples()),
        list(db.execute(select(Zone.id, Floor.name + " · " + Zone.name).join(Floor, Floor.id == Zone.floor_id)
                        .where(Floor.venue_id == venue_id).order_by(Floor.level, Zone.name)).tuples()),
    )


# -- exports --------------------------------------------------------------------------------------


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


FIGURE_COLUMNS = ["capacity_minutes", "booked_minutes", "used_minutes", "bookings", "check_ins", "no_shows",
                  "utilisation", "used_rate", "check_in_rate", "no_show_rate"]


def _figures(row: Figures) -> list[Any]:
    return [row.capacity_minutes, row.booked_minutes, row.used_minutes, row.bookings, row.check_ins, row.no_shows,
            _rate(row.booked_rate), _rate(row.used_rate), _rate(row.check_in_rate), _rate(row.no_show_rate)]


CSV_TABLES = ("summary", "hours", "weeks", "spaces")


def as_csv(report: OccupancyReport, table: str) -> str:
    """One of the report's tables (or the data behind its charts) as CSV, plain numbers and ISO dates."""
    out = StringIO()
    writer = csv.writer(out)
    if table == "summary":
        writer.writerow(["venue", "from", "to", "spaces", *FIGURE_COLUMNS])
        writer.writerow([report.venue.name, report.scope.first_day, report.scope.last_day, report.spaces_counted,
                         *_figures(report.total)])
    elif table == "hours":
        writer.writerow(["weekday", "hour", *FIGURE_COLUMNS])
        writer.writerows([h.weekday, h.hour, *_figures(h)] for h in report.by_hour)
    elif table == "weeks":
        writer.writerow(["week", *FIGURE_COLUMNS])
        writer.writerows([w.week.isoformat(), *_figures(w)] for w in report.weeks)
    elif table == "spaces":
        writer.writerow(["space", "kind", "floor", *FIGURE_COLUMNS])
        writer.writerows([s.name, s.kind, s.floor, *_figures(s)] for s in report.spaces)
    else:
        raise Invalid("Unknown table.", field="table")
    return out.getvalue()


# -- credit consumption ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditUse:
    """A start-up's room credits over a period: given (allowances and top-ups), used (bookings less refunds),
    expired (left over at a monthly reset)."""

    organisation_id: int
    given: int = 0
    used: int = 0
    expired: int = 0

    @property
    def used_share(self) -> float | None:
        return self.used / self.given if self.given else None


def credit_consumption(db: Session, *, organisation_ids: Iterable[int], starts_at: datetime,
                       ends_at: datetime) -> dict[int, CreditUse]:
    """The start-ups' ledger movements in [starts_at, ends_at), summed by kind: one grouped query."""
    ids = list(organisation_ids)
    if not ids:
        return {}
    sums: dict[int, list[int]] = {organisation_id: [0, 0, 0] for organisation_id in ids}
    for organisation_id, reason, amount in db.execute(
            select(CreditAccount.organisation_id, CreditEntry.reason, func.sum(CreditEntry.amount))
            .join(CreditAccount, CreditAccount.id == CreditEntry.account_id)
            .where(CreditAccount.organisation_id.in_(ids), CreditEntry.at >= starts_at, CreditEntry.at < ends_at)
            .group_by(CreditAccount.organisation_id, CreditEntry.reason)):
        amount = int(amount or 0)
        if reason in (CreditReason.BOOKING, CreditReason.REFUND):
            sums[organisation_id][1] -= amount
        elif reason == CreditReason.EXPIRY:
            sums[organisation_id][2] -= amount
        else:  # allowances and a manager's adjustments (a negative top-up lowers what was given)
            sums[organisation_id][0] += amount
    return {organisation_id: CreditUse(organisation_id, *values) for organisation_id, values in sums.items()}
