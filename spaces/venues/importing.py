"""The spaces' kinds of import and export: spaces (venues, floors and zones on the way), bookings, calendars.

Registered on import of this module; the columns are documented in the README ("Import and export").
"""
from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaces.venues.enums import SpaceKind
from spaces.venues.models import Floor, Space, Venue, Zone
from spaces.venues.service import LEVELS
from totem.i18n import N_
from totem.importing import ImportResult, Line, Options, Row, read_csv, register_kind, split_list
from totem.time_zones import is_time_zone

SPACE_COLUMNS = ("venue", "floor", "zone", "name", "kind", "capacity", "amenities")
SPACE_OPTIONAL = ("level", "timezone", "active")
DEFAULT_TIMEZONE = "Europe/Paris"
# New floors get the demo's plan size: managers lay the spaces out on the Spaces admin page.
PLAN_WIDTH, PLAN_HEIGHT = 600, 400
YES, NO = {"yes", "true", "1", "oui", ""}, {"no", "false", "0", "non"}
KINDS = {kind.value for kind in SpaceKind}


def import_spaces(db: Session, data: bytes, result: ImportResult, options: Options) -> None:
    """Create or update spaces keyed by (venue, floor, name); their venue, floor and zone are created when new."""
    rows = read_csv(data, required=("venue", "floor", "name", "kind"), optional=SPACE_COLUMNS + SPACE_OPTIONAL)
    venues = {venue.name: venue for venue in db.scalars(select(Venue))}
    floors = {(floor.venue_id, floor.name): floor for floor in db.scalars(select(Floor))}
    zones = {(zone.floor_id, zone.name): zone for zone in db.scalars(select(Zone))}
    spaces = {(space.floor_id, space.name): space for space in db.scalars(select(Space))}
    seen: dict[tuple[str, str, str], int] = {}
    for row in rows:
        values = _space_values(row, result)
        if values is None:
            continue
        key = (values["venue"], values["floor"], values["name"])
        if key in seen:
            result.refuse(row.line, N_("Line {line} already describes space {space} on this floor."),
                          line=seen[key], space=values["name"])
            continue
        seen[key] = row.line
        venue = venues.get(values["venue"])
        if venue is None:
            venue = Venue(name=values["venue"], timezone=values["timezone"] or DEFAULT_TIMEZONE)
            db.add(venue)
            db.flush()
            venues[venue.name] = venue
        elif values["timezone"] and values["timezone"] != venue.timezone:
            result.refuse(row.line, N_("Venue {venue} is in the time zone {timezone}: an import does not move it."),
                          venue=venue.name, timezone=venue.timezone)
            continue
        floor = floors.get((venue.id, values["floor"]))
        if floor is None:
            floor = Floor(venue_id=venue.id, name=values["floor"], level=values["level"] or 0,
                          plan_width=PLAN_WIDTH, plan_height=PLAN_HEIGHT)
            db.add(floor)
            db.flush()
            floors[(venue.id, floor.name)] = floor
        zone = None
        if values["zone"]:
            zone = zones.get((floor.id, values["zone"]))
            if zone is None:
                zone = Zone(floor_id=floor.id, name=values["zone"])
                db.add(zone)
                db.flush()
                zones[(floor.id, zone.name)] = zone
        wanted = {"zone_id": zone.id if zone else None, "kind": values["kind"], "capacity": values["capacity"],
                  "amenities": values["amenities"], "is_active": values["active"]}
        summary = f"{venue.name} / {floor.name} / {values['name']}"
        space = spaces.get((floor.id, values["name"]))
        if space is None:
            space = Space(floor_id=floor.id, name=values["name"], **wanted)
            db.add(space)
            spaces[(floor.id, space.name)] = space
            result.created.append(Line(row.line, summary))
        elif any(getattr(space, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(space, name, value)
            result.updated.append(Line(row.line, summary))
        else:
            result.unchanged += 1
    db.flush()


def _space_values(row: Row, result: ImportResult) -> dict | None:
    """The line's checked values, or None once its refusal is recorded."""
    values: dict = {name: row.get(name) for name in ("venue", "floor", "zone", "name", "timezone")}
    for column, longest in (("venue", 200), ("floor", 100), ("name", 100), ("zone", 100)):
        if column != "zone" and not values[column]:
            result.refuse(row.line, N_("The column {column} is empty."), column=column)
            return None
        if len(values[column]) > longest:
            result.refuse(row.line, N_("Keep {column} under {length} characters."), column=column, length=longest + 1)
            return None
    kind = row.get("kind")
    if kind not in KINDS:
        result.refuse(row.line, N_("Unknown kind of space {kind}: write one of {kinds}."), kind=kind,
                      kinds=", ".join(sorted(KINDS)))
        return None
    values["kind"] = kind
    try:
        values["capacity"] = int(row.get("capacity") or 1)
        values["level"] = int(row.get("level")) if row.get("level") else None
    except ValueError:
        result.refuse(row.line, N_("Capacity and level are whole numbers."))
        return None
    if values["capacity"] < 1 or (values["level"] is not None and values["level"] not in LEVELS):
        result.refuse(row.line, N_("The capacity must be at least 1, the level between {lowest} and {highest}."),
                      lowest=LEVELS.start, highest=LEVELS.stop - 1)
        return None
    if values["timezone"] and not is_time_zone(values["timezone"]):
        result.refuse(row.line, N_("Unknown time zone {timezone}."), timezone=values["timezone"])
        return None
    active = row.get("active").lower()
    if active not in YES | NO:
        result.refuse(row.line, N_("Write yes or no in the column active."))
        return None
    values["active"] = active in YES
    values["amenities"] = split_list(row.get("amenities"))
    return values


def export_spaces(db: Session) -> Iterator[Sequence[str]]:
    """Every space, active or not, by venue, floor level and name."""
    yield (*SPACE_COLUMNS, *SPACE_OPTIONAL)
    query = (select(Space, Floor, Venue, Zone.name)
             .join(Floor, Floor.id == Space.floor_id).join(Venue, Venue.id == Floor.venue_id)
             .outerjoin(Zone, Zone.id == Space.zone_id)
             .order_by(Venue.name, Floor.level, Floor.name, Space.name))
    for space, floor, venue, zone_name in db.execute(query):
        yield (venue.name, floor.name, zone_name or "", space.name, space.kind, str(space.capacity),
               "|".join(space.amenities), str(floor.level), venue.timezone, "yes" if space.is_active else "no")


register_kind("spaces", import_spaces, export_spaces, label=N_("Spaces"))
