"""Reading venues, spaces and bookings; one overlap helper backs every conflict and availability query."""
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from spaces.enums import ACTIVE_STATUSES, BookingStatus
from spaces.models import Booking, BookingRule, ClosureDay, Floor, OpeningHours, Space, Venue
from totem.identity.models import Membership, Organisation, User


# A booking starts and ends on one local day (`rules.check_open`), so it is shorter than this. Bounding
# the start from below lets the (space_id, starts_at) index skip a space's whole history.
LONGEST_BOOKING = timedelta(days=1)


def overlapping(starts_at: datetime, ends_at: datetime) -> ColumnElement[bool]:
    """Active bookings that share an instant with `[starts_at, ends_at)` (intervals are half-open)."""
    return and_(Booking.status.in_(ACTIVE_STATUSES), Booking.starts_at < ends_at, Booking.ends_at > starts_at,
                Booking.starts_at > starts_at - LONGEST_BOOKING)


# -- venues ---------------------------------------------------------------------------------------


def list_venues(db: Session) -> list[Venue]:
    return list(db.scalars(select(Venue).options(selectinload(Venue.opening_hours)).order_by(Venue.name)))


def get_opening_hours(db: Session, venue_id: int, weekday: int) -> OpeningHours | None:
    return db.scalar(select(OpeningHours).where(OpeningHours.venue_id == venue_id, OpeningHours.weekday == weekday))


def get_closure(db: Session, venue_id: int, day: date) -> ClosureDay | None:
    return db.scalar(select(ClosureDay).where(ClosureDay.venue_id == venue_id, ClosureDay.day == day))


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


def list_free_spaces(
    db: Session, *, starts_at: datetime, ends_at: datetime, venue_ids: list[int], kind: str | None = None,
    floor_id: int | None = None, zone_id: int | None = None, min_capacity: int | None = None,
) -> list[Space]:
    """Active spaces of the venues with no active booking in the window, in one query."""
    taken = exists().where(Booking.space_id == Space.id, overlapping(starts_at, ends_at))
    query = (
        select(Space)
        .join(Floor, Floor.id == Space.floor_id)
        .where(Floor.venue_id.in_(venue_ids), ~taken,
               *_space_filters(kind=kind, floor_id=floor_id, zone_id=zone_id, min_capacity=min_capacity))
        .order_by(Space.floor_id, Space.name)
    )
    return list(db.scalars(query))


def get_space(db: Session, space_id: int, *, lock: bool = False) -> Space | None:
    """The space with its floor and venue; `lock` serialises bookings of this space (PostgreSQL)."""
    query = select(Space).where(Space.id == space_id).options(joinedload(Space.floor).joinedload(Floor.venue))
    if lock:
        # FOR UPDATE OF space only: the joined floor and venue stay free for other bookings.
        query = query.with_for_update(of=Space)
    return db.scalar(query)


# -- bookings -------------------------------------------------------------------------------------


def first_booking_in(
    db: Session, space_id: int, starts_at: datetime, ends_at: datetime, *, exclude_id: int | None = None
) -> Booking | None:
    """The earliest active booking of the space overlapping the window."""
    query = select(Booking).where(Booking.space_id == space_id, overlapping(starts_at, ends_at))
    if exclude_id is not None:
        query = query.where(Booking.id != exclude_id)
    return db.scalar(query.order_by(Booking.starts_at).limit(1))


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


def list_members(db: Session, organisation_ids: Iterable[int], *, excluding: int) -> list[User]:
    """Active members of the organisations, by name."""
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.organisation_id.in_(list(organisation_ids)), User.id != excluding, User.is_active)
             .distinct().order_by(User.name))
    return list(db.scalars(query))


def floor_venue_ids(db: Session) -> dict[int, int]:
    return dict(db.execute(select(Floor.id, Floor.venue_id)).tuples().all())


def list_no_shows(db: Session, venue: Venue, *, now: datetime, since: datetime) -> list[Booking]:
    """Confirmed bookings of the venue that started in [since, now − grace] and were never checked in."""
    cutoff = now - timedelta(minutes=venue.check_in_grace_minutes)
    query = (
        select(Booking)
        .join(Space, Space.id == Booking.space_id)
        .join(Floor, Floor.id == Space.floor_id)
        .where(Floor.venue_id == venue.id, Booking.status == BookingStatus.CONFIRMED,
               Booking.starts_at > since, Booking.starts_at <= cutoff)
        .options(joinedload(Booking.space).joinedload(Space.floor).joinedload(Floor.venue))
        .order_by(Booking.starts_at)
        .with_for_update(of=Booking, skip_locked=True)
    )
    return list(db.scalars(query))
