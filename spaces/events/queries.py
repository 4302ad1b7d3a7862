"""Reading events with their space and tags, the registrations of one, and the event row a registration locks."""
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from spaces.events.enums import Audience, EventStatus, RegistrationStatus
from spaces.events.models import Event, Registration
from spaces.venues.models import Floor, Space

_LOADED = (joinedload(Event.space).joinedload(Space.floor).joinedload(Floor.venue), selectinload(Event.tags),
           joinedload(Event.operator), joinedload(Event.booking))


def _events() -> Select[tuple[Event]]:
    return select(Event).options(*_LOADED)


def get_event(db: Session, event_id: int) -> Event | None:
    return db.scalar(_events().where(Event.id == event_id))


def get_event_by_slug(db: Session, slug: str) -> Event | None:
    return db.scalar(_events().where(Event.slug == slug))


def slug_taken(db: Session, slug: str) -> bool:
    return db.scalar(select(func.count()).select_from(Event).where(Event.slug == slug)) > 0


def lock_event(db: Session, event_id: int) -> Event | None:
    """The event row, locked until the transaction ends (PostgreSQL; SQLite's writer already holds the database),
    its seat count read afresh: every change of `seats_taken` goes through here."""
    if db.scalar(select(Event.id).where(Event.id == event_id).with_for_update()) is None:
        return None
    return db.scalar(_events().where(Event.id == event_id).execution_options(populate_existing=True))


def list_upcoming(db: Session, *, now: datetime, audiences: tuple[str, ...], limit: int = 200,
                  starts_before: datetime | None = None) -> list[Event]:
    """Scheduled events not over yet, by start, of these audiences."""
    query = (_events().where(Event.status == EventStatus.SCHEDULED, Event.ends_at > now, Event.audience.in_(audiences))
             .order_by(Event.starts_at, Event.id).limit(limit))
    if starts_before is not None:
        query = query.where(Event.starts_at < starts_before)
    return list(db.scalars(query))


def list_public_upcoming(db: Session, *, now: datetime, limit: int = 200) -> list[Event]:
    return list_upcoming(db, now=now, audiences=(Audience.PUBLIC,), limit=limit)


def list_operator_events(db: Session, *, operator_ids: list[int] | None, since: datetime, limit: int = 500) -> list[Event]:
    """Events ending after `since` (cancelled ones included), of these operators (None: every operator)."""
    query = _events().where(Event.ends_at > since).order_by(Event.starts_at, Event.id).limit(limit)
    if operator_ids is not None:
        query = query.where(Event.operator_id.in_(operator_ids))
    return list(db.scalars(query))


def list_registrations(db: Session, event_id: int) -> list[Registration]:
    """Seated first, then the waiting list in its order, then the cancelled."""
    rank = {RegistrationStatus.REGISTERED: 0, RegistrationStatus.OFFERED: 1, RegistrationStatus.WAITLISTED: 2,
            RegistrationStatus.CANCELLED: 3}
    rows = db.scalars(select(Registration).where(Registration.event_id == event_id)
                      .order_by(Registration.queued_at, Registration.id))
    return sorted(rows, key=lambda registration: rank[RegistrationStatus(registration.status)])


def get_registration_by_email(db: Session, event_id: int, email_key: str) -> Registration | None:
    return db.scalar(select(Registration).where(Registration.event_id == event_id,
                                                Registration.email_key == email_key))


def get_registration_by_token(db: Session, token: str) -> Registration | None:
    return db.scalar(select(Registration).options(joinedload(Registration.event).options(*_LOADED))
                     .where(Registration.page_token == token))


def get_registration(db: Session, registration_id: int) -> Registration | None:
    return db.scalar(select(Registration).options(joinedload(Registration.event).options(*_LOADED))
                     .where(Registration.id == registration_id))


def first_waiting(db: Session, event_id: int) -> Registration | None:
    return db.scalar(select(Registration).where(Registration.event_id == event_id,
                                                Registration.status == RegistrationStatus.WAITLISTED)
                     .order_by(Registration.queued_at, Registration.id).limit(1))


def count_by_status(db: Session, event_ids: list[int]) -> dict[tuple[int, str], int]:
    if not event_ids:
        return {}
    rows = db.execute(select(Registration.event_id, Registration.status, func.count())
                      .where(Registration.event_id.in_(event_ids))
                      .group_by(Registration.event_id, Registration.status)).tuples()
    return {(event_id, status): count for event_id, status, count in rows}


def list_expired_offers(db: Session, *, now: datetime) -> list[Registration]:
    return list(db.scalars(select(Registration).where(Registration.status == RegistrationStatus.OFFERED,
                                                      Registration.offer_expires_at <= now)
                           .order_by(Registration.offer_expires_at, Registration.id)))


def list_due_reminders(db: Session, *, now: datetime, until: datetime) -> list[Registration]:
    """Seated people not yet reminded of a scheduled event starting in `(now, until]`."""
    return list(db.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .options(joinedload(Registration.event).options(*_LOADED))
        .where(Registration.status == RegistrationStatus.REGISTERED, Registration.reminder_sent_at.is_(None),
               Event.status == EventStatus.SCHEDULED, Event.starts_at > now, Event.starts_at <= until)
        .order_by(Event.starts_at, Registration.id)))
