"""Booking spaces: the entry points the API, the pages, the CLI and the jobs share.

Services flush, never commit: the caller owns the transaction. Times come in
and are stored in UTC; every rule is judged on the venue's wall clock.
"""
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from spaces.booking import permissions as _permissions  # noqa: F401  (registers the booking rules)
from spaces.booking import checks, mail, queries, quotas
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.booking.rules import (
    APPROVAL_REQUIRED, BOOKING_NOT_ACTIVE, BOOKING_STARTED, CHECK_IN_WINDOW, NOT_AWAITING_APPROVAL, check_in_window,
)
from spaces.booking.waitlist import service as waitlist
from spaces.credits import service as credits
from spaces.operators import permissions as _operator_permissions  # noqa: F401  (registers "operator.manage")
from spaces.venues import queries as venue_queries
from spaces.venues.rules import Policy, local_time, policy_from
from totem import audit
from totem.errors import Conflict, NotFound
from totem.identity.models import User
from totem.identity.service import load_memberships, system_actor
from totem.permissions import can, is_staff, member_organisation_ids, require
from totem.i18n import N_, said
from spaces.booking.labels import STATUS_LABELS

# The no-show job looks this far back, so that a catch-up after a long stop still finds them.
NO_SHOW_LOOKBACK = timedelta(days=2)


# -- booking --------------------------------------------------------------------------------------


def list_colleagues(db: Session, *, actor: User) -> list[User]:
    """The other members of the actor's start-ups, whom they may book for."""
    actor = load_memberships(db, actor)
    return queries.list_members(db, member_organisation_ids(actor), excluding=actor.id)


def create_booking(
    db: Session, *, actor: User, space_id: int, starts_at: datetime, ends_at: datetime, now: datetime,
    title: str = "", startup_id: int | None = None, for_user_id: int | None = None, hosted: bool = False,
) -> Booking:
    """Book a space for `[starts_at, ends_at)` if every rule allows it; pending where the rule wants approval.

    `for_user_id` books for a colleague of one of the actor's start-ups (staff: for anyone). `hosted` books it
    for another domain's event, whose host records attendance: it is never released for want of a check-in.
    """
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    title = checks.clean_title(title)
    actor = load_memberships(db, actor)
    holder = checks.holder_for(db, actor, for_user_id)
    space = checks.bookable_space(db, space_id)
    organisation_id = checks.startup_for(db, actor=actor, holder=holder, startup_id=startup_id)
    policy = checks.check_booking(db, actor=actor, holder=holder, space=space, organisation_id=organisation_id,
                                  starts_at=starts_at, ends_at=ends_at, now=now)
    quota = quotas.check_quota(db, holder=holder, space=space, organisation_id=organisation_id, starts_at=starts_at,
                               ends_at=ends_at, now=now)
    pending = must_wait(actor, policy, quota)
    booking = Booking(
        space_id=space.id, user_id=holder.id, organisation_id=organisation_id, operator_id=quota.operator_id,
        starts_at=starts_at, ends_at=ends_at, status=BookingStatus.PENDING if pending else BookingStatus.CONFIRMED,
        title=title,
        created_at=now, created_by=actor.id, hosted=hosted,
    )
    checks.save_booking(db, booking, space)
    if cost := cost_of(actor, policy, booking):  # a new booking has no charge yet: nothing to settle when free
        credits.charge_booking(db, booking=booking, cost=cost, now=now)
    audit.record(db, actor=actor, action="booking.create", obj=booking, now=now,
                 summary=said(N_("{space}, {day}, {start}–{end} ({status})"), **checks.slot(booking, space),
                              status=[STATUS_LABELS[BookingStatus(booking.status)]]))
    mail.queue_booking_confirmation(db, booking, now)
    return booking


def move_booking(
    db: Session, *, actor: User, booking_id: int, starts_at: datetime, ends_at: datetime, now: datetime,
    space_id: int | None = None,
) -> Booking:
    """Move a booking that has not started to another time (and space), every rule checked again.

    Its credits follow: the difference in cost is debited or refunded.
    """
    booking = get_booking(db, actor=actor, booking_id=booking_id)
    require(actor, "booking.change", booking)
    if booking.status not in (BookingStatus.PENDING, BookingStatus.CONFIRMED):
        raise Conflict("This booking can no longer be moved.", code=BOOKING_NOT_ACTIVE)
    if booking.starts_at <= now:
        raise Conflict("This booking has started: it can no longer be moved.", code=BOOKING_STARTED)
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    actor = load_memberships(db, actor)
    holder = load_memberships(db, queries.get_user(db, booking.user_id))
    space = checks.bookable_space(db, space_id or booking.space_id)
    policy = checks.check_booking(db, actor=actor, holder=holder, space=space,
                                  organisation_id=booking.organisation_id, starts_at=starts_at, ends_at=ends_at,
                                  now=now, moving=booking)
    quotas.check_quota(db, holder=holder, space=space, organisation_id=booking.organisation_id, starts_at=starts_at,
                       ends_at=ends_at, now=now, moving=booking)
    before = checks.slot(booking, booking.space)
    freed = (booking.space, booking.starts_at, booking.ends_at)
    booking.space, booking.starts_at, booking.ends_at = space, starts_at, ends_at
    checks.save_booking(db, booking, space)
    credits.charge_booking(db, booking=booking, cost=cost_of(actor, policy, booking), now=now)
    audit.record(db, actor=actor, action="booking.move", obj=booking, now=now,
                 summary=said(N_("{space}, {day}, {start}–{end} → {new_space}, {new_day}, {new_start}–{new_end}"), **before,
                              **{f"new_{key}": value for key, value in checks.slot(booking, space).items()}))
    mail.queue_booking_confirmation(db, booking, now)
    old_space, old_start, old_end = freed
    waitlist.offer_freed_slot(db, space=old_space, starts_at=old_start, ends_at=old_end, now=now)
    return booking


def must_wait(actor: User, policy: Policy, quota: quotas.QuotaCheck) -> bool:
    """Pending: the rule wants approval (staff need none), or the operator's quota is spent (admins need none)."""
    return (policy.requires_approval and not is_staff(actor)) or (quota.needs_approval
                                                                   and not can(actor, "operator.manage"))


def cost_of(actor: User, policy: Policy, booking: Booking) -> int:
    """The booking's credits; the house's own bookings (staff, for no start-up) are free."""
    if booking.organisation_id is None and is_staff(actor):
        return 0
    return credits.booking_cost(policy, booking.starts_at, booking.ends_at)


# -- reading bookings -----------------------------------------------------------------------------


def get_booking(db: Session, *, actor: User, booking_id: int) -> Booking:
    """The booking, with its space, floor and venue; NotFound for those who may not see it."""
    booking = queries.get_booking(db, booking_id)
    if booking is None or not can(load_memberships(db, actor), "booking.read", booking):
        raise NotFound("No such booking.")
    return booking


def list_bookings(
    db: Session, *, actor: User, mine: bool = False, starts_after: datetime | None = None,
    starts_before: datetime | None = None, space_id: int | None = None, status: str | None = None, limit: int = 200,
) -> list[Booking]:
    """By start: the actor's own with `mine`; else all for staff, own and own start-ups' for others."""
    filters = {"starts_after": starts_after, "starts_before": starts_before, "space_id": space_id, "status": status,
               "limit": limit}
    if mine:
        return queries.list_bookings(db, user_id=actor.id, **filters)
    if is_staff(actor):
        return queries.list_bookings(db, **filters)
    actor = load_memberships(db, actor)
    return queries.list_bookings(db, visible_to=(actor.id, member_organisation_ids(actor)), **filters)


# -- changing bookings ----------------------------------------------------------------------------


def cancel_booking(db: Session, *, actor: User, booking_id: int, now: datetime) -> Booking:
    """Give the slot back, with its credits when it comes in time; cancelling twice changes nothing."""
    booking = get_booking(db, actor=actor, booking_id=booking_id)
    require(actor, "booking.change", booking)
    if booking.status == BookingStatus.CANCELLED:
        return booking
    if booking.status not in (BookingStatus.PENDING, BookingStatus.CONFIRMED):
        raise Conflict("This booking can no longer be cancelled.", code=BOOKING_NOT_ACTIVE)
    if booking.ends_at <= now:
        raise Conflict("This booking is over.", code=BOOKING_NOT_ACTIVE)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    db.flush()
    if credits.refund_is_due(policy_from(venue_queries.get_rule_for(db, booking.space)), booking, now):
        credits.refund_booking(db, booking=booking, now=now)
    audit.record(db, actor=actor, action="booking.cancel", obj=booking, now=now,
                 summary=said(checks.SLOT, **checks.slot(booking, booking.space)))
    mail.queue_booking_cancellation(db, booking, now)
    waitlist.offer_freed_slot(db, space=booking.space, starts_at=booking.starts_at, ends_at=booking.ends_at, now=now)
    return booking


def check_in(db: Session, *, actor: User, booking_id: int, now: datetime) -> Booking:
    """Mark the booking used; allowed from 15 minutes before its start to the venue's grace period after."""
    booking = get_booking(db, actor=actor, booking_id=booking_id)
    require(actor, "booking.change", booking)
    # Re-read under a row lock, so that the no-show release and a check-in never both win.
    db.refresh(booking, attribute_names=["status"], with_for_update=True)
    if booking.status == BookingStatus.CHECKED_IN:
        return booking
    if booking.status == BookingStatus.PENDING:
        raise Conflict("This booking is waiting for approval.", code=APPROVAL_REQUIRED)
    if booking.status != BookingStatus.CONFIRMED:
        raise Conflict("This booking is no longer active.", code=BOOKING_NOT_ACTIVE)
    venue = booking.space.floor.venue
    opens, closes = check_in_window(booking)
    if now < opens:
        raise Conflict("Check-in opens at {time}.", code=CHECK_IN_WINDOW, time=f"{local_time(opens, venue):%H:%M}")
    if now > closes:
        raise Conflict("Check-in closed at {time}.", code=CHECK_IN_WINDOW, time=f"{local_time(closes, venue):%H:%M}")
    booking.status = BookingStatus.CHECKED_IN
    booking.checked_in_at = now
    db.flush()
    audit.record(db, actor=actor, action="booking.check_in", obj=booking, now=now,
                 summary=said(checks.SLOT, **checks.slot(booking, booking.space)))
    return booking


def approve_booking(db: Session, *, actor: User, booking_id: int, now: datetime) -> Booking:
    """Confirm a booking that waits for approval."""
    return _decide(db, actor=actor, booking_id=booking_id, now=now, status=BookingStatus.CONFIRMED)


def reject_booking(db: Session, *, actor: User, booking_id: int, now: datetime) -> Booking:
    """Refuse a booking that waits for approval, which frees its slot."""
    return _decide(db, actor=actor, booking_id=booking_id, now=now, status=BookingStatus.REJECTED)


def _decide(db: Session, *, actor: User, booking_id: int, now: datetime, status: BookingStatus) -> Booking:
    booking = get_booking(db, actor=actor, booking_id=booking_id)
    require(actor, "booking.decide", booking)
    if booking.status != BookingStatus.PENDING:
        raise Conflict("This booking is not waiting for approval.", code=NOT_AWAITING_APPROVAL)
    booking.status = status
    db.flush()
    if status == BookingStatus.REJECTED:
        credits.refund_booking(db, booking=booking, now=now)
    action = "booking.approve" if status == BookingStatus.CONFIRMED else "booking.reject"
    audit.record(db, actor=actor, action=action, obj=booking, now=now, summary=said(checks.SLOT, **checks.slot(booking, booking.space)))
    if status == BookingStatus.CONFIRMED:
        mail.queue_booking_confirmation(db, booking, now)
    else:
        mail.queue_booking_cancellation(db, booking, now)
        waitlist.offer_freed_slot(db, space=booking.space, starts_at=booking.starts_at, ends_at=booking.ends_at,
                                  now=now)
    return booking


# -- jobs -----------------------------------------------------------------------------------------


def release_no_shows(db: Session, *, now: datetime) -> list[Booking]:
    """Free the confirmed bookings whose holder did not check in within the venue's grace period.

    Running it again at the same time finds nothing more: released bookings
    are no longer `confirmed`. Dozens go at once on a busy morning: the
    releases are written together, the holders read in one query, and the
    waitlist is looked at only for the spaces someone waits for.
    """
    released, system = [], system_actor(db, now=now)
    for venue in venue_queries.list_venues(db):
        for booking in queries.list_no_shows(db, venue, now=now, since=now - NO_SHOW_LOOKBACK):
            booking.status = BookingStatus.RELEASED
            released.append(booking)
            audit.record(db, actor=system, action="booking.release", obj=booking, now=now,
                         summary=said(N_("{space}, {day}, {start}–{end}: not checked in"),
                                      **checks.slot(booking, booking.space)))
    if not released:
        return released
    # The holders in one query, kept referenced while their e-mails are written (the session's map is weak).
    holders = queries.load_users(db, {booking.user_id for booking in released})
    for booking in released:
        mail.queue_booking_cancellation(db, booking, now)
    waited_for = waitlist.spaces_waited_for(db, released)
    for booking in released:
        if booking.space_id in waited_for:
            waitlist.offer_freed_slot(db, space=booking.space, starts_at=booking.starts_at,
                                      ends_at=booking.ends_at, now=now)
    db.flush()
    del holders
    return released
