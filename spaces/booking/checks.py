"""Every check a booking passes before it is written, and the write that the database may still refuse.

Creating, moving, recurring and waitlist offers all go through here, so that
a rule holds however a booking is made.
"""
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from spaces.booking import permissions as _permissions  # noqa: F401  (registers "space.book")
from spaces.booking import queries
from spaces.booking.models import Booking
from spaces.venues import access
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Space, Venue
from spaces.venues.rules import Policy, check_advance, check_duration, check_open, check_times, local_time, policy_from
from totem.errors import VALUE_OUT_OF_RANGE, Conflict, Forbidden, Invalid, error_code
from totem.i18n import N_
from totem.identity.models import User
from totem.identity.service import load_memberships
from totem.permissions import can, is_staff, member_organisation_ids

TITLE_MAX_LENGTH = 200  # the column's size
# PostgreSQL's SQLSTATE for an exclusion constraint violation.
EXCLUSION_VIOLATION = "23P01"
DEADLOCK_DETECTED = "40P01"

BOOKING_OVERLAP = error_code("booking_overlap", "Another booking holds the space at that time.")
BOOKING_BUFFER = error_code(
    "booking_buffer", "The booking falls within the break the space's rule keeps between two bookings.")
SPACE_NOT_BOOKABLE = error_code("space_not_bookable", "The space is deactivated: it takes no booking for now.")
BOOKING_NOT_ALLOWED = error_code(
    "booking_not_allowed", "The space's rule does not let this person's role, or their start-up's access, book it.")

OVERLAP_MESSAGES = {
    SpaceKind.HOT_DESK: N_("Desk {space} is already booked {start}–{end} on {day}."),
    SpaceKind.DEDICATED_DESK: N_("Desk {space} is already booked {start}–{end} on {day}."),
    SpaceKind.MEETING_ROOM: N_("Room {space} is already booked {start}–{end} on {day}."),
    SpaceKind.PHONE_BOOTH: N_("Phone booth {space} is already booked {start}–{end} on {day}."),
    SpaceKind.EVENT_SPACE: N_("Event space {space} is already booked {start}–{end} on {day}."),
}


def clean_title(title: str) -> str:
    title = title.strip()
    if len(title) > TITLE_MAX_LENGTH:
        raise Invalid("Keep the title under {length} characters.", field="title", code=VALUE_OUT_OF_RANGE,
                      length=TITLE_MAX_LENGTH + 1)
    return title


def bookable_space(db: Session, space_id: int) -> Space:
    """The space, locked: concurrent bookings of one space wait for each other on PostgreSQL.

    That keeps the buffer and allocation checks reliable too; SQLite's
    transaction already holds the database's write lock.
    """
    space = venue_queries.get_space(db, space_id, lock=True)
    if space is None:
        raise Invalid("No such space.", field="space_id")
    if not space.is_active:
        raise Invalid("This space cannot be booked at the moment.", field="space_id", code=SPACE_NOT_BOOKABLE)
    return space


def holder_for(db: Session, actor: User, user_id: int | None) -> User:
    """Whom the booking is for: the actor, a colleague of one of their start-ups, or anyone for staff."""
    if user_id is None or user_id == actor.id:
        return actor
    holder = queries.get_user(db, user_id)
    if holder is None or not holder.is_active:
        raise Invalid("No such person.", field="user_id")
    holder = load_memberships(db, holder)
    if not is_staff(actor) and not member_organisation_ids(actor) & member_organisation_ids(holder):
        raise Forbidden("You may book for colleagues of your start-up only.")
    return holder


def startup_for(db: Session, *, actor: User, holder: User, startup_id: int | None) -> int | None:
    """The start-up the booking is for: one of the holder's (staff: any); by default their only one."""
    own = member_organisation_ids(holder)
    if startup_id is None:
        return next(iter(own)) if len(own) == 1 else None
    if startup_id in own and (is_staff(actor) or startup_id in member_organisation_ids(actor)):
        return startup_id
    if not is_staff(actor):
        raise Forbidden("You are not a member of this start-up.")  # whose start-up it is decides, not the form
    if queries.get_organisation(db, startup_id) is None:
        raise Invalid("No such start-up.", field="startup_id")
    return startup_id


def check_booking(
    db: Session, *, actor: User, holder: User, space: Space, organisation_id: int | None, starts_at: datetime,
    ends_at: datetime, now: datetime, moving: Booking | None = None, require_free: bool = True,
) -> Policy:
    """Raise the first rule the booking breaks; return the space's policy when it breaks none.

    `moving` is the booking being moved, which does not conflict with itself;
    without `require_free` the slot may be taken (to join its waitlist).
    """
    check_times(starts_at, ends_at, now)
    venue = space.floor.venue
    day = local_time(starts_at, venue).date()
    terms = venue_queries.get_terms(db, space, day)
    policy = policy_from(terms.rule)
    _check_may_book(db, holder, space, policy, organisation_id, day)
    check_open(venue, starts_at, ends_at, terms.hours, terms.closure)
    check_duration(policy, starts_at, ends_at)
    if not is_staff(actor):  # staff plan events and allocations further ahead
        check_advance(policy, venue, starts_at, now)
    if require_free:
        check_free(db, space, policy, starts_at, ends_at, ignore_id=moving.id if moving else None)
    return policy


def _check_may_book(
    db: Session, holder: User, space: Space, policy: Policy, organisation_id: int | None, day: date
) -> None:
    if space.kind == SpaceKind.DEDICATED_DESK:
        allocation = access.allocation_on(db, space.id, day)
        if allocation is not None and not is_staff(holder):
            if allocation.organisation_id != organisation_id:
                raise Forbidden("Desk {space} is allocated to another start-up.", code=access.DESK_ALLOCATED,
                                space=space.name)
            return  # the desk is theirs, whatever the rule says
    if can(holder, "space.book", policy):
        return
    if policy.open_to_grant_holders and access.holds_grant(
        db, organisation_id=organisation_id, venue_id=space.floor.venue_id, kind=space.kind, day=day
    ):
        return
    raise Forbidden("Your role does not allow you to book this space.", code=BOOKING_NOT_ALLOWED)


def check_free(
    db: Session, space: Space, policy: Policy, starts_at: datetime, ends_at: datetime, *, ignore_id: int | None = None
) -> None:
    buffer = timedelta(minutes=policy.buffer_minutes)
    # One query for the slot and its buffers: the few bookings near the window, earliest first.
    near = queries.list_slots_in(db, space.id, starts_at - buffer, ends_at + buffer, exclude_id=ignore_id)
    clash = next((slot for slot in near if slot.starts_at < ends_at and slot.ends_at > starts_at), None)
    if clash is not None:
        raise overlap(space, clash)
    if near:
        neighbour = near[0]
        raise Conflict("Leave {minutes} minutes between bookings of {space}: it is booked {start}–{end} on {day}.",
                       code=BOOKING_BUFFER, minutes=policy.buffer_minutes, space=space.name,
                       **slot_params(neighbour, space.floor.venue))


def save_booking(db: Session, booking: Booking, space: Space) -> None:
    """Write the new or changed booking; a concurrent one may still win the slot, which PostgreSQL reports."""
    try:
        with db.begin_nested():
            db.add(booking)
            db.flush()
    except OperationalError as exc:
        # Concurrent inserts checked by the exclusion constraint can deadlock; PostgreSQL cancels one of
        # them, which lost the slot like any other loser.
        if getattr(exc.orig, "sqlstate", None) != DEADLOCK_DETECTED:
            raise
        raise Conflict("This space was just booked by someone else.", field="starts_at",
                       code=BOOKING_OVERLAP) from None
    except IntegrityError as exc:
        if getattr(exc.orig, "sqlstate", None) != EXCLUSION_VIOLATION:
            raise
        clash = queries.first_booking_in(db, space.id, booking.starts_at, booking.ends_at, exclude_id=booking.id)
        if clash is None:
            raise Conflict("This space was just booked by someone else.", field="starts_at",
                       code=BOOKING_OVERLAP) from None
        raise overlap(space, clash) from None


def overlap(space: Space, clash: Booking) -> Conflict:
    return Conflict(OVERLAP_MESSAGES[SpaceKind(space.kind)], field="starts_at", code=BOOKING_OVERLAP, space=space.name,
                    **slot_params(clash, space.floor.venue))


def slot_params(booking: Booking, venue: Venue) -> dict[str, str]:
    start, end = local_time(booking.starts_at, venue), local_time(booking.ends_at, venue)
    return {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "day": start.date().isoformat()}


# The audit log's words for a booking, translated when shown: "Calanques, 1 déc. 2026, 10:00–11:00".
SLOT = N_("{space}, {day}, {start}–{end}")


def slot(booking: Booking, space: Space) -> dict[str, object]:
    """The parameters of `SLOT` (and of the summaries that start with it): the day as the reader's language says it."""
    params = slot_params(booking, space.floor.venue)
    return {"space": space.name, "day": date.fromisoformat(params["day"]), "start": params["start"],
            "end": params["end"]}


def describe(booking: Booking, space: Space) -> str:
    """For the audit log: "Calanques 2026-12-01 10:00–11:00"."""
    params = slot_params(booking, space.floor.venue)
    return f"{space.name} {params['day']} {params['start']}–{params['end']}"
