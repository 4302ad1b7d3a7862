"""Events and registrations in the JSON API: the public agenda and registering need no token; creating,
changing and cancelling events and reading who registered are for the event's operator's managers and admins."""
from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from spaces.events import registrations, service
from spaces.events.schemas import EventIn, EventOut, RegistrationIn, RegistrationOut, RegistrationReceipt
from totem import clock
from totem.api.answers import committed
from totem.api.deps import OPTIONAL_TOKEN, api_user, api_viewer
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter(tags=["events"])
NOT_FOUND = {404: {"description": "No such event, or not one you may see or run"}}
BOOKED = {**NOT_FOUND, 403: {"description": "Not a manager of the event's operator"},
          409: {"description": "The space is taken (`booking_overlap`), the quota spent, or the event over"},
          422: {"description": "A rule of the event or of the space's booking"}}


def _data(body: EventIn) -> service.EventData:
    return service.EventData(
        title=body.title, kind=body.kind, audience=body.audience, space_id=body.space_id, starts_at=body.starts_at,
        ends_at=body.ends_at, capacity=body.capacity, description_fr=body.description_fr,
        description_en=body.description_en, registration_opens_at=body.registration_opens_at,
        registration_closes_at=body.registration_closes_at, tags=tuple(body.tags), operator_id=body.operator_id)


@router.get("/events", response_model=list[EventOut], openapi_extra=OPTIONAL_TOKEN)
def list_events(user: User | None = Depends(api_viewer), db: Session = Depends(get_db)):
    """The agenda: upcoming scheduled events by start; members-only ones too with a member's token."""
    return service.list_agenda(db, viewer=user, now=clock.now())


@router.get("/events/managed", response_model=list[EventOut], responses={403: {"description": "Managers only"}})
def list_managed_events(user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The events of the operators you run, from yesterday on, cancelled ones included."""
    return service.list_managed_events(db, actor=user, now=clock.now())


@router.post("/events", status_code=201, response_model=EventOut, responses=BOOKED)
def create_event(body: EventIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Create the event and book its space in the same transaction (pending where the space needs approval)."""
    event = service.create_event(db, actor=user, data=_data(body), now=clock.now())
    return committed(db, event, lambda e: service.get_managed_event(db, actor=user, event_id=e.id))


@router.get("/events/{event_id}", response_model=EventOut, responses=NOT_FOUND, openapi_extra=OPTIONAL_TOKEN)
def get_event(event_id: int, user: User | None = Depends(api_viewer), db: Session = Depends(get_db)):
    return service.get_visible_event(db, viewer=user, key=str(event_id))


@router.put("/events/{event_id}", response_model=EventOut, responses=BOOKED)
def update_event(event_id: int, body: EventIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Change the event; a new time or space moves its booking; a larger capacity offers seats to the waiting."""
    event = service.update_event(db, actor=user, event_id=event_id, data=_data(body), now=clock.now())
    return committed(db, event, lambda e: service.get_managed_event(db, actor=user, event_id=e.id))


@router.post("/events/{event_id}/cancel", response_model=EventOut,
             responses={**NOT_FOUND, 409: {"description": "The event is over"}})
def cancel_event(event_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Call the event off: its space is given back and everyone registered is told."""
    event = service.cancel_event(db, actor=user, event_id=event_id, now=clock.now())
    return committed(db, event, lambda e: service.get_managed_event(db, actor=user, event_id=e.id))


@router.post("/events/{event_id}/registrations", status_code=201, response_model=RegistrationReceipt,
             responses={200: {"description": "This e-mail was already registered: nothing changed",
                              "model": RegistrationReceipt}, **NOT_FOUND,
                        409: {"description": "Registration is not open (`registration_closed`)"},
                        422: {"description": "Consent missing (`consent_required`) or a field refused"}},
             openapi_extra=OPTIONAL_TOKEN)
def register(event_id: int, body: RegistrationIn, response: Response, user: User | None = Depends(api_viewer),
             db: Session = Depends(get_db)):
    """Register someone, no account needed: a seat while there is one, else the waiting list. The confirmation,
    its .ics, QR code and links go to the e-mail; registering an e-mail again answers its registration."""
    event = service.get_visible_event(db, viewer=user, key=str(event_id))
    outcome = registrations.register(db, event_id=event.id, now=clock.now(), viewer=user,
                                     applicant=registrations.Applicant(name=body.name, email=str(body.email),
                                                                       organisation=body.organisation,
                                                                       consent=body.consent, locale=body.locale))
    if not outcome.is_new:
        response.status_code = 200
    return committed(db, outcome, lambda o: RegistrationReceipt(event_id=event_id, status=o.registration.status,
                                                                is_new=o.is_new))


@router.get("/events/{event_id}/registrations", response_model=list[RegistrationOut], responses=NOT_FOUND)
def list_registrations(event_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Who registered: seated first, then the waiting list in its order, then the cancelled."""
    return service.list_registrations(db, actor=user, event=service.get_managed_event(db, actor=user,
                                                                                      event_id=event_id))


@router.post("/events/{event_id}/registrations/{registration_id}/cancel", response_model=RegistrationOut,
             responses={**NOT_FOUND, 409: {"description": "The event is over, or the person is checked in"}})
def cancel_registration(event_id: int, registration_id: int, user: User = Depends(api_user),
                        db: Session = Depends(get_db)):
    """Cancel someone's registration for them; their seat is offered to the first waiting."""
    registration = service.cancel_registration(db, actor=user, event_id=event_id, registration_id=registration_id,
                                               now=clock.now())
    return committed(db, registration, lambda r: r)


from spaces.events import door_api  # noqa: E402  (the door: check-in by code, attendance)

router.include_router(door_api.router)
