"""The demo venue: a Cité de l'innovation in Marseille, its floors, spaces, rules and a week of bookings.

Everything is derived from `now` and fixed tables, never from randomness, so
that two demos loaded at the same time are identical. The bookings go through
`service.create_booking`: they obey the rules like any user's.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaces.booking import service as booking_service
from spaces.credits import service as credits
from spaces.operators import queries as operator_queries
from spaces.operators.models import DEFAULT_OPERATOR_NAME
from spaces.venues import access
from spaces.venues.enums import SpaceKind
from spaces.venues.models import BookingRule, ClosureDay, Floor, OpeningHours, Space, Venue, Zone
from spaces.venues.rules import is_open_for, local_moment, local_time
from spaces.events import demo_events
from spaces.visitors import demo_guests
from totem.identity import service as identity
from totem.identity.models import User

VENUE_NAME = "Cité de l'innovation"
VENUE_ADDRESS = "12 quai de la Joliette, 13002 Marseille"
# Floor plans are drawn in decimetres: 60 m by 40 m.
PLAN_WIDTH, PLAN_HEIGHT = 600, 400
SCREEN, VIDEO, WHITEBOARD = "screen", "videoconference", "whiteboard"

# (level, floor name, desk zone, hot desks, dedicated desks, rooms' zone, rooms)
FLOORS = (
    (0, "Rez-de-chaussée", None, 0, 0, "Salles du port",
     (("Vieux-Port", 12), ("Joliette", 8), ("Pharo", 6), ("Frioul", 4), ("Estaque", 4), ("Panier", 6))),
    (1, "1er étage", "Espace Mer", 100, 0, "Salles des calanques",
     (("Calanques", 8), ("Sormiou", 6), ("Morgiou", 4), ("Sugiton", 4), ("Goudes", 10))),
    (2, "2e étage", "Espace Industries créatives", 60, 40, "Salles de la ville",
     (("Canebière", 16), ("Belle de Mai", 8), ("Longchamp", 6), ("Castellane", 4), ("Prado", 6))),
    (3, "3e étage", "Espace Aménagement urbain", 20, 80, "Salons mentors",
     (("Borély", 4), ("Endoume", 4), ("Vallon des Auffes", 2), ("Major", 2))),
)
PHONE_BOOTHS = 8
MANAGER_EMAIL = "lea.martin@cite-innovation.fr"
# Each demo start-up and the dedicated desks allocated to it (the first floor has hot desks only).
DEDICATED_DESKS = (("OceanWatt", ("2-039", "2-040")), ("Kelp Studio", ("2-001", "2-002")),
                   ("UrbaFlux", ("3-001", "3-002")))
MONTHLY_CREDITS = 80

# The venue's rules: kind -> (roles, min, max, days ahead, buffer, approval, credits per hour).
KIND_RULES = {
    SpaceKind.HOT_DESK: (["member", "mentor"], 60, 12 * 60, 14, 0, False, 0),
    # Dedicated desks are allocated to start-ups by the staff, never booked by residents.
    SpaceKind.DEDICATED_DESK: ([], None, None, None, 0, False, 0),
    SpaceKind.MEETING_ROOM: (["member", "mentor"], 30, 4 * 60, 30, 10, False, 2),
    SpaceKind.PHONE_BOOTH: (["member", "mentor"], 15, 60, 7, 0, False, 0),
    SpaceKind.EVENT_SPACE: (["member"], 60, 12 * 60, 180, 60, True, 20),
}
# The mentors' lounges: short sessions, free of credits.
MENTOR_ZONE_RULE = (["member", "mentor"], 30, 2 * 60, 30, 5, False, 0)


@dataclass(frozen=True)
class DemoBooking:
    email: str
    day: int  # the n-th open day from the next opening (0 to 4)
    space: str
    starts: time
    minutes: int
    title: str


# Every open day each resident works at a desk of their start-up's floor.
DESK_DAYS = (("nadia@oceanwatt.fr", "1-", 9, 0), ("hugo@kelpstudio.fr", "2-", 9, 30), ("sam@urbaflux.io", "3-", 8, 30))
MEETINGS = (
    DemoBooking("nadia@oceanwatt.fr", 0, "Calanques", time(10), 60, "Point d'équipe"),
    DemoBooking("hugo@kelpstudio.fr", 0, "Canebière", time(14), 90, "Atelier maquettes"),
    DemoBooking("sam@urbaflux.io", 1, "Vieux-Port", time(9, 30), 60, "Customer call — Métropole"),
    DemoBooking("nadia@oceanwatt.fr", 1, "Cabine 2", time(11, 30), 30, "Appel investisseur"),
    DemoBooking("yves.roux@mentors-sud.fr", 1, "Borély", time(16), 60, "Mentorat — OceanWatt"),
    DemoBooking("hugo@kelpstudio.fr", 2, "Cabine 5", time(10), 45, "Entretien candidat"),
    DemoBooking("sam@urbaflux.io", 2, "Joliette", time(15), 120, "Sprint review"),
    DemoBooking("claire.dubois@mentors-sud.fr", 2, "Endoume", time(11), 60, "Mentorat — Kelp Studio"),
    DemoBooking("nadia@oceanwatt.fr", 3, "Goudes", time(9), 120, "Comité de pilotage"),
    DemoBooking("hugo@kelpstudio.fr", 3, "Calanques", time(11, 10), 50, "Revue design"),
    DemoBooking("sam@urbaflux.io", 4, "Cabine 1", time(17), 30, "Point hebdo investisseurs"),
    DemoBooking("nadia@oceanwatt.fr", 4, "Agora", time(18), 120, "Afterwork Mer"),  # waits for approval
    DemoBooking("lea.martin@cite-innovation.fr", 4, "Agora", time(14), 180, "Demo day — répétition"),
)


def load_demo(db: Session, now: datetime) -> None:
    """Create the demo venue and its bookings, once."""
    if db.scalar(select(Venue.id).where(Venue.name == VENUE_NAME)) is not None:
        return
    venue = _create_venue(db, now)
    spaces = _create_floors(db, venue)
    _create_rules(db, venue)
    db.flush()
    _grant_the_startups(db, venue, spaces, now)
    _book_the_week(db, venue, spaces, now)
    demo_guests.load_demo(db, venue=venue, now=now)
    demo_events.load_demo(db, venue=venue, spaces=spaces, now=now)


def _grant_the_startups(db: Session, venue: Venue, spaces: dict[str, Space], now: datetime) -> None:
    """A year's access with monthly room credits for each demo start-up, and two dedicated desks each."""
    manager = identity.get_user_by_email(db, MANAGER_EMAIL)
    if manager is None:  # the core's demo accounts were not loaded
        return
    today = local_time(now, venue).date()
    # Accélérateur M runs the start-ups' accelerator: their bookings count against its quotas.
    runner = operator_queries.get_operator_by_name(db, DEFAULT_OPERATOR_NAME)
    for name, desks in DEDICATED_DESKS:
        organisation = identity.get_or_create_organisation(db, actor=None, name=name, now=now)
        access.grant_access(db, actor=manager, organisation_id=organisation.id, venue_id=venue.id,
                            starts_on=today.replace(day=1), ends_on=today + timedelta(days=365), now=now,
                            monthly_credits=MONTHLY_CREDITS, source_key="demo", label="Accélérateur Cité 2026",
                            operator_id=runner.id if runner else None)
        for desk in desks:
            access.allocate_desk(db, actor=manager, space_id=spaces[desk].id, organisation_id=organisation.id,
                                 starts_on=today, ends_on=today + timedelta(days=180), now=now, source_key="demo")
    credits.reset_month(db, month_start=today.replace(day=1), now=now)


def _create_venue(db: Session, now: datetime) -> Venue:
    venue = Venue(name=VENUE_NAME, timezone="Europe/Paris", observes_public_holidays=True, check_in_grace_minutes=15,
                  address=VENUE_ADDRESS)
    venue.opening_hours = [OpeningHours(weekday=day, opens_at=time(8), closes_at=time(20)) for day in range(5)]
    db.add(venue)
    db.flush()
    year = local_time(now, venue).year
    db.add_all([
        ClosureDay(venue_id=venue.id, day=date(year, 12, 24), reason="Veille de Noël"),
        ClosureDay(venue_id=venue.id, day=date(year, 12, 31), reason="Saint-Sylvestre"),
    ])
    return venue


def _create_floors(db: Session, venue: Venue) -> dict[str, Space]:
    spaces: list[Space] = []
    for level, name, desk_zone, hot, dedicated, room_zone, rooms in FLOORS:
        floor = Floor(venue_id=venue.id, name=name, level=level, plan_width=PLAN_WIDTH, plan_height=PLAN_HEIGHT)
        db.add(floor)
        db.flush()
        zones = {zone: Zone(floor_id=floor.id, name=zone) for zone in (desk_zone, room_zone) if zone}
        db.add_all(zones.values())
        db.flush()
        spaces += _rooms(floor, zones[room_zone], rooms)
        if desk_zone:
            spaces += _desks(floor, zones[desk_zone], hot, dedicated)
        if level == 0:
            spaces += _ground_floor_extras(floor)
    db.add_all(spaces)
    db.flush()
    return {space.name: space for space in spaces}


def _rooms(floor: Floor, zone: Zone, rooms: tuple[tuple[str, int], ...]) -> list[Space]:
    """Rooms along the north façade, wider the more people they seat."""
    placed, x = [], 20
    for index, (name, capacity) in enumerate(rooms):
        width = 40 + capacity * 5
        amenities = [WHITEBOARD] + ([SCREEN] if capacity >= 4 else []) + ([VIDEO] if index % 2 == 0 else [])
        placed.append(Space(floor_id=floor.id, zone_id=zone.id, name=name, kind=SpaceKind.MEETING_ROOM,
                            capacity=capacity, amenities=amenities, x=x, y=20, width=width, height=80))
        x += width + 10
    return placed


def _desks(floor: Floor, zone: Zone, hot: int, dedicated: int) -> list[Space]:
    """Desks in facing pairs on a 20-column grid: dedicated first, by the windows."""
    desks = []
    for n in range(hot + dedicated):
        row, column = divmod(n, 20)
        kind = SpaceKind.DEDICATED_DESK if n < dedicated else SpaceKind.HOT_DESK
        desks.append(Space(floor_id=floor.id, zone_id=zone.id, name=f"{floor.level}-{n + 1:03d}", kind=kind,
                           capacity=1, amenities=[SCREEN] if kind == SpaceKind.DEDICATED_DESK else [],
                           x=40 + column * 26, y=140 + row * 44 + (row % 2) * -8, width=16, height=8))
    return desks


def _ground_floor_extras(floor: Floor) -> list[Space]:
    agora = Space(floor_id=floor.id, name="Agora", kind=SpaceKind.EVENT_SPACE, capacity=200,
                  amenities=[SCREEN, VIDEO, "sound_system", "stage"], x=20, y=160, width=300, height=220)
    booths = [
        Space(floor_id=floor.id, name=f"Cabine {n}", kind=SpaceKind.PHONE_BOOTH, capacity=1, amenities=[],
              x=360 + (n - 1) % 4 * 30, y=160 + (n - 1) // 4 * 30, width=20, height=20)
        for n in range(1, PHONE_BOOTHS + 1)
    ]
    return [agora, *booths]


def _create_rules(db: Session, venue: Venue) -> None:
    for kind, values in KIND_RULES.items():
        db.add(_rule(venue, values, space_kind=kind))
    mentors = db.scalar(select(Zone).join(Floor).where(Floor.venue_id == venue.id, Zone.name == "Salons mentors"))
    db.add(_rule(venue, MENTOR_ZONE_RULE, zone_id=mentors.id if mentors else None))


def _rule(venue: Venue, values: tuple, **applies_to: object) -> BookingRule:
    roles, min_minutes, max_minutes, days_ahead, buffer, approval, credits = values
    return BookingRule(venue_id=venue.id, allowed_roles=roles, min_minutes=min_minutes, max_minutes=max_minutes,
                       max_days_ahead=days_ahead, buffer_minutes=buffer, requires_approval=approval,
                       credits_per_hour=credits, **applies_to)


def _book_the_week(db: Session, venue: Venue, spaces: dict[str, Space], now: datetime) -> None:
    users = {email: identity.get_user_by_email(db, email) for email in _demo_emails()}
    days = _open_days(db, venue, now, count=5)
    for index, (email, prefix, hour, minute) in enumerate(DESK_DAYS):
        for n, day in enumerate(days):
            desk = spaces[f"{prefix}{100 - 7 * index - n:03d}"]  # hot desks sit at the end of the grid
            _book(db, users[email], desk, venue, day, time(hour, minute), 8 * 60, "", now)
    if not days:
        return
    for meeting in MEETINGS:
        # In a short week (holidays) the later meetings fold onto the first days; the table is laid out so
        # that they still fit beside each other there.
        _book(db, users[meeting.email], spaces[meeting.space], venue, days[meeting.day % len(days)],
              meeting.starts, meeting.minutes, meeting.title, now)


def _book(db: Session, user: User | None, space: Space, venue: Venue, day: date, starts: time, minutes: int,
          title: str, now: datetime) -> None:
    if user is None:  # the core's demo accounts were not loaded
        return
    starts_at = local_moment(day, starts, venue)
    booking_service.create_booking(db, actor=user, space_id=space.id, starts_at=starts_at,
                           ends_at=starts_at + timedelta(minutes=minutes), now=now, title=title)


def _open_days(db: Session, venue: Venue, now: datetime, *, count: int) -> list[date]:
    """Up to `count` days the venue opens in the coming week, from its next opening: today while it has not
    opened yet (a demo loaded at 00:30 in Paris books that morning, whatever the date in UTC), else tomorrow."""
    today = local_time(now, venue).date()
    hours = {h.weekday: h for h in venue.opening_hours}
    closures = {c.day: c for c in db.scalars(select(ClosureDay).where(ClosureDay.venue_id == venue.id))}
    days = []
    for offset in range(8):
        day = today + timedelta(days=offset)
        opening = hours.get(day.weekday())
        if opening is None:
            continue
        opens_at = local_moment(day, opening.opens_at, venue)
        if opens_at > now and is_open_for(venue, opens_at, local_moment(day, opening.closes_at, venue), opening,
                                          closures.get(day)):
            days.append(day)
    return days[:count]


def _demo_emails() -> set[str]:
    return {email for email, *_ in DESK_DAYS} | {meeting.email for meeting in MEETINGS}
