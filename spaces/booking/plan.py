"""What the floor plan and the room timeline show: who holds which space, when.

Read-only views over bookings, shaped for drawing; they show names only to
those allowed to see them (staff, the booker and their start-up).
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from spaces.booking import queries
from spaces.booking.enums import ACTIVE_STATUSES, BookingStatus
from spaces.booking.models import Booking
from spaces.venues import access
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Floor, Space, Venue, Zone
from spaces.venues.rules import local_moment, local_time
from totem.errors import NotFound
from totem.identity.models import Organisation, User
from totem.permissions import is_staff, member_organisation_ids

TIMELINE_KINDS = (SpaceKind.MEETING_ROOM, SpaceKind.EVENT_SPACE)
# Shown when the venue has no opening hours that day, so that the grid still reads.
DEFAULT_DAY = (time(8, 0), time(20, 0))


class PlanSpace(NamedTuple):
    """What the plan draws of a space. Hundreds a floor: named tuples read fast in the template."""

    id: int
    name: str
    kind: str
    x: int
    y: int
    width: int
    height: int


class Holding(NamedTuple):
    """The booking that holds a space at the plan's time."""

    space_id: int
    user_id: int
    organisation_id: int | None
    status: str


class PlacedSpace(NamedTuple):
    space: PlanSpace
    state: str  # free, taken, mine, checked_in, allocated (a dedicated desk given to a start-up)
    holder: str | None  # who holds it, for those who may know

    @property
    def labelled(self) -> bool:
        """Rooms are big enough on the plan to carry their name; desks and booths only a tooltip."""
        return self.space.kind in TIMELINE_KINDS


@dataclass(frozen=True)
class FloorPlan:
    floor: Floor
    at: datetime
    spaces: list[PlacedSpace]

    def count(self, state: str) -> int:
        return sum(1 for placed in self.spaces if placed.state == state)


@dataclass(frozen=True)
class TimelineBlock:
    booking: Booking
    offset_minutes: int  # from the start of the grid
    length_minutes: int
    label: str
    mine: bool


@dataclass(frozen=True)
class TimelineRow:
    space: Space
    blocks: list[TimelineBlock]


@dataclass(frozen=True)
class Timeline:
    venue: Venue
    day: date
    starts_at: datetime
    minutes: int
    hours: list[tuple[int, str]]  # offset in minutes, "09:00"
    rows: list[TimelineRow]


def list_floors(db: Session) -> list[Floor]:
    return list(db.scalars(select(Floor).options(joinedload(Floor.venue)).order_by(Floor.venue_id, Floor.level)))


def list_zones(db: Session) -> list[Zone]:
    """Every zone, floor by floor."""
    return list(db.scalars(select(Zone).join(Floor, Floor.id == Zone.floor_id)
                           .order_by(Floor.venue_id, Floor.level, Zone.name)))


def get_floor(db: Session, floor_id: int) -> Floor:
    floor = db.scalar(select(Floor).where(Floor.id == floor_id).options(joinedload(Floor.venue)))
    if floor is None:
        raise NotFound("No such floor.")
    return floor


# What the plan draws of a space and of the booking holding it: hundreds of desks a floor, read as rows.
_PLAN_SPACES = (select(Space.id, Space.name, Space.kind, Space.x, Space.y, Space.width, Space.height)
                .where(Space.floor_id == bindparam("floor_id"), Space.is_active).order_by(Space.name))
_HOLDING = (select(Booking.space_id, Booking.user_id, Booking.organisation_id, Booking.status)
            .join(Space, Space.id == Booking.space_id)
            .where(Space.floor_id == bindparam("floor_id"), Booking.status.in_(ACTIVE_STATUSES),
                   # Held at the instant `at`, as `queries.overlapping(at, at + 1 µs)`.
                   Booking.starts_at <= bindparam("at"), Booking.ends_at > bindparam("at"),
                   Booking.starts_at > bindparam("since")))


def floor_plan(db: Session, *, floor: Floor, at: datetime, viewer: User) -> FloorPlan:
    """Every active space of the floor and whether it is held at `at`."""
    if db.autoflush:
        db.flush()  # the rows below come through the connection, past the session's autoflush
    connection = db.connection()
    spaces = list(map(PlanSpace._make, connection.execute(_PLAN_SPACES, {"floor_id": floor.id})))
    holding = {booking.space_id: booking for booking in map(Holding._make, connection.execute(
        _HOLDING, {"floor_id": floor.id, "at": at, "since": at - queries.LONGEST_BOOKING}))}
    staff, own_startups = is_staff(viewer), member_organisation_ids(viewer)
    # Names only of the holders the viewer may see: a member sees a handful of a floor's hundreds.
    shown = [booking for booking in holding.values() if _may_see_holder(booking, viewer, own_startups, staff)]
    names = _names(db, shown)
    allocated = access.allocated_desk_ids(
        db, [space.id for space in spaces if space.kind == SpaceKind.DEDICATED_DESK], local_time(at, floor.venue).date()
    )
    startups = _startup_names(db, allocated.values())
    placed = []
    for space in spaces:
        booking = holding.get(space.id)
        if booking is None and space.id in allocated:
            startup_id = allocated[space.id]
            holder = startups[startup_id] if staff or startup_id in own_startups else None
            placed.append(PlacedSpace(space, "allocated", holder))
            continue
        if booking is None:
            placed.append(PlacedSpace(space, "free", None))
            continue
        holder = names.get(booking.user_id) if _may_see_holder(booking, viewer, own_startups, staff) else None
        placed.append(PlacedSpace(space, _state(booking, viewer), holder))
    return FloorPlan(floor, at, placed)


def _names(db: Session, bookings: Iterable[Booking | Holding]) -> dict[int, str]:
    user_ids = {booking.user_id for booking in bookings}
    if not user_ids:
        return {}
    rows = db.execute(select(User.id, User.name).where(User.id.in_(user_ids)))
    return {user_id: name for user_id, name in rows}


def _startup_names(db: Session, organisation_ids: Iterable[int]) -> dict[int, str]:
    ids = set(organisation_ids)
    if not ids:
        return {}
    return dict(db.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).tuples().all())


def _state(booking: Booking | Holding, viewer: User) -> str:
    if booking.user_id == viewer.id:
        return "mine"
    return "checked_in" if booking.status == BookingStatus.CHECKED_IN else "taken"


def _may_see_holder(booking: Booking | Holding, viewer: User, own_startups: set[int], staff: bool | None = None) -> bool:
    staff = is_staff(viewer) if staff is None else staff
    return staff or booking.user_id == viewer.id or booking.organisation_id in own_startups


def room_timeline(db: Session, *, venue: Venue, day: date, viewer: User) -> Timeline:
    """The venue's rooms and their bookings on a local day, laid out in minutes from opening."""
    hours = venue_queries.get_opening_hours(db, venue.id, day.weekday())
    opens, closes = (hours.opens_at, hours.closes_at) if hours else DEFAULT_DAY
    starts_at, ends_at = local_moment(day, opens, venue), local_moment(day, closes, venue)
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    rooms = list(db.scalars(
        select(Space).join(Floor, Floor.id == Space.floor_id)
        .where(Floor.venue_id == venue.id, Space.kind.in_(TIMELINE_KINDS), Space.is_active)
        .options(joinedload(Space.floor)).order_by(Floor.level, Space.name)
    ))
    bookings = list(db.scalars(
        select(Booking).where(Booking.space_id.in_([room.id for room in rooms]), queries.overlapping(starts_at, ends_at))
        .order_by(Booking.starts_at)
    ))
    by_room: dict[int, list[Booking]] = {room.id: [] for room in rooms}
    for booking in bookings:
        by_room[booking.space_id].append(booking)
    grid = _Grid(venue, starts_at, ends_at, viewer, member_organisation_ids(viewer), _names(db, bookings))
    rows = [TimelineRow(room, [grid.block(booking) for booking in by_room[room.id]]) for room in rooms]
    return Timeline(venue, day, starts_at, minutes, _hour_marks(starts_at, minutes, venue), rows)


@dataclass(frozen=True)
class _Grid:
    """Lays one day's bookings out in minutes from the grid's start."""

    venue: Venue
    starts_at: datetime
    ends_at: datetime
    viewer: User
    own_startups: set[int]
    names: dict[int, str]

    def block(self, booking: Booking) -> TimelineBlock:
        start, end = max(booking.starts_at, self.starts_at), min(booking.ends_at, self.ends_at)
        local_start, local_end = local_time(booking.starts_at, self.venue), local_time(booking.ends_at, self.venue)
        label = f"{local_start:%H:%M}–{local_end:%H:%M}"
        if _may_see_holder(booking, self.viewer, self.own_startups):
            label = f"{label} {booking.title or self.names[booking.user_id]}"
        return TimelineBlock(
            booking=booking,
            offset_minutes=int((start - self.starts_at).total_seconds() // 60),
            length_minutes=max(int((end - start).total_seconds() // 60), 1),
            label=label,
            mine=booking.user_id == self.viewer.id,
        )


def _hour_marks(starts_at: datetime, minutes: int, venue: Venue) -> list[tuple[int, str]]:
    first = local_time(starts_at, venue)
    marks = []
    offset = (60 - first.minute) % 60
    while offset <= minutes:
        marks.append((offset, f"{first + timedelta(minutes=offset):%H:%M}"))
        offset += 60
    return marks
