"""The waitlist in the JSON API: thin routes over `spaces.booking.waitlist.service`."""
from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from spaces.booking.schemas import BookingOut
from spaces.booking.waitlist import service as waitlist
from spaces.booking.waitlist.schemas import WaitlistEntryIn, WaitlistEntryOut
from totem import clock
from totem.api.answers import committed
from totem.api.deps import api_user
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter()

NOT_FOUND = {404: {"description": "No such waitlist entry, or not yours"}}
CHANGE_ERRORS = {**NOT_FOUND, 409: {"description": "No open offer, or it expired, or not enough credits"}}


@router.post("/waitlist", status_code=201, response_model=WaitlistEntryOut, tags=["waitlist"],
             responses={403: {"description": "Your role may not book this space"},
                        409: {"description": "The slot is free (book it), or you already wait for it"},
                        422: {"description": "A booking rule is broken"}})
def join_waitlist(body: WaitlistEntryIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Wait for a taken slot; when it frees you get it held for a while, and an e-mail."""
    entry = waitlist.join_waitlist(db, actor=user, space_id=body.space_id, starts_at=body.starts_at,
                                   ends_at=body.ends_at, now=clock.now(), title=body.title,
                                   startup_id=body.startup_id)
    return committed(db, entry, WaitlistEntryOut.of)


@router.get("/waitlist", response_model=list[WaitlistEntryOut], tags=["waitlist"])
def list_entries(limit: int = Query(100, ge=1, le=500), user: User = Depends(api_user),
                 db: Session = Depends(get_db)):
    """Your waitlist entries, newest first."""
    return [WaitlistEntryOut.of(entry) for entry in waitlist.list_entries(db, actor=user, limit=limit)]


@router.get("/waitlist/{entry_id}", response_model=WaitlistEntryOut, tags=["waitlist"], responses=NOT_FOUND)
def get_entry(entry_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return WaitlistEntryOut.of(waitlist.get_entry(db, actor=user, entry_id=entry_id))


@router.post("/waitlist/{entry_id}/accept", response_model=BookingOut, tags=["waitlist"], responses=CHANGE_ERRORS)
def accept_offer(entry_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Take the slot held for you: the booking is confirmed (or waits for approval) and its credits debited."""
    booking = waitlist.accept_offer(db, actor=user, entry_id=entry_id, now=clock.now())
    return committed(db, booking, BookingOut.of)


@router.post("/waitlist/{entry_id}/decline", response_model=WaitlistEntryOut, tags=["waitlist"],
             responses=CHANGE_ERRORS)
def decline_offer(entry_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Turn the offer down; the slot goes to the next in line."""
    entry = waitlist.decline_offer(db, actor=user, entry_id=entry_id, now=clock.now())
    return committed(db, entry, WaitlistEntryOut.of)


@router.post("/waitlist/{entry_id}/withdraw", response_model=WaitlistEntryOut, tags=["waitlist"],
             responses=CHANGE_ERRORS)
def withdraw(entry_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Leave the waitlist (and give up a slot held for you)."""
    entry = waitlist.withdraw(db, actor=user, entry_id=entry_id, now=clock.now())
    return committed(db, entry, WaitlistEntryOut.of)
