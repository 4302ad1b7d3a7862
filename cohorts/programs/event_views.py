"""The managers' page of a cohort's calendar template: its recurring events, the preview of every occurrence
with its conflicts, and booking them all at once."""
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cohorts.programs import permissions as _permissions  # noqa: F401  (registers "program.create")
from cohorts.programs import events
from cohorts.programs import cohorts as cohort_service
from cohorts.programs.labels import WEEKDAYS
from spaces.booking import availability
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.forms import calendar_day, clock_time, whole
from spaces.venues.labels import KIND_LABELS
from spaces.venues.rules import local_time
from totem import clock
from totem.errors import DomainError, Invalid
from totem.i18n import N_, translate
from totem.identity.models import User
from totem.web.context import get_db
from totem.web.forms import page, posted, requiring, save, text
from totem.web.formats import written_days

router = APIRouter()
staff = requiring("program.create")  # members and mentors get a 403 on the managers' pages
EVENT_FIELDS = ("title", "space_id", "weekday", "start_time", "duration_minutes", "every_weeks", "track_id",
                "first_day", "last_day")
NEW_EVENT = {"title": "", "space_id": "", "weekday": "0", "start_time": "09:30", "duration_minutes": "60",
             "every_weeks": "1", "track_id": "", "first_day": "", "last_day": ""}
BOOKABLE_KINDS = (SpaceKind.MEETING_ROOM, SpaceKind.EVENT_SPACE)


def _calendar_page(request: Request, db: Session, actor: User, cohort_id: int, values: dict[str, str] | None = None,
                   error: DomainError | None = None) -> Response:
    cohort = cohort_service.get_managed_cohort(db, actor=actor, cohort_id=cohort_id)
    locale = request.state.viewer.locale
    venue = cohort.program.venue
    venue_of = venue_queries.floor_venue_ids(db)
    rooms = [space for kind in BOOKABLE_KINDS for space in availability.list_spaces(db, kind=kind)
             if venue_of.get(space.floor_id) == venue.id]
    occurrences = events.preview(db, actor=actor, cohort_id=cohort.id, now=clock.now())
    return page(request, "cohorts/programs/cohort_calendar.html", {
        "cohort": cohort, "events": events.list_events(db, cohort.id), "rooms": rooms,
        "room_names": {room.id: room.name for room in rooms}, "kinds": KIND_LABELS, "weekdays": WEEKDAYS,
        "tracks": {track.id: track.name for track in cohort.program.tracks},
        "occurrences": [(o, local_time(o.starts_at, venue), local_time(o.ends_at, venue),
                         translate(locale, o.problem.message, **written_days(o.problem.params, locale))
                         if o.problem else None)
                        for o in occurrences],
        "per_event": {event.id: _counts([o for o in occurrences if o.event.id == event.id])
                      for event in events.list_events(db, cohort.id)},
        "free": sum(1 for o in occurrences if not o.booked and o.problem is None),
        "conflicts": sum(1 for o in occurrences if not o.booked and o.problem is not None),
        "booked": sum(1 for o in occurrences if o.booked),
        "room_options": [(room.id, room.name) for room in rooms],
        "track_options": [(track.id, track.name) for track in cohort.program.tracks],
        "weekday_options": [(index, translate(locale, label)) for index, label in enumerate(WEEKDAYS)],
        "values": values or NEW_EVENT,
    }, error)


def _counts(occurrences: list[events.Occurrence]) -> dict[str, int]:
    return {"free": sum(1 for o in occurrences if not o.booked and o.problem is None),
            "conflicts": sum(1 for o in occurrences if not o.booked and o.problem is not None),
            "booked": sum(1 for o in occurrences if o.booked)}


@router.get("/cohorts/{cohort_id}/calendar", name="cohorts.calendar")
def calendar(request: Request, cohort_id: int, actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    return _calendar_page(request, db, actor, cohort_id)


def _optional_day(value: str, field: str) -> date | None:
    return calendar_day(value, field) if value.strip() else None


def _event_data(values: dict[str, str]) -> events.EventData:
    if not values["space_id"].isdigit():
        raise Invalid("Choose a room.", field="space_id")
    return events.EventData(
        title=values["title"], space_id=int(values["space_id"]), weekday=whole(values["weekday"], "weekday"),
        start_time=clock_time(values["start_time"], "start_time"),
        duration_minutes=whole(values["duration_minutes"], "duration_minutes"),
        every_weeks=whole(values["every_weeks"], "every_weeks"),
        track_id=int(values["track_id"]) if values["track_id"].isdigit() else None,
        first_day=_optional_day(values["first_day"], "first_day"),
        last_day=_optional_day(values["last_day"], "last_day"),
    )


@router.post("/cohorts/{cohort_id}/calendar/events", name="cohorts.add_event")
def add_event(request: Request, cohort_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
              db: Session = Depends(get_db)) -> Response:
    values = text(form, *EVENT_FIELDS)
    return save(
        request, db,
        lambda: events.add_event(db, actor=actor, cohort_id=cohort_id, data=_event_data(values), now=clock.now()),
        lambda event: (f"/cohorts/{cohort_id}/calendar", N_("{title} is added to the template."),
                       {"title": event.title}),
        lambda error: _calendar_page(request, db, actor, cohort_id, values, error),
    )


@router.post("/cohorts/{cohort_id}/calendar/events/{event_id}/remove", name="cohorts.remove_event")
def remove_event(request: Request, cohort_id: int, event_id: int, actor: User = Depends(staff),
                 db: Session = Depends(get_db)) -> Response:
    return save(
        request, db, lambda: events.remove_event(db, actor=actor, cohort_id=cohort_id, event_id=event_id,
                                                 now=clock.now()),
        lambda _none: (f"/cohorts/{cohort_id}/calendar",
                       N_("The event is removed; its bookings to come are cancelled."), {}),
        lambda error: _calendar_page(request, db, actor, cohort_id, error=error),
    )


@router.post("/cohorts/{cohort_id}/calendar/book", name="cohorts.book_template")
def book_template(request: Request, cohort_id: int, actor: User = Depends(staff),
                  db: Session = Depends(get_db)) -> Response:
    def done(result: tuple[int, list[Any]]) -> tuple[str, str, dict[str, Any]]:
        made, refused = result
        return (f"/cohorts/{cohort_id}/calendar", N_("Bookings made: {made}; dates left out: {refused}."),
                {"made": made, "refused": len(refused)})

    return save(request, db, lambda: events.book_template(db, actor=actor, cohort_id=cohort_id, now=clock.now()),
                done, lambda error: _calendar_page(request, db, actor, cohort_id, error=error))
