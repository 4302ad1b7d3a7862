"""Occupancy analytics for managers: a period's utilisation, check-ins and no-shows, by hour, week and space.

The analytics read the nightly roll-up's sums per day and hour and per
space and day, never the bookings' history nor the hourly rows.
Utilisation is the booked share of the open space-minutes; the check-in
rate is the share of bookings checked in, the no-show rate the share not.
"""
import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from spaces.occupancy.rollup import Figures, HourFigures, open_minutes_by_day, usage_by_day_hour, usage_by_space
from spaces.venues.enums import SpaceKind
from spaces.venues.forms import report_period
from spaces.venues.models import Floor, Space, Venue, Zone
from totem.errors import Invalid

SHOWN_SPACES = 5  # the most and the least used


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
    first_day, last_day = report_period(first, last, today=today, longest=MAX_DAYS)
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


