"""The waitlist's pages: join it for a taken slot, answer an offer, leave it."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from spaces.booking import availability
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.booking.waitlist import service as waitlist
from spaces.booking.waitlist.enums import WaitlistStatus
from spaces.booking.waitlist.models import WaitlistEntry
from spaces.venues.labels import KIND_LABELS
from spaces.venues.models import Venue
from spaces.venues.rules import local_moment, local_time
from totem import clock
from totem.errors import DomainError, Invalid
from totem.i18n import N_
from totem.identity.models import User
from totem.web.context import check_csrf, get_db, require_user
from totem.web.forms import Done, act
from totem.web.pages import redirect, render

router = APIRouter(dependencies=[Depends(check_csrf)])

ENTRY_STATUS_LABELS = {
    WaitlistStatus.WAITING: N_("Waiting"),
    WaitlistStatus.OFFERED: N_("Held for you"),
    WaitlistStatus.BOOKED: N_("Slot booked"),
    WaitlistStatus.EXPIRED: N_("Expired"),
    WaitlistStatus.WITHDRAWN: N_("Withdrawn"),
}


@dataclass(frozen=True)
class EntryRow:
    """An entry as the page shows it, on its venue's clock."""

    entry: WaitlistEntry
    day: str
    start: str
    end: str
    expires: str  # "HH:MM", with the day when it is not the slot's
    status: str  # the entry's, or `expired` for an offer past its time that the job has not ended yet


@router.get("/waitlist", name="spaces.waitlist")
def waitlist_page(request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    now = clock.now()
    rows = [_row(entry, now) for entry in waitlist.list_entries(db, actor=user)]
    return render(request, "spaces/booking/waitlist/waitlist.html", {
        "offers": sorted((row for row in rows if row.status == WaitlistStatus.OFFERED),
                         key=lambda row: row.entry.offer_expires_at or now),
        "waiting": sorted((row for row in rows if row.status == WaitlistStatus.WAITING),
                          key=lambda row: row.entry.starts_at),
        "earlier": [row for row in rows if row.status not in (WaitlistStatus.OFFERED, WaitlistStatus.WAITING)],
        "kinds": KIND_LABELS, "statuses": ENTRY_STATUS_LABELS,
        "offer_minutes": int(waitlist.OFFER_TTL.total_seconds() // 60),
    })


def _row(entry: WaitlistEntry, now: datetime) -> EntryRow:
    venue = entry.space.floor.venue
    start, end = local_time(entry.starts_at, venue), local_time(entry.ends_at, venue)
    expires = ""
    status = entry.status
    if entry.offer_expires_at is not None:
        expiry = local_time(entry.offer_expires_at, venue)
        expires = f"{expiry:%H:%M}" if expiry.date() == start.date() else f"{expiry:%Y-%m-%d %H:%M}"
        if status == WaitlistStatus.OFFERED and entry.offer_expires_at <= now:
            status = WaitlistStatus.EXPIRED
    return EntryRow(entry=entry, day=start.date().isoformat(), start=f"{start:%H:%M}", end=f"{end:%H:%M}",
                    expires=expires, status=status)


@router.post("/waitlist", name="spaces.waitlist_join")
def join(request: Request, space_id: int = Form(...), day: str = Form(""), start: str = Form(""),
         end: str = Form(""), title: str = Form(""), startup_id: str = Form(""), kind: str = Form(""),
         min_capacity: str = Form(""), user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    """From the Book page: wait for a taken space at the searched local day and times."""
    space = availability.get_space(db, space_id)
    try:
        starts_at, ends_at = _window(space.floor.venue, day, start, end)
        waitlist.join_waitlist(db, actor=user, space_id=space.id, starts_at=starts_at, ends_at=ends_at,
                               now=clock.now(), title=title,
                               startup_id=int(startup_id) if startup_id.isdigit() else None)
    except DomainError as error:
        if error.status_code in (403, 404):
            raise  # not theirs to ask: an error page, not a search
        db.rollback()
        # Back to the same search, where the reason shows.
        search = urlencode({"day": day, "start": start, "end": end, "kind": kind, "min_capacity": min_capacity})
        return redirect(request, f"/book?{search}", error.message, kind="error", **error.params)
    space_name = space.name
    db.commit()
    return redirect(request, request.app.url_path_for("spaces.waitlist"),
                    N_("You are on the waitlist for {space}. If it frees up, we hold it for you and e-mail you."),
                    space=space_name)


def _window(venue: Venue, day: str, start: str, end: str) -> tuple[datetime, datetime]:
    """The local day and wall-clock times typed, as instants at the venue."""
    try:
        chosen, opens, closes = date.fromisoformat(day), time.fromisoformat(start), time.fromisoformat(end)
    except ValueError:
        raise Invalid("Choose a valid day and times.", field="day") from None
    return local_moment(chosen, opens, venue), local_moment(chosen, closes, venue)


@router.post("/waitlist/{entry_id}/accept", name="spaces.waitlist_accept")
def accept(request: Request, entry_id: int, user: User = Depends(require_user),
           db: Session = Depends(get_db)) -> Response:
    def booked(booking: Booking) -> Done:
        message = (N_("Request sent for {space}; a manager will confirm it.") if booking.status == BookingStatus.PENDING
                   else N_("{space} is booked for you."))
        return request.app.url_path_for("spaces.my_bookings"), message, {"space": booking.space.name}

    return act(request, db, lambda: waitlist.accept_offer(db, actor=user, entry_id=entry_id, now=clock.now()), booked,
               request.app.url_path_for("spaces.waitlist"))


@router.post("/waitlist/{entry_id}/decline", name="spaces.waitlist_decline")
def decline(request: Request, entry_id: int, user: User = Depends(require_user),
            db: Session = Depends(get_db)) -> Response:
    return _change(request, db, lambda: waitlist.decline_offer(db, actor=user, entry_id=entry_id, now=clock.now()),
                   N_("Offer declined: the next in line gets the slot."))


@router.post("/waitlist/{entry_id}/withdraw", name="spaces.waitlist_withdraw")
def withdraw(request: Request, entry_id: int, user: User = Depends(require_user),
             db: Session = Depends(get_db)) -> Response:
    return _change(request, db, lambda: waitlist.withdraw(db, actor=user, entry_id=entry_id, now=clock.now()),
                   N_("You left the waitlist."))


def _change(request: Request, db: Session, change: Callable[[], object], done: str) -> Response:
    """A refusal comes back as a message on the waitlist page; someone else's entry is a 404 page."""
    waitlist_page = request.app.url_path_for("spaces.waitlist")
    return act(request, db, change, lambda _: (waitlist_page, done, {}), waitlist_page)
