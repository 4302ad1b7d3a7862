"""Reading bookings; one overlap helper backs every conflict and availability query."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload

from spaces.booking.enums import ACTIVE_STATUSES, BookingStatus
from spaces.booking.models import Booking
from spaces.venues.models import Floor, Space, Venue
from spaces.venues.queries import SPACE_COLUMNS, SpaceRow, space_filters
from spaces.venues.rules import local_moment, local_time
from totem.identity.models import Membership, Organisation, User

# A booking starts and ends on one local day (`rules.check_open`), so it is shorter than this. Bounding
# the start from below lets the (space_id, starts_at) index skip a space's whole history.
LONGEST_BOOKING = timedelta(days=1)


def overlapping(starts_at: datetime, ends_at: datetime) -> ColumnElement[bool]:
    """Active bookings that share an instant with `[starts_at, ends_at)` (intervals are half-open)."""
    return and_(Booking.status.in_(ACTIVE_STATUSES), Booking.starts_at < ends_at, Booking.ends_at > starts_at,
                Booking.starts_at > starts_at - LONGEST_BOOKING)


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
               *space_filters(kind=kind, floor_id=floor_id, zone_id=zone_id, min_capacity=min_capacity))
        .order_by(Space.floor_id, Space.name)
    )
    return list(map(SpaceRow._make, _rows(db, query)))


def _rows(db: Session, query: Select) -> list[Row]:
    """Plain rows through the session's connection: for thousands of rows, half the cost of `Session.execute`."""
    if db.autoflush:
        db.flush()  # as Session.execute would: the query sees what this transaction wrote
    return list(db.connection().execute(query).all())


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


# -- what the managers' pages count: a closure day's bookings, the approvals queue ---------------


def count_bookings_on(db: Session, venue: Venue, day: date) -> int:
    """Active bookings of the venue's spaces that start on that local day."""
    starts, ends = local_moment(day, time(), venue), local_moment(day + timedelta(days=1), time(), venue)
    query = (select(func.count()).select_from(Booking).join(Space, Space.id == Booking.space_id)
             .join(Floor, Floor.id == Space.floor_id)
             .where(Floor.venue_id == venue.id, Booking.status.in_(ACTIVE_STATUSES),
                    Booking.starts_at >= starts, Booking.starts_at < ends))
    return db.scalar(query) or 0


@dataclass(frozen=True)
class PendingBooking:
    """A booking awaiting approval, with who asked and when it is, on the venue's clock."""

    booking: Booking
    holder: str
    email: str
    startup: str | None
    day: date
    start: str
    end: str


def _pending(now: datetime) -> Select:
    return (select(Booking, User.name, User.email, Organisation.name)
            .join(User, User.id == Booking.user_id)
            .outerjoin(Organisation, Organisation.id == Booking.organisation_id)
            .where(Booking.status == BookingStatus.PENDING, Booking.ends_at > now))


def list_pending(db: Session, *, now: datetime, limit: int = 200) -> list[PendingBooking]:
    """Bookings awaiting approval that are not over, soonest first."""
    query = (_pending(now).options(joinedload(Booking.space).joinedload(Space.floor).joinedload(Floor.venue))
             .order_by(Booking.starts_at, Booking.id).limit(limit))
    rows = []
    for booking, name, email, startup in db.execute(query):
        venue = booking.space.floor.venue
        start, end = local_time(booking.starts_at, venue), local_time(booking.ends_at, venue)
        rows.append(PendingBooking(booking, name, email, startup, start.date(), f"{start:%H:%M}", f"{end:%H:%M}"))
    return rows


def count_pending(db: Session, *, now: datetime) -> int:
    return db.scalar(select(func.count()).select_from(_pending(now).subquery())) or 0
