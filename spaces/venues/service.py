"""Managers set up venues, their opening hours and closure days, floors and zones.

Each change is checked against the limits of the database's constraints first,
so that bad input comes back as a message beside its field, never as a 500.
Services flush, never commit: the caller owns the transaction.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from spaces.venues import permissions as _permissions  # noqa: F401  (registers "space.manage")
from spaces.venues.enums import SpaceKind
from spaces.venues.models import ClosureDay, Floor, OpeningHours, Space, Venue, Zone
from spaces.venues.rules import local_time, public_holiday
from totem import audit
from totem.errors import VALUE_OUT_OF_RANGE, Conflict, Invalid, NotFound
from totem.i18n import N_, said
from totem.identity.enums import OrganisationKind
from totem.identity.models import Organisation, User
from totem.permissions import require
from totem.time_zones import is_time_zone

MAX_GRACE_MINUTES = 240
MAX_PLAN_SIZE = 10_000
LEVELS = range(-20, 201)
HOLIDAYS_SHOWN_DAYS = 365


@dataclass(frozen=True)
class VenueData:
    name: str
    timezone: str
    observes_public_holidays: bool
    check_in_grace_minutes: int


@dataclass(frozen=True)
class FloorData:
    name: str
    level: int
    plan_width: int
    plan_height: int


@dataclass(frozen=True)
class DayOff:
    """An upcoming day the venue is closed: a closure day, or a French public holiday (`closure_id` None)."""

    day: date
    reason: str
    closure_id: int | None


# -- checks shared by every form ------------------------------------------------------------------


def check_name(value: str, field: str, max_length: int) -> str:
    text = value.strip()
    if not text:
        raise Invalid("This field is required.", field=field)
    if len(text) > max_length:
        raise Invalid("Keep it under {length} characters.", field=field, code=VALUE_OUT_OF_RANGE, length=max_length + 1)
    return text


def check_within(value: int, field: str, lowest: int, highest: int) -> None:
    if not lowest <= value <= highest:
        raise Invalid("Enter a number from {lowest} to {highest}.", field=field, code=VALUE_OUT_OF_RANGE, lowest=lowest,
                      highest=highest)


def check_not_negative(value: int | None, field: str) -> None:
    if value is not None and value < 0:
        raise Invalid("Enter 0 or more.", field=field)


def refuse_if(db: Session, query: Select, conflict: Conflict) -> None:
    if db.scalar(query.limit(1)) is not None:
        raise conflict


def flush_or_refuse(db: Session, conflict: Conflict) -> None:
    """A duplicate that slipped past the checks (a concurrent save) gets the same message; the caller rolls back."""
    try:
        db.flush()
    except IntegrityError:
        raise conflict from None


# -- venues ---------------------------------------------------------------------------------------


def list_venues(db: Session) -> list[Venue]:
    """Venues by name, with their floors."""
    return list(db.scalars(select(Venue).options(selectinload(Venue.floors)).order_by(Venue.name)))


def get_venue(db: Session, venue_id: int) -> Venue:
    """The venue with its opening hours and floors."""
    venue = db.scalar(select(Venue).where(Venue.id == venue_id)
                      .options(selectinload(Venue.opening_hours), selectinload(Venue.floors)))
    if venue is None:
        raise NotFound("No such venue.")
    return venue


def _check_venue(db: Session, data: VenueData, venue_id: int | None) -> str:
    name = check_name(data.name, "name", 200)
    if not is_time_zone(data.timezone):
        raise Invalid("Unknown time zone: choose one from the list, such as Europe/Paris.", field="timezone")
    check_within(data.check_in_grace_minutes, "check_in_grace_minutes", 0, MAX_GRACE_MINUTES)
    refuse_if(db, select(Venue.id).where(Venue.name == name, Venue.id != (venue_id or 0)), _venue_taken(name))
    return name


def _venue_taken(name: str) -> Conflict:
    return Conflict("Another venue is already called {name}.", field="name", name=name)


def save_venue(db: Session, *, actor: User, venue_id: int | None, data: VenueData, now: datetime) -> Venue:
    """Create a venue (`venue_id` None), closed every day until its hours are set, or change one."""
    require(actor, "space.manage")
    venue = get_venue(db, venue_id) if venue_id is not None else Venue(opening_hours=[], floors=[])
    name = _check_venue(db, data, venue_id)
    venue.name, venue.timezone = name, data.timezone
    venue.observes_public_holidays = data.observes_public_holidays
    venue.check_in_grace_minutes = data.check_in_grace_minutes
    db.add(venue)
    flush_or_refuse(db, _venue_taken(name))
    audit.record(db, actor=actor, action="venue.create" if venue_id is None else "venue.update", obj=venue, now=now,
                 summary=said(N_("{venue} ({zone}, check-in within {grace} min)"), venue=name, zone=data.timezone,
                              grace=data.check_in_grace_minutes))
    return venue


def set_opening_hours(
    db: Session, *, actor: User, venue_id: int, hours: dict[int, tuple[time, time] | None], now: datetime
) -> Venue:
    """Replace the venue's week: a weekday without hours is closed."""
    require(actor, "space.manage")
    venue = get_venue(db, venue_id)
    for weekday, span in sorted(hours.items()):
        if span is not None and span[1] <= span[0]:
            raise Invalid("Closing must come after opening.", field=f"closes_{weekday}")
    rows = {row.weekday: row for row in venue.opening_hours}
    for weekday in range(7):
        span, row = hours.get(weekday), rows.get(weekday)
        if span is None and row is not None:
            venue.opening_hours.remove(row)
        elif span is not None and row is not None:
            row.opens_at, row.closes_at = span
        elif span is not None:
            venue.opening_hours.append(OpeningHours(weekday=weekday, opens_at=span[0], closes_at=span[1]))
    db.flush()
    week = "; ".join(f"{day + 1} {span[0]:%H:%M}–{span[1]:%H:%M}" for day, span in sorted(hours.items()) if span)
    audit.record(db, actor=actor, action="venue.hours", obj=venue, now=now,
                 summary=said(N_("{venue}: opening hours by weekday (1 is Monday) {week}"), venue=venue.name,
                              week=week or "—"))
    return venue


# -- closure days ---------------------------------------------------------------------------------


def add_closure(db: Session, *, actor: User, venue_id: int, day: date, reason: str, now: datetime) -> ClosureDay:
    """Close the venue for a day from today on; bookings that day stay until someone cancels them."""
    require(actor, "space.manage")
    venue = get_venue(db, venue_id)
    reason = check_name(reason, "reason", 200)
    if day < local_time(now, venue).date():
        raise Invalid("Choose today or a later day.", field="day")
    taken = Conflict("{venue} is already closed on {day}.", field="day", venue=venue.name, day=day.isoformat())
    refuse_if(db, select(ClosureDay.id).where(ClosureDay.venue_id == venue.id, ClosureDay.day == day), taken)
    closure = ClosureDay(venue_id=venue.id, day=day, reason=reason)
    db.add(closure)
    flush_or_refuse(db, taken)
    audit.record(db, actor=actor, action="venue.close_day", obj=closure, now=now,
                 summary=said(N_("{venue} closed on {day}: {reason}"), venue=venue.name, day=day, reason=reason))
    return closure


def remove_closure(db: Session, *, actor: User, venue_id: int, closure_id: int, now: datetime) -> ClosureDay:
    require(actor, "space.manage")
    closure = db.get(ClosureDay, closure_id)
    if closure is None or closure.venue_id != venue_id:
        raise NotFound("No such closure day.")
    db.delete(closure)
    db.flush()
    audit.record(db, actor=actor, action="venue.reopen_day", obj=closure, now=now,
                 summary=said(N_("venue #{venue} open again on {day}"), venue=venue_id, day=closure.day))
    return closure


def list_days_off(db: Session, venue: Venue, *, now: datetime) -> list[DayOff]:
    """Closure days from today on, and the public holidays of the coming year where the venue observes them."""
    today = local_time(now, venue).date()
    closures = db.scalars(select(ClosureDay).where(ClosureDay.venue_id == venue.id, ClosureDay.day >= today))
    days = [DayOff(closure.day, closure.reason, closure.id) for closure in closures]
    if venue.observes_public_holidays:
        for offset in range(HOLIDAYS_SHOWN_DAYS):
            day = today + timedelta(days=offset)
            if (holiday := public_holiday(day)) is not None:
                days.append(DayOff(day, holiday, None))
    return sorted(days, key=lambda day_off: (day_off.day, day_off.closure_id is None))


# -- floors and zones -----------------------------------------------------------------------------


def get_floor(db: Session, floor_id: int) -> Floor:
    """The floor with its venue and zones."""
    floor = db.scalar(select(Floor).where(Floor.id == floor_id)
                      .options(joinedload(Floor.venue), selectinload(Floor.zones)))
    if floor is None:
        raise NotFound("No such floor.")
    return floor


def _floor_taken(name: str) -> Conflict:
    return Conflict("This venue already has a floor called {name}.", field="name", name=name)


def save_floor(
    db: Session, *, actor: User, data: FloorData, now: datetime, venue_id: int | None = None,
    floor_id: int | None = None,
) -> Floor:
    """Add a floor to a venue, or change one (`floor_id`); its plan may not shrink from under a space."""
    require(actor, "space.manage")
    floor = get_floor(db, floor_id) if floor_id is not None else Floor(venue_id=get_venue(db, venue_id or 0).id)
    name = check_name(data.name, "name", 100)
    check_within(data.level, "level", LEVELS.start, LEVELS.stop - 1)
    check_within(data.plan_width, "plan_width", 1, MAX_PLAN_SIZE)
    check_within(data.plan_height, "plan_height", 1, MAX_PLAN_SIZE)
    if floor_id is not None:
        outside = db.scalar(select(func.count()).select_from(Space).where(
            Space.floor_id == floor_id,
            or_(Space.x + Space.width > data.plan_width, Space.y + Space.height > data.plan_height)))
        if outside:
            raise Conflict("Spaces that would lie outside the smaller plan: {count}. Move or shrink them first.",
                           field="plan_width", count=outside)
    refuse_if(db, select(Floor.id).where(Floor.venue_id == floor.venue_id, Floor.name == name,
                                          Floor.id != (floor_id or 0)), _floor_taken(name))
    floor.name, floor.level, floor.plan_width, floor.plan_height = name, data.level, data.plan_width, data.plan_height
    db.add(floor)
    flush_or_refuse(db, _floor_taken(name))
    audit.record(db, actor=actor, action="floor.create" if floor_id is None else "floor.update", obj=floor, now=now,
                 summary=said(N_("{floor} (level {level}, plan {width}×{height})"), floor=name, level=data.level,
                              width=data.plan_width, height=data.plan_height))
    return floor


def save_zone(db: Session, *, actor: User, floor_id: int, zone_id: int | None, name: str, now: datetime) -> Zone:
    """Add a zone to a floor, or rename one; names are unique on a floor."""
    require(actor, "space.manage")
    floor = get_floor(db, floor_id)
    field = "zone_name" if zone_id is None else f"zone_{zone_id}"
    zone = Zone(floor_id=floor.id) if zone_id is None else next((z for z in floor.zones if z.id == zone_id), None)
    if zone is None:
        raise NotFound("No such zone.")
    name = check_name(name, field, 100)
    taken = Conflict("This floor already has a zone called {name}.", field=field, name=name)
    refuse_if(db, select(Zone.id).where(Zone.floor_id == floor.id, Zone.name == name, Zone.id != (zone_id or 0)),
               taken)
    zone.name = name
    db.add(zone)
    flush_or_refuse(db, taken)
    audit.record(db, actor=actor, action="zone.create" if zone_id is None else "zone.update", obj=zone, now=now,
                 summary=said(N_("{floor}: zone {zone}"), floor=floor.name, zone=name))
    return zone


# -- what the desk allocation and credits pages choose from ---------------------------------------


def list_startups(db: Session) -> list[Organisation]:
    return list(db.scalars(select(Organisation).where(Organisation.kind == OrganisationKind.STARTUP)
                           .order_by(Organisation.name)))


def list_dedicated_desks(db: Session, venue_id: int) -> list[Space]:
    """The venue's active dedicated desks, with their floor, by floor and name."""
    return list(db.scalars(select(Space).join(Floor, Floor.id == Space.floor_id).where(
        Floor.venue_id == venue_id, Space.kind == SpaceKind.DEDICATED_DESK, Space.is_active,
    ).options(joinedload(Space.floor)).order_by(Floor.level, Space.name)))


def user_names(db: Session, user_ids: set[int]) -> dict[int, str]:
    return dict(db.execute(select(User.id, User.name).where(User.id.in_(user_ids))).tuples().all())
