"""Managers' spaces: list a floor's, add and change them; deactivation keeps their bookings' history."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from spaces.booking import availability
from spaces.booking import service as booking_service
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.venues.enums import SpaceKind
from spaces.venues.labels import KIND_LABELS
from spaces.venues.models import Floor, Space
from spaces.venues.rules import local_time
from spaces.venues.service import check_name, check_within, flush_or_refuse, get_floor, refuse_if
from totem import audit
from totem.errors import VALUE_OUT_OF_RANGE, Conflict, Invalid
from totem.i18n import N_, said
from totem.identity.models import User
from totem.permissions import require

MAX_CAPACITY = 10_000
# Bookings that deactivating a space cancels: those not over yet that may still be cancelled.
CANCELLABLE = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


@dataclass(frozen=True)
class SpaceData:
    name: str
    kind: str
    capacity: int
    amenities: list[str]
    x: int
    y: int
    width: int
    height: int
    zone_id: int | None
    is_active: bool


def list_floor_spaces(
    db: Session, *, floor_id: int, kind: str | None = None, zone_id: int | None = None,
    active: bool | None = None, search: str = "",
) -> list[Space]:
    """The floor's spaces, active or not, with their zone, by name."""
    query = select(Space).where(Space.floor_id == floor_id).options(selectinload(Space.zone))
    if kind:
        query = query.where(Space.kind == kind)
    if zone_id is not None:
        query = query.where(Space.zone_id == zone_id)
    if active is not None:
        query = query.where(Space.is_active == active)
    if search.strip():
        query = query.where(func.lower(Space.name).contains(search.strip().lower(), autoescape=True))
    return list(db.scalars(query.order_by(Space.name)))


def list_upcoming_bookings(db: Session, space_id: int, now: datetime) -> list[Booking]:
    """Bookings of the space not over yet that could still be cancelled, by start."""
    return list(db.scalars(select(Booking).where(
        Booking.space_id == space_id, Booking.status.in_(CANCELLABLE), Booking.ends_at > now,
    ).order_by(Booking.starts_at)))


def _space_taken(name: str) -> Conflict:
    return Conflict("This floor already has a space called {name}.", field="name", name=name)


def _check_space(db: Session, floor: Floor, data: SpaceData, space_id: int | None) -> str:
    name = check_name(data.name, "name", 100)
    if data.kind not in {kind.value for kind in SpaceKind}:
        raise Invalid("Unknown kind of space.", field="kind")
    check_within(data.capacity, "capacity", 1, MAX_CAPACITY)
    if any(len(amenity) > 50 for amenity in data.amenities):
        raise Invalid("Keep each amenity under {length} characters.", field="amenities", code=VALUE_OUT_OF_RANGE,
                      length=51)
    check_within(data.x, "x", 0, floor.plan_width - 1)
    check_within(data.y, "y", 0, floor.plan_height - 1)
    for field, size, room in (("width", data.width, floor.plan_width - data.x),
                              ("height", data.height, floor.plan_height - data.y)):
        if not 1 <= size <= room:
            raise Invalid("Enter a size from 1 to {most}, so that the space fits on the floor plan.", field=field,
                          most=room)
    if data.zone_id is not None and data.zone_id not in {zone.id for zone in floor.zones}:
        raise Invalid("Choose a zone of this floor.", field="zone_id")
    refuse_if(db, select(Space.id).where(Space.floor_id == floor.id, Space.name == name,
                                          Space.id != (space_id or 0)), _space_taken(name))
    return name


def save_space(
    db: Session, *, actor: User, data: SpaceData, now: datetime, floor_id: int | None = None,
    space_id: int | None = None, cancel_bookings: bool = False,
) -> tuple[Space, int]:
    """Add a space to a floor or change one (`space_id`); returns it and how many bookings its deactivation cancelled.

    A space with bookings still to come is deactivated only with `cancel_bookings`:
    they are then cancelled one by one, as their holders would, with the actor
    named in the audit log.
    """
    require(actor, "space.manage")
    space = availability.get_space(db, space_id) if space_id is not None else Space(floor_id=floor_id or 0)
    floor = get_floor(db, space.floor_id)
    name = _check_space(db, floor, data, space_id)
    deactivating = space_id is not None and space.is_active and not data.is_active
    upcoming = list_upcoming_bookings(db, space.id, now) if deactivating else []
    if upcoming and not cancel_bookings:
        first = local_time(upcoming[0].starts_at, floor.venue).date()
        raise Conflict(
            "Bookings to come for {space}: {count}, the first on {day}. Tick “Cancel them” to deactivate it.",
            field="is_active", space=space.name, count=len(upcoming), day=first.isoformat())
    space.name, space.kind, space.capacity, space.amenities = name, data.kind, data.capacity, list(data.amenities)
    space.x, space.y, space.width, space.height = data.x, data.y, data.width, data.height
    space.zone_id, space.is_active = data.zone_id, data.is_active
    db.add(space)
    flush_or_refuse(db, _space_taken(name))
    # Deactivated first: the slots these cancellations free are then not offered to the waitlist.
    for booking in upcoming:
        booking_service.cancel_booking(db, actor=actor, booking_id=booking.id, now=now)
    words = {"floor": floor.name, "space": name, "kind": [KIND_LABELS[SpaceKind(data.kind)]], "seats": data.capacity}
    summary = (said(N_("{floor} / {space} ({kind}, {seats} seats, active)"), **words) if data.is_active else
               said(N_("{floor} / {space} ({kind}, {seats} seats, inactive, {cancelled} bookings cancelled)"), **words,
                    cancelled=len(upcoming)))
    audit.record(db, actor=actor, action="space.create" if space_id is None else "space.update", obj=space, now=now,
                 summary=summary)
    return space, len(upcoming)
