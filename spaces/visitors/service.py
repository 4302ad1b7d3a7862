"""Visitors: pre-registering guests, the front desk's list of today's, checking them in, walk-ins.

Anyone signed in hosts their own guests (a member, a mentor for a whole mentor day, a manager for an
event); the venue's staff may register guests for any host and run the front desk. A guest is told by
e-mail (the address, the time, a personal QR code); the host is told when their guest arrives. Times
are stored in UTC and ruled on the venue's local day.
"""
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from spaces.venues import queries as venue_queries
from spaces.venues.models import Venue
from spaces.venues.rules import check_open, local_moment, local_time
from spaces.visitors import mail
from spaces.visitors.models import Visitor
from totem import audit
from totem.errors import Conflict, Invalid, NotFound, error_code
from totem.i18n import N_, said, said_n
from totem.identity import service as identity
from totem.identity.models import User
from totem.permissions import can, is_staff, require, rule

VISIT_IN_THE_PAST = error_code("visit_in_the_past", "A visit cannot be expected before now.")
VISIT_TOO_FAR_AHEAD = error_code("visit_too_far_ahead", "A visit is registered at most a year ahead.")
VISIT_NOT_TODAY = error_code("visit_not_today", "Only today's visitors are checked in at the front desk.")
VISIT_CANCELLED = error_code("visit_cancelled", "The visit was cancelled.")
ALREADY_CHECKED_IN = error_code("already_checked_in", "The visitor is already checked in.")
NO_SUCH_VISIT_CODE = error_code("no_such_visit_code", "No visit has this code.")

# A mentor's day or an event's guest list, in one go; more is an import.
MAX_GUESTS_AT_ONCE = 100
BOOKABLE_AHEAD = timedelta(days=365)
# Read aloud at the desk or typed: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME, MAX_EMAIL, MAX_ORGANISATION, MAX_REASON = 200, 254, 200, 300


@rule("visitors.host")
def _host(user: User, host: User | None) -> bool:
    """One registers one's own guests; the staff anyone's."""
    return is_staff(user) or (host is not None and host.id == user.id)


@rule("visitors.front_desk")
def _front_desk(user: User, _visitor: object) -> bool:
    return is_staff(user)


@rule("visitors.see")
def _see(user: User, visitor: Visitor) -> bool:
    return is_staff(user) or visitor.host_id == user.id


@dataclass(frozen=True)
class Guest:
    name: str
    email: str | None
    organisation: str = ""


def host_named(db: Session, *, actor: User, email: str) -> User:
    """The guests' host: the actor, unless the staff name someone else by e-mail (others' choice is ignored)."""
    if not email.strip() or not is_staff(actor):
        return actor
    host = _user_by_email(db, email)
    if host is None:
        raise Invalid("Nobody has the e-mail {email}.", field="host", email=email.strip()[:60])
    return host


def visited_person(db: Session, *, email: str) -> User:
    """Whom a walk-in visits, by their e-mail: someone with an account."""
    host = _user_by_email(db, email)
    if host is None:
        raise Invalid("Give the e-mail of the person they visit.", field="host")
    return host


def _user_by_email(db: Session, email: str) -> User | None:
    user = identity.get_user_by_email(db, email.strip()[:MAX_EMAIL]) if email.strip() else None
    return None if user is None or user.is_system else user


def parse_guest_lines(text: str) -> list[Guest]:
    """The form's guest list, one per line: `Name, e-mail[, organisation]`; blank lines are skipped."""
    guests = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(",")]
        if len(parts) < 2:
            raise Invalid("Line {line}: write the guest's name, a comma, then their e-mail.", field="guests",
                          line=number)
        guests.append(Guest(name=parts[0], email=parts[1], organisation=", ".join(parts[2:])))
    return guests


def register_guests(db: Session, *, actor: User, host: User, guests: list[Guest], day: date, at: time,
                    reason: str, now: datetime, venue_id: int | None = None) -> list[Visitor]:
    """Expect `guests` for `host` on the venue's `day` at `at`, and e-mail each their invitation."""
    require(actor, "visitors.host", host)
    if not guests:
        raise Invalid("Add at least one guest.", field="guests")
    if len(guests) > MAX_GUESTS_AT_ONCE:
        raise Invalid("At most {count} guests at once.", field="guests", count=MAX_GUESTS_AT_ONCE)
    venue = _venue(db, venue_id)
    expected_at = _expected_at(db, venue, day, at, now)
    reason = _text(reason, MAX_REASON, "reason")
    visitors = []
    for guest in guests:
        email = _email(guest.email)
        visitor = _new_visitor(db, venue=venue, host=host, actor=actor, name=guest.name, email=email,
                               organisation=guest.organisation, reason=reason, expected_at=expected_at, now=now)
        mail.queue_invitation(db, visitor, venue, now)
        visitors.append(visitor)
    audit.record(db, actor=actor, action="visitor.register", obj=visitors[0], now=now,
                 summary=said_n("expected {n} visitor for {host} on {day}", "expected {n} visitors for {host} on {day}",
                                 len(visitors), host=host.name, day=day.isoformat()))
    return visitors


def add_walk_in(db: Session, *, actor: User, host: User, name: str, organisation: str, reason: str,
                now: datetime, venue_id: int | None = None) -> Visitor:
    """Someone at the desk who was not expected: registered and checked in at once; their host is told."""
    require(actor, "visitors.front_desk")
    venue = _venue(db, venue_id)
    visitor = _new_visitor(db, venue=venue, host=host, actor=actor, name=name, email=None,
                           organisation=organisation, reason=_text(reason, MAX_REASON, "reason"),
                           expected_at=now, now=now, walk_in=True)
    visitor.checked_in_at = now
    mail.queue_arrival(db, visitor, venue, now)
    audit.record(db, actor=actor, action="visitor.walk_in", obj=visitor, now=now,
                 summary=said(N_("walk-in visitor #{id} for {host}"), id=visitor.id, host=host.name))
    return visitor


def check_in(db: Session, *, actor: User, visitor: Visitor, now: datetime) -> Visitor:
    """The guest is at the desk: mark them in and tell their host."""
    require(actor, "visitors.front_desk", visitor)
    if visitor.cancelled_at is not None:
        raise Conflict("This visit was cancelled.", code=VISIT_CANCELLED)
    if visitor.checked_in_at is not None:
        raise Conflict("{name} is already checked in.", code=ALREADY_CHECKED_IN, name=visitor.name)
    venue = venue_of(db, visitor)
    if local_time(visitor.expected_at, venue).date() != local_time(now, venue).date():
        raise Conflict("{name} is expected on another day.", code=VISIT_NOT_TODAY, name=visitor.name)
    visitor.checked_in_at = now
    mail.queue_arrival(db, visitor, venue, now)
    audit.record(db, actor=actor, action="visitor.check_in", obj=visitor, now=now,
                 summary=said(N_("checked in visitor #{id}"), id=visitor.id))
    db.flush()
    return visitor


def cancel(db: Session, *, actor: User, visitor: Visitor, now: datetime) -> Visitor:
    """The host (or the staff) no longer expects the guest; a guest already in stays in the record."""
    require(actor, "visitors.see", visitor)
    if visitor.checked_in_at is not None:
        raise Conflict("{name} is already checked in.", code=ALREADY_CHECKED_IN, name=visitor.name)
    if visitor.cancelled_at is None:
        visitor.cancelled_at = now
        audit.record(db, actor=actor, action="visitor.cancel", obj=visitor, now=now,
                     summary=said(N_("cancelled visitor #{id}"), id=visitor.id))
        db.flush()
    return visitor


def get_visitor(db: Session, *, actor: User, visitor_id: int) -> Visitor:
    """A visit its host or the staff may see; anyone else gets a 404, as for a visit that does not exist."""
    visitor = db.scalar(select(Visitor).options(joinedload(Visitor.host)).where(Visitor.id == visitor_id))
    if visitor is None or not can(actor, "visitors.see", visitor):
        raise NotFound("No such visitor.")
    return visitor


def find_by_code(db: Session, *, actor: User, code: str) -> Visitor:
    """The visit a QR code or a typed code names (spaces and case do not matter)."""
    require(actor, "visitors.front_desk")
    cleaned = re.sub(r"[\s-]", "", code).upper()[:CODE_LENGTH + 4]
    visitor = db.scalar(select(Visitor).options(joinedload(Visitor.host)).where(Visitor.code == cleaned))
    if visitor is None:
        raise NotFound("No visit has the code {typed}.", code=NO_SUCH_VISIT_CODE, field="code", typed=cleaned)
    return visitor


def get_by_page_token(db: Session, token: str) -> Visitor:
    """The guest's own page: the secret link of their invitation is the credential."""
    visitor = db.scalar(select(Visitor).options(joinedload(Visitor.host)).where(Visitor.page_token == token[:43]))
    if visitor is None or visitor.cancelled_at is not None:
        raise NotFound("This invitation is not valid any more.")
    return visitor


def expected_on(db: Session, *, actor: User, now: datetime, search: str = "", day: date | None = None,
                venue_id: int | None = None) -> tuple[Venue, date, list[Visitor]]:
    """The front desk's list: the venue's visitors of its local `day` (today by default), by time, cancelled
    ones left out; `search` matches the guest's name or organisation, or the host's name."""
    require(actor, "visitors.front_desk")
    venue = _venue(db, venue_id)
    day = day or local_time(now, venue).date()
    query = _on_day(venue, day).where(Visitor.cancelled_at.is_(None))
    words = search.strip()[:100]
    if words:
        pattern = f"%{words.lower()}%"
        query = query.join(User, User.id == Visitor.host_id).where(or_(
            func.lower(Visitor.name).like(pattern), func.lower(Visitor.organisation).like(pattern),
            func.lower(User.name).like(pattern)))
    return venue, day, list(db.scalars(query))


def hosted_by(db: Session, *, actor: User, now: datetime) -> list[Visitor]:
    """The actor's guests from today on (cancelled ones included, so the host sees what they did)."""
    venue_starts = [local_moment(local_time(now, venue).date(), time(0), venue) for venue in _venues(db)]
    since = min(venue_starts, default=now)
    return list(db.scalars(
        select(Visitor).options(joinedload(Visitor.host))
        .where(Visitor.host_id == actor.id, Visitor.expected_at >= since)
        .order_by(Visitor.expected_at, Visitor.id)
    ))


def list_for_day(db: Session, *, actor: User, day: date, now: datetime) -> list[Visitor]:
    """The API's list: every visitor of the day for the staff, one's own guests for anyone else."""
    venues = _venues(db)
    if not venues:
        return []
    query = _on_day(venues[0], day)
    if not is_staff(actor):
        query = query.where(Visitor.host_id == actor.id)
    return list(db.scalars(query))


def local_today(db: Session, now: datetime) -> date:
    """The venue's date now (the first venue's, where there are several): the form's default day."""
    venues = _venues(db)
    return local_time(now, venues[0]).date() if venues else now.date()


def venue_of(db: Session, visitor: Visitor) -> Venue:
    return db.get_one(Venue, visitor.venue_id)


def _on_day(venue: Venue, day: date):  # type: ignore[no-untyped-def]
    starts, ends = local_moment(day, time(0), venue), local_moment(day + timedelta(days=1), time(0), venue)
    return (select(Visitor).options(joinedload(Visitor.host))
            .where(Visitor.venue_id == venue.id, Visitor.expected_at >= starts, Visitor.expected_at < ends)
            .order_by(Visitor.expected_at, Visitor.name, Visitor.id))


def _new_visitor(db: Session, *, venue: Venue, host: User, actor: User, name: str, email: str | None,
                 organisation: str, reason: str, expected_at: datetime, now: datetime,
                 walk_in: bool = False) -> Visitor:
    visitor = Visitor(
        venue_id=venue.id, host_id=host.id, registered_by_id=actor.id, name=_text(name, MAX_NAME, "name", True),
        email=email, organisation=_text(organisation, MAX_ORGANISATION, "organisation"), reason=reason,
        locale=host.locale, expected_at=expected_at, walk_in=walk_in, code=new_code(),
        page_token=secrets.token_urlsafe(32), created_at=now,
    )
    visitor.host = host
    db.add(visitor)
    db.flush()
    return visitor


def _expected_at(db: Session, venue: Venue, day: date, at: time, now: datetime) -> datetime:
    expected_at = local_moment(day, at, venue).astimezone(UTC)
    if expected_at < now - timedelta(minutes=15):
        raise Invalid("The visit is in the past.", field="day", code=VISIT_IN_THE_PAST)
    if expected_at > now + BOOKABLE_AHEAD:
        raise Invalid("A visit is registered at most a year ahead.", field="day", code=VISIT_TOO_FAR_AHEAD)
    try:
        check_open(venue, expected_at, expected_at, venue_queries.get_opening_hours(db, venue.id, day.weekday()),
                   venue_queries.get_closure(db, venue.id, day))
    except Invalid as closed:  # the building's hours speak of bookings' start and end: here it is the visit's
        raise Invalid(closed.message, field="time" if "opens" in closed.params else "day", code=closed.code,
                      **closed.params) from None
    return expected_at


def _venue(db: Session, venue_id: int | None) -> Venue:
    venues = _venues(db)
    venue = next((v for v in venues if venue_id is None or v.id == venue_id), None)
    if venue is None:
        raise NotFound("No such venue.")
    return venue


def _venues(db: Session) -> list[Venue]:
    return venue_queries.list_venues(db)


def _email(email: str | None) -> str:
    address = (email or "").strip()
    if not EMAIL.match(address) or len(address) > MAX_EMAIL:
        raise Invalid("{email} is not an e-mail address.", field="guests", email=address[:60] or "—")
    return address.lower()


def _text(value: str, limit: int, field: str, required: bool = False) -> str:
    text = " ".join(value.split())
    if required and not text:
        raise Invalid("Give the guest's name.", field=field)
    if len(text) > limit:
        raise Invalid("At most {count} characters.", field=field, count=limit)
    return text


def new_code() -> str:
    """A visit's desk code: eight characters nobody misreads."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
