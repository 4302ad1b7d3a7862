"""The cohort's calendar template: recurring events booked as rooms at kick-off, released when the cohort ends.

A preview tries each occurrence as a booking inside a savepoint that is rolled
back, so it reports exactly what booking would refuse (a taken room, a closed
day, a rule) before anything is booked. Booking then books every free
occurrence through `spaces.booking.service`, each in its own savepoint, and links it
to its event; booking twice adds nothing.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.programs import permissions as _permissions  # noqa: F401  (registers the rules checked here)
from cohorts.programs import queries
from cohorts.programs.models import Cohort, CohortEvent, CohortEventBooking
from spaces.booking import availability, service
from spaces.booking.enums import ACTIVE_STATUSES
from spaces.booking.models import Booking
from spaces.venues.rules import local_moment
from totem import audit
from totem.errors import DomainError, Invalid, NotFound
from totem.i18n import N_, said
from totem.identity.models import User
from totem.permissions import is_staff, require

TITLE_MAX = 200


@dataclass(frozen=True)
class EventData:
    title: str
    space_id: int
    weekday: int
    start_time: time
    duration_minutes: int
    every_weeks: int = 1
    track_id: int | None = None
    first_day: date | None = None
    last_day: date | None = None


@dataclass(frozen=True)
class Occurrence:
    event: CohortEvent
    day: date
    starts_at: datetime
    ends_at: datetime
    booked: bool  # already booked for the cohort
    problem: DomainError | None  # why it cannot be booked, if it cannot


def _managed(db: Session, actor: User, cohort_id: int) -> Cohort:
    cohort = queries.get_cohort(db, cohort_id)
    if cohort is None or not is_staff(actor):
        raise NotFound("No such cohort.")
    require(actor, "program.manage", cohort.program)
    return cohort


def list_events(db: Session, cohort_id: int) -> list[CohortEvent]:
    return list(db.scalars(select(CohortEvent).where(CohortEvent.cohort_id == cohort_id)
                           .order_by(CohortEvent.weekday, CohortEvent.start_time, CohortEvent.id)))


def add_event(db: Session, *, actor: User, cohort_id: int, data: EventData, now: datetime) -> CohortEvent:
    cohort = _managed(db, actor, cohort_id)
    title = data.title.strip()
    if not title or len(title) > TITLE_MAX:
        raise Invalid("Enter a title of at most {length} characters.", field="title", length=TITLE_MAX)
    if not 0 <= data.weekday <= 6:
        raise Invalid("Choose a day of the week.", field="weekday")
    if data.duration_minutes < 1:
        raise Invalid("The event lasts one minute at least.", field="duration_minutes")
    if data.every_weeks < 1:
        raise Invalid("Repeat every week or every few weeks.", field="every_weeks")
    if data.first_day and data.last_day and data.last_day < data.first_day:
        raise Invalid("The last day must not be before the first.", field="last_day")
    if data.track_id is not None and data.track_id not in {t.id for t in cohort.program.tracks}:
        raise Invalid("Choose one of the program's tracks.", field="track_id")
    availability.get_space(db, data.space_id)
    event = CohortEvent(cohort_id=cohort.id, track_id=data.track_id, title=title, space_id=data.space_id,
                        weekday=data.weekday, start_time=data.start_time, duration_minutes=data.duration_minutes,
                        every_weeks=data.every_weeks, first_day=data.first_day, last_day=data.last_day, created_at=now)
    db.add(event)
    db.flush()
    audit.record(db, actor=actor, action="cohort.event_add", obj=event, now=now,
                 summary=said(N_("{cohort}: {event}"), cohort=cohort.name, event=title))
    return event


def remove_event(db: Session, *, actor: User, cohort_id: int, event_id: int, now: datetime) -> None:
    """Remove a template event; its future bookings are cancelled."""
    cohort = _managed(db, actor, cohort_id)
    event = db.get(CohortEvent, event_id)
    if event is None or event.cohort_id != cohort.id:
        raise NotFound("No such event.")
    _cancel_future(db, actor=actor, event_ids=[event.id], now=now)
    db.delete(event)
    db.flush()
    audit.record(db, actor=actor, action="cohort.event_remove", obj=event, summary=said(N_("{cohort}: {event}"), cohort=cohort.name, event=event.title),
                 now=now)


def occurrence_days(cohort: Cohort, event: CohortEvent) -> list[date]:
    first = event.first_day or cohort.starts_on
    last = event.last_day or cohort.ends_on
    day = first + timedelta(days=(event.weekday - first.weekday()) % 7)
    days = []
    while day <= last:
        days.append(day)
        day += timedelta(weeks=event.every_weeks)
    return days


def preview(db: Session, *, actor: User, cohort_id: int, now: datetime) -> list[Occurrence]:
    """Every occurrence of the template from now on, with what would refuse it; nothing is written."""
    cohort = _managed(db, actor, cohort_id)
    booked = _booked_days(db, cohort.id)
    occurrences = []
    for event in list_events(db, cohort.id):
        for day in occurrence_days(cohort, event):
            starts_at = local_moment(day, event.start_time, cohort.program.venue)
            ends_at = starts_at + timedelta(minutes=event.duration_minutes)
            if ends_at <= now:
                continue
            is_booked = (event.id, day) in booked
            problem = None if is_booked else _try(db, actor, cohort, event, starts_at, ends_at, now)
            occurrences.append(Occurrence(event, day, starts_at, ends_at, is_booked, problem))
    return sorted(occurrences, key=lambda o: (o.starts_at, o.event.id))


def book_template(db: Session, *, actor: User, cohort_id: int, now: datetime) -> tuple[int, list[Occurrence]]:
    """Book every free occurrence not booked yet; returns how many were booked and those refused."""
    cohort = _managed(db, actor, cohort_id)
    made, refused = 0, []
    for occurrence in preview(db, actor=actor, cohort_id=cohort.id, now=now):
        if occurrence.booked:
            continue
        try:
            with db.begin_nested():
                booking = _book(db, actor, cohort, occurrence.event, occurrence.starts_at, occurrence.ends_at, now)
                _link(db, occurrence, booking)
            made += 1
        except DomainError as error:
            refused.append(Occurrence(occurrence.event, occurrence.day, occurrence.starts_at, occurrence.ends_at,
                                      False, error))
    audit.record(db, actor=actor, action="cohort.book_template", obj=cohort, now=now,
                 summary=said(N_("{cohort}: {made} bookings, {refused} refused"), cohort=cohort.name, made=made,
                              refused=len(refused)))
    return made, refused


def release_future_bookings(db: Session, *, actor: User, cohort: Cohort, now: datetime) -> int:
    """Cancel the template's bookings that have not started; returns how many."""
    return _cancel_future(db, actor=actor, event_ids=[event.id for event in list_events(db, cohort.id)], now=now)


def _cancel_future(db: Session, *, actor: User, event_ids: list[int], now: datetime) -> int:
    if not event_ids:
        return 0
    booking_ids = db.scalars(select(Booking.id).join(CohortEventBooking, CohortEventBooking.booking_id == Booking.id)
                             .where(CohortEventBooking.cohort_event_id.in_(event_ids), Booking.starts_at > now,
                                    Booking.status.in_(ACTIVE_STATUSES)).order_by(Booking.starts_at)).all()
    for booking_id in booking_ids:
        service.cancel_booking(db, actor=actor, booking_id=booking_id, now=now)
    return len(booking_ids)


def _link(db: Session, occurrence: Occurrence, booking: Booking) -> None:
    """Link the booking to its date; a date whose earlier booking was cancelled gets the new one."""
    link = db.scalar(select(CohortEventBooking).where(CohortEventBooking.cohort_event_id == occurrence.event.id,
                                                      CohortEventBooking.day == occurrence.day))
    if link is None:
        db.add(CohortEventBooking(cohort_event_id=occurrence.event.id, booking_id=booking.id, day=occurrence.day))
    else:
        link.booking_id = booking.id
    db.flush()


def _booked_days(db: Session, cohort_id: int) -> set[tuple[int, date]]:
    rows = db.execute(select(CohortEventBooking.cohort_event_id, CohortEventBooking.day)
                      .join(CohortEvent, CohortEvent.id == CohortEventBooking.cohort_event_id)
                      .join(Booking, Booking.id == CohortEventBooking.booking_id)
                      .where(CohortEvent.cohort_id == cohort_id, Booking.status.in_(ACTIVE_STATUSES)))
    return {(event_id, day) for event_id, day in rows}


def _try(db: Session, actor: User, cohort: Cohort, event: CohortEvent, starts_at: datetime, ends_at: datetime,
         now: datetime) -> DomainError | None:
    savepoint = db.begin_nested()
    try:
        _book(db, actor, cohort, event, starts_at, ends_at, now)
    except DomainError as error:
        return error
    finally:
        savepoint.rollback()
    return None


def _book(db: Session, actor: User, cohort: Cohort, event: CohortEvent, starts_at: datetime, ends_at: datetime,
          now: datetime) -> Booking:
    return service.create_booking(db, actor=actor, space_id=event.space_id, starts_at=starts_at, ends_at=ends_at,
                                  now=now, title=f"{cohort.name} — {event.title}"[:TITLE_MAX], hosted=True)
