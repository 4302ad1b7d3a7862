"""What a person is told before they act: what a booking costs, which of their own bookings it clashes with,
what cancelling gives back. Nothing here writes."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from spaces.booking import queries
from spaces.booking.availability import WAITLIST_KINDS
from spaces.booking.models import Booking
from spaces.booking.service import get_booking
from spaces.credits import service as credits
from spaces.venues import queries as venue_queries
from spaces.venues.models import BookingRule, Floor, Space
from spaces.venues.queries import SpaceRow
from spaces.venues.rules import policy_from
from totem.identity.models import User

# One sits at one desk and meets in one room at a time: a desk beside a meeting is no clash.
DESK_LIKE = "desk"


def costs_of(db: Session, spaces: Iterable[SpaceRow], *, venue_id: int, starts_at: datetime,
             ends_at: datetime) -> dict[int, int]:
    """The credits each space would cost for the window, by the rule that applies (the zone's, else the kind's)."""
    rules = list(db.scalars(select(BookingRule).where(BookingRule.venue_id == venue_id)))
    by_zone = {rule.zone_id: rule for rule in rules if rule.zone_id is not None}
    by_kind = {rule.space_kind: rule for rule in rules if rule.zone_id is None and rule.space_kind}
    return {space.id: credits.booking_cost(policy_from(by_zone.get(space.zone_id) or by_kind.get(space.kind)),
                                           starts_at, ends_at)
            for space in spaces}


def _family(kind: str) -> str:
    return "room" if kind in WAITLIST_KINDS else DESK_LIKE


def list_clashes(db: Session, *, holder_id: int, space_id: int, starts_at: datetime, ends_at: datetime
                 ) -> list[Booking]:
    """The holder's own active bookings of the same sort of space (a room beside a room, a desk beside a desk)
    that share an instant with the window: booking anyway is allowed, but worth a second look."""
    space = venue_queries.get_space(db, space_id)
    if space is None:
        return []
    query = (select(Booking).join(Space, Space.id == Booking.space_id)
             .where(Booking.user_id == holder_id, Booking.space_id != space_id,
                    queries.overlapping(starts_at, ends_at))
             .options(joinedload(Booking.space).joinedload(Space.floor).joinedload(Floor.venue))
             .order_by(Booking.starts_at))
    return [booking for booking in db.scalars(query) if _family(booking.space.kind) == _family(space.kind)]


@dataclass(frozen=True)
class Cancellation:
    """A booking about to be cancelled, and the credits that cancelling it now gives back."""

    booking: Booking
    charged: int
    refunded: int


def preview_cancellation(db: Session, *, actor: User, booking_id: int, now: datetime) -> Cancellation:
    """As `service.cancel_booking` would refund: everything charged when the notice is kept, else nothing."""
    booking = get_booking(db, actor=actor, booking_id=booking_id)
    charged = credits.charged_for(db, booking.id)
    timely = credits.refund_is_due(policy_from(venue_queries.get_rule_for(db, booking.space)), booking, now)
    return Cancellation(booking, charged, charged if timely and charged > 0 else 0)
