"""Visitors in the JSON API: expect guests, list a day's, check them in at the desk, walk-ins, cancel."""
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from spaces.visitors import service as visitors
from spaces.visitors.schemas import VisitorOut, VisitorsIn, WalkInIn
from totem import clock
from totem.api.deps import api_user
from totem.api.schemas import Day
from totem.identity import service as identity
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter(tags=["visitors"])
NOT_FOUND = {404: {"description": "No such visitor, or not one of yours"}}
DESK = {403: {"description": "Front desk (staff) only"}, **NOT_FOUND,
        409: {"description": "Cancelled, already checked in, or expected another day"}}


@router.get("/visitors", response_model=list[VisitorOut])
def list_visitors(day: Day | None = None, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The visitors of a day of the venue (today by default): every one for the staff, your guests otherwise."""
    now = clock.now()
    return visitors.list_for_day(db, actor=user, day=day or visitors.local_today(db, now), now=now)


@router.post("/visitors", status_code=201, response_model=list[VisitorOut],
             responses={403: {"description": "Only the staff register guests for someone else"},
                        404: {"description": "No such host (host_id)"},
                        422: {"description": "In the past, too far ahead, or the building is closed then"}})
def register_visitors(body: VisitorsIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Expect guests; each gets an e-mail with the address, the time and a personal QR code."""
    host = identity.get_user(db, body.host_id) if body.host_id is not None else user
    guests = [visitors.Guest(guest.name, guest.email, guest.organisation) for guest in body.guests]
    created = visitors.register_guests(db, actor=user, host=host, guests=guests, day=body.day, at=body.time,
                                       reason=body.reason, now=clock.now())
    db.commit()
    return created


@router.get("/visitors/{visitor_id}", response_model=VisitorOut, responses=NOT_FOUND)
def get_visitor(visitor_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return visitors.get_visitor(db, actor=user, visitor_id=visitor_id)


@router.post("/visitors/{visitor_id}/check-in", response_model=VisitorOut, responses=DESK)
def check_in_visitor(visitor_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The guest is at the desk; their host is told by e-mail."""
    visitor = visitors.check_in(db, actor=user, visitor=visitors.get_visitor(db, actor=user, visitor_id=visitor_id),
                                now=clock.now())
    db.commit()
    return visitor


@router.post("/visitors/{visitor_id}/cancel", response_model=VisitorOut,
             responses={**NOT_FOUND, 409: {"description": "Already checked in"}})
def cancel_visitor(visitor_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    visitor = visitors.cancel(db, actor=user, visitor=visitors.get_visitor(db, actor=user, visitor_id=visitor_id),
                              now=clock.now())
    db.commit()
    return visitor


@router.post("/visitors/walk-ins", status_code=201, response_model=VisitorOut,
             responses={403: {"description": "Front desk (staff) only"}, 404: {"description": "No such host"}})
def add_walk_in(body: WalkInIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Someone not expected, checked in at once; their host is told."""
    visitor = visitors.add_walk_in(db, actor=user, host=identity.get_user(db, body.host_id), name=body.name,
                                   organisation=body.organisation, reason=body.reason, now=clock.now())
    db.commit()
    return visitor
