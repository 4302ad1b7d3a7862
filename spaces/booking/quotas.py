"""Operators' monthly quotas and their fair share of the shared meeting rooms at peak hours, checked in the
booking's own transaction.

A booking counts against one operator: its start-up's (through the access grant its program gave), else its
holder's when they are one of an operator's managers. The operator's quota row for the space's kind is locked
(`SELECT … FOR UPDATE` on PostgreSQL; SQLite's writer holds the database) before its hours are added up, so that
two bookings never both take the last hour. An operator without a quota for a kind is not limited for it.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from math import floor

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spaces.booking.enums import ACTIVE_STATUSES
from spaces.booking.models import Booking
from spaces.operators import peak
from spaces.operators import queries as operator_queries
from spaces.operators.enums import WhenExhausted
from spaces.operators.models import Operator, OperatorQuota
from spaces.venues.enums import SpaceKind
from spaces.venues.models import AccessGrant, Floor, Space, Venue
from spaces.venues.rules import local_moment, local_time
from totem.errors import Conflict, error_code
from totem.identity.models import User

QUOTA_EXHAUSTED = error_code("quota_exhausted", "The operator's monthly hours of this kind of space are spent.")
FAIR_SHARE_EXCEEDED = error_code(
    "fair_share_exceeded", "At peak hours the operator would hold more than its fair share of the shared meeting rooms.")
# Closer than this to its start, a slot still free at peak hours is anyone's: the fair share no longer holds it.
FAIR_SHARE_NOTICE = timedelta(hours=24)
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class QuotaCheck:
    operator_id: int | None  # whose quota the booking counts against
    needs_approval: bool = False  # the quota is spent and its operator's bookings then wait for approval


def operator_of(db: Session, *, holder: User, organisation_id: int | None, venue_id: int, day: date) -> int | None:
    """The operator a booking counts against: its start-up's program's on that day, else its holder's as manager."""
    if organisation_id is not None:
        operator_id = db.scalar(select(AccessGrant.operator_id).where(
            AccessGrant.organisation_id == organisation_id, AccessGrant.venue_id == venue_id,
            AccessGrant.starts_on <= day, AccessGrant.ends_on >= day, AccessGrant.operator_id.is_not(None),
        ).order_by(AccessGrant.id).limit(1))
        if operator_id is not None:
            return operator_id
    return operator_queries.first_operator_managed_by(db, holder.id)


def check_quota(
    db: Session, *, holder: User, space: Space, organisation_id: int | None, starts_at: datetime, ends_at: datetime,
    now: datetime, moving: Booking | None = None,
) -> QuotaCheck:
    """Raise when the booking would overrun its operator's quota (set to refuse) or fair share; else say whose it is."""
    venue = space.floor.venue
    if moving is not None:
        operator_id = moving.operator_id
    else:
        operator_id = operator_of(db, holder=holder, organisation_id=organisation_id, venue_id=venue.id,
                                  day=local_time(starts_at, venue).date())
    if operator_id is None:
        return QuotaCheck(None)
    quota = operator_queries.lock_quota(db, operator_id, space.kind)
    if quota is None:
        return QuotaCheck(operator_id)
    ignore_id = moving.id if moving is not None else None
    month_start, month_end = month_of(starts_at, venue)
    used = hours_booked(db, operator_id=operator_id, space_kind=space.kind, starts_at=month_start,
                        ends_at=month_end, ignore_id=ignore_id)
    wanted = (ends_at - starts_at) / HOUR
    needs_approval = False
    if used + wanted > quota.monthly_hours:
        if quota.when_exhausted == WhenExhausted.REFUSE:
            raise Conflict("{operator} has booked {used} of its {quota} hours of this kind of space for {month}: "
                           "this booking needs {hours} more.", code=QUOTA_EXHAUSTED, field="starts_at",
                           operator=_name(db, operator_id), used=_hours(used), quota=quota.monthly_hours,
                           month=f"{month_start:%m/%Y}", hours=_hours(wanted))
        needs_approval = True
    if space.kind == SpaceKind.MEETING_ROOM and starts_at - now > FAIR_SHARE_NOTICE:
        _check_fair_share(db, quota=quota, venue=venue, starts_at=starts_at, ends_at=ends_at, ignore_id=ignore_id)
    return QuotaCheck(operator_id, needs_approval)


def _check_fair_share(
    db: Session, *, quota: OperatorQuota, venue: Venue, starts_at: datetime, ends_at: datetime, ignore_id: int | None,
) -> None:
    """At peak hours the operator holds at most its quota's proportion of the venue's meeting rooms at once."""
    windows = peak.peak_windows(venue, starts_at, ends_at)
    if not windows:
        return
    rooms = db.scalar(select(func.count(Space.id)).join(Floor, Floor.id == Space.floor_id).where(
        Floor.venue_id == venue.id, Space.kind == SpaceKind.MEETING_ROOM, Space.is_active)) or 0
    all_hours = sum(operator_queries.quota_hours_by_operator(db, SpaceKind.MEETING_ROOM).values())
    allowed = floor(peak.fair_share_of_rooms(quota.monthly_hours, all_hours, rooms) + 1e-9)
    held = _held_rooms(db, operator_id=quota.operator_id, venue_id=venue.id, starts_at=windows[0][0],
                       ends_at=windows[-1][1], ignore_id=ignore_id)
    at_once = peak.most_held_at_once([*held, (starts_at, ends_at)], windows)
    if at_once > allowed:
        raise Conflict("At peak hours {operator} may hold {allowed} of the {rooms} shared meeting rooms at once, its "
                       "fair share: this booking would make {held}. Book outside peak hours, or within 24 hours of "
                       "the slot if a room is still free then.", code=FAIR_SHARE_EXCEEDED, field="starts_at",
                       operator=_name(db, quota.operator_id), allowed=allowed, rooms=rooms, held=at_once)


def _held_rooms(
    db: Session, *, operator_id: int, venue_id: int, starts_at: datetime, ends_at: datetime, ignore_id: int | None,
) -> list[tuple[datetime, datetime]]:
    query = (select(Booking.starts_at, Booking.ends_at).join(Space, Space.id == Booking.space_id)
             .join(Floor, Floor.id == Space.floor_id)
             .where(Booking.operator_id == operator_id, Booking.status.in_(ACTIVE_STATUSES),
                    Space.kind == SpaceKind.MEETING_ROOM, Floor.venue_id == venue_id,
                    Booking.starts_at < ends_at, Booking.ends_at > starts_at))
    if ignore_id is not None:
        query = query.where(Booking.id != ignore_id)
    return [(start, end) for start, end in db.execute(query).tuples()]


def hours_booked(
    db: Session, *, operator_id: int, space_kind: str, starts_at: datetime, ends_at: datetime,
    ignore_id: int | None = None,
) -> float:
    """Hours of the operator's active bookings of this kind that start in `[starts_at, ends_at)`."""
    query = (select(Booking.starts_at, Booking.ends_at).join(Space, Space.id == Booking.space_id)
             .where(Booking.operator_id == operator_id, Booking.status.in_(ACTIVE_STATUSES),
                    Space.kind == space_kind, Booking.starts_at >= starts_at, Booking.starts_at < ends_at))
    if ignore_id is not None:
        query = query.where(Booking.id != ignore_id)
    return sum(((end - start) / HOUR for start, end in db.execute(query).tuples()), 0.0)


def hours_booked_by_kind(db: Session, *, operator_id: int, starts_at: datetime, ends_at: datetime) -> dict[str, float]:
    """Hours of the operator's active bookings that start in `[starts_at, ends_at)`, per kind of space."""
    hours: dict[str, float] = {}
    for kind, start, end in db.execute(
            select(Space.kind, Booking.starts_at, Booking.ends_at).join(Space, Space.id == Booking.space_id)
            .where(Booking.operator_id == operator_id, Booking.status.in_(ACTIVE_STATUSES),
                   Booking.starts_at >= starts_at, Booking.starts_at < ends_at)).tuples():
        hours[kind] = hours.get(kind, 0.0) + (end - start) / HOUR
    return hours


def month_of(moment: datetime, venue: Venue) -> tuple[datetime, datetime]:
    """The venue-local calendar month holding `moment`, as instants."""
    first = local_time(moment, venue).date().replace(day=1)
    return month_window(first, venue)


def month_window(first: date, venue: Venue) -> tuple[datetime, datetime]:
    following = (first + timedelta(days=32)).replace(day=1)
    return local_moment(first, time(0), venue), local_moment(following, time(0), venue)


def _name(db: Session, operator_id: int) -> str:
    operator = db.get(Operator, operator_id)
    return operator.display_name if operator is not None else str(operator_id)


def _hours(value: float) -> str:
    return f"{value:g}"
