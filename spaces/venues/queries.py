"""Reading venues, their calendars and rules, and spaces."""
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import ColumnElement, Dialect, Row, Text, TypeDecorator, and_, bindparam, cast, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from spaces.venues.models import BookingRule, ClosureDay, Floor, OpeningHours, Space, Venue


_VENUES = select(Venue).options(selectinload(Venue.opening_hours)).order_by(Venue.name)


def list_venues(db: Session) -> list[Venue]:
    return list(db.scalars(_VENUES))


def get_opening_hours(db: Session, venue_id: int, weekday: int) -> OpeningHours | None:
    return db.scalar(select(OpeningHours).where(OpeningHours.venue_id == venue_id, OpeningHours.weekday == weekday))


def get_closure(db: Session, venue_id: int, day: date) -> ClosureDay | None:
    return db.scalar(select(ClosureDay).where(ClosureDay.venue_id == venue_id, ClosureDay.day == day))


@dataclass(frozen=True)
class VenueCalendar:
    """A venue's clock and calendar as the availability search needs them, read as rows."""

    id: int
    name: str
    timezone: str
    observes_public_holidays: bool
    hours: dict[int, Row]  # by weekday: opens_at, closes_at
    closures: dict[date, Row]  # by day: reason


_CALENDARS = (
    select(Venue.id, Venue.name, Venue.timezone, Venue.observes_public_holidays, OpeningHours.weekday,
           OpeningHours.opens_at, OpeningHours.closes_at, ClosureDay.day, ClosureDay.reason)
    .outerjoin(OpeningHours, OpeningHours.venue_id == Venue.id)
    .outerjoin(ClosureDay, and_(ClosureDay.venue_id == Venue.id, ClosureDay.day.in_(bindparam("days", expanding=True))))
    .order_by(Venue.name)
)


def list_venue_calendars(db: Session, days: Iterable[date]) -> list[VenueCalendar]:
    """Every venue with its weekly opening hours and its closures among `days`, in one query."""
    venues: dict[int, VenueCalendar] = {}
    for row in db.execute(_CALENDARS, {"days": sorted(set(days))}):
        venue = venues.get(row.id)
        if venue is None:
            venue = venues[row.id] = VenueCalendar(row.id, row.name, row.timezone, row.observes_public_holidays,
                                                   {}, {})
        if row.weekday is not None:
            venue.hours[row.weekday] = row
        if row.day is not None:
            venue.closures[row.day] = row
    return list(venues.values())


def list_closures(db: Session, venue_ids: Iterable[int], days: Iterable[date]) -> list[ClosureDay]:
    return list(db.scalars(select(ClosureDay).where(ClosureDay.venue_id.in_(list(venue_ids)),
                                                    ClosureDay.day.in_(list(days)))))


def get_rule_for(db: Session, space: Space) -> BookingRule | None:
    """The zone's rule if it has one, else the rule for the space's kind in its venue."""
    rules = db.scalars(
        select(BookingRule).where(
            BookingRule.venue_id == space.floor.venue_id,
            or_(BookingRule.space_kind == space.kind,
                and_(BookingRule.zone_id.is_not(None), BookingRule.zone_id == space.zone_id)),
        )
    ).all()
    return min(rules, key=lambda rule: rule.zone_id is None, default=None)


@dataclass(frozen=True)
class Terms:
    """What a booking of a space on one local day is judged by: read with columns, not objects (booking is frequent)."""

    rule: Row | None  # the columns of `BookingRule` that `rules.policy_from` reads
    hours: Row | None  # opens_at, closes_at
    closure: Row | None  # reason


_RULE_COLUMNS = (BookingRule.id, BookingRule.zone_id, BookingRule.allowed_roles, BookingRule.min_minutes,
                 BookingRule.max_minutes, BookingRule.max_days_ahead, BookingRule.buffer_minutes,
                 BookingRule.requires_approval, BookingRule.credits_per_hour, BookingRule.refund_notice_hours,
                 BookingRule.open_to_grant_holders)


_RULE_APPLIES = and_(BookingRule.venue_id == Venue.id,
                     or_(BookingRule.space_kind == bindparam("kind"),
                         and_(BookingRule.zone_id.is_not(None), BookingRule.zone_id == bindparam("zone_id"))))


# Built once: booking runs it every time, and a statement's cache key is computed once per object.
_TERMS = (
    select(*_RULE_COLUMNS, OpeningHours.opens_at, OpeningHours.closes_at, ClosureDay.id.label("closure_id"),
           ClosureDay.reason).select_from(Venue)
    .outerjoin(BookingRule, _RULE_APPLIES)
    .outerjoin(OpeningHours, and_(OpeningHours.venue_id == Venue.id, OpeningHours.weekday == bindparam("weekday")))
    .outerjoin(ClosureDay, and_(ClosureDay.venue_id == Venue.id, ClosureDay.day == bindparam("day")))
    .where(Venue.id == bindparam("venue_id"))
)


def get_terms(db: Session, space: Space, day: date) -> Terms:
    """The space's rule (as `get_rule_for`), the venue's opening hours on `day`'s weekday and its closure that day.

    One query, outer joins from the venue: each part may be missing.
    """
    rows = db.execute(_TERMS, {"kind": space.kind, "zone_id": space.zone_id, "weekday": day.weekday(), "day": day,
                               "venue_id": space.floor.venue_id}).all()
    if not rows:
        return Terms(None, None, None)
    # The zone's rule wins over the kind's.
    rule = min((row for row in rows if row.id is not None), key=lambda row: row.zone_id is None, default=None)
    first = rows[0]
    return Terms(rule, first if first.opens_at is not None else None, first if first.closure_id is not None else None)


def space_filters(
    *, kind: str | None, floor_id: int | None, zone_id: int | None, min_capacity: int | None
) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = [Space.is_active]
    if kind is not None:
        filters.append(Space.kind == kind)
    if floor_id is not None:
        filters.append(Space.floor_id == floor_id)
    if zone_id is not None:
        filters.append(Space.zone_id == zone_id)
    if min_capacity is not None:
        filters.append(Space.capacity >= min_capacity)
    return filters


def list_spaces(
    db: Session, *, kind: str | None = None, floor_id: int | None = None, zone_id: int | None = None,
    min_capacity: int | None = None,
) -> list[Space]:
    filters = space_filters(kind=kind, floor_id=floor_id, zone_id=zone_id, min_capacity=min_capacity)
    return list(db.scalars(select(Space).where(*filters).order_by(Space.floor_id, Space.name)))


class _AmenityList(TypeDecorator[tuple[str, ...]]):
    """A JSON list of amenities read as text: thousands of desks share a handful of lists, each parsed once.

    Read-only tuples, shared between rows: no list to allocate per desk (nor for the garbage collector to scan).
    """

    impl = Text
    cache_ok = True

    def process_result_value(self, value: str | None, dialect: Dialect) -> tuple[str, ...]:
        return _parse_amenities(value) if value else ()


@lru_cache(maxsize=512)
def _parse_amenities(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


class SpaceRow(NamedTuple):
    """What a list of spaces shows (`schemas.SpaceOut`): thousands of desks load several times faster as rows
    than as `Space` objects, and their fields read faster as a named tuple than as SQLAlchemy rows."""

    id: int
    name: str
    kind: str
    capacity: int
    floor_id: int
    zone_id: int | None
    amenities: tuple[str, ...]


SPACE_COLUMNS = (Space.id, Space.name, Space.kind, Space.capacity, Space.floor_id, Space.zone_id,
                 cast(Space.amenities, _AmenityList()).label("amenities"))


_SPACE = select(Space).where(Space.id == bindparam("space_id")).options(joinedload(Space.floor).joinedload(Floor.venue))


# FOR UPDATE OF space only: the joined floor and venue stay free for other bookings.
_SPACE_LOCKED = _SPACE.with_for_update(of=Space)


def get_space(db: Session, space_id: int, *, lock: bool = False) -> Space | None:
    """The space with its floor and venue; `lock` serialises bookings of this space (PostgreSQL)."""
    return db.scalar(_SPACE_LOCKED if lock else _SPACE, {"space_id": space_id})


def floor_venue_ids(db: Session) -> dict[int, int]:
    return dict(db.execute(select(Floor.id, Floor.venue_id)).tuples().all())
