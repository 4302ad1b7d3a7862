"""Events' pages: the public agenda, a page per event with its registration form, the person's own page (cancel,
take an offered seat) and the agenda's iCalendar feed — no account and no JavaScript needed; and the staff's
pages to create, edit and cancel their operator's events and see who registered."""
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from spaces.events import forms, mail, registrations, service
from spaces.events.enums import Audience, EventKind
from spaces.events.labels import AUDIENCE_LABELS, KIND_LABELS, STATUS_LABELS
from spaces.events.models import Event
from totem import clock
from totem.errors import DomainError
from totem.i18n import N_
from totem.identity.models import User
from totem.web.context import Viewer, check_csrf, get_db, get_viewer
from totem.web.forms import act, page, posted, requiring, save, text
from totem.web.nav import BUILDING, NavItem, register
from totem.web.pages import render

router = APIRouter(dependencies=[Depends(check_csrf)])
register(
    NavItem("Agenda", "spaces.events", order=250, group=BUILDING),
    NavItem("Manage events", "spaces.staff_events", permission="events.manage", order=251, group=BUILDING),
)
event_staff = requiring("events.manage")
LABELS = {"kinds": KIND_LABELS, "audiences": AUDIENCE_LABELS, "statuses": STATUS_LABELS}


# -- the public agenda and its events -------------------------------------------------------------


@router.get("/events", name="spaces.events")
def agenda(request: Request, viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db)) -> Response:
    now = clock.now()
    upcoming = service.list_agenda(db, viewer=viewer.user, now=now)
    _done_reading(db)
    return render(request, "spaces/events/agenda.html", {"days": service.by_local_day(upcoming), **LABELS})


@router.get("/events.ics", name="spaces.events_feed")
def agenda_feed(db: Session = Depends(get_db)) -> Response:
    now = clock.now()
    upcoming = service.list_agenda(db, viewer=None, now=now)
    _done_reading(db)
    body = mail.event_ics(upcoming, now, name="Totem")
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="events.ics"'})


@router.get("/events/{key}", name="spaces.event")
def event_page(request: Request, key: str, viewer: Viewer = Depends(get_viewer),
               db: Session = Depends(get_db)) -> Response:
    event = service.get_visible_event(db, viewer=viewer.user, key=key)
    _done_reading(db)
    return _event_page(request, viewer, event, {}, None)


@router.post("/events/{key}/register", name="spaces.register_for_event")
async def register_for_event(request: Request, key: str, viewer: Viewer = Depends(get_viewer),
                             db: Session = Depends(get_db)) -> Response:
    event = service.get_visible_event(db, viewer=viewer.user, key=key)
    form = await posted(request)
    values = text(form, "name", "email", "organisation")
    applicant = registrations.Applicant(name=values["name"], email=values["email"],
                                        organisation=values["organisation"], consent=form.get("consent") == "yes",
                                        locale=viewer.locale)
    back = f"/events/{event.slug}"

    def done(outcome: registrations.Outcome) -> tuple[str, str, dict]:
        if not outcome.is_new:
            return back, N_("{email} is already registered: the confirmation e-mail holds its links."), {
                "email": applicant.email.strip()}
        if outcome.registration.status == "waitlisted":
            return back, N_("The event is full: you are on the waiting list. We sent an e-mail to {email}."), {
                "email": outcome.registration.email}
        return back, N_("You are registered. Your confirmation and QR code are on their way to {email}."), {
            "email": outcome.registration.email}

    return save(request, db,
                lambda: registrations.register(db, event_id=event.id, applicant=applicant, now=clock.now(),
                                               viewer=viewer.user),
                done, lambda error: _event_page(request, viewer, event, {**values, "consent": form.get("consent", "")}, error))


def _done_reading(db: Session) -> None:
    """End a public page's read before rendering it: on SQLite every transaction holds the write lock, and a
    crowd reading the agenda would otherwise queue behind each other's templates (everything shown is loaded)."""
    db.commit()


def _event_page(request: Request, viewer: Viewer, event: Event, values: dict[str, str],
                error: DomainError | None) -> Response:
    return page(request, "spaces/events/event.html", {
        "event": event, "description": event.description(viewer.locale), "values": values,
        "is_open": registrations.is_open(event, clock.now()), **LABELS,
    }, error)


# -- the person's own page ------------------------------------------------------------------------


@router.get("/events/registration/{token}", name="spaces.event_registration")
def registration_page(request: Request, token: str, _viewer: Viewer = Depends(get_viewer),
                      db: Session = Depends(get_db)) -> Response:
    registration = registrations.get_by_token(db, token)
    return render(request, "spaces/events/registration.html", {
        "registration": registration, "event": registration.event, "qr": mail.qr_code(registration), **LABELS})


@router.get("/events/registration/{token}/cancel", name="spaces.confirm_event_cancellation")
def confirm_cancellation(request: Request, token: str, _viewer: Viewer = Depends(get_viewer),
                         db: Session = Depends(get_db)) -> Response:
    """The e-mail's cancel link asks once more: a GET changes nothing (mail scanners follow links)."""
    registration = registrations.get_by_token(db, token)
    return render(request, "spaces/events/registration_cancel.html", {
        "registration": registration, "event": registration.event})


@router.post("/events/registration/{token}/cancel", name="spaces.cancel_event_registration")
def cancel_registration(request: Request, token: str, _viewer: Viewer = Depends(get_viewer),
                        db: Session = Depends(get_db)) -> Response:
    registration = registrations.get_by_token(db, token)
    back = f"/events/registration/{registration.page_token}"
    return act(request, db, lambda: registrations.cancel(db, registration=registration, now=clock.now()),
               lambda _: (back, N_("Your registration is cancelled: your seat goes to someone waiting."), {}), back)


@router.post("/events/registration/{token}/accept", name="spaces.accept_event_offer")
def accept_offer(request: Request, token: str, _viewer: Viewer = Depends(get_viewer),
                 db: Session = Depends(get_db)) -> Response:
    registration = registrations.get_by_token(db, token)
    back = f"/events/registration/{registration.page_token}"
    return act(request, db, lambda: registrations.accept_offer(db, registration=registration, now=clock.now()),
               lambda _: (back, N_("The seat is yours. Your confirmation is on its way."), {}), back)


# -- the staff's pages ----------------------------------------------------------------------------


@router.get("/staff/events", name="spaces.staff_events")
def staff_events(request: Request, user: User = Depends(event_staff), db: Session = Depends(get_db)) -> Response:
    listed = service.list_managed_events(db, actor=user, now=clock.now())
    return render(request, "spaces/events/staff_events.html", {
        "events": listed, "counts": service.registration_counts(db, listed), **LABELS})


@router.get("/staff/events/new", name="spaces.new_event")
def new_event(request: Request, user: User = Depends(event_staff), db: Session = Depends(get_db)) -> Response:
    return _edit_page(request, db, user, None, {"kind": EventKind.MEETUP, "audience": Audience.PUBLIC}, None)


@router.post("/staff/events", name="spaces.create_event")
async def create_event(request: Request, user: User = Depends(event_staff), db: Session = Depends(get_db)) -> Response:
    values = text(await posted(request), *forms.FIELDS)
    return save(request, db,
                lambda: service.create_event(db, actor=user, data=forms.event_data(db, values), now=clock.now()),
                lambda event: (f"/staff/events/{event.id}", N_("{title} is created and its space booked."),
                               {"title": event.title}),
                lambda error: _edit_page(request, db, user, None, values, error))


@router.get("/staff/events/{event_id}", name="spaces.staff_event")
def staff_event(request: Request, event_id: int, user: User = Depends(event_staff),
                db: Session = Depends(get_db)) -> Response:
    event = service.get_managed_event(db, actor=user, event_id=event_id)
    return _edit_page(request, db, user, event, forms.form_values(event), None)


@router.post("/staff/events/{event_id}", name="spaces.update_event")
async def update_event(request: Request, event_id: int, user: User = Depends(event_staff),
                       db: Session = Depends(get_db)) -> Response:
    event = service.get_managed_event(db, actor=user, event_id=event_id)
    values = text(await posted(request), *forms.FIELDS)
    return save(request, db,
                lambda: service.update_event(db, actor=user, event_id=event.id, data=forms.event_data(db, values),
                                             now=clock.now()),
                lambda changed: (f"/staff/events/{changed.id}", N_("{title} is saved."), {"title": changed.title}),
                lambda error: _edit_page(request, db, user, event, values, error))


@router.post("/staff/events/{event_id}/cancel", name="spaces.cancel_event")
def cancel_event(request: Request, event_id: int, user: User = Depends(event_staff),
                 db: Session = Depends(get_db)) -> Response:
    event = service.get_managed_event(db, actor=user, event_id=event_id)
    back = f"/staff/events/{event.id}"
    return act(request, db, lambda: service.cancel_event(db, actor=user, event_id=event.id, now=clock.now()),
               lambda cancelled: (back, N_("{title} is cancelled; everyone registered is told."),
                                  {"title": cancelled.title}), back)


def _edit_page(request: Request, db: Session, user: User, event: Event | None, values: dict[str, str],
               error: DomainError | None) -> Response:
    return page(request, "spaces/events/staff_event.html", {
        "event": event, "values": values, "operators": service.managed_operators(db, actor=user),
        "spaces": service.event_spaces(db), "registrations": service.list_registrations(db, actor=user, event=event),
        "is_changeable": event is None or service.is_changeable(event, clock.now()), **LABELS,
    }, error)


from spaces.events import door_views  # noqa: E402  (the door: check-in, the list, attendance, feedback)

router.include_router(door_views.router)
