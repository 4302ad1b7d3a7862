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
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from spaces.booking import checks, queries
from spaces.booking.models import Booking
from spaces.series.enums import SeriesSkip
from spaces.series.models import BookingSeries
from spaces.series.occurrences import (
    HORIZON_DAYS,
    SkippedDay,
    all_or_nothing,
    book_days,
    booking_space,
    dates_of,
    decode,
    describe,
    horizon,
    keep_skipped,
    refusal,
    series_loads,
    taken_days,
)
from spaces.series.rules import occurrence_window, parse_weekly
from spaces.venues.rules import check_times, local_time
from totem import audit
from totem.errors import DomainError, Invalid, NotFound
from totem.i18n import N_, said
from totem.identity.models import User
from totem.identity.service import load_memberships, system_actor
from totem.permissions import can, is_staff, member_organisation_ids, rule


log = logging.getLogger(__name__)

NOTHING_BOOKED = N_("Nothing was booked: these dates are not available: {dates}.")
NONE_AVAILABLE = N_("None of these dates is available: {dates}.")


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
                     summary=said(N_("{series}: {booked} booked, {skipped} skipped"), series=describe(series, space),
                                  booked=len(bookings), skipped=len(skipped)))
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
