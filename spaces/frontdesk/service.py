"""The front desk: checking in from a space's QR code, the codes' printable sheet, and who is in today.

Read models shaped for the pages; the one change, a check-in, goes through
`spaces.booking.service.check_in`. Names reach a page only for those allowed to see
them: staff, the person themselves and their start-up's members.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import qrcode
from qrcode.image.svg import SvgPathImage
from sqlalchemy import Exists, Row, and_, case, exists, func, select
from sqlalchemy.orm import Session, joinedload

from spaces.booking import availability, plan
from spaces.booking import queries as booking_queries
from spaces.booking import service as booking_service
from spaces.booking.enums import BookingStatus
from spaces.booking.mail import check_in_url
from spaces.booking.models import Booking
from spaces.booking.rules import check_in_window, may_check_in
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import DeskAllocation, Floor, Space, Venue
from spaces.venues.rules import local_moment, local_time, policy_from
from totem.errors import NotFound
from totem.identity.models import Membership, Organisation, User
from totem.permissions import can, is_staff, require, rule

DESK_KINDS = (SpaceKind.HOT_DESK, SpaceKind.DEDICATED_DESK)
# Kinds one may take on the spot after scanning their code, and for how long by default
# (None: until the venue closes).
WALK_IN_MINUTES = {SpaceKind.HOT_DESK: None, SpaceKind.PHONE_BOOTH: 30}
# The Book form's time fields step by a quarter of an hour.
BOOKING_STEP_MINUTES = 15
# Bookings a holder may still act on from the check-in page.
OPEN_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


@rule("check_in_codes.print")
def _print_codes(user: User, _floor: object) -> bool:
    """The codes are stuck on the spaces by the staff."""
    return is_staff(user)


# -- checking in from a space's code ------------------------------------------------------------


@dataclass(frozen=True)
class CheckInView:
    """What the check-in page of a space tells its visitor."""

    space: Space
    # ready, checked_in, early, closed, pending; none when they hold no booking of it today.
    state: str
    booking: Booking | None = None
    starts: str = ""
    ends: str = ""
    opens: str = ""  # the check-in window, on the venue's clock
    closes: str = ""
    # The Book page's query that books this very space now, when it is free and may be taken on the spot.
    walk_in: dict[str, str | int] | None = None


def check_in_view(db: Session, *, actor: User, space_id: int, now: datetime) -> CheckInView:
    """The actor's booking of the space still to come today, and whether they may check in now."""
    space = availability.get_space(db, space_id)
    venue = space.floor.venue
    booking = _next_booking_today(db, actor, space, now)
    if booking is None:
        return CheckInView(space, "none", walk_in=_walk_in(db, actor, space, now))
    opens, closes = check_in_window(booking)
    return CheckInView(
        space, _state(booking, now), booking,
        starts=f"{local_time(booking.starts_at, venue):%H:%M}", ends=f"{local_time(booking.ends_at, venue):%H:%M}",
        opens=f"{local_time(opens, venue):%H:%M}", closes=f"{local_time(closes, venue):%H:%M}",
    )


def check_in_here(db: Session, *, actor: User, space_id: int, booking_id: int, now: datetime) -> Booking:
    """Check in a booking of this space; a booking of another space is not found from here."""
    booking = booking_service.get_booking(db, actor=actor, booking_id=booking_id)
    if booking.space_id != space_id:
        raise NotFound("No such booking.")
    return booking_service.check_in(db, actor=actor, booking_id=booking_id, now=now)


def _next_booking_today(db: Session, actor: User, space: Space, now: datetime) -> Booking | None:
    venue = space.floor.venue
    tomorrow = local_time(now, venue).date() + timedelta(days=1)
    return db.scalar(
        select(Booking)
        .where(Booking.user_id == actor.id, Booking.space_id == space.id, Booking.status.in_(OPEN_STATUSES),
               Booking.ends_at > now, Booking.starts_at < local_moment(tomorrow, time(0), venue))
        .options(joinedload(Booking.space).joinedload(Space.floor).joinedload(Floor.venue))
        .order_by(Booking.starts_at)
        .limit(1)
    )


def _state(booking: Booking, now: datetime) -> str:
    if booking.status == BookingStatus.CHECKED_IN:
        return "checked_in"
    if booking.status == BookingStatus.PENDING:
        return "pending"
    if may_check_in(booking, now):
        return "ready"
    opens, _closes = check_in_window(booking)
    return "early" if now < opens else "closed"


def _walk_in(db: Session, actor: User, space: Space, now: datetime) -> dict[str, str | int] | None:
    """From the next quarter hour to the usual length (desks: to closing), if the space is free and theirs to book."""
    if space.kind not in WALK_IN_MINUTES or not space.is_active:
        return None
    venue = space.floor.venue
    policy = policy_from(venue_queries.get_rule_for(db, space))
    if not can(actor, "space.book", policy):
        return None
    local_now = local_time(now, venue)
    hours = venue_queries.get_opening_hours(db, venue.id, local_now.weekday())
    if hours is None:
        return None
    start = _next_step(local_now)
    closes = local_moment(local_now.date(), hours.closes_at, venue)
    minutes = WALK_IN_MINUTES[space.kind] or int((closes - start).total_seconds() // 60)
    minutes = max(minutes, policy.min_minutes or 0)
    if policy.max_minutes is not None:
        minutes = min(minutes, policy.max_minutes)
    end = start + timedelta(minutes=minutes)
    if not start < end <= closes:
        return None
    free = availability.find_available_spaces(db, starts_at=start, ends_at=end, kind=space.kind, floor_id=space.floor_id)
    if space.id not in {candidate.id for candidate in free}:
        return None
    return {"day": start.date().isoformat(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "kind": space.kind,
            "space_id": space.id}


def _next_step(moment: datetime) -> datetime:
    """The next whole quarter hour at or after `moment`, on its clock."""
    floor = moment.replace(minute=moment.minute - moment.minute % BOOKING_STEP_MINUTES, second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=BOOKING_STEP_MINUTES)


# -- the printable sheet of codes ---------------------------------------------------------------


@dataclass(frozen=True)
class CodeCard:
    space: Space
    url: str
    svg: str  # generated here, never from user input


def check_in_codes(db: Session, *, actor: User, floor_id: int, base_url: str) -> tuple[Floor, list[CodeCard]]:
    """One card per active space of the floor, with the QR code of its check-in page (staff only)."""
    floor = plan.get_floor(db, floor_id)
    require(actor, "check_in_codes.print", floor)
    cards = []
    for space in availability.list_spaces(db, floor_id=floor.id):
        url = check_in_url(base_url, space.id)
        cards.append(CodeCard(space, url, qr_svg(url)))
    return floor, cards


@lru_cache(maxsize=4096)
def qr_svg(text: str) -> str:
    """`text` as an inline SVG QR code: one path, sized by the stylesheet.

    About 10 ms each: kept in memory, so that a floor's sheet prints again at once.
    """
    # A two-module border: the card's white margin around it completes the quiet zone.
    image = qrcode.make(text, image_factory=SvgPathImage, border=2)
    # A sheet holds many codes: the path's fixed id would repeat on the page.
    image.path.attrib.pop("id", None)
    svg = image.get_image()
    svg.set("class", "qr-code")
    svg.set("aria-hidden", "true")
    return image.to_string(encoding="unicode")


# -- who is in today ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Present:
    """A person checked in at a desk today; `name` is None for those the viewer may not know."""

    user_id: int
    name: str | None
    startup: str | None
    desk: str
    since: str  # local HH:MM of their booking's start
    until: str


@dataclass
class FloorToday:
    floor: Floor
    desks: int
    booked: int = 0  # desks held by a booking at some time today
    checked_in: int = 0  # desks whose holder has checked in today
    free_now: int = 0
    people: list[Present] = field(default_factory=list)


@dataclass(frozen=True)
class Lobby:
    venue: Venue
    venues: list[Venue]
    day: date
    at: str  # the venue's clock when the page was made, HH:MM
    floors: list[FloorToday]

    @property
    def desks(self) -> int:
        return sum(floor.desks for floor in self.floors)

    @property
    def booked(self) -> int:
        return sum(floor.booked for floor in self.floors)

    @property
    def checked_in(self) -> int:
        return sum(floor.checked_in for floor in self.floors)

    @property
    def free_now(self) -> int:
        return sum(floor.free_now for floor in self.floors)


def lobby(db: Session, *, viewer: User, venue_id: int | None, now: datetime) -> Lobby | None:
    """Desks booked, checked in and free per floor on the venue's local day, and who is in.

    None when no venue is set up. A few queries whatever the size: venues,
    floors with their desk counts, the day's desk bookings with names, and
    the viewer's team-mates.
    """
    venues = list(db.scalars(select(Venue).order_by(Venue.name)))
    if not venues:
        return None
    venue = venues[0] if venue_id is None else next((v for v in venues if v.id == venue_id), None)
    if venue is None:
        raise NotFound("No such venue.")
    day = local_time(now, venue).date()
    starts_at, ends_at = local_moment(day, time(0), venue), local_moment(day + timedelta(days=1), time(0), venue)
    counted = _floors_with_desks(db, venue, day)
    floors = {floor.id: FloorToday(floor, desks) for floor, desks, _ in counted}
    # A desk allocated to a start-up is theirs all day, booked or not: never free to a walk-in.
    allocated = {floor.id: count for floor, _, count in counted}
    rows = _desk_bookings(db, venue, starts_at, ends_at, day)
    visible = _NameFilter.for_viewer(db, viewer)
    booked: dict[int, set[int]] = {floor_id: set() for floor_id in floors}
    checked_in: dict[int, set[int]] = {floor_id: set() for floor_id in floors}
    busy_now: dict[int, set[int]] = {floor_id: set() for floor_id in floors}
    seen: set[tuple[int, int]] = set()
    for row in rows:
        booked[row.floor_id].add(row.space_id)
        if row.starts_at <= now < row.ends_at and not row.on_allocated_desk:
            busy_now[row.floor_id].add(row.space_id)
        if row.status != BookingStatus.CHECKED_IN:
            continue
        checked_in[row.floor_id].add(row.space_id)
        if (row.floor_id, row.user_id) in seen:  # one line per person, at their first desk of the day
            continue
        seen.add((row.floor_id, row.user_id))
        shown = visible(row.user_id, row.organisation_id)
        floors[row.floor_id].people.append(Present(
            user_id=row.user_id, name=row.user_name if shown else None, startup=row.startup if shown else None,
            desk=row.space_name, since=f"{local_time(row.starts_at, venue):%H:%M}",
            until=f"{local_time(row.ends_at, venue):%H:%M}",
        ))
    for floor_id, today in floors.items():
        today.booked, today.checked_in = len(booked[floor_id]), len(checked_in[floor_id])
        today.free_now = today.desks - allocated[floor_id] - len(busy_now[floor_id])
        # Those the viewer may name first, by name; the others after them.
        today.people.sort(key=lambda person: (person.name is None, person.name or "", person.desk))
    return Lobby(venue, venues, day, f"{local_time(now, venue):%H:%M}", list(floors.values()))


def _allocated_on(day: date) -> Exists:
    """Whether the row's desk is allocated to a start-up on `day`."""
    return exists().where(DeskAllocation.space_id == Space.id, DeskAllocation.starts_on <= day,
                          DeskAllocation.ends_on >= day)


def _floors_with_desks(db: Session, venue: Venue, day: date) -> list[tuple[Floor, int, int]]:
    """The venue's floors that have active desks, by level, with how many, and how many allocated on `day`."""
    desks = func.count(Space.id)
    query = (
        select(Floor, desks, func.count(case((_allocated_on(day), Space.id))))
        .join(Space, and_(Space.floor_id == Floor.id, Space.kind.in_(DESK_KINDS), Space.is_active))
        .where(Floor.venue_id == venue.id)
        .group_by(Floor.id)
        .order_by(Floor.level, Floor.name)
    )
    return [(floor, count, allocated) for floor, count, allocated in db.execute(query)]


def _desk_bookings(db: Session, venue: Venue, starts_at: datetime, ends_at: datetime, day: date) -> list[Row[Any]]:
    """The day's bookings holding an active desk of the venue, with their holder's name and start-up, by start,
    and whether the desk is allocated that day."""
    query = (
        select(Booking.space_id, Booking.user_id, Booking.organisation_id, Booking.status, Booking.starts_at,
               Booking.ends_at, Space.floor_id, Space.name.label("space_name"), User.name.label("user_name"),
               Organisation.name.label("startup"), _allocated_on(day).label("on_allocated_desk"))
        .join(Space, Space.id == Booking.space_id)
        .join(Floor, Floor.id == Space.floor_id)
        .join(User, User.id == Booking.user_id)
        .outerjoin(Organisation, Organisation.id == Booking.organisation_id)
        .where(Floor.venue_id == venue.id, Space.kind.in_(DESK_KINDS), Space.is_active,
               booking_queries.overlapping(starts_at, ends_at))
        .order_by(Booking.starts_at, Booking.id)
    )
    return list(db.execute(query))


@dataclass(frozen=True)
class _NameFilter:
    """Whether the viewer may see who holds a booking: staff always; others their own and their start-ups'."""

    staff: bool
    viewer_id: int
    startups: frozenset[int]
    team_mates: frozenset[int]

    @classmethod
    def for_viewer(cls, db: Session, viewer: User) -> "_NameFilter":
        if is_staff(viewer):
            return cls(True, viewer.id, frozenset(), frozenset())
        own = select(Membership.organisation_id).where(Membership.user_id == viewer.id).scalar_subquery()
        rows = db.execute(select(Membership.organisation_id, Membership.user_id)
                          .where(Membership.organisation_id.in_(own))).all()
        return cls(False, viewer.id, frozenset(org for org, _ in rows), frozenset(user for _, user in rows))

    def __call__(self, user_id: int, organisation_id: int | None) -> bool:
        return (self.staff or user_id == self.viewer_id or user_id in self.team_mates
                or organisation_id in self.startups)
