"""The waitlist: people wait for a taken slot; when it frees, the first in line gets it held for a while.

An offer is a booking with status `offered`: it holds the slot like any
active booking (availability, the overlap checks and PostgreSQL's exclusion
constraint all count it) until its holder accepts it, declines it, or it
expires and goes to the next in line. Services flush, never commit.
"""
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from babel.dates import format_date
from sqlalchemy import exists, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, joinedload

from spaces.booking import checks, queries
from spaces.booking.enums import BookingStatus
from spaces.booking.labels import STATUS_LABELS
from spaces.booking.models import Booking
from spaces.booking.waitlist.enums import WaitlistStatus
from spaces.booking.waitlist.models import WaitlistEntry
from spaces.credits import service as credits
from spaces.venues import queries as venue_queries
from spaces.venues.labels import KIND_LABELS
from spaces.venues.models import Floor, Space
from spaces.venues.rules import Policy, local_time, policy_from
from totem import audit
from totem.errors import Conflict, DomainError, Invalid, NotFound, error_code
from totem.i18n import N_, said
from totem.identity.models import User
from totem.identity.service import load_memberships, system_actor
from totem.notifications.service import queue_mail
from totem.permissions import can, is_staff, rule
from totem.settings import get_settings

logger = logging.getLogger(__name__)

# How long a freed slot stays held for the one it is offered to: time enough to
# see the e-mail between two meetings, short enough that the next in line still
# gets a slot worth taking. It never runs past the slot's start.
OFFER_TTL = timedelta(minutes=30)
OPEN_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)
OFFER_SUBJECT = N_("A slot is free for you: {space}, {day} at {start}")
NO_OPEN_OFFER_MESSAGE = N_("There is no open offer on this waitlist entry.")

SLOT_IS_FREE = error_code("slot_is_free", "The slot is free: book it rather than wait for it.")
ALREADY_WAITING = error_code("already_waiting", "The person is already on the waitlist for this slot.")
NO_OPEN_OFFER = error_code("no_open_offer", "The waitlist entry holds no offer to accept or decline.")
OFFER_EXPIRED = error_code("offer_expired", "The offer's hold ran out; the slot went to the next in line.")
NOT_WAITING = error_code("not_waiting", "The waitlist entry is booked or withdrawn: it no longer waits.")


@rule("waitlist.change")
def _change_entry(user: User, entry: WaitlistEntry) -> bool:
    """See, accept, decline or leave a waitlist entry: the person waiting, or staff."""
    return is_staff(user) or entry.user_id == user.id


# -- joining --------------------------------------------------------------------------------------


def join_waitlist(
    db: Session, *, actor: User, space_id: int, starts_at: datetime, ends_at: datetime, now: datetime,
    title: str = "", startup_id: int | None = None,
) -> WaitlistEntry:
    """Wait for a taken slot, every other booking rule checked; a free slot is refused: book it instead."""
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    title = checks.clean_title(title)
    actor = load_memberships(db, actor)
    space = checks.bookable_space(db, space_id)
    organisation_id = checks.startup_for(db, actor=actor, holder=actor, startup_id=startup_id)
    policy = checks.check_booking(db, actor=actor, holder=actor, space=space, organisation_id=organisation_id,
                                  starts_at=starts_at, ends_at=ends_at, now=now, require_free=False)
    if organisation_id is None and not is_staff(actor) and credits.booking_cost(policy, starts_at, ends_at):
        raise Invalid("Choose the start-up whose credits pay for this booking.", field="startup_id",
                      code=credits.STARTUP_REQUIRED)
    if _is_free(db, space, policy, starts_at, ends_at):
        raise Conflict("{space} is free at that time: book it instead.", field="space_id", code=SLOT_IS_FREE,
                       space=space.name)
    duplicate = db.scalar(select(WaitlistEntry.id).where(
        WaitlistEntry.user_id == actor.id, WaitlistEntry.space_id == space.id, WaitlistEntry.starts_at == starts_at,
        WaitlistEntry.ends_at == ends_at, WaitlistEntry.status.in_(OPEN_STATUSES)).limit(1))
    if duplicate is not None:
        raise Conflict("You are already on the waitlist for this slot.", field="space_id", code=ALREADY_WAITING)
    entry = WaitlistEntry(space_id=space.id, user_id=actor.id, organisation_id=organisation_id, starts_at=starts_at,
                          ends_at=ends_at, title=title, status=WaitlistStatus.WAITING, created_at=now)
    db.add(entry)
    db.flush()
    audit.record(db, actor=actor, action="waitlist.join", obj=entry, now=now, summary=said(checks.SLOT, **_slot(entry, space)))
    return entry


def _is_free(db: Session, space: Space, policy: Policy, starts_at: datetime, ends_at: datetime) -> bool:
    try:
        checks.check_free(db, space, policy, starts_at, ends_at)
    except Conflict:
        return False
    return True


# -- offering -------------------------------------------------------------------------------------


def offer_freed_slot(
    db: Session, *, space: Space, starts_at: datetime, ends_at: datetime, now: datetime
) -> list[WaitlistEntry]:
    """Hold the freed window for those waiting on it, first come first served; returns the entries offered.

    Each entry whose whole window is now free gets a held booking and an
    e-mail; those whose window overlaps a held one keep waiting; those whose
    start has passed expire.
    """
    db.flush()  # the checks below must see the freed booking as it now is
    if not _anyone_waiting(db, space.id, starts_at, ends_at):
        return []  # the common case, answered in one query: the no-show job frees many slots at once
    space = venue_queries.get_space(db, space.id, lock=True)  # serialises with bookings of the space
    if space is None or not space.is_active:
        return []
    policy = policy_from(venue_queries.get_rule_for(db, space))
    # A booking that leaves also frees the buffer around it.
    buffer = timedelta(minutes=policy.buffer_minutes)
    offered = []
    for entry in _list_waiting(db, space.id, starts_at - buffer, ends_at + buffer):
        holder = db.get(User, entry.user_id)
        if entry.starts_at <= now or holder is None or not holder.is_active:
            _expire(db, entry, space, now)
            continue
        if not _is_free(db, space, policy, entry.starts_at, entry.ends_at):
            continue  # still taken, or just held for someone before them: they keep waiting
        booking = Booking(space=space, user_id=entry.user_id, organisation_id=entry.organisation_id,
                          starts_at=entry.starts_at, ends_at=entry.ends_at, status=BookingStatus.OFFERED,
                          title=entry.title, created_at=now, created_by=None)
        try:
            checks.save_booking(db, booking, space)
        except Conflict:
            continue  # a concurrent booking won the slot (PostgreSQL)
        entry.status, entry.booking_id = WaitlistStatus.OFFERED, booking.id
        entry.offered_at, entry.offer_expires_at = now, min(now + OFFER_TTL, entry.starts_at)
        db.flush()
        _queue_offer_mail(db, entry, space, holder, now)
        audit.record(db, actor=system_actor(db, now=now), action="waitlist.offer", obj=entry, now=now,
                     summary=said(N_("{space}, {day}, {start}–{end}: held as booking #{booking}"),
                                  **_slot(entry, space), booking=booking.id))
        offered.append(entry)
    return offered


def _anyone_waiting(db: Session, space_id: int, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether anyone waits for the space around the window (a day either side covers any buffer)."""
    margin = timedelta(days=1)
    return db.scalar(select(exists().where(
        WaitlistEntry.space_id == space_id, WaitlistEntry.status == WaitlistStatus.WAITING,
        WaitlistEntry.starts_at < ends_at + margin, WaitlistEntry.ends_at > starts_at - margin,
    ))) or False


def spaces_waited_for(db: Session, freed: Sequence[Booking]) -> set[int]:
    """Among the spaces of the freed bookings, those someone waits for around their windows, in one query.

    As `_anyone_waiting` for each booking: the no-show job frees dozens of slots at once, and nobody waits for most.
    """
    if not freed:
        return set()
    margin = timedelta(days=1)
    rows = db.execute(select(WaitlistEntry.space_id, WaitlistEntry.starts_at, WaitlistEntry.ends_at).where(
        WaitlistEntry.space_id.in_({booking.space_id for booking in freed}),
        WaitlistEntry.status == WaitlistStatus.WAITING,
        WaitlistEntry.starts_at < max(booking.ends_at for booking in freed) + margin,
        WaitlistEntry.ends_at > min(booking.starts_at for booking in freed) - margin,
    )).all()
    return {booking.space_id for booking in freed for row in rows
            if row.space_id == booking.space_id and row.starts_at < booking.ends_at + margin
            and row.ends_at > booking.starts_at - margin}


def _list_waiting(db: Session, space_id: int, starts_at: datetime, ends_at: datetime) -> list[WaitlistEntry]:
    """Waiting entries of the space overlapping the window, in the order they joined, locked."""
    query = (
        select(WaitlistEntry)
        .where(WaitlistEntry.space_id == space_id, WaitlistEntry.status == WaitlistStatus.WAITING,
               WaitlistEntry.starts_at < ends_at, WaitlistEntry.ends_at > starts_at)
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
        .with_for_update(skip_locked=True)
    )
    return list(db.scalars(query))


def _queue_offer_mail(db: Session, entry: WaitlistEntry, space: Space, holder: User, now: datetime) -> None:
    """Tell them the slot is held, until when (on the venue's clock), and where to answer."""
    venue = space.floor.venue
    start, end = local_time(entry.starts_at, venue), local_time(entry.ends_at, venue)
    expires = local_time(entry.offer_expires_at or now, venue)
    queue_mail(
        db, to=holder, subject=OFFER_SUBJECT, template="spaces/booking/waitlist/emails/waitlist_offer", now=now,
        space=space.name, kind=KIND_LABELS[space.kind], floor=space.floor.name, venue=venue.name,
        day=format_date(start.date(), format="full", locale=holder.locale), start=f"{start:%H:%M}",
        end=f"{end:%H:%M}", title=entry.title,
        expires_day=format_date(expires.date(), format="full", locale=holder.locale),
        expires_time=f"{expires:%H:%M}",
        waitlist_url=f"{get_settings().base_url.rstrip('/')}/waitlist",
    )


# -- answering ------------------------------------------------------------------------------------


def accept_offer(db: Session, *, actor: User, entry_id: int, now: datetime) -> Booking:
    """Take the held slot: confirmed (pending where the rule wants approval), its credits debited.

    Without enough credits it is a Conflict and nothing changes; accepting
    twice returns the same booking.
    """
    entry = _entry_to_change(db, actor, entry_id)
    booking = queries.get_booking(db, entry.booking_id) if entry.booking_id is not None else None
    if entry.status == WaitlistStatus.BOOKED and booking is not None:
        return booking
    if entry.status != WaitlistStatus.OFFERED or booking is None or booking.status != BookingStatus.OFFERED:
        raise Conflict(NO_OPEN_OFFER_MESSAGE, code=NO_OPEN_OFFER)
    space = booking.space
    if entry.offer_expires_at is None or now >= entry.offer_expires_at:
        expired_at = local_time(entry.offer_expires_at or now, space.floor.venue)
        raise Conflict("The offer expired at {time}.", code=OFFER_EXPIRED, time=f"{expired_at:%H:%M}")
    actor = load_memberships(db, actor)
    holder = actor if actor.id == booking.user_id else load_memberships(db, db.get(User, booking.user_id))
    # The rules may have changed since they joined: the booking must still pass them all.
    policy = checks.check_booking(db, actor=actor, holder=holder, space=space, organisation_id=booking.organisation_id,
                                  starts_at=booking.starts_at, ends_at=booking.ends_at, now=now, moving=booking)
    # As for any booking: the house's own (staff, for no start-up) are free.
    free_of_charge = booking.organisation_id is None and is_staff(actor)
    cost = 0 if free_of_charge else credits.booking_cost(policy, booking.starts_at, booking.ends_at)
    credits.charge_booking(db, booking=booking, cost=cost, now=now)  # first: refused, nothing has changed
    pending = policy.requires_approval and not is_staff(actor)
    booking.status = BookingStatus.PENDING if pending else BookingStatus.CONFIRMED
    booking.created_by = actor.id
    entry.status = WaitlistStatus.BOOKED
    db.flush()
    audit.record(db, actor=actor, action="waitlist.accept", obj=entry, now=now,
                 summary=said(N_("{space}, {day}, {start}–{end}: booking #{booking}, {status}"), **_slot(entry, space),
                              booking=booking.id, status=[STATUS_LABELS[BookingStatus(booking.status)]]))
    return booking


def decline_offer(db: Session, *, actor: User, entry_id: int, now: datetime) -> WaitlistEntry:
    """Turn the offer down: they leave the waitlist and the slot goes to the next in line."""
    entry = _entry_to_change(db, actor, entry_id)
    if entry.status != WaitlistStatus.OFFERED:
        raise Conflict(NO_OPEN_OFFER_MESSAGE, code=NO_OPEN_OFFER)
    return _leave(db, actor, entry, now, action="waitlist.decline")


def withdraw(db: Session, *, actor: User, entry_id: int, now: datetime) -> WaitlistEntry:
    """Leave the waitlist, giving up a held slot too; leaving twice changes nothing."""
    entry = _entry_to_change(db, actor, entry_id)
    if entry.status == WaitlistStatus.WITHDRAWN:
        return entry
    if entry.status not in OPEN_STATUSES:
        raise Conflict("This entry is no longer on the waitlist.", code=NOT_WAITING)
    return _leave(db, actor, entry, now, action="waitlist.withdraw")


def _leave(db: Session, actor: User, entry: WaitlistEntry, now: datetime, *, action: str) -> WaitlistEntry:
    held = _release_hold(db, entry)
    entry.status = WaitlistStatus.WITHDRAWN
    db.flush()
    audit.record(db, actor=actor, action=action, obj=entry, now=now,
                 summary=said(checks.SLOT, **_slot(entry, entry.space)))
    if held is not None:
        offer_freed_slot(db, space=held.space, starts_at=held.starts_at, ends_at=held.ends_at, now=now)
    return entry


def _release_hold(db: Session, entry: WaitlistEntry) -> Booking | None:
    """End the booking that holds the entry's offer, if it still does; returns it."""
    booking = queries.get_booking(db, entry.booking_id) if entry.booking_id is not None else None
    if booking is None or booking.status != BookingStatus.OFFERED:
        return None
    booking.status = BookingStatus.EXPIRED
    db.flush()
    return booking


# -- the job --------------------------------------------------------------------------------------


def expire_offers(db: Session, *, now: datetime) -> int:
    """End the offers not taken in time (the slot goes to the next in line) and the waits whose start passed.

    Returns the entries expired. Each is locked, and skipped while another
    transaction holds it, so two schedulers never offer a slot twice; running
    it again changes nothing more.
    """
    expired = 0
    lapsed = (
        select(WaitlistEntry)
        .where(WaitlistEntry.status == WaitlistStatus.OFFERED, WaitlistEntry.offer_expires_at <= now)
        .options(joinedload(WaitlistEntry.space).joinedload(Space.floor).joinedload(Floor.venue))
        .order_by(WaitlistEntry.offer_expires_at, WaitlistEntry.id)
        .with_for_update(of=WaitlistEntry, skip_locked=True)
    )
    for entry in db.scalars(lapsed).unique().all():
        entry_id = entry.id
        try:
            with db.begin_nested():  # one bad offer must not keep the others held forever
                _expire_offer(db, entry, now)
            expired += 1
        except (SQLAlchemyError, DomainError):
            logger.exception("waitlist entry %s: could not expire its offer", entry_id)
    passed = (
        select(WaitlistEntry)
        .where(WaitlistEntry.status == WaitlistStatus.WAITING, WaitlistEntry.starts_at <= now)
        .options(joinedload(WaitlistEntry.space).joinedload(Space.floor).joinedload(Floor.venue))
        .order_by(WaitlistEntry.starts_at, WaitlistEntry.id)
        .with_for_update(of=WaitlistEntry, skip_locked=True)
    )
    for entry in db.scalars(passed).unique().all():
        _expire(db, entry, entry.space, now)
        expired += 1
    db.flush()
    return expired


def _expire_offer(db: Session, entry: WaitlistEntry, now: datetime) -> None:
    held = _release_hold(db, entry)
    _expire(db, entry, entry.space, now)
    if held is not None:
        offer_freed_slot(db, space=held.space, starts_at=held.starts_at, ends_at=held.ends_at, now=now)


def _expire(db: Session, entry: WaitlistEntry, space: Space, now: datetime) -> None:
    why = N_("offer not taken") if entry.status == WaitlistStatus.OFFERED else N_("start passed")
    entry.status = WaitlistStatus.EXPIRED
    db.flush()
    audit.record(db, actor=system_actor(db, now=now), action="waitlist.expire", obj=entry, now=now,
                 summary=said(N_("{space}, {day}, {start}–{end} ({why})"), **_slot(entry, space), why=[why]))


# -- reading --------------------------------------------------------------------------------------


def list_entries(db: Session, *, actor: User, limit: int = 100) -> list[WaitlistEntry]:
    """The actor's own entries, newest first, with their space, floor and venue."""
    query = (
        select(WaitlistEntry)
        .where(WaitlistEntry.user_id == actor.id)
        .options(joinedload(WaitlistEntry.space).joinedload(Space.floor).joinedload(Floor.venue))
        .order_by(WaitlistEntry.created_at.desc(), WaitlistEntry.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))


def get_entry(db: Session, *, actor: User, entry_id: int) -> WaitlistEntry:
    """The entry with its space, floor and venue; NotFound for those who may not see it (staff see all)."""
    entry = db.scalar(_entry_query(entry_id))
    if entry is None or not can(actor, "waitlist.change", entry):
        raise NotFound("No such waitlist entry.")
    return entry


def _entry_to_change(db: Session, actor: User, entry_id: int) -> WaitlistEntry:
    """The entry, re-read under a row lock so that its answer and the expiry job never both win."""
    query = _entry_query(entry_id).with_for_update(of=WaitlistEntry).execution_options(populate_existing=True)
    entry = db.scalar(query)
    if entry is None or not can(actor, "waitlist.change", entry):
        raise NotFound("No such waitlist entry.")
    return entry


def _entry_query(entry_id: int):  # type: ignore[no-untyped-def]
    return select(WaitlistEntry).where(WaitlistEntry.id == entry_id).options(
        joinedload(WaitlistEntry.space).joinedload(Space.floor).joinedload(Floor.venue))


def _slot(entry: WaitlistEntry, space: Space) -> dict[str, object]:
    """For the audit log, as `checks.slot`: the space, the day and the times on the venue's clock."""
    start, end = local_time(entry.starts_at, space.floor.venue), local_time(entry.ends_at, space.floor.venue)
    return {"space": space.name, "day": start.date(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
