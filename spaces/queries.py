"""Reading venues, spaces and bookings; one overlap helper backs every conflict and availability query."""
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    Dialect,
    Row,
    Select,
    Text,
    TypeDecorator,
    and_,
    bindparam,
    cast,
    or_,
    select,
)
from sqlalchemy.orm import Session, joinedload, selectinload

from spaces.enums import ACTIVE_STATUSES, BookingStatus
from spaces.models import (
    Booking,
    BookingRule,
    ClosureDay,
    Floor,
    OpeningHours,
    Space,
    Venue,
)
from totem.identity.models import Membership, Organisation, User

# A booking starts and ends on one local day (`rules.check_open`), so it is shorter than this. Bounding
# the start from below lets the (space_id, starts_at) index skip a space's whole history.
LONGEST_BOOKING = timedelta(days=1)


def overlapping(starts_at: datetime, ends_at: datetime) -> ColumnElement[bool]:
    """Active bookings that share an instant with `[starts_at, ends_at)` (intervals are half-open)."""
    return and_(Booking.status.in_(ACTIVE_STATUSES), Booking.starts_at < ends_at, Booking.ends_at > starts_at,
                Booking.starts_at > starts_at - LONGEST_BOOKING)


# -- venues ---------------------------------------------------------------------------------------


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


# -- spaces ---------------------------------------------------------------------------------------


def _space_filters(
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
    filters = _space_filters(kind=kind, floor_id=floor_id, zone_id=zone_id, min_capacity=min_capacity)
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


def list_free_spaces(
    db: Session, *, starts_at: datetime, ends_at: datetime, venue_ids: list[int], kind: str | None = None,
    floor_id: int | None = None, zone_id: int | None = None, min_capacity: int | None = None,
) -> list[SpaceRow]:
    """Active spaces of the venues with no active booking in the window, in one query.

    The spaces taken are those of the bookings near the window (one index range), not a probe per space.
    """
    taken = select(Booking.space_id).where(overlapping(starts_at, ends_at))
    query = (
        select(*SPACE_COLUMNS)
        .join(Floor, Floor.id == Space.floor_id)
        .where(Floor.venue_id.in_(venue_ids), Space.id.not_in(taken),
               *_space_filters(kind=kind, floor_id=floor_id, zone_id=zone_id, min_capacity=min_capacity))
        .order_by(Space.floor_id, Space.name)
    )
    return list(map(SpaceRow._make, _rows(db, query)))


def _rows(db: Session, query: Select) -> list[Row]:
    """Plain rows through the session's connection: for thousands of rows, half the cost of `Session.execute`."""
    if db.autoflush:
        db.flush()  # as Session.execute would: the query sees what this transaction wrote
    return list(db.connection().execute(query).all())


_SPACE = select(Space).where(Space.id == bindparam("space_id")).options(joinedload(Space.floor).joinedload(Floor.venue))
# FOR UPDATE OF space only: the joined floor and venue stay free for other bookings.
_SPACE_LOCKED = _SPACE.with_for_update(of=Space)


def get_space(db: Session, space_id: int, *, lock: bool = False) -> Space | None:
    """The space with its floor and venue; `lock` serialises bookings of this space (PostgreSQL)."""
    return db.scalar(_SPACE_LOCKED if lock else _SPACE, {"space_id": space_id})


# -- bookings -------------------------------------------------------------------------------------


def first_booking_in(
    db: Session, space_id: int, starts_at: datetime, ends_at: datetime, *, exclude_id: int | None = None
) -> Booking | None:
    """The earliest active booking of the space overlapping the window."""
    query = select(Booking).where(Booking.space_id == space_id, overlapping(starts_at, ends_at))
    if exclude_id is not None:
        query = query.where(Booking.id != exclude_id)
    return db.scalar(query.order_by(Booking.starts_at).limit(1))


def list_slots_in(
    db: Session, space_id: int, starts_at: datetime, ends_at: datetime, *, exclude_id: int | None = None
) -> list[Row]:
    """The active bookings of the space overlapping the window, by start, as rows (id, starts_at, ends_at)."""
    return list(db.execute(_SLOTS_IN, {"space_id": space_id, "starts_at": starts_at, "ends_at": ends_at,
                                       "since": starts_at - LONGEST_BOOKING, "exclude_id": exclude_id or 0}))


# As `overlapping()`, built once (every booking runs it); ids start at 1, so exclude_id 0 excludes none.
_SLOTS_IN = (
    select(Booking.id, Booking.starts_at, Booking.ends_at)
    .where(Booking.space_id == bindparam("space_id"), Booking.status.in_(ACTIVE_STATUSES),
           Booking.starts_at < bindparam("ends_at"), Booking.ends_at > bindparam("starts_at"),
           Booking.starts_at > bindparam("since"), Booking.id != bindparam("exclude_id"))
    .order_by(Booking.starts_at)
)


def list_busy(db: Session, space_id: int, starts_at: datetime, ends_at: datetime) -> list[tuple[datetime, datetime]]:
    query = select(Booking.starts_at, Booking.ends_at).where(Booking.space_id == space_id,
                                                             overlapping(starts_at, ends_at))
    return [(start, end) for start, end in db.execute(query.order_by(Booking.starts_at))]


def get_booking(db: Session, booking_id: int) -> Booking | None:
    query = select(Booking).where(Booking.id == booking_id).options(
        joinedload(Booking.space).joinedload(Space.floor).joinedload(Floor.venue)
    )
    return db.scalar(query)


def list_bookings(
    db: Session, *, user_id: int | None = None, visible_to: tuple[int, set[int]] | None = None,
    starts_after: datetime | None = None, starts_before: datetime | None = None, space_id: int | None = None,
    status: str | None = None, limit: int = 200,
) -> list[Booking]:
    """Bookings by start; `user_id` keeps one user's, `visible_to=(user_id, startup_ids)` theirs and their start-ups'."""
    query = select(Booking).options(joinedload(Booking.space).joinedload(Space.floor).joinedload(Floor.venue))
    if user_id is not None:
        query = query.where(Booking.user_id == user_id)
    if visible_to is not None:
        own_id, startup_ids = visible_to
        query = query.where(or_(Booking.user_id == own_id, Booking.organisation_id.in_(startup_ids)))
    if starts_after is not None:
        query = query.where(Booking.starts_at >= starts_after)
    if starts_before is not None:
        query = query.where(Booking.starts_at < starts_before)
    if space_id is not None:
        query = query.where(Booking.space_id == space_id)
    if status is not None:
        query = query.where(Booking.status == status)
    return list(db.scalars(query.order_by(Booking.starts_at, Booking.id).limit(limit)))


def get_organisation(db: Session, organisation_id: int) -> Organisation | None:
    return db.get(Organisation, organisation_id)


def get_user(db: Session, user_id: int) -> User | None:
    return db.get(User, user_id)


def load_users(db: Session, user_ids: Iterable[int]) -> list[User]:
    """The users, in one query: the session then has them for `Session.get`."""
    return list(db.scalars(select(User).where(User.id.in_(list(user_ids)))))


def list_members(db: Session, organisation_ids: Iterable[int], *, excluding: int) -> list[User]:
    """Active members of the organisations, by name."""
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.organisation_id.in_(list(organisation_ids)), User.id != excluding, User.is_active)
             .distinct().order_by(User.name))
    return list(db.scalars(query))


def floor_venue_ids(db: Session) -> dict[int, int]:
    return dict(db.execute(select(Floor.id, Floor.venue_id)).tuples().all())


def list_no_shows(db: Session, venue: Venue, *, now: datetime, since: datetime) -> list[Booking]:
    """Confirmed bookings of the venue that started in [since, now − grace] and were never checked in.

    Hosted bookings are left alone: their host (a mentor session, a cohort event) records who came."""
    cutoff = now - timedelta(minutes=venue.check_in_grace_minutes)
    query = (
        select(Booking)
        .join(Space, Space.id == Booking.space_id)
        .join(Floor, Floor.id == Space.floor_id)
        .where(Floor.venue_id == venue.id, Booking.status == BookingStatus.CONFIRMED, Booking.hosted.is_(False),
               Booking.starts_at > since, Booking.starts_at <= cutoff)
        .options(joinedload(Booking.space).joinedload(Space.floor).joinedload(Floor.venue))
        .order_by(Booking.starts_at)
        .with_for_update(of=Booking, skip_locked=True)
    )
    return list(db.scalars(query))
