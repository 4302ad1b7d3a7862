"""Running an operator's events: create, edit and cancel them, the space booked in the same transaction.

The space is booked through the booking flow (its rules, the operator's quota and approval; a taken space is
the booking's own 409), as a hosted booking: the event's door check-in, not the booking's, records who came.
Services flush, never commit; times come in and are stored in UTC and are ruled on the venue's clock.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from spaces.booking import hosted
from spaces.booking import service as booking_service
from spaces.booking.enums import ACTIVE_STATUSES
from spaces.booking.models import Booking
from spaces.events import mail, queries, registrations
from spaces.events import permissions as _permissions  # noqa: F401  (registers the rules checked here)
from spaces.events.enums import Audience, EventKind, EventStatus, RegistrationStatus
from spaces.events.models import Event, EventTag, Registration
from spaces.operators import queries as operator_queries
from spaces.operators.models import Operator
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Space
from spaces.venues.rules import local_time
from totem import audit
from totem.i18n import N_, said
from totem.errors import Conflict, Invalid, NotFound, error_code
from totem.identity.models import User
from totem.permissions import can, require
from totem.text import bounded

EVENT_CANCELLED = error_code("event_cancelled", "The event is cancelled.")
EVENT_OVER = error_code("event_over", "The event has started or is over: it can no longer be changed.")
CAPACITY_BELOW_SEATED = error_code("capacity_below_seated", "More people already hold a seat than the new capacity.")
NO_OPERATOR = error_code("no_operator", "The event needs an operator that the person creating it manages.")

TITLE_MAX, DESCRIPTION_MAX, TAG_MAX, TAGS_MAX = 200, 10_000, 60, 12
CAPACITY_MAX = 10_000
LONGEST_EVENT = timedelta(days=3)


@dataclass(frozen=True)
class EventData:
    title: str
    starts_at: datetime
    ends_at: datetime
    space_id: int
    capacity: int
    kind: str = EventKind.MEETUP
    audience: str = Audience.PUBLIC
    description_fr: str = ""
    description_en: str = ""
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    operator_id: int | None = None  # None: the creator's operator (the first they manage); on edit, unchanged

    def cleaned(self) -> "EventData":
        title = bounded(self.title, field="title", longest=TITLE_MAX)
        if not title:
            raise Invalid("Give the event a title.", field="title")
        if self.kind not in {kind.value for kind in EventKind}:
            raise Invalid("Choose the kind of event.", field="kind")
        if self.audience not in {audience.value for audience in Audience}:
            raise Invalid("Choose who may come.", field="audience")
        starts_at, ends_at = self.starts_at.astimezone(UTC), self.ends_at.astimezone(UTC)
        if ends_at <= starts_at:
            raise Invalid("The end must be after the start.", field="ends_at")
        if ends_at - starts_at > LONGEST_EVENT:
            raise Invalid("An event lasts at most three days.", field="ends_at")
        if not 1 <= self.capacity <= CAPACITY_MAX:
            raise Invalid("The capacity is between 1 and {most}.", field="capacity", most=CAPACITY_MAX)
        opens = self.registration_opens_at.astimezone(UTC) if self.registration_opens_at else None
        closes = self.registration_closes_at.astimezone(UTC) if self.registration_closes_at else None
        if opens and closes and closes <= opens:
            raise Invalid("Registration must close after it opens.", field="registration_closes_at")
        if closes and closes > ends_at:
            raise Invalid("Registration closes at the latest when the event ends.", field="registration_closes_at")
        if opens and opens >= starts_at:
            raise Invalid("Registration opens before the event starts.", field="registration_opens_at")
        return EventData(
            title=title, starts_at=starts_at, ends_at=ends_at, space_id=self.space_id, capacity=self.capacity,
            kind=self.kind, audience=self.audience,
            description_fr=bounded(self.description_fr, field="description_fr", longest=DESCRIPTION_MAX),
            description_en=bounded(self.description_en, field="description_en", longest=DESCRIPTION_MAX),
            registration_opens_at=opens, registration_closes_at=closes, tags=clean_tags(self.tags),
            operator_id=self.operator_id)


def clean_tags(tags: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Tags as slugs ("Industries créatives" -> "industries-creatives"), once each, in order."""
    slugs: list[str] = []
    for tag in tags:
        slug = slugify(bounded(tag, field="tags", longest=TAG_MAX))
        if slug and slug not in slugs:
            slugs.append(slug)
    if len(slugs) > TAGS_MAX:
        raise Invalid("At most {count} tags.", field="tags", count=TAGS_MAX)
    return tuple(slugs)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: a track's name matches a tag through it."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:TAG_MAX]


# -- reading --------------------------------------------------------------------------------------


def managed_operators(db: Session, *, actor: User) -> list[Operator]:
    """The operators whose events the actor runs: every one for the admins, their own for a manager."""
    if can(actor, "operator.manage"):
        return operator_queries.list_operators(db)
    return [operator for operator in operator_queries.list_operators(db, managed_by=actor.id)
            if can(actor, "events.manage", operator)]


def list_managed_events(db: Session, *, actor: User, now: datetime) -> list[Event]:
    """The staff's list: the events of the operators the actor runs, from today's on, cancelled ones included."""
    require(actor, "events.manage")
    operator_ids = None if can(actor, "operator.manage") else [o.id for o in managed_operators(db, actor=actor)]
    return queries.list_operator_events(db, operator_ids=operator_ids, since=now - timedelta(days=1))


def get_managed_event(db: Session, *, actor: User, event_id: int) -> Event:
    """The event with its registrations' data: NotFound for whoever does not run its operator."""
    event = queries.get_event(db, event_id)
    if event is None or not can(actor, "events.manage", operator_queries.get_operator(db, event.operator_id)):
        raise NotFound("No such event.")
    return event


def get_visible_event(db: Session, *, viewer: User | None, key: str) -> Event:
    """The public page's event, by slug or id; members-only ones for members only (others get a 404)."""
    event = queries.get_event_by_slug(db, key[:120])
    if event is None and key.isdigit() and len(key) < 12:
        event = queries.get_event(db, int(key))
    if event is None or not is_visible(event, viewer):
        raise NotFound("No such event.")
    return event


def is_visible(event: Event, viewer: User | None) -> bool:
    return event.audience == Audience.PUBLIC or can(viewer, "events.members_only", event)


def list_agenda(db: Session, *, viewer: User | None, now: datetime, limit: int = 200) -> list[Event]:
    """Upcoming scheduled events by start: the public ones, and the members-only ones for members."""
    audiences = (Audience.PUBLIC, Audience.MEMBERS) if can(viewer, "events.members_only") else (Audience.PUBLIC,)
    return queries.list_upcoming(db, now=now, audiences=audiences, limit=limit)


def by_local_day(events: list[Event]) -> list[tuple[date, list[Event]]]:
    """The agenda's days: events grouped by the local date of their start (space, floor and venue loaded)."""
    days: dict[date, list[Event]] = {}
    for event in events:
        days.setdefault(local_time(event.starts_at, event.space.floor.venue).date(), []).append(event)
    return list(days.items())


def registration_counts(db: Session, events: list[Event]) -> dict[int, dict[str, int]]:
    """Per event, how many registrations are in each state."""
    counts: dict[int, dict[str, int]] = {event.id: {} for event in events}
    for (event_id, status), count in queries.count_by_status(db, list(counts)).items():
        counts[event_id][status] = count
    return counts


def list_registrations(db: Session, *, actor: User, event: Event | None) -> list[Registration]:
    """Who registered, seated first then the waiting list in its order: for those who run the event only."""
    if event is None:
        return []
    get_managed_event(db, actor=actor, event_id=event.id)
    return queries.list_registrations(db, event.id)


def cancel_registration(db: Session, *, actor: User, event_id: int, registration_id: int,
                        now: datetime) -> Registration:
    """The event's staff cancel someone's registration (they said so at the desk): the seat goes on."""
    event = get_managed_event(db, actor=actor, event_id=event_id)
    registration = queries.get_registration(db, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound("No such registration.")
    return registrations.cancel(db, registration=registration, now=now, actor=actor)


def event_spaces(db: Session) -> list[Space]:
    """The spaces an event may take: the event spaces, then the meeting rooms."""
    return [*venue_queries.list_spaces(db, kind=SpaceKind.EVENT_SPACE),
            *venue_queries.list_spaces(db, kind=SpaceKind.MEETING_ROOM)]


def is_changeable(event: Event, now: datetime) -> bool:
    return not event.is_cancelled and event.starts_at > now


# -- changing -------------------------------------------------------------------------------------


def create_event(db: Session, *, actor: User, data: EventData, now: datetime) -> Event:
    """Create the event and book its space for it in the same transaction; the booking's refusal is the event's."""
    data = data.cleaned()
    operator = _operator_for_new(db, actor, data.operator_id)
    space = _space(db, data)
    booking = booking_service.create_booking(db, actor=actor, space_id=space.id, starts_at=data.starts_at,
                                             ends_at=data.ends_at, now=now, title=data.title, hosted=True)
    booking.operator_id = booking.operator_id or operator.id
    event = Event(
        slug=_new_slug(db, data.title, data.starts_at, space.floor.venue), operator_id=operator.id,
        venue_id=space.floor.venue_id, space_id=space.id, booking_id=booking.id, created_by=actor.id, created_at=now,
        seats_taken=0, status=EventStatus.SCHEDULED,
    )
    _apply(event, data)
    db.add(event)
    db.flush()
    audit.record(db, actor=actor, action="event.create", obj=event, now=now,
                 summary=said(N_("{title} on {when} in {space}"), title=event.title, space=space.name,
                              when=f"{local_time(data.starts_at, space.floor.venue):%Y-%m-%d %H:%M}"))
    return queries.get_event(db, event.id) or event


def update_event(db: Session, *, actor: User, event_id: int, data: EventData, now: datetime) -> Event:
    """Change the event; a new time or space moves its booking, every rule checked again; a larger capacity
    offers the new seats to the waiting list."""
    event = get_managed_event(db, actor=actor, event_id=event_id)
    _check_changeable(event, now)
    data = data.cleaned()
    event = queries.lock_event(db, event.id) or event
    if data.capacity < event.seats_taken:
        raise Invalid("{count} people already hold a seat: the capacity cannot be lower.", field="capacity",
                      code=CAPACITY_BELOW_SEATED, count=event.seats_taken)
    space = _space(db, data)
    if (data.starts_at, data.ends_at, space.id) != (event.starts_at, event.ends_at, event.space_id):
        _move_booking(db, actor=actor, event=event, data=data, now=now)
    event.space_id, event.venue_id = space.id, space.floor.venue_id
    _apply(event, data)
    event.updated_at = now
    db.flush()
    registrations.offer_free_seats(db, event=event, now=now)
    audit.record(db, actor=actor, action="event.update", obj=event, now=now, summary=said(N_("updated {title}"), title=event.title))
    db.expire(event)
    return get_managed_event(db, actor=actor, event_id=event.id)


def cancel_event(db: Session, *, actor: User, event_id: int, now: datetime) -> Event:
    """Call the event off: its space is given back, and everyone registered or waiting is told."""
    event = get_managed_event(db, actor=actor, event_id=event_id)
    if event.is_cancelled:
        return event
    if event.starts_at <= now:
        # People may be in the room and checked in: their attendance is a record, not something to call off.
        raise Conflict("The event has started: it can no longer be cancelled.", code=EVENT_OVER)
    event = queries.lock_event(db, event.id) or event
    event.status, event.cancelled_at, event.updated_at = EventStatus.CANCELLED, now, now
    if event.booking_id is not None:
        hosted.release_room(db, actor=actor, booking_id=event.booking_id, now=now)
    for registration in queries.list_registrations(db, event.id):
        if registration.status != RegistrationStatus.CANCELLED:
            registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
            registration.offer_expires_at = None
            mail.queue_event_cancelled(db, registration, event, now)
    event.seats_taken = 0
    db.flush()
    audit.record(db, actor=actor, action="event.cancel", obj=event, now=now, summary=said(N_("cancelled {title}"), title=event.title))
    db.expire(event)
    return get_managed_event(db, actor=actor, event_id=event.id)


def _apply(event: Event, data: EventData) -> None:
    event.title, event.kind, event.audience = data.title, data.kind, data.audience
    event.description_fr, event.description_en = data.description_fr, data.description_en
    event.starts_at, event.ends_at, event.capacity = data.starts_at, data.ends_at, data.capacity
    event.registration_opens_at, event.registration_closes_at = data.registration_opens_at, data.registration_closes_at
    event.tags = [EventTag(slug=slug) for slug in sorted(data.tags)]


def _check_changeable(event: Event, now: datetime) -> None:
    if event.is_cancelled:
        raise Conflict("The event is cancelled.", code=EVENT_CANCELLED)
    if event.starts_at <= now:
        raise Conflict("The event has started: it can no longer be changed.", code=EVENT_OVER)


def _move_booking(db: Session, *, actor: User, event: Event, data: EventData, now: datetime) -> None:
    booking = db.get(Booking, event.booking_id) if event.booking_id is not None else None
    if booking is not None and booking.status in ACTIVE_STATUSES:
        booking_service.move_booking(db, actor=actor, booking_id=booking.id, starts_at=data.starts_at,
                                     ends_at=data.ends_at, now=now, space_id=data.space_id)
        return
    # Its booking was rejected or released meanwhile: book the space again.
    new = booking_service.create_booking(db, actor=actor, space_id=data.space_id, starts_at=data.starts_at,
                                         ends_at=data.ends_at, now=now, title=data.title, hosted=True)
    new.operator_id = new.operator_id or event.operator_id
    event.booking_id = new.id


def _operator_for_new(db: Session, actor: User, operator_id: int | None) -> Operator:
    if operator_id is None:
        operator_id = operator_queries.first_operator_managed_by(db, actor.id)
        if operator_id is None and can(actor, "operator.manage"):
            operator_id = next((operator.id for operator in operator_queries.list_operators(db)), None)
    operator = operator_queries.get_operator(db, operator_id) if operator_id is not None else None
    if operator is None:
        require(actor, "events.manage")
        raise Invalid("Choose the operator that holds the event.", field="operator_id", code=NO_OPERATOR)
    require(actor, "events.manage", operator)
    return operator


def _space(db: Session, data: EventData) -> Space:
    space = venue_queries.get_space(db, data.space_id)
    if space is None:
        raise Invalid("Choose the space.", field="space_id")
    if data.capacity > space.capacity:
        raise Invalid("{space} holds at most {count} people.", field="capacity", space=space.name,
                      count=space.capacity)
    return space


def _new_slug(db: Session, title: str, starts_at: datetime, venue) -> str:  # type: ignore[no-untyped-def]
    base = f"{slugify(title)[:90] or 'event'}-{local_time(starts_at, venue):%Y-%m-%d}"
    slug, number = base, 1
    while queries.slug_taken(db, slug):
        number += 1
        slug = f"{base}-{number}"
    return slug
