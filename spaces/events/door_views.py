"""The door's pages: check-in on a phone (the camera reads the QR code where the browser can, the short code
typed otherwise, a plain form that works without JavaScript), the searchable list of the event's registrations
with a button per person, the attendance with its CSV export and the feedback figures (the event's staff), and the
attendee's feedback page (no account: the link is the key)."""
from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from spaces.events import attendance, checkin, feedback
from spaces.events.models import Event, Registration
from spaces.venues.rules import venue_zone
from totem import clock
from totem.errors import DomainError
from totem.i18n import N_
from totem.identity.models import User
from totem.web.context import Viewer, check_csrf, get_db, get_viewer
from totem.web.formats import clock as clock_format
from totem.web.forms import page, posted, requiring, text
from totem.web.nav import BUILDING, NavItem, register
from totem.web.pages import redirect, render

router = APIRouter(dependencies=[Depends(check_csrf)])
register(NavItem("At the door", "spaces.event_doors", permission="events.door", order=252, group=BUILDING))
door_staff = requiring("events.door")
event_staff = requiring("events.manage")


# -- check-in by code ---------------------------------------------------------------------------


@router.get("/staff/door", name="spaces.event_doors")
def doors(request: Request, user: User = Depends(door_staff), db: Session = Depends(get_db)) -> Response:
    """Today's events whose door the person runs: the way in for the front desk."""
    now = clock.now()
    events = checkin.doors_open(db, actor=user, now=now)
    return render(request, "spaces/events/door_today.html", {
        "events": events, "figures": {event.id: attendance.event_attendance(db, event=event, now=now)
                                      for event in events}})



@router.get("/staff/events/{event_id}/check-in", name="spaces.event_door")
def door(request: Request, event_id: int, code: str = "", user: User = Depends(door_staff),
         db: Session = Depends(get_db)) -> Response:
    """The door's phone; opened from a registration's QR code (`?code=`), it shows that person to check in."""
    event = checkin.get_door_event(db, actor=user, event_id=event_id)
    if not code:
        return _door_page(request, db, user, event, {}, None)
    try:
        registration = checkin.find_by_code(db, event=event, code=code[:200])
    except DomainError as error:
        return _door_page(request, db, user, event, {"code": code[:200]}, error)
    return _door_page(request, db, user, event, {"code": registration.code}, None, found=registration)


@router.post("/staff/events/{event_id}/check-in", name="spaces.event_door_check_in")
async def door_check_in(request: Request, event_id: int, user: User = Depends(door_staff),
                        viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db)) -> Response:
    code = text(await posted(request), "code")["code"][:200]
    event = checkin.get_door_event(db, actor=user, event_id=event_id)
    try:
        done = checkin.check_in(db, actor=user, event=event, registration=checkin.find_by_code(db, event=event, code=code),
                                now=clock.now())
    except DomainError as error:
        db.rollback()  # expires the event: read again for the page
        return _door_page(request, db, user, checkin.get_door_event(db, actor=user, event_id=event_id),
                          {"code": code}, error)
    db.commit()
    return _checked_in(request, viewer, event, done, f"/staff/events/{event.id}/check-in")


def _door_page(request: Request, db: Session, user: User, event: Event, values: dict[str, str],
               error: DomainError | None, found: Registration | None = None) -> Response:
    now = clock.now()
    return page(request, "spaces/events/door_check_in.html", {
        "event": event, "values": values, "found": found, "zone": venue_zone(event.space.floor.venue),
        "figures": attendance.event_attendance(db, event=event, now=now), "is_open": checkin.is_door_open(event, now),
        "may_read_attendance": checkin.may_read_attendance(user, event, db),
    }, error)


def _checked_in(request: Request, viewer: Viewer, event: Event, done: checkin.CheckIn, back: str) -> Response:
    registration = done.registration
    if done.already:
        at = clock_format(registration.checked_in_at, viewer.locale, venue_zone(event.space.floor.venue))
        return redirect(request, back, N_("{name} was already checked in, at {time}."), kind="info",
                        name=registration.name, time=at)
    return redirect(request, back, N_("{name} is checked in."), name=registration.name)


# -- the searchable list ------------------------------------------------------------------------


@router.get("/staff/events/{event_id}/registrations", name="spaces.event_door_list")
def door_list(request: Request, event_id: int, q: str = "", user: User = Depends(door_staff),
              db: Session = Depends(get_db)) -> Response:
    event = checkin.get_door_event(db, actor=user, event_id=event_id)
    return _list_page(request, db, user, event, q[:checkin.SEARCH_MAX], None)


@router.post("/staff/events/{event_id}/registrations/{registration_id}/check-in",
             name="spaces.event_door_list_check_in")
async def door_list_check_in(request: Request, event_id: int, registration_id: int, user: User = Depends(door_staff),
                             viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db)) -> Response:
    search = text(await posted(request), "q")["q"][:checkin.SEARCH_MAX]
    event = checkin.get_door_event(db, actor=user, event_id=event_id)
    try:
        done = checkin.check_in_registration(db, actor=user, event_id=event.id, registration_id=registration_id,
                                             now=clock.now())
    except DomainError as error:
        if error.status_code == 404:
            raise
        db.rollback()
        return _list_page(request, db, user, checkin.get_door_event(db, actor=user, event_id=event_id), search, error)
    db.commit()
    back = f"/staff/events/{event.id}/registrations"
    if search.strip():
        back += "?" + urlencode({"q": search})
    return _checked_in(request, viewer, event, done, back)


def _list_page(request: Request, db: Session, user: User, event: Event, search: str,
               error: DomainError | None) -> Response:
    now = clock.now()
    people = checkin.search_registrations(db, actor=user, event=event, search=search)
    return page(request, "spaces/events/door_list.html", {
        "event": event, "q": search, "people": people, "zone": venue_zone(event.space.floor.venue),
        "states": {person.id: attendance.registration_state(person, event, now) for person in people},
        "figures": attendance.event_attendance(db, event=event, now=now), "is_open": checkin.is_door_open(event, now),
    }, error)


# -- attendance, its export, the feedback -------------------------------------------------------


@router.get("/staff/events/{event_id}/attendance", name="spaces.event_attendance")
def attendance_page(request: Request, event_id: int, user: User = Depends(event_staff),
                    db: Session = Depends(get_db)) -> Response:
    event, _summary = feedback.event_summary(db, actor=user, event_id=event_id)
    return render(request, "spaces/events/door_attendance.html", {"event": event, **staff_panel(db, event, clock.now())})


def staff_panel(db: Session, event: Event, now: datetime) -> dict[str, object]:
    """What `door_panel.html`'s macro shows (attendance, feedback figures and comments), for a page of the event's
    staff that has already checked who may read it: `door_panel(event, figures, feedback, zone)`."""
    return {"figures": attendance.event_attendance(db, event=event, now=now),
            "feedback": feedback.summary(db, event=event), "zone": venue_zone(event.space.floor.venue)}


@router.get("/staff/events/{event_id}/attendance.csv", name="spaces.event_attendance_csv")
def attendance_csv(event_id: int, user: User = Depends(event_staff), db: Session = Depends(get_db)) -> Response:
    filename, body = attendance.attendance_csv(db, actor=user, event_id=event_id, now=clock.now())
    return csv_response(filename, body)


def csv_response(filename: str, body: str) -> Response:
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


# -- the attendee's feedback --------------------------------------------------------------------


@router.get("/events/feedback/{token}", name="spaces.event_feedback")
def feedback_page(request: Request, token: str, viewer: Viewer = Depends(get_viewer),
                  db: Session = Depends(get_db)) -> Response:
    registration = feedback.get_by_token(db, token)
    return _feedback_page(request, db, registration, {}, None)


@router.post("/events/feedback/{token}", name="spaces.give_event_feedback")
async def give_feedback(request: Request, token: str, viewer: Viewer = Depends(get_viewer),
                        db: Session = Depends(get_db)) -> Response:
    registration = feedback.get_by_token(db, token)
    values = text(await posted(request), "rating", "comment")
    try:
        feedback.give(db, registration=registration, rating=values["rating"], comment=values["comment"],
                      now=clock.now())
    except DomainError as error:
        db.rollback()
        return _feedback_page(request, db, feedback.get_by_token(db, token), values, error)
    db.commit()
    back = f"/events/feedback/{registration.page_token}"
    return redirect(request, back)


def _feedback_page(request: Request, db: Session, registration: Registration, values: dict[str, str],
                   error: DomainError | None) -> Response:
    return page(request, "spaces/events/door_feedback.html", {
        "registration": registration, "event": registration.event, "given": feedback.existing(db, registration),
        "is_over": registration.event.ends_at <= clock.now(), "values": values,
    }, error)
