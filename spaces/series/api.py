"""Recurring series in the JSON API: thin routes over `spaces.series.service`."""
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from spaces.series import changes
from spaces.series import service as series_service
from spaces.series.occurrences import SeriesConflict
from spaces.series.schemas import ConflictOut, SeriesCancelIn, SeriesEditIn, SeriesIn, SeriesOut, SkippedOut
from totem import clock
from totem.api.deps import api_user
from totem.i18n import translate
from totem.identity.models import User
from totem.web.context import get_db
from totem.web.errors import api_locale

router = APIRouter(tags=["booking series"])

NOT_FOUND = {404: {"description": "No such series, or not one you may see"}}
DATES_REFUSED = {409: {"model": ConflictOut, "description": "Some dates are not available: nothing was done"}}
CHANGE_ERRORS = {**NOT_FOUND, **DATES_REFUSED, 403: {"description": "Not your series"},
                 422: {"description": "A date or a rule is not valid"}}


@router.post("/booking-series", status_code=201, response_model=SeriesOut, responses={
    **DATES_REFUSED, 403: {"description": "Your role may not book this space"},
    422: {"description": "The rule is not weekly, or a booking rule is broken on every date"}})
def create_series(body: SeriesIn, request: Request, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Book a weekly series: every date is checked like a single booking.

    With `on_conflict: fail`, one unavailable date books nothing (409, the dates
    and why); with `skip`, the others are booked and `skipped` says why each
    missing date is missing.
    """
    try:
        result = series_service.create_series(
            db, actor=user, space_id=body.space_id, starts_at=body.starts_at, ends_at=body.ends_at, rrule=body.rrule,
            now=clock.now(), title=body.title, startup_id=body.startup_id, for_user_id=body.user_id,
            skip_conflicts=body.on_conflict == "skip",
        )
    except SeriesConflict as error:
        return _dates_refused(request, db, error)
    db.commit()
    return SeriesOut.of(result.series, result.bookings, result.skipped, user.locale)


@router.get("/booking-series", response_model=list[SeriesOut])
def list_series(user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Your series, the latest first, each with its bookings and skipped dates."""
    all_series = series_service.list_series(db, actor=user)
    bookings = series_service.occurrences_by_series(db, all_series)
    return [SeriesOut.of(series, bookings[series.id], series_service.skipped_days(series), user.locale)
            for series in all_series]


@router.get("/booking-series/{series_id}", response_model=SeriesOut, responses=NOT_FOUND)
def get_series(series_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return _series_out(db, user, series_service.get_series(db, actor=user, series_id=series_id))


@router.post("/booking-series/{series_id}/cancel", response_model=SeriesOut, responses=CHANGE_ERRORS)
def cancel_series(series_id: int, body: SeriesCancelIn, user: User = Depends(api_user),
                  db: Session = Depends(get_db)):
    """Cancel one date, a date and the following ones (the series ends), all (it stops), or a period."""
    changes.cancel_series(db, actor=user, series_id=series_id, scope=body.scope, now=clock.now(),
                          day=body.day, until=body.until)
    db.commit()
    return _series_out(db, user, series_service.get_series(db, actor=user, series_id=series_id))


@router.patch("/booking-series/{series_id}", response_model=SeriesOut, responses=CHANGE_ERRORS)
def edit_series(series_id: int, body: SeriesEditIn, request: Request, user: User = Depends(api_user),
                db: Session = Depends(get_db)):
    """Move dates to a new start time, length or space, all or nothing.

    `following` splits the series: the answer is the new series that carries
    `day` and the later dates.
    """
    try:
        carrier = changes.edit_series(
            db, actor=user, series_id=series_id, scope=body.scope, now=clock.now(), day=body.day, until=body.until,
            starts_at_time=body.start_time, duration_minutes=body.duration_minutes, space_id=body.space_id,
        )
    except SeriesConflict as error:
        return _dates_refused(request, db, error)
    db.commit()
    return _series_out(db, user, series_service.get_series(db, actor=user, series_id=carrier.id))


def _series_out(db: Session, user: User, series) -> SeriesOut:  # type: ignore[no-untyped-def]
    return SeriesOut.of(series, series_service.list_occurrences(db, series), series_service.skipped_days(series),
                        user.locale)


def _dates_refused(request: Request, db: Session, error: SeriesConflict) -> JSONResponse:
    """409 naming each date and why, in the sentence and as a list, in the language asked as for any refusal."""
    locale = api_locale(request)
    db.rollback()  # the service's savepoint is gone already; nothing else of this request is kept either
    dates = [SkippedOut.of(failure, locale) for failure in error.failures]
    detail = " ".join([translate(locale, error.message, **error.params),
                       *(f"{skipped.day.isoformat()}: {skipped.message}" for skipped in dates)])
    return JSONResponse(ConflictOut(detail=detail, code=error.code, dates=dates).model_dump(mode="json"), status_code=409)
