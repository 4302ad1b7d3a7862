"""The nightly occupancy roll-up: what each space saw in each local hour, kept for the reports.

A booking counts as booked when it held its space through the day:
`confirmed`, `checked_in` or `released` (released ones are no-shows; a
`confirmed` one whose day is over was never checked in, so it is a no-show
too). Requests still `pending`, and bookings cancelled, rejected, offered
or expired, never served anyone and are left out. Minutes are split across
the local hours a booking spans; its count (and its check-in or no-show)
goes to the hour it starts. Only hours with a booking get a row.

Each day's hourly rows are also summed per hour, floor, zone and kind
(`occupancy_day_hour`) and per space (`occupancy_space_day`): the reports
read those, a few thousand rows a quarter instead of a million.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import Session, selectinload

from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.occupancy.models import OccupancyDayHour, OccupancyHour, OccupancySpaceDay
from spaces.venues.models import ClosureDay, Floor, Space, Venue
from spaces.venues.rules import local_moment, local_time, public_holiday, venue_zone
from totem.errors import Invalid

BOOKED_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.RELEASED)
# After downtime, or on a venue's first roll-up, the job fills in at most this many past days.
CATCH_UP_DAYS = 31
# Bookings lie within one local day (spaces.rules.check_open); this margin still finds one
# written past the rules that began the day before, so its minutes land on both days.
_SPILL_OVER = timedelta(days=1)
_HOUR = timedelta(hours=1)
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class LocalHour:
    """One hour of a venue's local day, as the UTC instants that bound it."""

    starts_at: datetime
    ends_at: datetime
    hour: int


def local_hours(day: date, zone: ZoneInfo) -> list[LocalHour]:
    """The hours of the local day from midnight to midnight: 23 or 25 of them on a daylight-saving day."""
    start = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    hours, cursor = [], start
    while cursor < end:
        following = min(cursor + _HOUR, end)
        hours.append(LocalHour(cursor, following, cursor.astimezone(zone).hour))
        cursor = following
    return hours


# -- the roll-up ----------------------------------------------------------------------------------


def roll_up_day(db: Session, *, venue: Venue, day: date, now: datetime) -> int:
    """Rewrite the venue's occupancy rows for one local day, which must be over; returns the rows written.

    Rolling a day up again replaces its rows with the same figures, or with
    corrected ones if its bookings changed since.
    """
    hours = local_hours(day, venue_zone(venue))
    day_start, day_end = hours[0].starts_at, hours[-1].ends_at
    if day_end > now:
        raise ValueError(f"{day} is not over yet in {venue.timezone}")
    # Two runs at once (a manual one beside the nightly one) take turns per venue instead of both inserting.
    db.execute(select(Venue.id).where(Venue.id == venue.id).with_for_update())
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for booking in _list_bookings_between(db, venue.id, day_start, day_end):
        first = max(0, (booking.starts_at - day_start) // _HOUR)
        for index in range(first, len(hours)):
            hour = hours[index]
            if hour.starts_at >= booking.ends_at:
                break
            row = rows.get((booking.space_id, index))
            if row is None:
                row = rows[(booking.space_id, index)] = _new_row(venue, day, hour, booking)
            row["booked_seconds"] += _overlap(booking, hour)
            if booking.status == BookingStatus.CHECKED_IN:
                row["used_seconds"] += _overlap(booking, hour)
            if hour.starts_at <= booking.starts_at < hour.ends_at:
                row["bookings"] += 1
                row["check_ins" if booking.status == BookingStatus.CHECKED_IN else "no_shows"] += 1
    finished = [_finish_row(row) for row in rows.values()]
    for table in (OccupancyHour, OccupancyDayHour, OccupancySpaceDay):
        db.execute(delete(table).where(table.venue_id == venue.id, table.day == day))
    if finished:
        db.execute(insert(OccupancyHour), finished)
        db.execute(insert(OccupancyDayHour), _sum_rows(finished, ("floor_id", "zone_id", "kind", "hour")))
        db.execute(insert(OccupancySpaceDay), _sum_rows(finished, ("floor_id", "zone_id", "space_id", "kind")))
    return len(rows)


def roll_up(db: Session, *, now: datetime, catch_up_days: int = CATCH_UP_DAYS) -> int:
    """Roll up, for every venue, the local days since its last roll-up through yesterday; returns the rows written.

    Yesterday is always rolled up again, so a late correction of its
    bookings reaches the reports. Earlier days are rolled up only when they
    have bookings: a quiet day has no rows to write or replace.
    """
    last_days = dict(db.execute(
        select(OccupancyHour.venue_id, func.max(OccupancyHour.day)).group_by(OccupancyHour.venue_id)
    ).tuples().all())
    written = 0
    for venue in list(db.scalars(select(Venue).order_by(Venue.id))):
        yesterday = local_time(now, venue).date() - timedelta(days=1)
        oldest = yesterday - timedelta(days=catch_up_days - 1)
        last = last_days.get(venue.id)
        first = max(last + timedelta(days=1), oldest) if last is not None else oldest
        for day in sorted({yesterday} | _days_with_bookings(db, venue, first, yesterday)):
            written += roll_up_day(db, venue=venue, day=day, now=now)
    db.flush()
    return written


@dataclass(frozen=True)
class _Booked:
    space_id: int
    floor_id: int
    zone_id: int | None
    kind: str
    starts_at: datetime
    ends_at: datetime
    status: str


def _list_bookings_between(db: Session, venue_id: int, starts_at: datetime, ends_at: datetime) -> list[_Booked]:
    """The venue's booked bookings that overlap `[starts_at, ends_at)`, with their space's place, in one query.

    The bound on `starts_at` on both sides lets the (status, starts_at) index do the work.
    """
    query = (
        select(Booking.space_id, Space.floor_id, Space.zone_id, Space.kind, Booking.starts_at, Booking.ends_at,
               Booking.status)
        .join(Space, Space.id == Booking.space_id)
        .join(Floor, Floor.id == Space.floor_id)
        .where(Floor.venue_id == venue_id, Booking.status.in_(BOOKED_STATUSES),
               Booking.starts_at >= starts_at - _SPILL_OVER, Booking.starts_at < ends_at,
               Booking.ends_at > starts_at)
        .order_by(Booking.starts_at, Booking.id)
    )
    return [_Booked(*row) for row in db.execute(query).tuples()]


def _days_with_bookings(db: Session, venue: Venue, first: date, last: date) -> set[date]:
    """The local days in [first, last] on which a booked booking of the venue falls."""
    if last < first:
        return set()
    starts_at = local_hours(first, venue_zone(venue))[0].starts_at
    ends_at = local_hours(last, venue_zone(venue))[-1].ends_at
    days = set()
    for booking in _list_bookings_between(db, venue.id, starts_at, ends_at):
        days.add(local_time(booking.starts_at, venue).date())
        days.add(local_time(booking.ends_at - timedelta(microseconds=1), venue).date())
    return {day for day in days if first <= day <= last}


def _new_row(venue: Venue, day: date, hour: LocalHour, booking: _Booked) -> dict[str, Any]:
    return {
        "venue_id": venue.id, "floor_id": booking.floor_id, "zone_id": booking.zone_id,
        "space_id": booking.space_id, "kind": booking.kind, "starts_at": hour.starts_at, "day": day,
        "hour": hour.hour, "weekday": day.weekday(), "booked_seconds": 0.0, "used_seconds": 0.0,
        "bookings": 0, "check_ins": 0, "no_shows": 0,
    }


def _finish_row(row: dict[str, Any]) -> dict[str, Any]:
    # Seconds are summed first so that bookings at odd seconds round once per hour, not once per booking.
    booked, used = row.pop("booked_seconds"), row.pop("used_seconds")
    return {**row, "booked_minutes": round(booked / 60), "used_minutes": round(used / 60)}


_SUMMED = ("booked_minutes", "used_minutes", "bookings", "check_ins", "no_shows")


def _sum_rows(hourly: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """One day's hourly rows summed by `keys`: the coarser roll-ups that the reports read."""
    sums: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in hourly:
        key = tuple(row[name] for name in keys)
        total = sums.get(key)
        if total is None:
            total = sums[key] = {"venue_id": row["venue_id"], "day": row["day"],
                                 **{name: row[name] for name in keys}, **dict.fromkeys(_SUMMED, 0)}
        for name in _SUMMED:
            total[name] += row[name]
    return list(sums.values())


def _overlap(booking: _Booked, hour: LocalHour) -> float:
    return max((min(booking.ends_at, hour.ends_at) - max(booking.starts_at, hour.starts_at)).total_seconds(), 0.0)


# -- reading it back ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Space-minutes open, booked and used, and the bookings behind them."""

    capacity_minutes: int = 0
    booked_minutes: int = 0
    used_minutes: int = 0
    bookings: int = 0
    check_ins: int = 0
    no_shows: int = 0

    @property
    def booked_rate(self) -> float | None:
        """Booked share of the open space-minutes; None when nothing was open."""
        return _ratio(self.booked_minutes, self.capacity_minutes)

    @property
    def used_rate(self) -> float | None:
        """Share of the open space-minutes held by bookings that were checked in."""
        return _ratio(self.used_minutes, self.capacity_minutes)

    @property
    def check_in_rate(self) -> float | None:
        return _ratio(self.check_ins, self.bookings)

    @property
    def no_show_rate(self) -> float | None:
        return _ratio(self.no_shows, self.bookings)


@dataclass(frozen=True)
class HourFigures(Figures):
    """The figures of one local hour of one weekday (0 is Monday), summed over the period's days."""

    weekday: int = 0
    hour: int = 0


@dataclass(frozen=True)
class Utilisation:
    first_day: date
    last_day: date
    total: Figures
    by_hour: list[HourFigures]  # by weekday and hour, every hour that was open or booked


def utilisation(
    db: Session, *, venue_id: int, first_day: date, last_day: date, kind: str | None = None,
    floor_id: int | None = None, zone_id: int | None = None,
) -> Utilisation:
    """The rolled-up use of the venue's spaces (of a kind, floor or zone) from `first_day` through `last_day`.

    Capacity is the venue's opening hours times its active spaces, on the
    days it was open: closure days and, where it observes them, public
    holidays count for nothing. Bookings outside the opening hours still
    count as booked.
    """
    if last_day < first_day:
        raise Invalid("The last day must not be before the first.", field="last_day")
    venue = db.scalar(select(Venue).where(Venue.id == venue_id).options(selectinload(Venue.opening_hours)))
    if venue is None:
        raise Invalid("No such venue.", field="venue_id")
    filters = _space_filters(kind=kind, floor_id=floor_id, zone_id=zone_id)
    spaces = db.scalar(select(func.count(Space.id)).join(Floor, Floor.id == Space.floor_id)
                       .where(Floor.venue_id == venue_id, Space.is_active, *filters)) or 0
    figures: dict[tuple[int, int], list[int]] = {}
    for (weekday, hour), minutes in _open_minutes(db, venue, first_day, last_day).items():
        figures[(weekday, hour)] = [minutes * spaces, 0, 0, 0, 0, 0]
    usage = usage_by_day_hour(db, venue_id=venue_id, first_day=first_day, last_day=last_day, kind=kind,
                              floor_id=floor_id, zone_id=zone_id)
    for (day, hour), sums in usage.items():
        values = figures.setdefault((day.weekday(), hour), [0] * 6)
        for index, value in enumerate(sums, start=1):
            values[index] += value
    by_hour = [HourFigures(*values, weekday=weekday, hour=hour) for (weekday, hour), values in sorted(figures.items())]
    total = Figures(*(sum(values[i] for values in figures.values()) for i in range(6)))
    return Utilisation(first_day, last_day, total, by_hour)


def _space_filters(*, kind: str | None, floor_id: int | None, zone_id: int | None) -> list[Any]:
    filters = []
    if kind is not None:
        filters.append(Space.kind == kind)
    if floor_id is not None:
        filters.append(Space.floor_id == floor_id)
    if zone_id is not None:
        filters.append(Space.zone_id == zone_id)
    return filters


Sums = list[int]  # booked minutes, used minutes, bookings, check-ins, no-shows


def usage_by_day_hour(
    db: Session, *, venue_id: int, first_day: date, last_day: date, kind: str | None = None,
    floor_id: int | None = None, zone_id: int | None = None,
) -> dict[tuple[date, int], Sums]:
    """The rolled-up sums of the venue's spaces (of a kind, floor or zone) by local day and hour."""
    query = _usage(OccupancyDayHour, OccupancyDayHour.day, OccupancyDayHour.hour, venue_id=venue_id,
                   first_day=first_day, last_day=last_day, kind=kind, floor_id=floor_id, zone_id=zone_id)
    return {(day, hour): [int(value or 0) for value in sums] for day, hour, *sums in db.execute(query)}


def usage_by_space(
    db: Session, *, venue_id: int, first_day: date, last_day: date, kind: str | None = None,
    floor_id: int | None = None, zone_id: int | None = None,
) -> dict[int, Sums]:
    """The rolled-up sums of each of the venue's spaces (of a kind, floor or zone) over the days."""
    query = _usage(OccupancySpaceDay, OccupancySpaceDay.space_id, venue_id=venue_id, first_day=first_day,
                   last_day=last_day, kind=kind, floor_id=floor_id, zone_id=zone_id)
    return {space_id: [int(value or 0) for value in sums] for space_id, *sums in db.execute(query)}


def _usage(
    table: type[OccupancyDayHour] | type[OccupancySpaceDay], *group: Any, venue_id: int, first_day: date,
    last_day: date, kind: str | None, floor_id: int | None, zone_id: int | None,
) -> Select[Any]:
    query = (select(*group, *(func.sum(getattr(table, name)) for name in _SUMMED))
             .where(table.venue_id == venue_id, table.day >= first_day, table.day <= last_day)
             .group_by(*group))
    if kind is not None:
        query = query.where(table.kind == kind)
    if floor_id is not None:
        query = query.where(table.floor_id == floor_id)
    if zone_id is not None:
        query = query.where(table.zone_id == zone_id)
    return query


def _open_minutes(db: Session, venue: Venue, first_day: date, last_day: date) -> dict[tuple[int, int], int]:
    """Minutes the venue was open, by weekday and local hour, over the days of the period."""
    minutes: dict[tuple[int, int], int] = {}
    for (day, hour), open_minutes in open_minutes_by_day(db, venue, first_day, last_day).items():
        minutes[(day.weekday(), hour)] = minutes.get((day.weekday(), hour), 0) + open_minutes
    return minutes


def open_minutes_by_day(db: Session, venue: Venue, first_day: date, last_day: date) -> dict[tuple[date, int], int]:
    """Minutes the venue was open, by local day and hour: closure days and observed public holidays have none.

    `venue.opening_hours` must be loaded.
    """
    closed = set(db.scalars(select(ClosureDay.day).where(
        ClosureDay.venue_id == venue.id, ClosureDay.day >= first_day, ClosureDay.day <= last_day)))
    hours_by_weekday = {hours.weekday: hours for hours in venue.opening_hours}
    minutes: dict[tuple[date, int], int] = {}
    for day in _days(first_day, last_day):
        hours = hours_by_weekday.get(day.weekday())
        if hours is None or day in closed or (venue.observes_public_holidays and public_holiday(day)):
            continue
        opens = local_moment(day, hours.opens_at, venue).astimezone(UTC)
        closes = local_moment(day, hours.closes_at, venue).astimezone(UTC)
        for hour in local_hours(day, venue_zone(venue)):
            overlap = min(closes, hour.ends_at) - max(opens, hour.starts_at)
            if overlap > timedelta(0):
                minutes[(day, hour.hour)] = minutes.get((day, hour.hour), 0) + round(overlap / _MINUTE)
    return minutes


def _days(first: date, last: date) -> Iterable[date]:
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
