"""The availability editor: a mentor's office hours in words, days away, and their free time for two weeks.

`/mentor/availability` is the mentor's own; staff open any mentor's at
`/mentors/{id}/availability`. Plain forms, Post/Redirect/Get.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import format_date
from babel.lists import format_list
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cohorts.mentoring import availability
from cohorts.mentoring import days_away as away
from cohorts.mentoring.days_away import DaysAway, mark_days_away
from cohorts.mentoring.models import AvailabilityException, MentorProfile, OfficeHours
from cohorts.programs.labels import WEEKDAYS
from spaces.venues.forms import calendar_day, clock_time, whole
from spaces.venues.rules import venue_zone
from totem import clock
from totem.errors import DomainError, Invalid
from totem.i18n import N_, translate
from totem.identity.models import User
from totem.web.context import check_csrf, get_db, require_user
from totem.web.forms import Done, page, posted, save, text

router = APIRouter(dependencies=[Depends(check_csrf)])
AHEAD = timedelta(weeks=2)
# Plural weekday names, for "Tuesdays and Thursdays".
WEEKDAYS_PLURAL = (N_("Mondays"), N_("Tuesdays"), N_("Wednesdays"), N_("Thursdays"), N_("Fridays"), N_("Saturdays"),
                   N_("Sundays"))
HOURS_FIELDS = ("starts_at", "ends_at", "first_day", "last_day", "every_weeks")
AWAY_FIELDS = ("first_day", "last_day", "reason")


@dataclass(frozen=True)
class FreeDay:
    label: str  # "mardi 1 décembre"
    windows: list[tuple[str, str]]  # local "14:00", "17:00"


def describe(office_hours: OfficeHours, locale: str) -> str:
    """"Tuesdays and Thursdays, 14:00–17:00, from 1 December 2026" in the reader's language."""
    days = format_list([translate(locale, WEEKDAYS_PLURAL[day]) for day in availability.weekdays(office_hours)],
                       locale=locale)
    every = availability.every_weeks(office_hours)
    if every > 1:
        days = translate(locale, N_("{days} every {weeks} weeks"), days=days, weeks=every)
    params = {"days": days, "starts": f"{office_hours.starts_at:%H:%M}", "ends": f"{office_hours.ends_at:%H:%M}",
              "first": format_date(office_hours.first_day, format="long", locale=locale)}
    if office_hours.last_day is None:
        sentence = translate(locale, N_("{days}, {starts}–{ends}, from {first}"), **params)
    else:
        sentence = translate(locale, N_("{days}, {starts}–{ends}, from {first} to {last}"), **params,
                             last=format_date(office_hours.last_day, format="long", locale=locale))
    return sentence[:1].upper() + sentence[1:]


def days_away(exception: AvailabilityException, locale: str) -> str:
    """"1 décembre 2026", or "du 1 décembre 2026 au 2 décembre 2026"."""
    first = format_date(exception.first_day, format="long", locale=locale)
    if exception.last_day == exception.first_day:
        return first
    return translate(locale, N_("{first} to {last}"), first=first,
                     last=format_date(exception.last_day, format="long", locale=locale))


def free_days(db: Session, profile: MentorProfile, now: datetime, locale: str) -> list[FreeDay]:
    """The mentor's free time from now for two weeks, by local day."""
    zone = venue_zone(profile.venue)
    by_day: dict[date, list[tuple[str, str]]] = {}
    for window in availability.free_windows(db, mentor_id=profile.user_id, starts_at=now, ends_at=now + AHEAD):
        start, end = window.starts_at.astimezone(zone), window.ends_at.astimezone(zone)
        by_day.setdefault(start.date(), []).append((f"{start:%H:%M}", f"{end:%H:%M}"))
    return [FreeDay(format_date(day, format="EEEE d MMMM", locale=locale), windows)
            for day, windows in sorted(by_day.items())]


def _home(actor: User, mentor_id: int) -> str:
    return "/mentor/availability" if actor.id == mentor_id else f"/mentors/{mentor_id}/availability"


def _page(request: Request, db: Session, actor: User, mentor_id: int, *, hours: dict[str, Any] | None = None,
          away: dict[str, str] | None = None, error: DomainError | None = None) -> Response:
    profile = availability.get_editable_profile(db, actor=actor, mentor_id=mentor_id)
    locale, now = request.state.viewer.locale, clock.now()
    today = availability.local_today(profile, now)
    office_hours = availability.list_office_hours(db, mentor_id)
    return page(request, "cohorts/mentoring/availability.html", {
        "profile": profile, "mine": actor.id == mentor_id, "action": f"/mentors/{mentor_id}/availability",
        "office_hours": [(item, describe(item, locale)) for item in office_hours],
        "exceptions": [(item, days_away(item, locale))
                       for item in availability.list_exceptions(db, mentor_id, from_day=today)],
        "free_days": free_days(db, profile, now, locale),
        "weekday_options": [(index, translate(locale, label)) for index, label in enumerate(WEEKDAYS)],
        "values": hours or {"weekdays": [], "starts_at": "14:00", "ends_at": "17:00", "first_day": today.isoformat(),
                            "last_day": "", "every_weeks": "1"},
        "away": away or {"first_day": "", "last_day": "", "reason": ""},
    }, error)


@router.get("/mentor/availability", name="cohorts.my_availability")
def my_availability(request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    """The mentor's own office hours, days away and free time; 404 for a user without a mentor profile."""
    return _page(request, db, user, user.id)


@router.get("/mentors/{mentor_id}/availability", name="cohorts.mentor_availability")
def mentor_availability(request: Request, mentor_id: int, user: User = Depends(require_user),
                        db: Session = Depends(get_db)) -> Response:
    """Staff (and the mentor themself): a mentor's availability editor."""
    return _page(request, db, user, mentor_id)


def _office_hours_data(form: FormData, values: dict[str, Any]) -> availability.OfficeHoursData:
    try:
        weekdays = sorted({int(day) for day in form.getlist("weekdays")})
    except ValueError:
        raise Invalid("Pick weekdays from Monday to Sunday.", field="weekdays") from None
    return availability.OfficeHoursData(
        weekdays=weekdays, starts_at=clock_time(values["starts_at"], "starts_at"),
        ends_at=clock_time(values["ends_at"], "ends_at"), first_day=calendar_day(values["first_day"], "first_day"),
        last_day=calendar_day(values["last_day"], "last_day") if values["last_day"].strip() else None,
        every_weeks=whole(values["every_weeks"], "every_weeks"))


@router.post("/mentors/{mentor_id}/availability/office-hours", name="cohorts.add_office_hours")
def add_office_hours(request: Request, mentor_id: int, form: FormData = Depends(posted),
                     user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    values: dict[str, Any] = {**text(form, *HOURS_FIELDS), "weekdays": form.getlist("weekdays")}
    return save(
        request, db,
        lambda: availability.add_office_hours(db, actor=user, mentor_id=mentor_id,
                                              data=_office_hours_data(form, values), now=clock.now()),
        lambda office_hours: (_home(user, mentor_id), N_("Office hours added."), {}),
        lambda error: _page(request, db, user, mentor_id, hours=values, error=error),
    )


@router.post("/mentors/{mentor_id}/availability/office-hours/{office_hours_id}/remove",
             name="cohorts.remove_office_hours")
def remove_office_hours(request: Request, mentor_id: int, office_hours_id: int, form: FormData = Depends(posted),
                        user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    return save(
        request, db,
        lambda: availability.remove_office_hours(db, actor=user, office_hours_id=office_hours_id,
                                                 mentor_id=mentor_id, now=clock.now()),
        lambda office_hours: (_home(user, mentor_id), N_("Office hours removed."), {}),
        lambda error: _page(request, db, user, mentor_id, error=error),
    )


def _away_error(error: DomainError) -> DomainError:
    """The days-away form's fields are prefixed, apart from the office hours form's."""
    if error.field:
        error.field = f"away_{error.field}"
    return error


@router.post("/mentors/{mentor_id}/availability/exceptions", name="cohorts.add_exception")
def add_exception(request: Request, mentor_id: int, form: FormData = Depends(posted),
                  user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    values = {name: str(form.get(f"away_{name}", "")) for name in AWAY_FIELDS}

    def change() -> Any:
        first_day = calendar_day(values["first_day"], "first_day")
        last_day = calendar_day(values["last_day"], "last_day") if values["last_day"].strip() else first_day
        return mark_days_away(db, actor=user, mentor_id=mentor_id, first_day=first_day,
                              last_day=last_day, reason=values["reason"], now=clock.now())

    def done(away: DaysAway) -> Done:
        period = {"first": away.exception.first_day.isoformat(), "last": away.exception.last_day.isoformat()}
        if away.cancelled:
            return (_home(user, mentor_id), N_("Days away added from {first} to {last}. Sessions on those days "
                                               "cancelled, the start-ups told: {count}."),
                    {**period, "count": len(away.cancelled)})
        return _home(user, mentor_id), N_("Days away added: no office hours from {first} to {last}."), period

    return save(
        request, db, change, done,
        lambda error: _page(request, db, user, mentor_id, away=values, error=_away_error(error)),
    )


@router.post("/mentors/{mentor_id}/availability/exceptions/{exception_id}/remove", name="cohorts.remove_exception")
def remove_exception(request: Request, mentor_id: int, exception_id: int, form: FormData = Depends(posted),
                     user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    return save(
        request, db,
        lambda: away.remove_exception(db, actor=user, exception_id=exception_id, mentor_id=mentor_id,
                                              now=clock.now()),
        lambda exception: (_home(user, mentor_id), N_("Days away removed: the office hours of those days are back."),
                           {}),
        lambda error: _page(request, db, user, mentor_id, error=error),
    )
