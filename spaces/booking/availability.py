"""Finding spaces: the venues and spaces to choose from, those free for a whole window, a space's free slots.

Free means no active booking overlaps (the one overlap helper, `queries.overlapping`) in a venue open for
the whole window on its wall clock."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from spaces.booking import queries
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Floor, Space, Venue, Zone
from spaces.venues.rules import free_intervals, is_open_for, local_moment, local_time, policy_from, public_holiday
from totem.errors import Invalid, NotFound


# Desks are many and alike: one waits for a room, not for a desk.
WAITLIST_KINDS = (SpaceKind.MEETING_ROOM, SpaceKind.PHONE_BOOTH, SpaceKind.EVENT_SPACE)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


def list_venues(db: Session) -> list[Venue]:
    """Venues by name, with their opening hours."""
    return venue_queries.list_venues(db)


def list_spaces(
    db: Session, *, kind: str | None = None, floor_id: int | None = None, zone_id: int | None = None,
    min_capacity: int | None = None,
) -> list[Space]:
    """Active spaces matching the filters, by floor and name."""
    _check_kind(kind)
    return venue_queries.list_spaces(db, kind=kind, floor_id=floor_id, zone_id=zone_id, min_capacity=min_capacity)


def get_space(db: Session, space_id: int) -> Space:
    space = venue_queries.get_space(db, space_id)
    if space is None:
        raise NotFound("No such space.")
    return space


def find_available_spaces(
    db: Session, *, starts_at: datetime, ends_at: datetime, kind: str | None = None,
    min_capacity: int | None = None, amenities: Iterable[str] = (), floor_id: int | None = None,
    zone_id: int | None = None,
) -> list[venue_queries.SpaceRow]:
    """Active spaces with every wanted amenity, in a venue open for the whole window, and free all along it.

    Named tuples of the columns of `Space` that a list shows (`queries.SpaceRow`: id, name, kind, capacity,
    floor_id, zone_id, amenities), not `Space` objects: a search may find thousands of desks. Buffers between
    bookings are not counted here: booking may still refuse a space booked right before or after the window.
    """
    if ends_at <= starts_at:
        raise Invalid("The end must be after the start.", field="ends_at")
    _check_kind(kind)
    venue_ids = _venues_open_for(db, starts_at, ends_at)
    if not venue_ids:
        return []
    spaces = queries.list_free_spaces(db, starts_at=starts_at, ends_at=ends_at, venue_ids=venue_ids, kind=kind,
                                      floor_id=floor_id, zone_id=zone_id, min_capacity=min_capacity)
    # JSON lists have no portable SQL containment; the rows are already few here.
    wanted = set(amenities)
    return [space for space in spaces if wanted <= set(space.amenities)] if wanted else spaces


def find_taken_spaces(
    db: Session, *, starts_at: datetime, ends_at: datetime, kind: str | None = None, min_capacity: int | None = None,
    floor_id: int | None = None, zone_id: int | None = None,
) -> list[Space]:
    """Rooms, booths and event spaces that would fit but are taken at some point of the window: those one may wait for."""
    place = {"floor_id": floor_id, "zone_id": zone_id}
    free = {space.id for space in find_available_spaces(db, starts_at=starts_at, ends_at=ends_at, kind=kind,
                                                        min_capacity=min_capacity, **place)}
    open_venues, venue_of = set(_venues_open_for(db, starts_at, ends_at)), venue_queries.floor_venue_ids(db)
    return [space for space in list_spaces(db, kind=kind, min_capacity=min_capacity, **place)
            if space.kind in WAITLIST_KINDS and space.id not in free and venue_of[space.floor_id] in open_venues]


@dataclass(frozen=True)
class PlaceGroup:
    """The free spaces of one floor and zone, as many as the page shows, and how many there are in all."""

    floor_id: int
    zone_id: int | None
    floor: str
    zone: str | None
    spaces: list[venue_queries.SpaceRow | Space]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.spaces)


def group_by_place(spaces: Iterable[venue_queries.SpaceRow | Space], *, floors: Iterable[Floor], zones: Iterable[Zone],
                   shown: int) -> list[PlaceGroup]:
    """The spaces by floor (lowest first) and zone (rooms before desks, zones before the spaces in none), at most
    `shown` of each group.

    Hundreds of desks found at once read as a handful of groups, each of which one then opens on its own.
    """
    levels = {floor.id: (floor.level, floor.name) for floor in floors}
    zone_names = {zone.id: zone.name for zone in zones}
    grouped: dict[tuple[int, int | None], list[venue_queries.SpaceRow | Space]] = {}
    for space in spaces:
        grouped.setdefault((space.floor_id, space.zone_id), []).append(space)
    def rank(key: tuple[int, int | None]) -> tuple:
        is_desks = all(space.kind not in WAITLIST_KINDS for space in grouped[key])
        return levels.get(key[0], (0, ""))[0], key[0], is_desks, key[1] is None, zone_names.get(key[1] or 0, "")

    order = sorted(grouped, key=rank)
    return [PlaceGroup(floor_id, zone_id, levels.get(floor_id, (0, ""))[1], zone_names.get(zone_id) if zone_id else None,
                       grouped[(floor_id, zone_id)][:shown], len(grouped[(floor_id, zone_id)]))
            for floor_id, zone_id in order]


def list_free_slots(db: Session, *, space_id: int, day: date, now: datetime | None = None) -> list[Slot]:
    """The free stretches of a space within its venue's opening hours on a local day, buffers kept free."""
    space = get_space(db, space_id)
    venue = space.floor.venue
    hours = venue_queries.get_opening_hours(db, venue.id, day.weekday())
    closed = venue_queries.get_closure(db, venue.id, day) or (venue.observes_public_holidays and public_holiday(day))
    if hours is None or closed or not space.is_active:
        return []
    opens, closes = local_moment(day, hours.opens_at, venue), local_moment(day, hours.closes_at, venue)
    if now is not None:
        opens = max(opens, now)
    policy = policy_from(venue_queries.get_rule_for(db, space))
    buffer = timedelta(minutes=policy.buffer_minutes)
    busy = [(start - buffer, end + buffer)
            for start, end in queries.list_busy(db, space.id, opens - buffer, closes + buffer)]
    shortest = timedelta(minutes=policy.min_minutes or 1)
    return [Slot(start.astimezone(UTC), end.astimezone(UTC))
            for start, end in free_intervals(opens, closes, busy) if end - start >= shortest]


def _venues_open_for(db: Session, starts_at: datetime, ends_at: datetime) -> list[int]:
    # Whatever its time zone, a venue's local day of `starts_at` is within a day of its UTC date.
    utc_day = starts_at.astimezone(UTC).date()
    open_ids = []
    for venue in venue_queries.list_venue_calendars(db, [utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1)]):
        day = local_time(starts_at, venue).date()
        if is_open_for(venue, starts_at, ends_at, venue.hours.get(day.weekday()), venue.closures.get(day)):
            open_ids.append(venue.id)
    return open_ids


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in {k.value for k in SpaceKind}:
        raise Invalid("Unknown kind of space.", field="kind")
