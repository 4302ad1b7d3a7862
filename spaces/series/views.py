"""Pages for recurring bookings: repeat a booking weekly, see a series, cancel or move its dates."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from spaces.booking import availability, plan
from spaces.booking.labels import STATUS_LABELS
from spaces.booking.models import Booking
from spaces.series import changes
from spaces.series import service as series
from spaces.series.enums import SeriesSkip
from spaces.series.models import BookingSeries
from spaces.series.occurrences import CHANGEABLE, SeriesConflict, SkippedDay
from spaces.series.rules import interval_of, weekdays_of, weekly_rule
from spaces.venues.labels import KIND_LABELS
from spaces.venues.models import Space
from spaces.venues.rules import local_moment, local_time
from totem import clock
from totem.errors import DomainError, Invalid, NotFound
from totem.i18n import N_, translate
from totem.identity.models import User
from totem.identity.service import load_memberships
from totem.permissions import can
from totem.web.context import check_csrf, get_db, require_user
from totem.web.pages import form_error, redirect, render

router = APIRouter(dependencies=[Depends(check_csrf)])

WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
            N_("Sunday"))
SKIP_LABELS = {SeriesSkip.CONFLICT: N_("Taken"), SeriesSkip.CLOSED: N_("Venue closed"),
               SeriesSkip.REFUSED: N_("Not allowed")}
INTERVALS = (1, 2, 3, 4)
MAX_WEEKS = 52
FORM = "spaces/series/series_new.html"


@dataclass(frozen=True)
class SeriesForm:
    """The Repeat weekly form's fields, as typed: a local first day, wall-clock times, an end."""

    space_id: str = ""
    first_day: str = ""
    start: str = "09:00"
    end: str = "10:00"
    weekdays: tuple[str, ...] = ()
    interval: str = "1"
    until: str = ""
    weeks: str = ""
    title: str = ""
    startup_id: str = ""
    on_conflict: str = "fail"

    def parse(self, db: Session) -> tuple[Space, datetime, datetime, str]:
        """The space, the first occurrence and the RRULE; Invalid beside the field at fault."""
        if not self.space_id.isdigit():
            raise Invalid("Choose a space.", field="space_id")
        try:
            space = availability.get_space(db, int(self.space_id))
        except NotFound:
            raise Invalid("Choose a space.", field="space_id") from None
        try:
            first_day = date.fromisoformat(self.first_day)
            start, end = time.fromisoformat(self.start), time.fromisoformat(self.end)
        except ValueError:
            raise Invalid("Choose a valid day and times.", field="first_day") from None
        weekdays = [int(day) for day in self.weekdays if day.isdigit() and int(day) < 7] or [first_day.weekday()]
        interval = int(self.interval) if self.interval.isdigit() and int(self.interval) in INTERVALS else 1
        venue = space.floor.venue
        return (space, local_moment(first_day, start, venue), local_moment(first_day, end, venue),
                weekly_rule(weekdays, interval=interval, until_day=self._until_day(first_day)))

    def _until_day(self, first_day: date) -> date | None:
        if self.until and self.weeks.strip():
            raise Invalid("Give an end date or a number of weeks, not both.", field="until")
        if self.weeks.strip():
            if not self.weeks.strip().isdigit() or not 1 <= int(self.weeks) <= MAX_WEEKS:
                raise Invalid("Enter a number of weeks from 1 to {most}.", field="weeks", most=MAX_WEEKS)
            return first_day + timedelta(weeks=int(self.weeks), days=-1)
        if not self.until:
            return None
        try:
            return date.fromisoformat(self.until)
        except ValueError:
            raise Invalid("Enter a date such as 2026-12-24.", field="until") from None


@dataclass(frozen=True)
class OccurrenceRow:
    """A date of a series as its page shows it, in the venue's time."""

    booking: Booking
    day: date
    weekday: str
    start: str
    end: str
    may_cancel: bool
    may_move: bool


# -- the Repeat weekly form -----------------------------------------------------------------------


@router.get("/book/series", name="spaces.series_new")
def series_new(request: Request, space_id: str = "", day: str = "", start: str = "", end: str = "",
               user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    """The form, filled from the Book page's search when it links here; the first day's weekday ticked."""
    first_day = day or _tomorrow(db)
    try:
        weekdays = (str(date.fromisoformat(first_day).weekday()),)
    except ValueError:
        weekdays = ()
    form = SeriesForm(space_id=space_id, first_day=first_day, start=start or "09:00", end=end or "10:00",
                      weekdays=weekdays)
    return render(request, FORM, _form_context(db, user, form))


@router.post("/book/series", name="spaces.series_create")
def series_create(
    request: Request, space_id: str = Form(""), first_day: str = Form(""), start: str = Form(""),
    end: str = Form(""), weekdays: list[str] = Form([]), interval: str = Form("1"), until: str = Form(""),
    weeks: str = Form(""), title: str = Form(""), startup_id: str = Form(""), on_conflict: str = Form("fail"),
    user: User = Depends(require_user), db: Session = Depends(get_db),
) -> Response:
    form = SeriesForm(space_id, first_day, start, end, tuple(weekdays), interval, until, weeks, title, startup_id,
                      on_conflict)
    try:
        space, starts_at, ends_at, rule = form.parse(db)
        result = series.create_series(
            db, actor=user, space_id=space.id, starts_at=starts_at, ends_at=ends_at, rrule=rule, now=clock.now(),
            title=title, startup_id=int(startup_id) if startup_id.isdigit() else None,
            skip_conflicts=on_conflict == "skip",
        )
    except SeriesConflict as error:
        db.rollback()
        context = {**_form_context(db, user, form), "conflicts": _explain(request, error.failures)}
        return form_error(request, FORM, error, context)
    except DomainError as error:
        db.rollback()
        return form_error(request, FORM, error, _form_context(db, user, form))
    series_id, booked = result.series.id, len(result.bookings)
    db.commit()
    url = request.app.url_path_for("spaces.series_detail", series_id=series_id)
    if result.skipped:
        return redirect(request, url, N_("Bookings made: {count}. Skipped: {dates}."), kind="warning", count=booked,
                        dates=", ".join(skip.day.isoformat() for skip in result.skipped))
    return redirect(request, url, N_("Bookings made: {count}."), count=booked)


def _form_context(db: Session, user: User, form: SeriesForm) -> dict:
    return {
        "form": form, "weekdays": WEEKDAYS, "intervals": INTERVALS, "kinds": KIND_LABELS, "conflicts": [],
        "space_groups": _space_groups(db),
        "startups": [membership.organisation for membership in load_memberships(db, user).memberships],
    }


def _space_groups(db: Session) -> list[tuple[str, list[Space]]]:
    """The active spaces by floor and zone, rooms first: a select with one labelled group each, not one long list."""
    floors = plan.list_floors(db)
    venue_names = {floor.id: floor.venue.name for floor in floors}
    spaces = availability.list_spaces(db)
    groups = availability.group_by_place(spaces, floors=floors, zones=plan.list_zones(db), shown=len(spaces))
    return [(" · ".join(filter(None, (venue_names[group.floor_id], group.floor, group.zone))), group.spaces)
            for group in groups]


def _tomorrow(db: Session) -> str:
    venues = availability.list_venues(db)
    if not venues:
        return ""
    return (local_time(clock.now(), venues[0]).date() + timedelta(days=1)).isoformat()


# -- a series -------------------------------------------------------------------------------------


@router.get("/my-bookings/series", name="spaces.series_list")
def series_list(request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    mine = series.list_series(db, actor=user)
    return render(request, "spaces/series/series_list.html", {
        "rows": [(item, _rule_words(request, item)) for item in mine], "kinds": KIND_LABELS,
    })


@router.get("/my-bookings/series/{series_id}", name="spaces.series_detail")
def series_detail(request: Request, series_id: int, user: User = Depends(require_user),
                  db: Session = Depends(get_db)) -> Response:
    found = series.get_series(db, actor=user, series_id=series_id)
    now = clock.now()
    venue = found.space.floor.venue
    rows = [_row(booking, now) for booking in series.list_occurrences(db, found)]
    return render(request, "spaces/series/series_detail.html", {
        "series": found, "venue": venue, "rows": rows, "rule_words": _rule_words(request, found),
        "skipped": _explain(request, series.skipped_days(found)),
        "may_change": can(user, "series.change", found) and found.cancelled_at is None,
        "open_ended": series.is_open_ended(found), "movable_days": [row.day for row in rows if row.may_move],
        "space_groups": _space_groups(db),
        "kinds": KIND_LABELS, "statuses": STATUS_LABELS, "today": local_time(now, venue).date().isoformat(),
        "start_value": f"{found.start_time:%H:%M}", "end_value": f"{_end_time(found):%H:%M}",
    })


@router.post("/my-bookings/series/{series_id}/cancel", name="spaces.series_cancel")
def series_cancel(request: Request, series_id: int, scope: str = Form(""), day: str = Form(""),
                  until: str = Form(""), user: User = Depends(require_user),
                  db: Session = Depends(get_db)) -> Response:
    def cancel() -> tuple[int, str, dict]:
        cancelled = changes.cancel_series(db, actor=user, series_id=series_id, scope=scope, now=clock.now(),
                                          day=_day(day, "day"), until=_day(until, "until"))
        return series_id, N_("Dates cancelled: {count}."), {"count": len(cancelled)}

    return _change(request, db, series_id, cancel)


@router.post("/my-bookings/series/{series_id}/edit", name="spaces.series_edit")
def series_edit(request: Request, series_id: int, scope: str = Form(""), day: str = Form(""),
                start: str = Form(""), end: str = Form(""), space_id: str = Form(""),
                user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    def edit() -> tuple[int, str, dict]:
        try:
            starts, ends = time.fromisoformat(start), time.fromisoformat(end)
        except ValueError:
            raise Invalid("Choose a valid day and times.", field="start") from None
        minutes = (datetime.combine(date.min, ends) - datetime.combine(date.min, starts)) // timedelta(minutes=1)
        if minutes < 1:
            raise Invalid("The end must be after the start.", field="end")
        carrier = changes.edit_series(db, actor=user, series_id=series_id, scope=scope, now=clock.now(),
                                      day=_day(day, "day"), starts_at_time=starts, duration_minutes=minutes,
                                      space_id=int(space_id) if space_id.isdigit() else None)
        # After a split the new series carries the moved dates: its page comes next.
        return carrier.id, N_("Dates moved to {start}–{end}."), {"start": start, "end": end}

    return _change(request, db, series_id, edit)


def _change(request: Request, db: Session, series_id: int, change: Callable[[], tuple[int, str, dict]]) -> Response:
    """Run a change, then show the series; a refusal comes back as a message there, with each date and why."""
    page = request.app.url_path_for("spaces.series_detail", series_id=series_id)
    try:
        landing_id, done, params = change()
    except DomainError as error:
        if error.status_code in (403, 404):
            raise  # not theirs: an error page, before a rollback would expire the viewer it shows
        db.rollback()
        text = translate(_locale(request), error.message, **error.params)
        if isinstance(error, SeriesConflict):
            text = " ".join([text, *(f"{line['day']}: {line['message']}" for line in _explain(request, error.failures))])
        return redirect(request, page, text, kind="error")
    db.commit()
    return redirect(request, request.app.url_path_for("spaces.series_detail", series_id=landing_id), done, **params)


def _row(booking: Booking, now: datetime) -> OccurrenceRow:
    venue = booking.space.floor.venue
    start, end = local_time(booking.starts_at, venue), local_time(booking.ends_at, venue)
    day = booking.series_day or start.date()
    changeable = booking.status in CHANGEABLE
    return OccurrenceRow(booking=booking, day=day, weekday=WEEKDAYS[day.weekday()], start=f"{start:%H:%M}",
                         end=f"{end:%H:%M}", may_cancel=changeable and booking.ends_at > now,
                         may_move=changeable and booking.starts_at > now)


def _explain(request: Request, skipped: list[SkippedDay]) -> list[dict[str, str]]:
    """Each date and why it has no booking, in the reader's language."""
    locale = _locale(request)
    return [{"day": skip.day.isoformat(), "weekday": translate(locale, WEEKDAYS[skip.day.weekday()]),
             "reason": translate(locale, SKIP_LABELS[skip.reason]),
             "message": translate(locale, skip.message, **skip.params) if skip.message else ""}
            for skip in skipped]


def _rule_words(request: Request, item: BookingSeries) -> str:
    """"Every week on Monday and Thursday, 10:00–11:00", in the reader's language."""
    locale = _locale(request)
    days = ", ".join(translate(locale, WEEKDAYS[day]) for day in weekdays_of(item.rrule, item.first_day))
    times = f"{item.start_time:%H:%M}–{_end_time(item):%H:%M}"
    interval = interval_of(item.rrule)
    if interval == 1:
        return translate(locale, N_("Every week on {days}, {times}"), days=days, times=times)
    return translate(locale, N_("Every {n} weeks on {days}, {times}"), n=interval, days=days, times=times)


def _end_time(item: BookingSeries) -> time:
    return (datetime.combine(item.first_day, item.start_time) + timedelta(minutes=item.duration_minutes)).time()


def _day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("Enter a date such as 2026-12-24.", field=field) from None


def _locale(request: Request) -> str:
    return request.state.viewer.locale
