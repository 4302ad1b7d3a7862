"""The door in the JSON API: check someone in by their code at an event, the event's attendance (figures and
people), and the attendance as CSV."""
from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session

from spaces.events import attendance, checkin
from spaces.events import feedback as _feedback  # noqa: F401  (declares the feedback page's codes for the schema)
from spaces.events.door_schemas import AttendanceOut, AttendeeOut, CheckInIn, CheckInOut
from spaces.events.models import Registration
from totem import clock
from totem.api.answers import committed
from totem.api.deps import api_user
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter(tags=["events"])
NOT_YOURS = {403: {"description": "Only the staff run a door"},
             404: {"description": "No such event, or not one whose door you run (another operator's); or no "
                                  "registration has this code (`no_such_registration_code`)"}}
EVENT_STAFF = {403: {"description": "Only the staff read attendance"},
               404: {"description": "No such event, or not one of your operator's"}}


@router.post("/events/{event_id}/check-ins", response_model=CheckInOut,
             responses={**NOT_YOURS, 409: {"description": "Another event's code, a cancelled or waitlisted "
                                                          "registration, the event cancelled, or the door closed"}})
def check_in(event_id: int, body: CheckInIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """At the event's door: the managers of its operator, the admins and the building's front desk. Checking in
    someone already in answers 200 with `already_checked_in`."""
    checkin.require_door(user)
    done = checkin.check_in_by_code(db, actor=user, event_id=event_id, code=body.code, now=clock.now())
    return committed(db, done, CheckInOut.of)


@router.get("/events/{event_id}/attendance", response_model=AttendanceOut, responses=EVENT_STAFF)
def event_attendance(event_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The event's operator's managers and the admins: the figures and one line per registration."""
    now = clock.now()
    event, people = attendance.attendees(db, actor=user, event_id=event_id, now=now)
    figures = attendance.event_attendance(db, event=event, now=now)
    return AttendanceOut(
        event_id=event.id, registered=figures.registered, checked_in=figures.checked_in, no_shows=figures.no_shows,
        waitlisted=figures.waitlisted, cancelled=figures.cancelled, is_over=figures.is_over,
        attendees=[_attendee(person.registration, person.state, person.checked_in_local) for person in people])


def _attendee(registration: Registration, state: str, checked_in_local):  # type: ignore[no-untyped-def]
    return AttendeeOut(registration_id=registration.id, name=registration.name, email=registration.email,
                       organisation=registration.organisation, state=state, checked_in_at=checked_in_local)


CSV = {200: {"description": "One line per registration: name, email, organisation, status, checked_in_at",
             "content": {"text/csv": {"schema": {"type": "string"}}}}}


@router.get("/events/{event_id}/attendance.csv", response_class=Response, responses={**EVENT_STAFF, **CSV})
def event_attendance_csv(event_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The attendance as CSV; cells that a spreadsheet would run as a formula are quoted."""
    filename, body = attendance.attendance_csv(db, actor=user, event_id=event_id, now=clock.now())
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
