"""Pages for residents: find and book a space, see and manage one's bookings."""
from dataclasses import dataclass
from urllib.parse import urlencode
from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from spaces.booking import availability, opening, plan, preview, service
from spaces.booking.enums import BookingStatus
from spaces.booking.labels import STATUS_LABELS
from spaces.booking.models import Booking
from spaces.booking.rules import may_check_in
from spaces.credits import service as credits
from spaces.venues.enums import SpaceKind
from spaces.venues.labels import AMENITY_LABELS, KIND_LABELS
from spaces.venues.models import Space, Venue
from spaces.venues.rules import local_moment, local_time
from totem import clock
from totem.errors import DomainError, Invalid
from totem.i18n import N_, translate
from totem.identity import service as identity
from totem.identity.models import User
from totem.identity.service import load_memberships
from totem.permissions import is_staff
from totem.web.context import check_csrf, get_db, require_user
from totem.web.nav import BUILDING, NavItem, register
from totem.web.pages import form_error, redirect, render, translated_labels

router = APIRouter(dependencies=[Depends(check_csrf)])
register(
    NavItem("Book", "spaces.book", order=200),
    NavItem("My bookings", "spaces.my_bookings", order=210),
    NavItem("Floor plan", "spaces.floor_plan", order=220, group=BUILDING),
    NavItem("Rooms", "spaces.room_timeline", order=230, group=BUILDING),
)

PAST_DAYS_SHOWN = 30
# A search over every kind finds hundreds of desks: each floor and zone shows a few, until one narrows to it,
# and then a page of them at a time.
GROUP_PREVIEW = 6
PAGE_SIZE = 30
MOST_SHOWN = 1000
INSTANT = timedelta(minutes=1)  # the floor plan shows a moment: open means open for the minute after it
# The Book form's fields that show their own error; the others' errors go at the top of the page.
SEARCH_FIELDS = {"day", "starts_at", "ends_at", "min_capacity", "kind", "floor_id", "zone_id"}


@dataclass(frozen=True)
class Search:
    """The Book form's fields, as typed: a local day and wall-clock times at the venue."""

    day: str
    start: str
    end: str
    kind: str
    min_capacity: str
    floor_id: str = ""
    zone_id: str = ""

    def window(self, venue: Venue) -> tuple[datetime, datetime]:
        try:
            day = date.fromisoformat(self.day)
            start, end = time.fromisoformat(self.start), time.fromisoformat(self.end)
        except ValueError:
            raise Invalid("Choose a valid day and times.", field="day") from None
        return local_moment(day, start, venue), local_moment(day, end, venue)

    def capacity(self) -> int | None:
        if not self.min_capacity.strip():
            return None
        if not self.min_capacity.strip().isdigit():
            raise Invalid("The number of people must be a whole number.", field="min_capacity")
        return int(self.min_capacity)

    def place(self) -> dict[str, int | None]:
        """The floor and zone narrowed to; a value that is no id narrows nothing."""
        return {"floor_id": _an_id(self.floor_id), "zone_id": _an_id(self.zone_id)}

    def query(self, **changes: object) -> str:
        """The search as a query string, for links that change one part of it."""
        fields = {"day": self.day, "start": self.start, "end": self.end, "kind": self.kind,
                  "min_capacity": self.min_capacity, "floor_id": self.floor_id, "zone_id": self.zone_id, **changes}
        return urlencode({key: value for key, value in fields.items() if value not in ("", None)})


def _an_id(value: str) -> int | None:
    # Nine digits at most: a longer number is no row's id, and would overflow PostgreSQL's integer.
    return int(value) if value.isdigit() and len(value) <= 9 else None


@dataclass(frozen=True)
class BookingRow:
    """A booking as My bookings shows it, in the venue's time."""

    booking: Booking
    day: date
    start: str
    end: str
    upcoming: bool
    may_cancel: bool
    may_move: bool
    is_offer: bool  # held for them from the waitlist: they accept or decline it there
    may_check_in: bool


def _default_search(db: Session, venue: Venue, now: datetime, day: str = "") -> Search:
    """The next hour the building is open (of the day asked for, if one is): never a closed building's hour."""
    try:
        chosen = date.fromisoformat(day) if day else None
    except ValueError:
        return Search(day, "09:00", "10:00", SpaceKind.MEETING_ROOM, "")  # the search then says the day is wrong
    slot = opening.next_opening_slot(db, venue, now, day=chosen)
    if slot is None:  # a closed day asked for: the page says why
        slot = opening.default_day_slot(venue, chosen or local_time(now, venue).date())
    start, end = (local_time(moment, venue) for moment in slot)
    return Search(start.date().isoformat(), f"{start:%H:%M}", f"{end:%H:%M}", SpaceKind.MEETING_ROOM, "")


def _closed_note(request: Request, db: Session, venue: Venue, starts_at: datetime, ends_at: datetime,
                 now: datetime) -> dict | None:
    """Why nothing can be booked then, in the viewer's language, and the next opening hour to try instead."""
    reason = opening.closed_reason(db, venue, starts_at, ends_at)
    if reason is None:
        return None
    following = opening.next_opening_slot(db, venue, max(now, starts_at))
    start, end = (local_time(moment, venue) for moment in following) if following else (None, None)
    return {"reason": translate(request.state.viewer.locale, reason.message, **reason.params),
            "next_day": start.date() if start else None, "next_start": f"{start:%H:%M}" if start else "",
            "next_end": f"{end:%H:%M}" if end else ""}


def _first_venue(db: Session) -> Venue | None:
    venues = availability.list_venues(db)
    return venues[0] if venues else None


def _book_context(db: Session, user: User, venue: Venue | None, search: Search | None,
                  results: list[Space] | None) -> dict:
    user = load_memberships(db, user)
    startups = [membership.organisation for membership in user.memberships]
    floors, zones = plan.list_floors(db), plan.list_zones(db)
    return {
        "venue": venue, "search": search, "results": results, "taken": [], "kinds": KIND_LABELS,
        "amenity_labels": AMENITY_LABELS,
        "floor_names": {floor.id: floor.name for floor in floors}, "floors": floors, "zones": zones,
        "zones_by_floor": [(floor, [zone for zone in zones if zone.floor_id == floor.id]) for floor in floors],
        "groups": [], "narrowed": False, "page_size": PAGE_SIZE, "more_step": PAGE_SIZE,
        "startups": startups,
        "balances": [(startup.name, credits.balance_of(db, startup.id)) for startup in startups],
        "colleagues": service.list_colleagues(db, actor=user), "book_for_anyone": is_staff(user),
        "values": {"title": "", "for_user": "", "for_email": "", "startup_id": ""}, "closed": None, "clash": None,
        "costs": {},
    }


@router.get("/book", name="spaces.book")
def book_page(request: Request, day: str = "", start: str = "", end: str = "", kind: str = "",
              min_capacity: str = "", floor_id: str = "", zone_id: str = "", shown: str = "",
              space_id: int | None = None, user: User = Depends(require_user),
              db: Session = Depends(get_db)) -> Response:
    venue = _first_venue(db)
    if venue is None:
        return render(request, "spaces/booking/book.html", _book_context(db, user, None, None, None))
    now = clock.now()
    # A first visit shows what is free in the next hour the building is open.
    search = (Search(day, start, end, kind, min_capacity, floor_id, zone_id) if day and start
              else _default_search(db, venue, now, day))
    context = _book_context(db, user, venue, search, None)
    try:
        starts_at, ends_at = search.window(venue)
        context["closed"] = _closed_note(request, db, venue, starts_at, ends_at, now)
        wanted = {"starts_at": starts_at, "ends_at": ends_at, "kind": search.kind or None,
                  "min_capacity": search.capacity(), **search.place()}
        # From the floor plan or the timeline: the one space clicked, if it is free.
        results = [space for space in availability.find_available_spaces(db, **wanted)
                   if space_id is None or space.id == space_id]
        narrowed = any(search.place().values()) or space_id is not None
        page_size = min(max(_an_id(shown) or PAGE_SIZE, PAGE_SIZE), MOST_SHOWN)
        context["results"] = results
        context["groups"] = availability.group_by_place(
            results, floors=plan.list_floors(db), zones=context["zones"],
            shown=page_size if narrowed else GROUP_PREVIEW)
        context.update(narrowed=narrowed, page_size=page_size)
        context["costs"] = preview.costs_of(db, [space for group in context["groups"] for space in group.spaces],
                                            venue_id=venue.id, starts_at=starts_at, ends_at=ends_at)
        context["taken"] = [space for space in availability.find_taken_spaces(db, **wanted)
                            if space_id is None or space.id == space_id]
    except DomainError as error:
        return form_error(request, "spaces/booking/book.html", error, context)
    return render(request, "spaces/booking/book.html", context)


@router.post("/book", name="spaces.book_submit")
def book(request: Request, space_id: int = Form(...), day: str = Form(""), start: str = Form(""),
         end: str = Form(""), kind: str = Form(""), min_capacity: str = Form(""), floor_id: str = Form(""),
         zone_id: str = Form(""), title: str = Form(""), startup_id: str = Form(""), for_user: str = Form(""),
         for_email: str = Form(""), despite_clash: str = Form(""), user: User = Depends(require_user),
         db: Session = Depends(get_db)) -> Response:
    venue = _first_venue(db)
    search = Search(day, start, end, kind, min_capacity, floor_id, zone_id)
    values = {"title": title, "for_user": for_user, "for_email": for_email, "startup_id": startup_id}
    try:
        if venue is None:
            raise Invalid("No such space.", field="space_id")
        starts_at, ends_at = search.window(venue)
        for_user_id = _booked_for(db, for_user, for_email)
        clashes = [] if despite_clash else preview.list_clashes(db, holder_id=for_user_id or user.id,
                                                                space_id=space_id, starts_at=starts_at,
                                                                ends_at=ends_at)
        if clashes:  # nothing is written: the page asks whether to book anyway
            context = _book_context(db, user, venue, search, None)
            context.update(values=values, clash={"space": availability.get_space(db, space_id),
                                                 "rows": [_row(booking, clock.now()) for booking in clashes]})
            return render(request, "spaces/booking/book.html", context)
        booking = service.create_booking(
            db, actor=user, space_id=space_id, starts_at=starts_at, ends_at=ends_at, now=clock.now(),
            title=title, startup_id=int(startup_id) if startup_id.isdigit() else None,
            for_user_id=for_user_id,
        )
    except DomainError as error:
        db.rollback()
        context = _book_context(db, user, venue, search, None)
        context["values"] = values
        if error.field not in SEARCH_FIELDS:
            error.field = None  # the refused row's own fields are not shown again: say it at the top
        return form_error(request, "spaces/booking/book.html", error, context)
    space_name = availability.get_space(db, booking.space_id).name
    db.commit()
    message = (N_("Request sent for {space}; a manager will confirm it.") if booking.status == BookingStatus.PENDING
               else N_("{space} is booked for you."))
    return redirect(request, "/my-bookings", message, space=space_name)


def _booked_for(db: Session, for_user: str, for_email: str) -> int | None:
    """The colleague chosen in the list, or the person whose e-mail a manager typed."""
    if for_email.strip():
        person = identity.get_user_by_email(db, for_email)
        if person is None:
            raise Invalid("No account uses this e-mail address.", field="for_email")
        return person.id
    return int(for_user) if for_user.isdigit() else None


@router.get("/my-bookings", name="spaces.my_bookings")
def my_bookings(request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    now = clock.now()
    bookings = service.list_bookings(db, actor=user, mine=True, starts_after=now - timedelta(days=PAST_DAYS_SHOWN))
    rows = [_row(booking, now) for booking in bookings]
    return render(request, "spaces/booking/my_bookings.html", {
        "upcoming": [row for row in rows if row.upcoming],
        "past": [row for row in reversed(rows) if not row.upcoming],
        "kinds": KIND_LABELS, "statuses": STATUS_LABELS,
    })


def _row(booking: Booking, now: datetime) -> BookingRow:
    venue = booking.space.floor.venue
    start, end = local_time(booking.starts_at, venue), local_time(booking.ends_at, venue)
    active = booking.status in (BookingStatus.PENDING, BookingStatus.CONFIRMED)
    return BookingRow(
        booking=booking, day=start.date(), start=f"{start:%H:%M}", end=f"{end:%H:%M}",
        upcoming=booking.ends_at > now,
        may_cancel=active and booking.ends_at > now,
        may_move=active and booking.starts_at > now,
        is_offer=booking.status == BookingStatus.OFFERED,
        may_check_in=may_check_in(booking, now),
    )


@router.get("/my-bookings/{booking_id}/cancel", name="spaces.confirm_cancel_booking")
def confirm_cancel(request: Request, booking_id: int, user: User = Depends(require_user),
                   db: Session = Depends(get_db)) -> Response:
    """Cancelling asks first, without JavaScript: this page says what is lost and what comes back, then POSTs."""
    now = clock.now()
    cancellation = preview.preview_cancellation(db, actor=user, booking_id=booking_id, now=now)
    row = _row(cancellation.booking, now)
    if not row.may_cancel:
        return redirect(request, "/my-bookings", N_("This booking can no longer be cancelled."), kind="error")
    return render(request, "spaces/booking/cancel_booking.html", {
        "row": row, "cancellation": cancellation, "kinds": KIND_LABELS, "statuses": STATUS_LABELS,
    })


@router.post("/my-bookings/{booking_id}/cancel", name="spaces.cancel_booking")
def cancel(request: Request, booking_id: int, user: User = Depends(require_user),
           db: Session = Depends(get_db)) -> Response:
    return _change(request, db, lambda: service.cancel_booking(db, actor=user, booking_id=booking_id, now=clock.now()),
                   N_("Booking cancelled."))


@router.post("/my-bookings/{booking_id}/move", name="spaces.move_booking")
def move(request: Request, booking_id: int, day: str = Form(""), start: str = Form(""), end: str = Form(""),
         user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    def change() -> Booking:
        venue = service.get_booking(db, actor=user, booking_id=booking_id).space.floor.venue
        starts_at, ends_at = Search(day, start, end, "", "").window(venue)
        return service.move_booking(db, actor=user, booking_id=booking_id, starts_at=starts_at, ends_at=ends_at,
                                    now=clock.now())

    return _change(request, db, change, N_("Booking moved."))


@router.post("/my-bookings/{booking_id}/check-in", name="spaces.check_in")
def check_in(request: Request, booking_id: int, user: User = Depends(require_user),
             db: Session = Depends(get_db)) -> Response:
    return _change(request, db, lambda: service.check_in(db, actor=user, booking_id=booking_id, now=clock.now()),
                   N_("You are checked in. Have a good day!"))


def _change(request: Request, db: Session, change, done: str) -> Response:  # type: ignore[no-untyped-def]
    """Run a change to a booking; a refusal comes back as a message on My bookings."""
    try:
        change()
    except DomainError as error:
        if error.status_code == 404:
            raise  # before the rollback, which would expire the viewer the error page shows
        db.rollback()
        return redirect(request, "/my-bookings", error.message, kind="error", **error.params)
    db.commit()
    return redirect(request, "/my-bookings", done)


def _local_day_and_time(venue: Venue, day: str, at: str, now: datetime) -> tuple[date, time]:
    """The day and time asked for, or now at the venue."""
    local_now = local_time(now, venue)
    try:
        chosen_day = date.fromisoformat(day) if day else local_now.date()
        chosen_time = time.fromisoformat(at) if at else local_now.time().replace(second=0, microsecond=0)
    except ValueError:
        raise Invalid("Choose a valid day and times.", field="day") from None
    return chosen_day, chosen_time


@router.get("/floors", name="spaces.floor_plan")
def first_floor_plan(request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    floors = plan.list_floors(db)
    if not floors:
        return render(request, "spaces/booking/floor_plan.html", {"floors": [], "plan": None})
    return floor_plan(request, floors[0].id, user=user, db=db)


@router.get("/floors/{floor_id}", name="spaces.floor")
def floor_plan(request: Request, floor_id: int, day: str = "", at: str = "", user: User = Depends(require_user),
               db: Session = Depends(get_db)) -> Response:
    floor = plan.get_floor(db, floor_id)
    venue, now = floor.venue, clock.now()
    if not day and not at and opening.closed_reason(db, venue, now, now + INSTANT):
        # Outside the opening hours the plan shows the building as it opens, as the Book page searches then.
        slot = opening.next_opening_slot(db, venue, now)
        if slot is not None:
            day, at = local_time(slot[0], venue).date().isoformat(), f"{local_time(slot[0], venue):%H:%M}"
    chosen_day, chosen_time = _local_day_and_time(venue, day, at, now)
    moment = local_moment(chosen_day, chosen_time, venue)
    floor_plan = plan.floor_plan(db, floor=floor, at=moment, viewer=load_memberships(db, user))
    return render(request, "spaces/booking/floor_plan.html", {
        "closed": _closed_note(request, db, venue, moment, moment + INSTANT, now),
        "floors": plan.list_floors(db), "plan": floor_plan, "day": chosen_day.isoformat(),
        "at": f"{chosen_time:%H:%M}", "until": f"{(moment + timedelta(hours=1)).astimezone(moment.tzinfo):%H:%M}",
        "kind_names": translated_labels(request, KIND_LABELS),
    })


@router.get("/rooms", name="spaces.room_timeline")
def room_timeline(request: Request, day: str = "", user: User = Depends(require_user),
                  db: Session = Depends(get_db)) -> Response:
    venue = _first_venue(db)
    if venue is None:
        return render(request, "spaces/booking/room_timeline.html", {"timeline": None})
    chosen_day, _ = _local_day_and_time(venue, day, "", clock.now())
    timeline = plan.room_timeline(db, venue=venue, day=chosen_day, viewer=load_memberships(db, user))
    return render(request, "spaces/booking/room_timeline.html", {
        "timeline": timeline, "day": chosen_day.isoformat(),
        "previous_day": (chosen_day - timedelta(days=1)).isoformat(),
        "next_day": (chosen_day + timedelta(days=1)).isoformat(),
        "row_height": 40, "label_width": 220, "header_height": 28,
    })
