"""Checking people in at an event's door: by the code of their QR code (read by the phone's camera or typed), or
from the searchable list of the event's registrations.

Who runs the door: the managers of the event's operator, the building's admins, and the building's front desk (the
staff who run the front desk, `visitors.front_desk`, and no operator of their own: a manager of another operator
is refused, as for the event's other staff pages). Checking someone in twice answers that they were already in,
with the time: two phones at the same door never count one person twice (the stamp is set only where it is still
empty). A cancelled or waitlisted registration is refused with its own code, as is another event's code. The
door opens on the event's day (the venue's clock) and closes some hours after the event ends, so that the
attendance and no-shows are settled when the feedback is asked.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from spaces.events import queries
from spaces.events.enums import EventStatus, RegistrationStatus
from spaces.events.models import Event, Registration
from spaces.events.registrations import CODE_LENGTH
from spaces.events.service import EVENT_CANCELLED, get_managed_event
from spaces.operators import queries as operator_queries
from spaces.operators.models import Operator
from spaces.venues.rules import local_moment, local_time
from spaces.visitors import service as _visitors  # noqa: F401  (registers visitors.front_desk, checked here)
from totem import audit
from totem.errors import Conflict, NotFound, error_code
from totem.i18n import N_, said
from totem.identity.enums import Role
from totem.identity.models import User
from totem.permissions import can, require, rule

REGISTRATION_CANCELLED = error_code("registration_cancelled", "The registration was cancelled: the person has no seat.")
REGISTRATION_WAITLISTED = error_code(
    "registration_waitlisted", "The person is on the waiting list (or has not taken the seat offered): no seat yet.")
CODE_FOR_ANOTHER_EVENT = error_code("code_for_another_event", "The code is a registration for another event.")
NO_SUCH_REGISTRATION_CODE = error_code("no_such_registration_code", "No registration has this code.")
CHECK_IN_NOT_OPEN = error_code("check_in_not_open",
                               "Check-in opens on the event's day and closes a few hours after it ends.")

# Late check-ins (a forgotten tap) are still taken this long after the end; then attendance is settled.
DOOR_CLOSES_AFTER = timedelta(hours=6)
SEARCH_MAX = 100


@dataclass(frozen=True)
class Door:
    """The event's door, as the rule sees it: the operator (managers loaded), and whether the person asking runs
    an operator of their own (then they are an operator's staff, not the building's front desk)."""

    operator: Operator
    asker_runs_an_operator: bool


@rule("events.door")
def _run_the_door(user: User, door: Door | None) -> bool:
    """Without a door: whoever might run some event's door (the guard of the pages); with one, that door's."""
    if user.has_role(Role.ADMIN) or user.is_system:
        return True
    if not user.has_role(Role.MANAGER):
        return False
    if door is None:
        return True
    if user.id in door.operator.manager_ids:
        return True
    return can(user, "visitors.front_desk") and not door.asker_runs_an_operator


@dataclass(frozen=True)
class CheckIn:
    registration: Registration
    already: bool  # True: the person was already in (at `registration.checked_in_at`); nothing changed


def get_door_event(db: Session, *, actor: User, event_id: int) -> Event:
    """The event whose door the actor runs; NotFound for anyone else (as for an event that does not exist)."""
    event = queries.get_event(db, event_id)
    if event is None or not may_run_door(db, actor=actor, event=event):
        raise NotFound("No such event.")
    return event


def may_run_door(db: Session, *, actor: User, event: Event) -> bool:
    operator = operator_queries.get_operator(db, event.operator_id)
    if operator is None:
        return can(actor, "operator.manage")
    runs_one = operator_queries.first_operator_managed_by(db, actor.id) is not None
    return can(actor, "events.door", Door(operator, runs_one))


def may_read_attendance(actor: User, event: Event, db: Session) -> bool:
    """The attendance's e-mails, its export and the feedback: the event's operator's managers and the admins."""
    try:
        get_managed_event(db, actor=actor, event_id=event.id)
    except NotFound:
        return False
    return True


def clean_code(typed: str) -> str:
    """The code as typed, or the whole URL the QR code holds (`...check-in?code=ABCD2345`): spaces, dashes and case
    do not matter."""
    text = typed.strip()
    match = re.search(r"[?&]code=([^&#\s]*)", text)
    if match:
        text = match.group(1)
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()[:CODE_LENGTH + 4]


def find_by_code(db: Session, *, event: Event, code: str) -> Registration:
    """This event's registration with the code; another event's code and an unknown one are refused."""
    cleaned = clean_code(code)
    registration = db.scalar(select(Registration).where(Registration.code == cleaned)) if cleaned else None
    if registration is None:
        raise NotFound("No registration has the code {typed}.", code=NO_SUCH_REGISTRATION_CODE, field="code",
                       typed=cleaned or code.strip()[:20])
    if registration.event_id != event.id:
        raise Conflict("The code {typed} is a registration for another event.", code=CODE_FOR_ANOTHER_EVENT,
                       field="code", typed=cleaned)
    return registration


def check_in_by_code(db: Session, *, actor: User, event_id: int, code: str, now: datetime) -> CheckIn:
    event = get_door_event(db, actor=actor, event_id=event_id)
    return check_in(db, actor=actor, event=event, registration=find_by_code(db, event=event, code=code), now=now)


def check_in_registration(db: Session, *, actor: User, event_id: int, registration_id: int,
                          now: datetime) -> CheckIn:
    """The list's button: the registration must be this event's (else a 404, as for one that does not exist)."""
    event = get_door_event(db, actor=actor, event_id=event_id)
    registration = db.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound("No such registration.")
    return check_in(db, actor=actor, event=event, registration=registration, now=now)


def check_in(db: Session, *, actor: User, event: Event, registration: Registration, now: datetime) -> CheckIn:
    """Mark the person in; in already, say so (with the time) and change nothing."""
    if not may_run_door(db, actor=actor, event=event):
        raise NotFound("No such event.")
    if registration.event_id != event.id:
        raise Conflict("The code {typed} is a registration for another event.", code=CODE_FOR_ANOTHER_EVENT,
                       field="code", typed=registration.code)
    if registration.checked_in_at is not None:
        return CheckIn(registration, already=True)
    if event.is_cancelled:
        raise Conflict("The event is cancelled.", code=EVENT_CANCELLED)
    _refuse_unseated(registration)
    check_door_open(event, now)
    # Only where the stamp is still empty: of two phones checking the same person in at once, one stamps.
    stamped = db.execute(update(Registration)
                         .where(Registration.id == registration.id, Registration.checked_in_at.is_(None),
                                Registration.status == RegistrationStatus.REGISTERED)
                         .values(checked_in_at=now, checked_in_by=actor.id)
                         .execution_options(synchronize_session=False)).rowcount
    db.refresh(registration)
    if not stamped:
        if registration.checked_in_at is not None:
            return CheckIn(registration, already=True)
        _refuse_unseated(registration)
    audit.record(db, actor=actor, action="event.check_in", obj=registration, now=now,
                 summary=said(N_("checked in registration #{id} to event #{event}"), id=registration.id,
                              event=event.id))
    db.flush()
    return CheckIn(registration, already=False)


def _refuse_unseated(registration: Registration) -> None:
    if registration.status == RegistrationStatus.CANCELLED:
        raise Conflict("{name}'s registration was cancelled.", code=REGISTRATION_CANCELLED, name=registration.name)
    if registration.status == RegistrationStatus.OFFERED:
        raise Conflict("{name} was offered a seat but has not taken it.", code=REGISTRATION_WAITLISTED,
                       name=registration.name)
    if registration.status != RegistrationStatus.REGISTERED:
        raise Conflict("{name} is on the waiting list, without a seat.", code=REGISTRATION_WAITLISTED,
                       name=registration.name)


def door_opens_at(event: Event) -> datetime:
    """The start of the event's day on the venue's clock."""
    venue = event.space.floor.venue
    return local_moment(local_time(event.starts_at, venue).date(), datetime.min.time(), venue)


def door_closes_at(event: Event) -> datetime:
    return event.ends_at + DOOR_CLOSES_AFTER


def check_door_open(event: Event, now: datetime) -> None:
    if now < door_opens_at(event):
        raise Conflict("Check-in opens on the day of the event.", code=CHECK_IN_NOT_OPEN)
    if now > door_closes_at(event):
        raise Conflict("Check-in has closed: the event is over.", code=CHECK_IN_NOT_OPEN)


def is_door_open(event: Event, now: datetime) -> bool:
    return not event.is_cancelled and door_opens_at(event) <= now <= door_closes_at(event)


def search_registrations(db: Session, *, actor: User, event: Event, search: str = "") -> list[Registration]:
    """The door's list: the event's registrations whose name or organisation holds every word searched (case
    does not matter), seated first then the waiting list and the cancelled, by name."""
    if not may_run_door(db, actor=actor, event=event):
        raise NotFound("No such event.")
    query = select(Registration).where(Registration.event_id == event.id)
    for word in search.split()[:8]:
        pattern = f"%{_escape_like(word[:SEARCH_MAX].lower())}%"
        query = query.where(or_(func.lower(Registration.name).like(pattern, escape="\\"),
                                func.lower(Registration.organisation).like(pattern, escape="\\")))
    rank = {RegistrationStatus.REGISTERED: 0, RegistrationStatus.OFFERED: 1, RegistrationStatus.WAITLISTED: 2,
            RegistrationStatus.CANCELLED: 3}
    rows = db.scalars(query.order_by(Registration.name, Registration.id).limit(2000))
    return sorted(rows, key=lambda registration: rank.get(RegistrationStatus(registration.status), 4))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def doors_open(db: Session, *, actor: User, now: datetime) -> list[Event]:
    """The events whose door is open now (their day, until some hours after the end) and that the actor runs, by
    start: the front desk's way in when nobody shows a QR code."""
    require(actor, "events.door")
    candidates = db.scalars(select(Event.id).where(Event.status != EventStatus.CANCELLED, Event.starts_at < now + timedelta(days=1),
                                                   Event.ends_at >= now - DOOR_CLOSES_AFTER)
                            .order_by(Event.starts_at, Event.id).limit(200))
    events = [queries.get_event(db, event_id) for event_id in list(candidates)]
    return [event for event in events
            if event is not None and is_door_open(event, now) and may_run_door(db, actor=actor, event=event)]


def require_door(actor: User) -> None:
    """The pages' guard: 403 for whoever runs no door at all (members, mentors)."""
    require(actor, "events.door")
