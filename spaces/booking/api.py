"""Venues, spaces and bookings in the JSON API: thin routes over the booking services."""

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from spaces.booking import availability, service
from spaces.booking.enums import BookingStatus
from spaces.booking.schemas import BookingIn, BookingMoveIn, BookingOut, FreeSlotsOut, SlotOut
from spaces.venues.enums import SpaceKind
from spaces.venues.schemas import SpaceOut, VenueOut
from totem import clock
from totem.api.answers import committed
from totem.api.deps import api_user
from totem.api.rows import rows_answer
from totem.api.schemas import Day, Instant
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter()

NOT_FOUND = {404: {"description": "No such booking, or not one you may see"}}
CHANGE_ERRORS = {**NOT_FOUND, 403: {"description": "Not your booking"}, 409: {"description": "Not possible now"}}
NO_SPACE = {404: {"description": "No such space"}}


@router.get("/venues", response_model=list[VenueOut], tags=["spaces"])
def list_venues(user: User = Depends(api_user), db: Session = Depends(get_db)):
    return availability.list_venues(db)


@router.get("/spaces", response_model=list[SpaceOut], tags=["spaces"])
def list_spaces(
    kind: SpaceKind | None = None,
    floor_id: int | None = None,
    zone_id: int | None = None,
    min_capacity: int | None = Query(None, ge=1),
    user: User = Depends(api_user),
    db: Session = Depends(get_db),
):
    return rows_answer(SpaceOut, availability.list_spaces(db, kind=kind, floor_id=floor_id, zone_id=zone_id,
                                                          min_capacity=min_capacity))


# Declared before /spaces/{space_id}, which would otherwise take "availability" for an id.
@router.get("/spaces/availability", response_model=list[SpaceOut], tags=["spaces"])
def find_available_spaces(
    starts_at: Instant,
    ends_at: Instant,
    kind: SpaceKind | None = None,
    min_capacity: int | None = Query(None, ge=1),
    amenities: list[str] = Query(default=[], description="Repeat it, or separate the amenities with commas"),
    floor_id: int | None = None,
    zone_id: int | None = None,
    user: User = Depends(api_user),
    db: Session = Depends(get_db),
):
    """The spaces free for the whole window, in a venue open all along it."""
    wanted = [name.strip() for value in amenities for name in value.split(",") if name.strip()]
    return rows_answer(SpaceOut, availability.find_available_spaces(
        db, starts_at=starts_at, ends_at=ends_at, kind=kind, min_capacity=min_capacity, amenities=wanted,
        floor_id=floor_id, zone_id=zone_id))


@router.get("/spaces/{space_id}", response_model=SpaceOut, tags=["spaces"], responses=NO_SPACE)
def get_space(space_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return availability.get_space(db, space_id)


@router.get("/spaces/{space_id}/free-slots", response_model=FreeSlotsOut, tags=["spaces"], responses=NO_SPACE)
def list_free_slots(space_id: int, day: Day, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The free stretches of the space on a day of its venue, from now on."""
    slots = availability.list_free_slots(db, space_id=space_id, day=day, now=clock.now())
    return FreeSlotsOut(space_id=space_id, day=day, slots=[SlotOut.model_validate(slot) for slot in slots])


@router.post("/bookings", status_code=201, response_model=BookingOut, tags=["bookings"],
             responses={403: {"description": "Your role may not book this space"},
                        409: {"description": "The slot is taken"},
                        422: {"description": "A booking rule is broken"}})
def create_booking(body: BookingIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    booking = service.create_booking(db, actor=user, space_id=body.space_id, starts_at=body.starts_at,
                                     ends_at=body.ends_at, now=clock.now(), title=body.title,
                                     startup_id=body.startup_id, for_user_id=body.user_id)
    return committed(db, booking, BookingOut.of)


@router.get("/bookings", response_model=list[BookingOut], tags=["bookings"])
def list_bookings(
    mine: bool = False,
    starts_after: Instant | None = None,
    starts_before: Instant | None = None,
    space_id: int | None = None,
    status: BookingStatus | None = None,
    limit: int = Query(200, ge=1, le=1000),
    user: User = Depends(api_user),
    db: Session = Depends(get_db),
):
    """By start. `mine=true`: yours; otherwise also your start-ups' (staff: everyone's)."""
    bookings = service.list_bookings(db, actor=user, mine=mine, starts_after=starts_after,
                                     starts_before=starts_before, space_id=space_id, status=status, limit=limit)
    return [BookingOut.of(booking) for booking in bookings]


@router.get("/bookings/{booking_id}", response_model=BookingOut, tags=["bookings"], responses=NOT_FOUND)
def get_booking(booking_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return BookingOut.of(service.get_booking(db, actor=user, booking_id=booking_id))


@router.patch("/bookings/{booking_id}", response_model=BookingOut, tags=["bookings"],
              responses={**CHANGE_ERRORS, 422: {"description": "A booking rule is broken"}})
def move_booking(booking_id: int, body: BookingMoveIn, user: User = Depends(api_user),
                 db: Session = Depends(get_db)):
    """Move a booking that has not started to another time, or another space; every rule is checked again."""
    booking = service.move_booking(db, actor=user, booking_id=booking_id, starts_at=body.starts_at,
                                   ends_at=body.ends_at, space_id=body.space_id, now=clock.now())
    return committed(db, booking, BookingOut.of)


@router.post("/bookings/{booking_id}/cancel", response_model=BookingOut, tags=["bookings"], responses=CHANGE_ERRORS)
def cancel_booking(booking_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    booking = service.cancel_booking(db, actor=user, booking_id=booking_id, now=clock.now())
    return committed(db, booking, BookingOut.of)


@router.post("/bookings/{booking_id}/check-in", response_model=BookingOut, tags=["bookings"],
             responses=CHANGE_ERRORS)
def check_in(booking_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    booking = service.check_in(db, actor=user, booking_id=booking_id, now=clock.now())
    return committed(db, booking, BookingOut.of)


@router.post("/bookings/{booking_id}/approve", response_model=BookingOut, tags=["bookings"],
             responses=CHANGE_ERRORS)
def approve_booking(booking_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers: confirm a booking that waits for approval."""
    booking = service.approve_booking(db, actor=user, booking_id=booking_id, now=clock.now())
    return committed(db, booking, BookingOut.of)


@router.post("/bookings/{booking_id}/reject", response_model=BookingOut, tags=["bookings"],
             responses=CHANGE_ERRORS)
def reject_booking(booking_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers: refuse a booking that waits for approval."""
    booking = service.reject_booking(db, actor=user, booking_id=booking_id, now=clock.now())
    return committed(db, booking, BookingOut.of)


