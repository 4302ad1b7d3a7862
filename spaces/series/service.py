"""Recurring bookings: a weekly series stored as one booking per occurrence, each checked like a single booking.

A series is booked over a rolling horizon: at creation up to `HORIZON_DAYS`
ahead (for members, no further than the space's advance window, which every
occurrence must respect when it is made), then by the
`spaces.materialise_series` job as later dates come within reach. At creation
the holder chooses all or nothing, or skipping the dates that cannot be
booked; a date the job cannot book is always skipped. A skipped date is a
`SeriesException` with its reason, shown to the holder.
"""
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from spaces.booking import checks, queries, service
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.series.enums import SeriesSkip
from spaces.series.models import BookingSeries, SeriesException
from spaces.series.occurrences import (
    HORIZON_DAYS,
    SeriesConflict,
    SkippedDay,
    all_or_nothing,
    book_days,
    booking_space,
    changeable,
    dates_of,
    decode,
    describe,
    horizon,
    is_date_of,
    keep_skipped,
    refusal,
    series_loads,
    taken_days,
)
from spaces.series.rules import MAX_SPAN_DAYS, occurrence_window, parse_weekly
from spaces.venues.rules import check_times, local_time
from totem import audit
from totem.errors import Conflict, DomainError, Invalid, NotFound
from totem.i18n import N_
from totem.identity.models import User
from totem.identity.service import load_memberships, system_actor
from totem.permissions import can, is_staff, member_organisation_ids, require, rule

log = logging.getLogger(__name__)

NOTHING_BOOKED = N_("Nothing was booked: these dates are not available: {dates}.")
NONE_AVAILABLE = N_("None of these dates is available: {dates}.")
NOTHING_CHANGED = N_("Nothing was changed: these dates are not available: {dates}.")


class Scope(StrEnum):
    """Which occurrences a change concerns."""

    ONE = "one"
    FOLLOWING = "following"  # this one and every later one
    ALL = "all"
    RANGE = "range"  # from `day` through `until`


@dataclass(frozen=True)
class SeriesResult:
    series: BookingSeries
    bookings: list[Booking]
    skipped: list[SkippedDay]


@rule("series.read")
def _read_series(user: User, series: BookingSeries) -> bool:
    """As its bookings: staff, the holder, and members of the start-up it is for (memberships loaded)."""
    if is_staff(user) or series.user_id == user.id:
        return True
    return series.organisation_id is not None and series.organisation_id in member_organisation_ids(user)


@rule("series.change")
def _change_series(user: User, series: BookingSeries) -> bool:
    return is_staff(user) or series.user_id == user.id


# -- reading --------------------------------------------------------------------------------------


def get_series(db: Session, *, actor: User, series_id: int) -> BookingSeries:
    """The series with its space, floor, venue and skipped dates; NotFound for those who may not see it."""
    series = db.scalar(select(BookingSeries).where(BookingSeries.id == series_id).options(*series_loads()))
    if series is None or not can(load_memberships(db, actor), "series.read", series):
        raise NotFound("No such series.")
    return series


def list_series(db: Session, *, actor: User) -> list[BookingSeries]:
    """The series the actor holds, the latest first."""
    return list(db.scalars(select(BookingSeries).where(BookingSeries.user_id == actor.id).options(*series_loads())
                           .order_by(BookingSeries.first_day.desc(), BookingSeries.id.desc())))


def list_occurrences(db: Session, series: BookingSeries) -> list[Booking]:
    """Every booking of the series, whatever its state, by day."""
    return occurrences_by_series(db, [series])[series.id]


def occurrences_by_series(db: Session, series_list: list[BookingSeries]) -> dict[int, list[Booking]]:
    """The bookings of each series, by day, in one query."""
    found: dict[int, list[Booking]] = {series.id: [] for series in series_list}
    query = (select(Booking).where(Booking.series_id.in_(list(found))).options(booking_space())
             .order_by(Booking.series_day, Booking.id))
    for booking in db.scalars(query):
        found[booking.series_id].append(booking)
    return found


def skipped_days(series: BookingSeries) -> list[SkippedDay]:
    return [decode(exception) for exception in series.skipped]


def is_open_ended(series: BookingSeries) -> bool:
    """Whether dates beyond those booked are still to come (the job books them)."""
    return series.cancelled_at is None and (series.until_day is None or series.until_day > series.materialised_until)


# -- creating -------------------------------------------------------------------------------------


def create_series(
    db: Session, *, actor: User, space_id: int, starts_at: datetime, ends_at: datetime, rrule: str, now: datetime,
    title: str = "", startup_id: int | None = None, for_user_id: int | None = None, skip_conflicts: bool = False,
) -> SeriesResult:
    """Book a weekly series from the first occurrence `[starts_at, ends_at)`, every date checked.

    All or nothing by default: if a date cannot be booked, nothing is written
    and a `SeriesConflict` names the dates and why. With `skip_conflicts` the
    other dates are booked and the skipped ones kept with their reason. The
    series starts on the rule's first day on or after `starts_at`'s.
    """
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    check_times(starts_at, ends_at, now)
    duration = (ends_at - starts_at) // timedelta(minutes=1)
    if duration < 1:
        raise Invalid("The end must be after the start.", field="ends_at")
    title = checks.clean_title(title)
    actor = load_memberships(db, actor)
    holder = checks.holder_for(db, actor, for_user_id)
    space = checks.bookable_space(db, space_id)
    organisation_id = checks.startup_for(db, actor=actor, holder=holder, startup_id=startup_id)
    local_start = local_time(starts_at, space.floor.venue).replace(tzinfo=None, microsecond=0)
    weekly = parse_weekly(rrule, start=local_start)
    series = BookingSeries(
        space=space, user_id=holder.id, organisation_id=organisation_id, title=title, rrule=weekly.rule,
        first_day=weekly.first_day, start_time=local_start.time(), duration_minutes=duration,
        until_day=weekly.until_day, materialised_until=weekly.first_day, skip_conflicts=skip_conflicts,
        created_at=now, created_by=actor.id,
    )
    with all_or_nothing(db):
        db.add(series)
        db.flush()
        through = max(horizon(db, series, space, staff=is_staff(actor), now=now), series.first_day)
        bookings, failures = book_days(db, series, actor=actor, holder=holder, space=space, now=now,
                                       audit_actor=actor, days=dates_of(series, series.first_day, through))
        if failures and not (skip_conflicts and bookings):
            raise refusal(failures, booked=len(bookings), message=NONE_AVAILABLE if skip_conflicts else NOTHING_BOOKED)
        series.materialised_until = through
        skipped = [skipped for skipped, _error in failures]
        keep_skipped(db, series, skipped)
        audit.record(db, actor=actor, action="series.create", obj=series, now=now,
                     summary=f"{describe(series, space)}: {len(bookings)} booked, {len(skipped)} skipped")
        db.flush()
    return SeriesResult(series, bookings, skipped)


def materialise_series(db: Session, *, now: datetime) -> int:
    """Book the occurrences of open series that came within the horizon; returns the bookings made.

    As the holder: every rule applies as if they booked each date now. A date
    that cannot be booked is skipped with its reason, never an error; a series
    that fails is left for the next run without sinking this one. Dates already
    booked or skipped are never booked again, so a second run adds nothing.
    """
    due = db.scalars(
        select(BookingSeries.id)
        .where(BookingSeries.cancelled_at.is_(None),
               or_(BookingSeries.until_day.is_(None), BookingSeries.materialised_until < BookingSeries.until_day),
               # A day of margin: the venues' local dates may run ahead of UTC's.
               BookingSeries.materialised_until < now.date() + timedelta(days=HORIZON_DAYS + 1))
        .order_by(BookingSeries.id)
    ).all()
    created = 0
    for series_id in due:
        # Loaded one by one: after a failure every object is expired, its relationships with it.
        series = db.scalars(select(BookingSeries).where(BookingSeries.id == series_id).options(*series_loads())).one()
        try:
            with all_or_nothing(db):
                created += _extend(db, series, now=now)
        except (DomainError, SQLAlchemyError):
            log.exception("could not extend booking series %s", series_id)
    return created


def _extend(db: Session, series: BookingSeries, *, now: datetime) -> int:
    holder = queries.get_user(db, series.user_id)
    if holder is None or not holder.is_active:
        return 0
    holder = load_memberships(db, holder)
    venue = series.space.floor.venue
    through = horizon(db, series, series.space, staff=is_staff(holder), now=now)
    if through <= series.materialised_until:
        return 0
    since = max(series.materialised_until + timedelta(days=1), local_time(now, venue).date())
    taken = taken_days(db, series, since, through)
    due = [day for day in dates_of(series, since, through) if day not in taken
           and occurrence_window(day, series.start_time, series.duration_minutes, venue)[0] > now]
    try:
        space = checks.bookable_space(db, series.space_id)
    except DomainError as error:  # the space was withdrawn: its dates are refused, not the run
        bookings, failures = [], [(SkippedDay(day, SeriesSkip.REFUSED, error.message, error.params), error)
                                  for day in due]
    else:
        bookings, failures = book_days(db, series, actor=holder, holder=holder, space=space, days=due, now=now,
                                       audit_actor=system_actor(db, now=now))
    keep_skipped(db, series, [skipped for skipped, _error in failures])
    series.materialised_until = through
    db.flush()
    return len(bookings)


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
                 summary=f"{describe(series, series.space)}: {scope} {first}..{last or ''}, {len(cancelled)} cancelled")
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
                     summary=f"{scope} {day or ''}..{until or ''}: {len(targets)} moved to "
                             f"{space.name} {starts_at_time or ''} {duration_minutes or ''}")
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
                 summary=f"{describe(series, series.space)}; from {day} on: series {rest.id}")
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
