"""A room's private iCalendar feed: when it is booked, for calendar apps that subscribe without a session.

Like spaces.mail, which uses its calendar header, it imports nothing that imports spaces.service.

The URL names its subscriber and carries an HMAC of the room, the subscriber
and their calendar token under the app's secret key: it cannot be guessed,
and it dies with the subscriber's account (or a new calendar token). Staff's
feeds show each booking's title, start-up and booker; everyone else's only
"Booked".
"""
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaces.booking.enums import ACTIVE_STATUSES, BookingStatus
from spaces.booking.models import Booking
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Space
from totem.auth.secrets import sign, signature_matches
from totem.calendar.feed import CalendarEvent, new_calendar, to_vevent
from totem.errors import NotFound
from totem.i18n import N_, translate
from totem.identity.models import Organisation, User
from totem.permissions import is_staff

ROOM_KINDS = (SpaceKind.MEETING_ROOM, SpaceKind.EVENT_SPACE)
HELD_FOR_SURE = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)
PURPOSE = "room-feed"
# Calendar apps keep what they saw; a month back and a year ahead is all they need.
HISTORY = timedelta(days=30)
HORIZON = timedelta(days=366)
# The same header as the private feeds' (totem.calendar.feed.build_feed).
def get_room(db: Session, space_id: int) -> Space:
    """A meeting room or the event space, with its floor and venue: the spaces that have a feed."""
    space = venue_queries.get_space(db, space_id)
    if space is None or space.kind not in ROOM_KINDS:
        raise NotFound("No such room.")
    return space


def list_rooms(db: Session) -> list[Space]:
    """Active meeting rooms, then event spaces, by floor and name."""
    return [space for kind in ROOM_KINDS for space in venue_queries.list_spaces(db, kind=kind)]


def feed_key(secret_key: str, space_id: int, user: User) -> str:
    """The feed URL's last part: `<user id>-<signature>`."""
    return f"{user.id}-{sign(secret_key, PURPOSE, _signed(space_id, user))}"


def room_feed_url(base_url: str, secret_key: str, space_id: int, user: User) -> str:
    return f"{base_url.rstrip('/')}/rooms/{space_id}/calendar/{feed_key(secret_key, space_id, user)}.ics"


def get_subscriber(db: Session, secret_key: str, space_id: int, key: str) -> User:
    """The active user a feed key was made for; NotFound for any key that does not verify."""
    user_id, _, signature = key.partition("-")
    user = db.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_active or not signature_matches(
        secret_key, PURPOSE, _signed(space_id, user), signature
    ):
        raise NotFound("No such calendar.")
    return user


def _signed(space_id: int, user: User) -> str:
    return f"{space_id}:{user.id}:{user.calendar_token}"


def build_room_feed(db: Session, *, space: Space, subscriber: User, now: datetime) -> bytes:
    """The room's bookings that hold it, from a month back to a year ahead, in RFC 5545."""
    calendar = new_calendar(f"{space.name} — {space.floor.venue.name}")
    for item in room_events(db, space=space, subscriber=subscriber, now=now):
        calendar.add_component(to_vevent(item, now))
    return calendar.to_ical()


def room_events(db: Session, *, space: Space, subscriber: User, now: datetime) -> list[CalendarEvent]:
    detailed = is_staff(subscriber)
    booked = translate(subscriber.locale, N_("Booked"))
    location = f"{space.name}, {space.floor.name}, {space.floor.venue.name}"
    events = []
    for booking, booker, startup in _bookings(db, space, now):
        summary, description = booked, None
        if detailed:
            summary = booking.title or booked
            description = "\n".join(part for part in (startup, booker) if part)
        events.append(CalendarEvent(
            # Not the booking's UID in its holder's feed: some apps merge events that share one across calendars.
            uid=f"room-{space.id}-booking-{booking.id}@totem",
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            summary=summary,
            location=location,
            description=description,
            # Awaiting approval or offered to the waitlist: the room may yet be free.
            status="CONFIRMED" if booking.status in HELD_FOR_SURE else "TENTATIVE",
        ))
    return events


def _bookings(db: Session, space: Space, now: datetime) -> list[tuple[Booking, str, str | None]]:
    query = (
        select(Booking, User.name, Organisation.name)
        .join(User, User.id == Booking.user_id)
        .outerjoin(Organisation, Organisation.id == Booking.organisation_id)
        .where(Booking.space_id == space.id, Booking.status.in_(ACTIVE_STATUSES),
               Booking.ends_at >= now - HISTORY, Booking.starts_at < now + HORIZON)
        .order_by(Booking.starts_at)
    )
    return [(booking, booker, startup) for booking, booker, startup in db.execute(query)]
