"""Registering for an event without an account, the waiting list, offers of freed seats and reminders.

Every change of the seats is made with the event's row locked (`queries.lock_event`), so that fifty people
registering at once for the last twenty seats give twenty registrations and thirty on the waiting list. One
e-mail registers once per event: registering again answers the existing registration. A freed seat goes at
once to the first on the waiting list as an offer, held for them until it expires (`TOTEM_EVENT_OFFER_HOURS`,
and never past the event's start); the expiry job passes an offer nobody took to the next.
"""
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from spaces.events import mail, queries
from spaces.events import permissions as _permissions  # noqa: F401  (registers the rules checked here)
from spaces.events.enums import RegistrationStatus
from spaces.events.models import Event, Registration
from spaces.venues.rules import local_moment, local_time
from totem import audit
from totem.i18n import N_, said, said_n
from totem.errors import Conflict, Invalid, NotFound, error_code
from totem.identity.models import User
from totem.identity.service import system_actor
from totem.permissions import can
from totem.settings import get_settings
from totem.text import bounded

REGISTRATION_CLOSED = error_code("registration_closed", "Registration for the event is not open now.")
CONSENT_REQUIRED = error_code("consent_required", "The registration needs the person's consent.")
OFFER_EXPIRED = error_code("seat_offer_expired", "The event seat offered was not taken in time: it went to the next person.")
NOT_OFFERED = error_code("no_seat_offered", "No event seat is offered to this registration.")

MAX_NAME, MAX_EMAIL, MAX_ORGANISATION = 200, 254, 200
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # read aloud at the door or typed: no 0/O, 1/I/L
CODE_LENGTH = 8


@dataclass(frozen=True)
class Applicant:
    name: str
    email: str
    organisation: str = ""
    consent: bool = False
    locale: str = "fr"


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    is_new: bool  # False: this e-mail was already registered (or waiting), and that registration is answered


def register(db: Session, *, event_id: int, applicant: Applicant, now: datetime,
             viewer: User | None = None) -> Outcome:
    """Register the person: a seat while there is one, else the waiting list; the e-mail tells them which."""
    name = " ".join(bounded(applicant.name, field="name", longest=MAX_NAME).split())
    if not name:
        raise Invalid("Give your name.", field="name")
    email = applicant.email.strip()
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        raise Invalid("Give a valid e-mail address.", field="email")
    organisation = " ".join(bounded(applicant.organisation, field="organisation", longest=MAX_ORGANISATION).split())
    if not applicant.consent:
        raise Invalid("Tick the box to agree that we keep your registration.", field="consent",
                      code=CONSENT_REQUIRED)
    event = _locked(db, event_id)
    if not event.is_public and not can(viewer, "events.members_only", event):
        raise NotFound("No such event.")
    check_open(event, now)
    key = email.lower()
    registration = queries.get_registration_by_email(db, event.id, key)
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        return Outcome(registration, is_new=False)
    if registration is None:
        registration = Registration(event_id=event.id, email_key=key, code=new_code(),
                                    page_token=secrets.token_urlsafe(32), created_at=now)
        db.add(registration)
    registration.name, registration.email, registration.organisation = name, email, organisation
    registration.locale = applicant.locale if applicant.locale in ("fr", "en") else "fr"
    registration.consent_at = registration.queued_at = now
    registration.cancelled_at = registration.offered_at = registration.offer_expires_at = None
    registration.reminder_sent_at = None
    if event.seats_taken < event.capacity:
        registration.status = RegistrationStatus.REGISTERED
        event.seats_taken += 1
    else:
        registration.status = RegistrationStatus.WAITLISTED
    db.flush()
    if registration.status == RegistrationStatus.REGISTERED:
        mail.queue_confirmation(db, registration, event, now)
    else:
        mail.queue_waitlisted(db, registration, event, now)
    return Outcome(registration, is_new=True)


def check_open(event: Event, now: datetime) -> None:
    """Refuse when the event is off, has started, or registration is not open at `now`."""
    if event.is_cancelled:
        raise Conflict("The event is cancelled.", code=REGISTRATION_CLOSED)
    if event.starts_at <= now:
        raise Conflict("The event has started: registration is closed.", code=REGISTRATION_CLOSED)
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        raise Conflict("Registration is not open yet.", code=REGISTRATION_CLOSED)
    if event.registration_closes_at is not None and now >= event.registration_closes_at:
        raise Conflict("Registration is closed.", code=REGISTRATION_CLOSED)


def is_open(event: Event, now: datetime) -> bool:
    try:
        check_open(event, now)
    except Conflict:
        return False
    return True


def get_by_token(db: Session, token: str) -> Registration:
    """The person's own page: the secret link of their e-mails is the credential."""
    registration = queries.get_registration_by_token(db, token[:43]) if token else None
    if registration is None:
        raise NotFound("This link is not valid any more.")
    return registration


def cancel(db: Session, *, registration: Registration, now: datetime, actor: User | None = None) -> Registration:
    """The person no longer comes (or declines an offer): their seat goes to the first on the waiting list."""
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    event = _locked(db, registration.event_id)
    if event.ends_at <= now:
        raise Conflict("The event is over.", code=REGISTRATION_CLOSED)
    _reread(db, registration)
    if registration.checked_in_at is not None:
        raise Conflict("You are already checked in.", code=REGISTRATION_CLOSED)
    held = registration.holds_seat
    registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
    registration.offer_expires_at = None
    if held:
        event.seats_taken -= 1
    db.flush()
    audit.record(db, actor=actor, action="event.registration_cancel", obj=registration, now=now,
                 summary=said(N_("registration #{id} to event #{event} cancelled"), id=registration.id, event=event.id))
    if held:
        offer_free_seats(db, event=event, now=now)
    return registration


def accept_offer(db: Session, *, registration: Registration, now: datetime) -> Registration:
    """Take the offered seat, while the offer holds."""
    event = _locked(db, registration.event_id)
    _reread(db, registration)
    if registration.status == RegistrationStatus.REGISTERED:
        return registration
    if registration.status != RegistrationStatus.OFFERED:
        if registration.status == RegistrationStatus.CANCELLED and registration.offered_at is not None:
            raise Conflict("The offer has expired and the seat went to the next person.", code=OFFER_EXPIRED)
        raise Conflict("No seat is offered to you.", code=NOT_OFFERED)
    assert registration.offer_expires_at is not None  # a CHECK holds it
    if registration.offer_expires_at <= now:
        raise Conflict("The offer has expired and the seat went to the next person.", code=OFFER_EXPIRED)
    registration.status, registration.offer_expires_at = RegistrationStatus.REGISTERED, None
    db.flush()
    mail.queue_confirmation(db, registration, event, now)
    return registration


def offer_free_seats(db: Session, *, event: Event, now: datetime) -> list[Registration]:
    """Offer each free seat to the next on the waiting list; the event must be locked by the caller."""
    offered: list[Registration] = []
    expires_at = min(now + timedelta(hours=get_settings().event_offer_hours), event.starts_at)
    if event.is_cancelled or expires_at <= now:
        return offered
    while event.seats_taken < event.capacity:
        waiting = queries.first_waiting(db, event.id)
        if waiting is None:
            break
        waiting.status, waiting.offered_at, waiting.offer_expires_at = RegistrationStatus.OFFERED, now, expires_at
        event.seats_taken += 1
        db.flush()
        mail.queue_offer(db, waiting, event, now)
        offered.append(waiting)
    return offered


# -- jobs -----------------------------------------------------------------------------------------


def expire_offers(db: Session, *, now: datetime) -> list[Registration]:
    """Withdraw the offers not taken in time and pass each seat to the next; a second run finds nothing."""
    expired = []
    for registration in queries.list_expired_offers(db, now=now):
        with db.begin_nested():
            event = _locked(db, registration.event_id)
            _reread(db, registration)
            if registration.status != RegistrationStatus.OFFERED or registration.offer_expires_at > now:
                continue
            registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
            event.seats_taken -= 1
            db.flush()
            mail.queue_offer_expired(db, registration, event, now)
            offer_free_seats(db, event=event, now=now)
            expired.append(registration)
    if expired:
        audit.record(db, actor=system_actor(db, now=now), action="event.expire_offers", obj=expired[0], now=now,
                     summary=said_n("{n} offer of a seat expired", "{n} offers of a seat expired", len(expired)))
    return expired


def send_reminders(db: Session, *, now: datetime) -> list[Registration]:
    """The day before (on the venue's calendar), remind each seated person once of the event."""
    due = []
    for registration in queries.list_due_reminders(db, now=now, until=now + timedelta(days=2)):
        event = registration.event
        venue = event.space.floor.venue
        end_of_tomorrow = local_moment(local_time(now, venue).date() + timedelta(days=2), datetime.min.time(), venue)
        if event.starts_at >= end_of_tomorrow:
            continue
        registration.reminder_sent_at = now
        mail.queue_reminder(db, registration, event, now)
        due.append(registration)
    db.flush()
    return due


def _reread(db: Session, registration: Registration) -> None:
    """Its state as the locked event's transaction sees it (another request may have changed it meanwhile)."""
    db.refresh(registration, attribute_names=["status", "offered_at", "offer_expires_at", "checked_in_at",
                                              "cancelled_at"])


def _locked(db: Session, event_id: int) -> Event:
    event = queries.lock_event(db, event_id)
    if event is None:
        raise NotFound("No such event.")
    return event


def new_code() -> str:
    """A registration's door code: eight characters nobody misreads."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
