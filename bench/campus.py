"""The Station F-sized campus: one venue, four floors of 750 desks, 60 rooms, 1,000 start-ups and their members.

Rows go in through SQLAlchemy Core with explicit column dicts: columns that
other features add later keep their defaults. Everything derives from a
seeded `random.Random`, so that one seed gives one campus.
"""
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import Connection, Table, insert

from spaces.demo import KIND_RULES, MENTOR_ZONE_RULE
from spaces.venues.enums import SpaceKind
from spaces.venues.models import BookingRule, ClosureDay, Floor, OpeningHours, Space, Venue, Zone
from totem.identity.enums import Role
from totem.identity.models import Membership, Organisation, User, UserRole

VENUE_NAME = "Campus"
TIMEZONE = "Europe/Paris"
# Every account of the campus has this password (one argon2 hash, computed once).
PASSWORD = "bench-password-2026"
MANAGER_EMAIL = "manager@campus.example"
ADMIN_EMAIL = "admin@campus.example"
# weekday -> (opens, closes); Sunday closed.
OPENING_HOURS = {**{day: (time(8), time(20)) for day in range(5)}, 5: (time(10), time(18))}

FLOOR_NAMES = ("Rez-de-chaussée", "1er étage", "2e étage", "3e étage")
DESKS_PER_FLOOR = 750
DEDICATED_PER_FLOOR = 150  # the first three rows, by the windows
DESK_COLUMNS = 50
# Fifteen rooms a floor, sixty in all.
ROOM_CAPACITIES = (4, 4, 6, 6, 8, 8, 10, 12, 2, 4, 6, 8, 4, 6, 16)
BOOTHS_PER_FLOOR = 6
# Decimetres: 152 m by 86 m.
PLAN_WIDTH, PLAN_HEIGHT = 1520, 860
MENTOR_ROOMS_LEVEL = 3
DEDICATED_DESKS_PER_STARTUP = 3
SCREEN, VIDEO, WHITEBOARD = "screen", "videoconference", "whiteboard"

STARTUPS = 1000
PREFIXES = ("Ocean", "Kelp", "Urba", "Nova", "Green", "Blue", "Solar", "Terra", "Aero", "Bio", "Cyber", "Data",
            "Deep", "Eco", "Flex", "Geo", "Hexa", "Info", "Kine", "Lumi", "Meta", "Neuro", "Opti", "Pixel", "Quanta")
SUFFIXES = ("watt", "flux", "lab", "ly", "tech", "works", "hub", "scope", "sense", "grid", "mind", "wave", "loop",
            "stack", "forge", "bloom", "path", "nest", "care", "mobility", "farm", "print", "ai", "cloud", "kit",
            "port", "base", "cell", "craft", "shift", "spark", "trace", "vision", "yard", "zen", "link", "dock",
            "pulse", "ware", "field")
FIRST_NAMES = ("nadia", "hugo", "sam", "lea", "yves", "claire", "lucas", "emma", "louis", "chloe", "jules", "ines",
               "adam", "lina", "arthur", "jade", "paul", "alice", "noah", "rose", "leo", "anna", "tom", "mia",
               "karim", "sofia", "malik", "zoe", "theo", "nina")
LAST_NAMES = ("martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy", "moreau",
              "simon", "laurent", "lefebvre", "michel", "garcia", "david", "bertrand", "roux", "vincent", "fournier",
              "morel", "girard", "andre", "mercier", "blanc", "guerin", "boyer", "garnier", "chevalier", "francois")


@dataclass(frozen=True)
class PlacedSpace:
    id: int
    kind: str
    level: int
    capacity: int
    owner_id: int | None = None  # the start-up a dedicated desk is allocated to


@dataclass
class Campus:
    """What the bookings and the benchmarks need to know of the campus, by id."""

    venue_id: int
    floor_ids: list[int]
    spaces: list[PlacedSpace]
    # start-up id -> its members' user ids
    members: dict[int, list[int]]
    staff_ids: list[int] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[PlacedSpace]:
        return [space for space in self.spaces if space.kind == kind]


def build_campus(conn: Connection, rng: random.Random, *, now: datetime, password_hash: str) -> Campus:
    """Insert the venue, its floors, spaces and rules, the start-ups and their members."""
    venue_id = _insert(conn, Venue.__table__, [{
        "name": VENUE_NAME, "timezone": TIMEZONE, "observes_public_holidays": True, "check_in_grace_minutes": 15,
    }])[0]
    _insert(conn, OpeningHours.__table__, [
        {"venue_id": venue_id, "weekday": weekday, "opens_at": opens, "closes_at": closes}
        for weekday, (opens, closes) in OPENING_HOURS.items()
    ])
    conn.execute(insert(ClosureDay.__table__), [
        {"venue_id": venue_id, "day": day, "reason": reason} for day, reason in closure_days(now).items()
    ])
    floor_ids = _insert(conn, Floor.__table__, [
        {"venue_id": venue_id, "name": name, "level": level, "plan_width": PLAN_WIDTH, "plan_height": PLAN_HEIGHT}
        for level, name in enumerate(FLOOR_NAMES)
    ])
    startups = _insert_startups(conn, rng, now)
    members = _insert_members(conn, rng, startups, now=now, password_hash=password_hash)
    staff_ids = _insert_staff(conn, now=now, password_hash=password_hash)
    owners = [startup for startup in startups for _ in range(DEDICATED_DESKS_PER_STARTUP)]
    spaces, mentor_zone = [], None
    for level, floor_id in enumerate(floor_ids):
        zones = _insert_zones(conn, floor_id, level)
        if level == MENTOR_ROOMS_LEVEL:
            mentor_zone = zones["rooms"]
        spaces += _insert_spaces(conn, floor_id, level, zones, owners[level * DEDICATED_PER_FLOOR:])
    rules = [_rule(venue_id, values, space_kind=kind) for kind, values in KIND_RULES.items()]
    rules.append(_rule(venue_id, MENTOR_ZONE_RULE, zone_id=mentor_zone))
    conn.execute(insert(BookingRule.__table__), rules)
    return Campus(venue_id, floor_ids, spaces, members, staff_ids)


def closure_days(now: datetime) -> dict[date, str]:
    """The days the campus closes besides Sundays and public holidays, around `now`."""
    return {date(year, month, day): reason for year in (now.year - 1, now.year, now.year + 1)
            for month, day, reason in ((12, 24, "Veille de Noël"), (12, 31, "Saint-Sylvestre"), (8, 14, "Pont"))}


def _insert(conn: Connection, table: Table, rows: list[dict]) -> list[int]:
    """Insert the rows and return their ids, in the rows' order."""
    result = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


def _insert_startups(conn: Connection, rng: random.Random, now: datetime) -> list[int]:
    names = [prefix + suffix for prefix in PREFIXES for suffix in SUFFIXES]
    rng.shuffle(names)
    return _insert(conn, Organisation.__table__, [
        {"name": name, "kind": "startup", "created_at": now} for name in names[:STARTUPS]
    ])


def _insert_members(conn: Connection, rng: random.Random, startups: list[int], *, now: datetime,
                    password_hash: str) -> dict[int, list[int]]:
    """Two to four members a start-up, each in one start-up."""
    users, owners = [], []
    for index, startup_id in enumerate(startups):
        for n in range(rng.randint(2, 4)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            users.append(_user(rng, f"{first}.{last}.{index}.{n}@startup{index:04d}.example",
                               f"{first.title()} {last.title()}", now, password_hash))
            owners.append(startup_id)
    user_ids = _insert(conn, User.__table__, users)
    conn.execute(insert(UserRole.__table__), [{"user_id": user_id, "role": Role.MEMBER} for user_id in user_ids])
    conn.execute(insert(Membership.__table__), [
        {"user_id": user_id, "organisation_id": startup_id, "created_at": now}
        for user_id, startup_id in zip(user_ids, owners, strict=True)
    ])
    members: dict[int, list[int]] = {startup_id: [] for startup_id in startups}
    for user_id, startup_id in zip(user_ids, owners, strict=True):
        members[startup_id].append(user_id)
    return members


def _insert_staff(conn: Connection, *, now: datetime, password_hash: str) -> list[int]:
    rng = random.Random(0)  # the staff's tokens do not shift the members'
    staff = ((MANAGER_EMAIL, "Camille Manager", Role.MANAGER), (ADMIN_EMAIL, "Alex Admin", Role.ADMIN))
    ids = _insert(conn, User.__table__, [_user(rng, email, name, now, password_hash) for email, name, _ in staff])
    conn.execute(insert(UserRole.__table__), [
        {"user_id": user_id, "role": role} for user_id, (_, _, role) in zip(ids, staff, strict=True)
    ])
    return ids


def _user(rng: random.Random, email: str, name: str, now: datetime, password_hash: str) -> dict:
    locale = "en" if rng.random() < 0.2 else "fr"
    return {"email": email, "name": name, "password_hash": password_hash, "locale": locale,
            "is_active": True, "created_at": now, "calendar_token": f"{rng.getrandbits(192):048x}"}


def _insert_zones(conn: Connection, floor_id: int, level: int) -> dict[str, int]:
    names = {
        "dedicated": f"Résidents {level}", "north": f"Open space {level} Nord", "south": f"Open space {level} Sud",
        "rooms": "Salons mentors" if level == MENTOR_ROOMS_LEVEL else f"Salles {level}",
    }
    ids = _insert(conn, Zone.__table__, [{"floor_id": floor_id, "name": name} for name in names.values()])
    return dict(zip(names, ids, strict=True))


def _insert_spaces(conn: Connection, floor_id: int, level: int, zones: dict[str, int],
                   owners: list[int]) -> list[PlacedSpace]:
    rows = _desks(floor_id, level, zones) + _rooms(floor_id, level, zones["rooms"]) + _booths(floor_id, level)
    if level == 0:
        rows.append({"floor_id": floor_id, "zone_id": None, "name": "Agora", "kind": SpaceKind.EVENT_SPACE,
                     "capacity": 300, "amenities": [SCREEN, VIDEO, "sound_system", "stage"],
                     "x": 1360, "y": 420, "width": 140, "height": 380})
    ids = _insert(conn, Space.__table__, rows)
    placed = []
    for space_id, row in zip(ids, rows, strict=True):
        owner = owners.pop(0) if row["kind"] == SpaceKind.DEDICATED_DESK else None
        placed.append(PlacedSpace(space_id, row["kind"], level, row["capacity"], owner))
    return placed


def _desks(floor_id: int, level: int, zones: dict[str, int]) -> list[dict]:
    """Desks in facing pairs on a 50-column grid: dedicated rows first, then the open space's north and south."""
    rows = []
    for n in range(DESKS_PER_FLOOR):
        row, column = divmod(n, DESK_COLUMNS)
        dedicated = n < DEDICATED_PER_FLOOR
        zone = zones["dedicated"] if dedicated else zones["north"] if row < 9 else zones["south"]
        rows.append({
            "floor_id": floor_id, "zone_id": zone, "name": f"{level}-{n + 1:03d}",
            "kind": SpaceKind.DEDICATED_DESK if dedicated else SpaceKind.HOT_DESK, "capacity": 1,
            "amenities": [SCREEN] if dedicated else [],
            "x": 40 + column * 26, "y": 140 + row * 44 - (row % 2) * 8, "width": 16, "height": 8,
        })
    return rows


def _rooms(floor_id: int, level: int, zone_id: int) -> list[dict]:
    """Rooms along the north façade, wider the more people they seat."""
    rows, x = [], 20
    for index, capacity in enumerate(ROOM_CAPACITIES):
        width = 50 + capacity * 3
        amenities = [WHITEBOARD] + ([SCREEN] if capacity >= 4 else []) + ([VIDEO] if index % 2 == 0 else [])
        rows.append({"floor_id": floor_id, "zone_id": zone_id, "name": f"Salle {level}.{index + 1:02d}",
                     "kind": SpaceKind.MEETING_ROOM, "capacity": capacity, "amenities": amenities,
                     "x": x, "y": 20, "width": width, "height": 80})
        x += width + 10
    return rows


def _booths(floor_id: int, level: int) -> list[dict]:
    return [{"floor_id": floor_id, "zone_id": None, "name": f"Cabine {level}.{n + 1}", "kind": SpaceKind.PHONE_BOOTH,
             "capacity": 1, "amenities": [], "x": 1380, "y": 140 + n * 40, "width": 24, "height": 24}
            for n in range(BOOTHS_PER_FLOOR)]


def _rule(venue_id: int, values: tuple, **applies_to: object) -> dict:
    roles, min_minutes, max_minutes, days_ahead, buffer, approval, credits = values
    return {"venue_id": venue_id, "space_kind": None, "zone_id": None, "allowed_roles": roles,
            "min_minutes": min_minutes, "max_minutes": max_minutes, "max_days_ahead": days_ahead,
            "buffer_minutes": buffer, "requires_approval": approval, "credits_per_hour": credits, **applies_to}
