"""The managers' pages: venues with their hours and closure days, floors and zones, and the approvals queue.

Every form posts, and on success commits and redirects (303); on bad input
(422) or a clash (409) it is shown again with the message and what was typed,
nothing written. Spaces and rules, and desk allocations and credits, have
their own modules, included here.
"""
from collections.abc import Callable
from datetime import time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from spaces.admin import access_views, space_views
from spaces.booking import queries, service
from spaces.booking.models import Booking
from spaces.venues import service as venues
from spaces.venues.forms import calendar_day, clock_time, whole
from spaces.venues.models import Floor, Venue
from spaces.venues.rules import local_time
from spaces.venues.service import FloorData, VenueData
from totem import clock
from totem.errors import DomainError
from totem.i18n import N_, translate
from totem.identity.models import User
from totem.time_zones import time_zones
from totem.web.context import check_csrf, get_db
from totem.web.forms import Done, act, page, posted, requiring, save, text
from totem.web.nav import ADMINISTRATION, NavItem, register
from totem.web.pages import add_flash, form_error, redirect, render

router = APIRouter(prefix="/admin/spaces", dependencies=[Depends(check_csrf)])
manager = requiring("space.manage")  # members and mentors get a 403 on every page of the Spaces admin
register(NavItem("Spaces admin", "spaces.admin", permission="space.manage", order=700,
                 group=ADMINISTRATION))
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))
NEW_PLAN = {"plan_width": "1000", "plan_height": "600"}


# -- index and approvals --------------------------------------------------------------------------


@router.get("", name="spaces.admin")
def index(request: Request, actor: User = Depends(manager), db: Session = Depends(get_db)) -> Response:
    return render(request, "spaces/admin/index.html", {
        "venues": venues.list_venues(db), "pending": queries.count_pending(db, now=clock.now()),
    })


@router.get("/approvals", name="spaces.admin_approvals")
def approvals(request: Request, actor: User = Depends(manager), db: Session = Depends(get_db)) -> Response:
    return render(request, "spaces/admin/approvals.html", {"rows": queries.list_pending(db, now=clock.now())})


@router.post("/approvals/{booking_id}/approve", name="spaces.admin_approve")
def approve(request: Request, booking_id: int, actor: User = Depends(manager),
            db: Session = Depends(get_db)) -> Response:
    return _decide(request, db, lambda: service.approve_booking(db, actor=actor, booking_id=booking_id,
                                                                 now=clock.now()),
                   N_("Booking of {space} on {day} approved."))


@router.post("/approvals/{booking_id}/reject", name="spaces.admin_reject")
def reject(request: Request, booking_id: int, actor: User = Depends(manager),
           db: Session = Depends(get_db)) -> Response:
    return _decide(request, db, lambda: service.reject_booking(db, actor=actor, booking_id=booking_id,
                                                                now=clock.now()),
                   N_("Booking of {space} on {day} rejected."))


def _decide(request: Request, db: Session, decide: Callable[[], Booking], message: str) -> Response:
    """A decision already taken by another manager comes back as a message on the queue."""

    def decided(booking: Booking) -> Done:
        day = local_time(booking.starts_at, booking.space.floor.venue).date().isoformat()
        return "/admin/spaces/approvals", message, {"space": booking.space.name, "day": day}

    return act(request, db, decide, decided, "/admin/spaces/approvals")


# -- venues ---------------------------------------------------------------------------------------


def _venue_values(venue: Venue) -> dict[str, Any]:
    return {"name": venue.name, "timezone": venue.timezone, "observes_public_holidays": venue.observes_public_holidays,
            "check_in_grace_minutes": str(venue.check_in_grace_minutes)}


def _posted_venue(form: FormData) -> dict[str, Any]:
    return {**text(form, "name", "timezone", "check_in_grace_minutes"),
            "observes_public_holidays": "observes_public_holidays" in form}


def _venue_data(values: dict[str, Any]) -> VenueData:
    return VenueData(values["name"], values["timezone"].strip(), values["observes_public_holidays"],
                     whole(values["check_in_grace_minutes"], "check_in_grace_minutes"))


def _hours_values(venue: Venue) -> dict[str, Any]:
    rows = {row.weekday: row for row in venue.opening_hours}
    values: dict[str, Any] = {}
    for day in range(7):
        row = rows.get(day)
        values |= {f"open_{day}": row is not None, f"opens_{day}": f"{row.opens_at:%H:%M}" if row else "09:00",
                   f"closes_{day}": f"{row.closes_at:%H:%M}" if row else "18:00"}
    return values


def _posted_hours(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for day in range(7):
        values |= {f"open_{day}": f"open_{day}" in form, **text(form, f"opens_{day}", f"closes_{day}")}
    return values


def _hours(values: dict[str, Any]) -> dict[int, tuple[time, time] | None]:
    def span(day: int) -> tuple[time, time]:
        return clock_time(values[f"opens_{day}"], f"opens_{day}"), clock_time(values[f"closes_{day}"], f"closes_{day}")

    return {day: span(day) if values[f"open_{day}"] else None for day in range(7)}


def _venue_page(request: Request, db: Session, venue_id: int, values: dict[str, Any] | None = None,
                error: DomainError | None = None) -> Response:
    venue = venues.get_venue(db, venue_id)
    return page(request, "spaces/admin/venue.html", {
        "venue": venue, "days_off": venues.list_days_off(db, venue, now=clock.now()), "weekdays": WEEKDAYS,
        "time_zones": time_zones(),
        "values": {**_venue_values(venue), **_hours_values(venue), "day": "", "reason": "", **(values or {})},
    }, error)


@router.get("/venues/new", name="spaces.admin_new_venue")
def new_venue(request: Request, actor: User = Depends(manager)) -> Response:
    values = {"name": "", "timezone": "Europe/Paris", "observes_public_holidays": True, "check_in_grace_minutes": "15"}
    return render(request, "spaces/admin/venue_new.html", {"values": values, "time_zones": time_zones()})


@router.post("/venues/new")
def create_venue(request: Request, form: FormData = Depends(posted), actor: User = Depends(manager),
                 db: Session = Depends(get_db)) -> Response:
    values = _posted_venue(form)
    return save(
        request, db,
        lambda: venues.save_venue(db, actor=actor, venue_id=None, data=_venue_data(values), now=clock.now()),
        lambda venue: (f"/admin/spaces/venues/{venue.id}", N_("{venue} is set up: give it its opening hours."),
                       {"venue": venue.name}),
        lambda error: form_error(request, "spaces/admin/venue_new.html", error,
                                 {"values": values, "time_zones": time_zones()}),
    )


@router.get("/venues/{venue_id}", name="spaces.admin_venue")
def venue_page(request: Request, venue_id: int, actor: User = Depends(manager),
               db: Session = Depends(get_db)) -> Response:
    return _venue_page(request, db, venue_id)


@router.post("/venues/{venue_id}")
def update_venue(request: Request, venue_id: int, form: FormData = Depends(posted), actor: User = Depends(manager),
                 db: Session = Depends(get_db)) -> Response:
    values = _posted_venue(form)
    return save(
        request, db,
        lambda: venues.save_venue(db, actor=actor, venue_id=venue_id, data=_venue_data(values), now=clock.now()),
        lambda venue: (f"/admin/spaces/venues/{venue_id}", N_("{venue} is saved."), {"venue": venue.name}),
        lambda error: _venue_page(request, db, venue_id, values, error),
    )


@router.post("/venues/{venue_id}/hours", name="spaces.admin_hours")
def set_hours(request: Request, venue_id: int, form: FormData = Depends(posted), actor: User = Depends(manager),
              db: Session = Depends(get_db)) -> Response:
    values = _posted_hours(form)
    return save(
        request, db,
        lambda: venues.set_opening_hours(db, actor=actor, venue_id=venue_id, hours=_hours(values), now=clock.now()),
        lambda venue: (f"/admin/spaces/venues/{venue_id}", N_("Opening hours of {venue} saved."),
                       {"venue": venue.name}),
        lambda error: _venue_page(request, db, venue_id, values, error),
    )


@router.post("/venues/{venue_id}/closures", name="spaces.admin_add_closure")
def add_closure(request: Request, venue_id: int, form: FormData = Depends(posted), actor: User = Depends(manager),
                db: Session = Depends(get_db)) -> Response:
    values = text(form, "day", "reason")
    try:
        day = calendar_day(values["day"], "day")
        closure = venues.add_closure(db, actor=actor, venue_id=venue_id, day=day, reason=values["reason"],
                                    now=clock.now())
    except DomainError as error:
        if error.status_code in (403, 404):
            raise
        db.rollback()
        return _venue_page(request, db, venue_id, values, error)
    booked = queries.count_bookings_on(db, venues.get_venue(db, venue_id), closure.day)
    db.commit()
    response = redirect(request, f"/admin/spaces/venues/{venue_id}", N_("Closed on {day}."), day=day.isoformat())
    if booked:
        add_flash(request, response, translate(request.state.viewer.locale, N_(
            "Bookings already made for that day: {count}. They are not cancelled: tell their holders."), count=booked),
            kind="warning")
    return response


@router.post("/venues/{venue_id}/closures/{closure_id}/remove", name="spaces.admin_remove_closure")
def remove_closure(request: Request, venue_id: int, closure_id: int, actor: User = Depends(manager),
                   db: Session = Depends(get_db)) -> Response:
    closure = venues.remove_closure(db, actor=actor, venue_id=venue_id, closure_id=closure_id, now=clock.now())
    db.commit()
    return redirect(request, f"/admin/spaces/venues/{venue_id}", N_("Open again on {day}."),
                    day=closure.day.isoformat())


# -- floors and zones -----------------------------------------------------------------------------


def _floor_values(floor: Floor) -> dict[str, Any]:
    return {"name": floor.name, "level": str(floor.level), "plan_width": str(floor.plan_width),
            "plan_height": str(floor.plan_height)}


def _floor_data(values: dict[str, Any]) -> FloorData:
    return FloorData(values["name"], whole(values["level"], "level"), whole(values["plan_width"], "plan_width"),
                     whole(values["plan_height"], "plan_height"))


@router.get("/venues/{venue_id}/floors/new", name="spaces.admin_new_floor")
def new_floor(request: Request, venue_id: int, actor: User = Depends(manager),
              db: Session = Depends(get_db)) -> Response:
    venue = venues.get_venue(db, venue_id)
    level = max((floor.level + 1 for floor in venue.floors), default=0)
    return render(request, "spaces/admin/floor_new.html",
                  {"venue": venue, "values": {"name": "", "level": str(level), **NEW_PLAN}})


@router.post("/venues/{venue_id}/floors/new")
def create_floor(request: Request, venue_id: int, form: FormData = Depends(posted), actor: User = Depends(manager),
                 db: Session = Depends(get_db)) -> Response:
    values = text(form, "name", "level", "plan_width", "plan_height")
    return save(
        request, db,
        lambda: venues.save_floor(db, actor=actor, venue_id=venue_id, data=_floor_data(values), now=clock.now()),
        lambda floor: (f"/admin/spaces/floors/{floor.id}", N_("Floor {floor} added: now add its spaces."),
                       {"floor": floor.name}),
        lambda error: form_error(request, "spaces/admin/floor_new.html", error,
                                 {"venue": venues.get_venue(db, venue_id), "values": values}),
    )


def _floor_page(request: Request, db: Session, floor_id: int, values: dict[str, Any] | None = None,
                error: DomainError | None = None) -> Response:
    floor = venues.get_floor(db, floor_id)
    zones = {f"zone_{zone.id}": zone.name for zone in floor.zones}
    return page(request, "spaces/admin/floor_edit.html", {
        "floor": floor, "values": {**_floor_values(floor), **zones, "zone_name": "", **(values or {})},
    }, error)


@router.get("/floors/{floor_id}/edit", name="spaces.admin_floor")
def floor_page(request: Request, floor_id: int, actor: User = Depends(manager),
               db: Session = Depends(get_db)) -> Response:
    return _floor_page(request, db, floor_id)


@router.post("/floors/{floor_id}/edit")
def update_floor(request: Request, floor_id: int, form: FormData = Depends(posted), actor: User = Depends(manager),
                 db: Session = Depends(get_db)) -> Response:
    values = text(form, "name", "level", "plan_width", "plan_height")
    return save(
        request, db,
        lambda: venues.save_floor(db, actor=actor, floor_id=floor_id, data=_floor_data(values), now=clock.now()),
        lambda floor: (f"/admin/spaces/floors/{floor_id}/edit", N_("Floor {floor} saved."), {"floor": floor.name}),
        lambda error: _floor_page(request, db, floor_id, values, error),
    )


@router.post("/floors/{floor_id}/zones", name="spaces.admin_add_zone")
@router.post("/floors/{floor_id}/zones/{zone_id}", name="spaces.admin_rename_zone")
def save_zone(request: Request, floor_id: int, zone_id: int | None = None, form: FormData = Depends(posted),
              actor: User = Depends(manager), db: Session = Depends(get_db)) -> Response:
    field = "zone_name" if zone_id is None else f"zone_{zone_id}"
    values = text(form, field)
    return save(
        request, db,
        lambda: venues.save_zone(db, actor=actor, floor_id=floor_id, zone_id=zone_id, name=values[field],
                                now=clock.now()),
        lambda zone: (f"/admin/spaces/floors/{floor_id}/edit", N_("Zone {zone} saved."), {"zone": zone.name}),
        lambda error: _floor_page(request, db, floor_id, values, error),
    )


router.include_router(space_views.router)
router.include_router(access_views.router)
