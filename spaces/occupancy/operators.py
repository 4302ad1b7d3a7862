"""Each operator's month for its funder: room hours used against its quotas per kind of space, its start-ups' desks
(dedicated desks allocated, hot-desk hours), the start-ups it hosts and its events (held, registrations, attendance,
no-shows); the building's admins see every operator side
by side, an operator's managers only their own.

Figures come from the bookings that count against the operator's quotas (`Booking.operator_id`, active ones, by
their start in the venue-local month) and from the access grants and desk allocations its programs gave.
"""
import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import StringIO

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from spaces.booking.enums import ACTIVE_STATUSES
from spaces.booking.models import Booking
from spaces.booking.quotas import month_window
from spaces.events.attendance import MonthAttendance, monthly_attendance
from spaces.operators import service as operators
from spaces.operators.models import Operator
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import AccessGrant, DeskAllocation, Space
from spaces.venues.rules import local_time
from totem.errors import Invalid
from totem.identity.models import User

HOUR = timedelta(hours=1)
DESK_KINDS = (SpaceKind.HOT_DESK, SpaceKind.DEDICATED_DESK)
ROOM_KINDS = tuple(kind for kind in SpaceKind if kind not in DESK_KINDS)
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class RoomUse:
    """Hours of one kind of room booked on the operator's quota in the month, against that quota."""

    space_kind: str
    used_hours: float
    quota_hours: int | None  # None: no quota, no limit

    @property
    def share_used(self) -> float | None:
        return self.used_hours / self.quota_hours if self.quota_hours else None


@dataclass(frozen=True)
class OperatorMonth:
    operator: Operator
    month: date  # its first day
    rooms: list[RoomUse]  # every kind of room with a quota or a booking
    startups: int  # start-ups holding rights through its programs on a day of the month
    dedicated_desks: int  # dedicated desks allocated to those start-ups on a day of the month
    desk_days: int  # days of those allocations within the month
    hot_desk_hours: float
    events: MonthAttendance  # its events held in the month, and who came

    @property
    def room_hours(self) -> float:
        return sum(room.used_hours for room in self.rooms)

    @property
    def quota_hours(self) -> int:
        return sum(room.quota_hours or 0 for room in self.rooms)

    def room(self, kind: str) -> RoomUse | None:
        return next((room for room in self.rooms if room.space_kind == kind), None)


@dataclass(frozen=True)
class BuildingMonth:
    month: date
    operators: list[OperatorMonth]

    @property
    def kinds(self) -> list[str]:
        """The kinds of room any operator has a quota of or booked, in the kinds' order."""
        held = {room.space_kind for month in self.operators for room in month.rooms}
        return [kind.value for kind in ROOM_KINDS if kind in held]

    @property
    def previous(self) -> date:
        return (self.month - timedelta(days=1)).replace(day=1)

    @property
    def following(self) -> date:
        return (self.month + timedelta(days=32)).replace(day=1)


def parse_month(value: str | None, *, today: date) -> date:
    """The first day of `YYYY-MM` (default: this month)."""
    if not value or not value.strip():
        return today.replace(day=1)
    try:
        first = date.fromisoformat(f"{value.strip()[:7]}-01")
    except ValueError:
        raise Invalid("Choose a month (YYYY-MM).", field="month") from None
    if first < EARLIEST or first.year > today.year + 5:
        raise Invalid("Choose a month (YYYY-MM).", field="month")
    return first


def today_at_venue(db: Session, now: datetime) -> date:
    venues = venue_queries.list_venues(db)
    return local_time(now, venues[0]).date() if venues else now.date()


def building_month(db: Session, *, actor: User, month: date, now: datetime) -> BuildingMonth:
    """The operators the actor may read (the admins: all; a manager: their own), each one's month, by name.
    `now` decides which events are over, hence held and counted."""
    return BuildingMonth(month, _months(db, operators.list_operators(db, actor=actor), month, now))


def operator_month(db: Session, *, actor: User, operator_id: int, month: date, now: datetime) -> OperatorMonth:
    """One operator's month; NotFound for anyone but the admins and its managers."""
    return _months(db, [operators.get_operator(db, actor=actor, operator_id=operator_id)], month, now)[0]


def _months(db: Session, chosen: list[Operator], month: date, now: datetime) -> list[OperatorMonth]:
    """The figures of every chosen operator in a fixed number of grouped queries."""
    ids = [operator.id for operator in chosen]
    venues = venue_queries.list_venues(db)
    if not ids or not venues:
        return [OperatorMonth(operator, month, [], 0, 0, 0, 0.0, MonthAttendance(operator.id, 0, 0, 0, 0))
                for operator in chosen]
    events = monthly_attendance(db, month=month, now=now, operator_ids=ids)
    starts_at, ends_at = month_window(month, venues[0])
    last_day = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    hours = _hours_by_operator_and_kind(db, ids, starts_at, ends_at)
    hosted = _startups_by_operator(db, ids, month, last_day)
    desks = _desks_by_operator(db, ids, month, last_day)
    result = []
    for operator in chosen:
        used = hours.get(operator.id, {})
        quotas = {quota.space_kind: quota.monthly_hours for quota in operator.quotas}
        rooms = [RoomUse(kind.value, used.get(kind, 0.0), quotas.get(kind)) for kind in ROOM_KINDS
                 if kind in quotas or kind in used]
        desk_count, desk_days = desks.get(operator.id, (0, 0))
        result.append(OperatorMonth(operator, month, rooms, hosted.get(operator.id, 0), desk_count, desk_days,
                                    used.get(SpaceKind.HOT_DESK, 0.0), events[operator.id]))
    return result


def _hours_by_operator_and_kind(db: Session, ids: list[int], starts_at: datetime,
                                ends_at: datetime) -> dict[int, dict[str, float]]:
    hours: dict[int, dict[str, float]] = {}
    for operator_id, kind, start, end in db.execute(
            select(Booking.operator_id, Space.kind, Booking.starts_at, Booking.ends_at)
            .join(Space, Space.id == Booking.space_id)
            .where(Booking.operator_id.in_(ids), Booking.status.in_(ACTIVE_STATUSES),
                   Booking.starts_at >= starts_at, Booking.starts_at < ends_at)).tuples():
        by_kind = hours.setdefault(operator_id, {})
        by_kind[kind] = by_kind.get(kind, 0.0) + (end - start) / HOUR
    return hours


def _startups_by_operator(db: Session, ids: list[int], first: date, last: date) -> dict[int, int]:
    return dict(db.execute(
        select(AccessGrant.operator_id, func.count(func.distinct(AccessGrant.organisation_id)))
        .where(AccessGrant.operator_id.in_(ids), AccessGrant.starts_on <= last, AccessGrant.ends_on >= first)
        .group_by(AccessGrant.operator_id)).tuples().all())


def _desks_by_operator(db: Session, ids: list[int], first: date, last: date) -> dict[int, tuple[int, int]]:
    """Dedicated desks given under an operator's grant (same start-up, same source), and their days in the month."""
    desks: dict[int, set[int]] = {}
    days: dict[int, int] = {}
    for operator_id, space_id, starts_on, ends_on in db.execute(
            select(AccessGrant.operator_id, DeskAllocation.space_id, DeskAllocation.starts_on, DeskAllocation.ends_on)
            .join(AccessGrant, and_(AccessGrant.organisation_id == DeskAllocation.organisation_id,
                                    AccessGrant.source_key == DeskAllocation.source_key))
            .where(AccessGrant.operator_id.in_(ids), DeskAllocation.starts_on <= last,
                   DeskAllocation.ends_on >= first)).tuples():
        desks.setdefault(operator_id, set()).add(space_id)
        days[operator_id] = days.get(operator_id, 0) + (min(ends_on, last) - max(starts_on, first)).days + 1
    return {operator_id: (len(spaces), days[operator_id]) for operator_id, spaces in desks.items()}


def as_csv(report: BuildingMonth, kind_labels: dict[str, str], headings: dict[str, str]) -> str:
    """One row per operator: start-ups, desks, events, then hours used and quota per kind of room (headings
    translated)."""
    out = StringIO()
    writer = csv.writer(out)
    kinds = report.kinds
    writer.writerow([headings["operator"], headings["month"], headings["startups"], headings["dedicated_desks"],
                     headings["desk_days"], headings["hot_desk_hours"], headings["events_held"],
                     headings["registrations"], headings["attended"], headings["no_shows"],
                     *[f"{kind_labels[kind]} — {label}" for kind in kinds
                       for label in (headings["used"], headings["quota"])]])
    for month in report.operators:
        cells: list[object] = []
        for kind in kinds:
            room = month.room(kind)
            cells += [round(room.used_hours, 1) if room else 0, "" if room is None or room.quota_hours is None
                      else room.quota_hours]
        writer.writerow([month.operator.display_name, f"{report.month:%Y-%m}", month.startups, month.dedicated_desks,
                         month.desk_days, round(month.hot_desk_hours, 1), month.events.events_held,
                         month.events.registrations, month.events.attended, month.events.no_shows, *cells])
    return out.getvalue()
