"""Mentors' office hours, days away and free slots in the JSON API: thin routes over `cohorts.mentoring.availability`.

Anyone logged in reads a mentor's office hours and free slots (members pick
slots); the mentor themself and staff change them and read the days away.
"""
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cohorts.mentoring import availability, days_away
from cohorts.mentoring.schemas import ExceptionIn, ExceptionOut, OfficeHoursIn, OfficeHoursOut, SlotOut
from totem import clock
from totem.api.deps import api_user
from totem.api.schemas import Instant
from totem.errors import Invalid
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter(prefix="/mentors/{mentor_id}", tags=["availability"])
READ = {404: {"description": "No such mentor"}}
OWN = {**READ, 403: {"description": "Not this mentor, nor staff"}}
CHANGE = {**OWN, 409: {"description": "Overlaps office hours or days away already there"},
          422: {"description": "Bad input"}}
DEFAULT_SPAN = timedelta(days=14)
MAX_SPAN = timedelta(days=62)


@router.get("/office-hours", response_model=list[OfficeHoursOut], responses=READ)
def list_office_hours(mentor_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The mentor's weekly office hours, on their venue's wall clock."""
    profile = availability.get_profile(db, mentor_id)
    return [OfficeHoursOut.of(item, profile.venue.timezone)
            for item in availability.list_office_hours(db, mentor_id)]


@router.post("/office-hours", status_code=201, response_model=OfficeHoursOut, responses=CHANGE)
def add_office_hours(mentor_id: int, body: OfficeHoursIn, user: User = Depends(api_user),
                     db: Session = Depends(get_db)):
    """The mentor or staff: add weekly office hours (409 if they overlap the mentor's others)."""
    office_hours = availability.add_office_hours(db, actor=user, mentor_id=mentor_id, data=body.data(),
                                                 now=clock.now())
    timezone = availability.get_profile(db, mentor_id).venue.timezone
    db.commit()
    return OfficeHoursOut.of(office_hours, timezone)


@router.delete("/office-hours/{office_hours_id}", status_code=204, responses=OWN)
def remove_office_hours(mentor_id: int, office_hours_id: int, user: User = Depends(api_user),
                        db: Session = Depends(get_db)):
    """The mentor or staff: remove office hours and their slots; sessions already made stay."""
    availability.remove_office_hours(db, actor=user, office_hours_id=office_hours_id, mentor_id=mentor_id,
                                     now=clock.now())
    db.commit()
    return Response(status_code=204)


@router.get("/exceptions", response_model=list[ExceptionOut], responses=OWN)
def list_exceptions(mentor_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The mentor or staff: days away, from today on."""
    profile = availability.get_editable_profile(db, actor=user, mentor_id=mentor_id)
    today = availability.local_today(profile, clock.now())
    return [ExceptionOut.of(item) for item in availability.list_exceptions(db, mentor_id, from_day=today)]


@router.post("/exceptions", status_code=201, response_model=ExceptionOut, responses=CHANGE)
def add_exception(mentor_id: int, body: ExceptionIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The mentor or staff: days away; their office hours give no slot then, and the sessions already made on
    those days are cancelled (the start-ups are told by e-mail)."""
    away = days_away.mark_days_away(db, actor=user, mentor_id=mentor_id, first_day=body.first_day,
                                    last_day=body.last_day, reason=body.reason, now=clock.now())
    db.commit()
    return ExceptionOut.of(away.exception)


@router.delete("/exceptions/{exception_id}", status_code=204, responses=OWN)
def remove_exception(mentor_id: int, exception_id: int, user: User = Depends(api_user),
                     db: Session = Depends(get_db)):
    """The mentor or staff: no longer away; the office hours of those days come back."""
    days_away.remove_exception(db, actor=user, exception_id=exception_id, mentor_id=mentor_id, now=clock.now())
    db.commit()
    return Response(status_code=204)


@router.get("/free-slots", response_model=list[SlotOut],
            responses={**READ, 422: {"description": "Bad duration or period (at most 62 days)"}})
def free_slots(
    mentor_id: int,
    duration_minutes: int = Query(60, ge=15, le=240),
    starts: Instant | None = Query(None, alias="from", description="Default: now"),
    ends: Instant | None = Query(None, alias="to", description="Default: two weeks after `from`"),
    user: User = Depends(api_user),
    db: Session = Depends(get_db),
):
    """Anyone logged in: the session-length slots the mentor is free for, after now, in their venue's offset."""
    profile = availability.get_profile(db, mentor_id)
    now = clock.now()
    since: datetime = max(starts or now, now)
    until: datetime = ends or since + DEFAULT_SPAN
    if until - since > MAX_SPAN:
        raise Invalid("Ask for at most {days} days at a time.", field="to", days=MAX_SPAN.days)
    slots = availability.free_slots(db, mentor_id=mentor_id, duration_minutes=duration_minutes, now=since,
                                    until=until)
    return [SlotOut.of(slot, profile.venue.timezone) for slot in slots]

