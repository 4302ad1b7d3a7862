"""Cancelling and moving a series' occurrences: one, the following ones, a range of dates, or all; a change from
a date on splits the series there, so the past stays as it was. Each occurrence goes through the single
booking's rules. Services flush, never commit.
"""
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaces.booking import checks, service
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.series.enums import SeriesSkip
from spaces.series.models import BookingSeries, SeriesException
from spaces.series.occurrences import (
    SeriesConflict,
    SkippedDay,
    all_or_nothing,
    changeable,
    dates_of,
    describe,
    is_date_of,
    taken_days,
)
from spaces.series.rules import MAX_SPAN_DAYS, occurrence_window
from spaces.series.service import get_series, is_open_ended
from spaces.venues.rules import local_time
from totem import audit
from totem.errors import Conflict, DomainError, Invalid
from totem.i18n import N_, said
from totem.identity.models import User
from totem.permissions import require


NOTHING_CHANGED = N_("Nothing was changed: these dates are not available: {dates}.")


class Scope(StrEnum):
    """Which occurrences a change concerns."""

    ONE = "one"
    FOLLOWING = "following"  # this one and every later one
    ALL = "all"
    RANGE = "range"  # from `day` through `until`


# The audit log's words for a scope.
SCOPE_WORDS = {Scope.ONE: N_("one date"), Scope.FOLLOWING: N_("this date and the later ones"),
               Scope.ALL: N_("every date"), Scope.RANGE: N_("the dates")}

# -- cancelling and moving ------------------------------------------------------------------------


def cancel_series(
    db: Session, *, actor: User, series_id: int, scope: str, now: datetime, day: date | None = None,
    until: date | None = None,
) -> list[Booking]:
    """Cancel occurrences that have not started, each through `service.cancel_booking` (so refunds apply).

    `one`: the occurrence on `day`; `range`: those from `day` through `until`;
    `following`: those from `day` on, and the series ends the day before;
    `all`: every one, and the series stops. Dates not booked yet are marked
    cancelled, so that the job never books them. Returns the occurrences cancelled.
    """
    series = _series_to_change(db, actor, series_id)
    scope = _scope(scope, day, until)
    first = day or series.first_day
    last = until if scope is Scope.RANGE else day if scope is Scope.ONE else None
    targets = changeable(db, series, now=now, since=None if scope is Scope.ALL else first, through=last)
    if scope is Scope.ONE and not targets:
        booked = db.scalar(select(Booking).where(Booking.series_id == series.id, Booking.series_day == day))
        if booked is not None:
            targets = [booked]  # cancel_booking says why it cannot, or that it is done already
    cancelled = [service.cancel_booking(db, actor=actor, booking_id=booking.id, now=now) for booking in targets]
    if scope in (Scope.ONE, Scope.RANGE):
        cancelled += _cancel_unbooked(db, series, first, last or first, actor=actor, now=now)
        if not cancelled:
            raise Invalid("No booking of this series falls on these dates.", field="day")
    elif scope is Scope.FOLLOWING and first > series.first_day:
        _end_before(series, first)
    else:
        series.cancelled_at = series.cancelled_at or now
    audit.record(db, actor=actor, action="series.cancel", obj=series, now=now,
                 summary=said(N_("{series}: {scope} from {first} to {last}, {cancelled} cancelled"),
                              series=describe(series, series.space), scope=[SCOPE_WORDS[scope]], first=first,
                              last=last or "…", cancelled=len(cancelled)))
    db.flush()
    return cancelled


def edit_series(
    db: Session, *, actor: User, series_id: int, scope: str, now: datetime, day: date | None = None,
    until: date | None = None, starts_at_time: time | None = None, duration_minutes: int | None = None,
    space_id: int | None = None,
) -> BookingSeries:
    """Move occurrences that have not started to a new time, length or space, all or nothing.

    Each goes through `service.move_booking` (every rule checked again, credits
    following); if one cannot move, nothing changes and a `SeriesConflict`
    names the dates. `following` splits the series: it ends the day before
    `day` and a new series carries the rest. `all` changes the series itself;
    `one` and `range` only the occurrences already booked. Returns the series
    that carries the moved occurrences.
    """
    series = _series_to_change(db, actor, series_id)
    scope = _scope(scope, day, until)
    if starts_at_time is None and duration_minutes is None and space_id is None:
        raise Invalid("Choose a new time, length or space.", field="starts_at")
    if duration_minutes is not None and duration_minutes < 1:
        raise Invalid("The end must be after the start.", field="ends_at")
    space = checks.bookable_space(db, space_id) if space_id is not None else series.space
    if scope is Scope.FOLLOWING and day is not None and day <= series.first_day:
        scope = Scope.ALL
    if scope is Scope.FOLLOWING and not is_date_of(series, day):
        raise Invalid("{day} is not a date of this series.", field="day", day=day.isoformat())
    if scope is Scope.RANGE and until > series.materialised_until and is_open_ended(series):
        raise Invalid("Dates after {day} are not booked yet: change them once they are.", field="until",
                      day=series.materialised_until.isoformat())
    with all_or_nothing(db):
        carrier = _split(db, series, day, actor=actor, now=now) if scope is Scope.FOLLOWING else series
        last = day if scope is Scope.ONE else until if scope is Scope.RANGE else None
        targets = changeable(db, carrier, now=now, since=None if scope is Scope.ALL else day, through=last)
        if scope is Scope.ONE and not targets:
            raise Invalid("No booking of this series falls on these dates.", field="day")
        failures = []
        for booking in targets:
            start = starts_at_time or (local_time(booking.starts_at, booking.space.floor.venue).time()
                                       if scope is Scope.ONE else carrier.start_time)
            minutes = duration_minutes or ((booking.ends_at - booking.starts_at) // timedelta(minutes=1)
                                           if scope is Scope.ONE else carrier.duration_minutes)
            starts_at, ends_at = occurrence_window(booking.series_day, start, minutes, space.floor.venue)
            try:
                with db.begin_nested():
                    service.move_booking(db, actor=actor, booking_id=booking.id, starts_at=starts_at, ends_at=ends_at,
                                         now=now, space_id=space.id)
            except DomainError as error:
                reason = SeriesSkip.CONFLICT if isinstance(error, Conflict) else SeriesSkip.REFUSED
                failures.append(SkippedDay(booking.series_day, reason, error.message, error.params))
        if failures:
            raise SeriesConflict(NOTHING_CHANGED, failures=failures)
        if scope in (Scope.ALL, Scope.FOLLOWING):
            carrier.start_time = starts_at_time or carrier.start_time
            carrier.duration_minutes = duration_minutes or carrier.duration_minutes
            carrier.space = space
        audit.record(db, actor=actor, action="series.edit", obj=carrier, now=now,
                     summary=said(N_("{scope} from {first} to {last}: {moved} moved to {space}, {start}, {minutes} min"),
                                  scope=[SCOPE_WORDS[scope]], first=day or "…", last=until or "…", moved=len(targets),
                                  space=space.name, start=f"{starts_at_time:%H:%M}" if starts_at_time else "…",
                                  minutes=duration_minutes or "…"))
        db.flush()
    return carrier


def _split(db: Session, series: BookingSeries, day: date, *, actor: User, now: datetime) -> BookingSeries:
    """End the series the day before `day`; a new series carries `day` and the later dates, booked or skipped."""
    moved_skips = [exception for exception in series.skipped if exception.day >= day]
    rest = BookingSeries(
        space=series.space, user_id=series.user_id, organisation_id=series.organisation_id, title=series.title,
        rrule=series.rrule, first_day=day, start_time=series.start_time, duration_minutes=series.duration_minutes,
        until_day=series.until_day, materialised_until=max(series.materialised_until, day - timedelta(days=1)),
        skip_conflicts=series.skip_conflicts, created_at=now, created_by=actor.id,
        skipped=[SeriesException(day=skip.day, reason=skip.reason, detail=skip.detail) for skip in moved_skips],
    )
    db.add(rest)
    db.flush()
    for booking in db.scalars(select(Booking).where(Booking.series_id == series.id, Booking.series_day >= day)):
        booking.series_id = rest.id  # series_day stays: the date each one stands for
    _end_before(series, day)
    audit.record(db, actor=actor, action="series.split", obj=series, now=now,
                 summary=said(N_("{series}; from {day} on: series #{rest}"), series=describe(series, series.space), day=day,
                              rest=rest.id))
    db.flush()
    return rest


def _end_before(series: BookingSeries, day: date) -> None:
    """The series' last date becomes the day before `day`; the skipped dates after it go."""
    series.until_day = min(series.until_day or day, day - timedelta(days=1))
    series.materialised_until = min(series.materialised_until, series.until_day)
    series.skipped = [exception for exception in series.skipped if exception.day <= series.until_day]


def _cancel_unbooked(
    db: Session, series: BookingSeries, first: date, last: date, *, actor: User, now: datetime
) -> list[Booking]:
    """Dates of the period the job has not booked yet get a cancelled occurrence, which it then leaves alone."""
    if not is_open_ended(series):
        return []
    since = max(first, series.materialised_until + timedelta(days=1))
    through = min(last, series.until_day or last)
    taken = taken_days(db, series, since, through)
    venue = series.space.floor.venue
    placeholders = []
    for day in dates_of(series, since, through):
        if day in taken:
            continue
        starts_at, ends_at = occurrence_window(day, series.start_time, series.duration_minutes, venue)
        placeholders.append(Booking(
            space_id=series.space_id, user_id=series.user_id, organisation_id=series.organisation_id,
            starts_at=starts_at, ends_at=ends_at, status=BookingStatus.CANCELLED, title=series.title,
            created_at=now, created_by=actor.id, cancelled_at=now, series_id=series.id, series_day=day,
        ))
    db.add_all(placeholders)
    db.flush()
    return placeholders


def _series_to_change(db: Session, actor: User, series_id: int) -> BookingSeries:
    series = get_series(db, actor=actor, series_id=series_id)
    require(actor, "series.change", series)
    return series


def _scope(value: str, day: date | None, until: date | None) -> Scope:
    try:
        scope = Scope(value)
    except ValueError:
        raise Invalid("Choose which dates: this one, this and the following ones, all, or a period.",
                      field="scope") from None
    if scope is not Scope.ALL and day is None:
        raise Invalid("Choose the date.", field="day")
    if scope is Scope.RANGE:
        if until is None:
            raise Invalid("Choose the last date of the period.", field="until")
        if until < day:
            raise Invalid("The period ends before it starts.", field="until")
        if (until - day).days > MAX_SPAN_DAYS:
            raise Invalid("Choose a period of at most a year.", field="until")
    return scope
