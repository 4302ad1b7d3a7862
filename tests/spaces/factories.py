"""Small typed factories for venues, spaces, rules and bookings."""
import itertools
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from spaces.booking.models import Booking
from spaces.venues.models import BookingRule, ClosureDay, Floor, OpeningHours, Space, Venue, Zone
from totem import clock
from totem.identity.models import User

PARIS = ZoneInfo("Europe/Paris")
_counter = itertools.count(1)


def make_venue(
    db: Session, *, name: str | None = None, timezone: str = "Europe/Paris", opens: time = time(8),
    closes: time = time(20), weekdays: Iterable[int] = range(5), observes_public_holidays: bool = True,
    check_in_grace_minutes: int = 15,
) -> Venue:
    venue = Venue(name=name or f"Venue {next(_counter)}", timezone=timezone,
                  observes_public_holidays=observes_public_holidays, check_in_grace_minutes=check_in_grace_minutes)
    venue.opening_hours = [OpeningHours(weekday=day, opens_at=opens, closes_at=closes) for day in weekdays]
    db.add(venue)
    db.flush()
    return venue


def make_closure(db: Session, *, venue: Venue, day, reason: str = "Inventaire") -> ClosureDay:  # type: ignore[no-untyped-def]
    closure = ClosureDay(venue_id=venue.id, day=day, reason=reason)
    db.add(closure)
    db.flush()
    return closure


def make_floor(db: Session, *, venue: Venue | None = None, name: str | None = None, level: int = 0) -> Floor:
    venue = venue or make_venue(db)
    floor = Floor(venue_id=venue.id, name=name or f"Floor {next(_counter)}", level=level, plan_width=600,
                  plan_height=400)
    db.add(floor)
    db.flush()
    return floor


def make_zone(db: Session, *, floor: Floor, name: str | None = None) -> Zone:
    zone = Zone(floor_id=floor.id, name=name or f"Zone {next(_counter)}")
    db.add(zone)
    db.flush()
    return zone


def make_space(
    db: Session, *, floor: Floor | None = None, zone: Zone | None = None, name: str | None = None,
    kind: str = "meeting_room", capacity: int = 6, amenities: Iterable[str] = (), is_active: bool = True,
) -> Space:
    floor = floor or make_floor(db)
    space = Space(floor_id=floor.id, zone_id=zone.id if zone else None, name=name or f"Space {next(_counter)}",
                  kind=kind, capacity=capacity, amenities=list(amenities), x=10, y=10, width=40, height=30,
                  is_active=is_active)
    db.add(space)
    db.flush()
    return space


def make_rule(
    db: Session, *, venue: Venue, space_kind: str | None = None, zone: Zone | None = None,
    allowed_roles: Iterable[str] = ("member", "mentor"), min_minutes: int | None = None,
    max_minutes: int | None = None, max_days_ahead: int | None = None, buffer_minutes: int = 0,
    requires_approval: bool = False, credits_per_hour: int = 0, refund_notice_hours: int = 24,
    open_to_grant_holders: bool = False,
) -> BookingRule:
    rule = BookingRule(venue_id=venue.id, space_kind=space_kind, zone_id=zone.id if zone else None,
                       allowed_roles=list(allowed_roles), min_minutes=min_minutes, max_minutes=max_minutes,
                       max_days_ahead=max_days_ahead, buffer_minutes=buffer_minutes,
                       requires_approval=requires_approval, credits_per_hour=credits_per_hour,
                       refund_notice_hours=refund_notice_hours, open_to_grant_holders=open_to_grant_holders)
    db.add(rule)
    db.flush()
    return rule


def make_booking(
    db: Session, *, space: Space, user: User, starts_at: datetime, ends_at: datetime | None = None,
    status: str = "confirmed", organisation_id: int | None = None, title: str = "",
) -> Booking:
    """A booking written straight to the table, past every rule (to set the scene)."""
    booking = Booking(space_id=space.id, user_id=user.id, organisation_id=organisation_id, starts_at=starts_at,
                      ends_at=ends_at or starts_at + timedelta(hours=1), status=status, title=title,
                      created_at=clock.now(), created_by=user.id)
    db.add(booking)
    db.flush()
    return booking
