"""The dates of a series: booking each one like a single booking, or keeping it skipped with its reason.

Shared by creating a series, the job that extends it and the changes to it
(`spaces.series.service`); nothing here is an entry point.
"""
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from spaces.booking import checks, quotas, service
from spaces.booking.enums import BookingStatus
from spaces.booking.labels import STATUS_LABELS
from spaces.booking.models import Booking
from spaces.credits import service as credits
from spaces.series.enums import SeriesSkip
from spaces.series.models import BookingSeries, SeriesException
from spaces.series.rules import days_between, interval_of, is_occurrence, occurrence_window, weekdays_of
from spaces.venues import queries as venue_queries
from spaces.venues.models import Floor, Space
from spaces.venues.rules import local_time, policy_from, public_holiday
from totem import audit
from totem.errors import Conflict, DomainError, error_code
from totem.i18n import N_, said
from totem.identity.models import User

HORIZON_DAYS = 84  # twelve weeks of occurrences are booked ahead
DETAIL_MAX_LENGTH = 300  # the column's size
# Occurrences in these states, not started yet, may be moved or cancelled with their series.
CHANGEABLE = (BookingStatus.PENDING, BookingStatus.CONFIRMED)
WEEKDAY_NAMES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
                 N_("Sunday"))

SERIES_CONFLICT = error_code(
    "series_conflict", "Some dates of the series cannot be booked or moved, so nothing was done; `dates` says why.")


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reason: SeriesSkip
    message: str  # an English msgid, translated where it is shown
    params: dict[str, Any]


class SeriesConflict(Conflict):
    """Some dates of a series cannot be booked or moved; `failures` says which and why."""

    code = SERIES_CONFLICT

    def __init__(self, message: str, *, failures: list[SkippedDay]) -> None:
        super().__init__(message, field="dates", dates=", ".join(failure.day.isoformat() for failure in failures))
        self.failures = failures


@contextmanager
def all_or_nothing(db: Session) -> Iterator[None]:
    """A savepoint whose rollback leaves nothing behind, in the database or in the session.

    The session holds objects weakly: one changed in the savepoint, dropped,
    then loaded again inside it (a credit account) would keep the values the
    rollback undid, so every object is expired on the way out.
    """
    try:
        with db.begin_nested():
            yield
    except BaseException:
        db.expire_all()
        raise


def book_days(
    db: Session, series: BookingSeries, *, actor: User, holder: User, space: Space, days: list[date], now: datetime,
    audit_actor: User | None,
) -> tuple[list[Booking], list[tuple[SkippedDay, DomainError]]]:
    """Book each day in its own savepoint: a refused day leaves no trace and does not stop the others."""
    bookings, failures = [], []
    for day in days:
        try:
            with db.begin_nested():
                bookings.append(book_occurrence(db, series, actor=actor, holder=holder, space=space, day=day,
                                                now=now, audit_actor=audit_actor))
        except DomainError as error:
            reason = skip_reason(db, series, space, day)
            failures.append((SkippedDay(day, reason, error.message, error.params), error))
    return bookings, failures


def book_occurrence(
    db: Session, series: BookingSeries, *, actor: User, holder: User, space: Space, day: date, now: datetime,
    audit_actor: User | None,
) -> Booking:
    """`service.create_booking` for one date, with the holder and space resolved once for the whole series."""
    starts_at, ends_at = occurrence_window(day, series.start_time, series.duration_minutes, space.floor.venue)
    policy = checks.check_booking(db, actor=actor, holder=holder, space=space, organisation_id=series.organisation_id,
                                  starts_at=starts_at, ends_at=ends_at, now=now)
    quota = quotas.check_quota(db, holder=holder, space=space, organisation_id=series.organisation_id,
                               starts_at=starts_at, ends_at=ends_at, now=now)
    pending = service.must_wait(actor, policy, quota)
    booking = Booking(
        space_id=space.id, user_id=holder.id, organisation_id=series.organisation_id, operator_id=quota.operator_id,
        starts_at=starts_at,
        ends_at=ends_at, status=BookingStatus.PENDING if pending else BookingStatus.CONFIRMED, title=series.title,
        created_at=now, created_by=series.created_by, series_id=series.id, series_day=day,
    )
    checks.save_booking(db, booking, space)
    credits.charge_booking(db, booking=booking, cost=service.cost_of(actor, policy, booking), now=now)
    audit.record(db, actor=audit_actor, action="booking.create", obj=booking, now=now,
                 summary=said(N_("{space}, {day}, {start}–{end} ({status}, series #{series})"), **checks.slot(booking, space),
                              status=[STATUS_LABELS[BookingStatus(booking.status)]], series=series.id))
    return booking


def skip_reason(db: Session, series: BookingSeries, space: Space, day: date) -> SeriesSkip:
    venue = space.floor.venue
    if (venue_queries.get_opening_hours(db, venue.id, day.weekday()) is None or venue_queries.get_closure(db, venue.id, day)
            or (venue.observes_public_holidays and public_holiday(day))):
        return SeriesSkip.CLOSED
    starts_at, ends_at = occurrence_window(day, series.start_time, series.duration_minutes, venue)
    try:
        checks.check_free(db, space, policy_from(venue_queries.get_rule_for(db, space)), starts_at, ends_at)
    except Conflict:
        return SeriesSkip.CONFLICT
    return SeriesSkip.REFUSED


def refusal(failures: list[tuple[SkippedDay, DomainError]], *, booked: int, message: str) -> DomainError:
    errors = [error for _skipped, error in failures]
    # One cause on every date (the role, the length, a weekday the venue is closed) reads best as that refusal.
    if not booked and not isinstance(errors[0], Conflict) and len({(type(e), e.message) for e in errors}) == 1:
        return errors[0]
    return SeriesConflict(message, failures=[skipped for skipped, _error in failures])


def horizon(db: Session, series: BookingSeries, space: Space, *, staff: bool, now: datetime) -> date:
    """The last day to book now: the horizon, the advance window of non-staff, and the series' end."""
    today = local_time(now, space.floor.venue).date()
    through = today + timedelta(days=HORIZON_DAYS)
    if not staff:
        policy = policy_from(venue_queries.get_rule_for(db, space))
        if policy.max_days_ahead is not None:
            through = min(through, today + timedelta(days=policy.max_days_ahead))
    return min(through, series.until_day) if series.until_day is not None else through


def dates_of(series: BookingSeries, since: date, through: date) -> list[date]:
    """The series' days from `since` through `through`, both included."""
    return days_between(series.rrule, first_day=series.first_day, start_time=series.start_time, since=since,
                        through=through)


def is_date_of(series: BookingSeries, day: date) -> bool:
    return (day >= series.first_day and (series.until_day is None or day <= series.until_day)
            and is_occurrence(series.rrule, first_day=series.first_day, start_time=series.start_time, day=day))


def taken_days(db: Session, series: BookingSeries, since: date, through: date) -> set[date]:
    """Days of the period that already have an occurrence (in any state) or a skip."""
    booked = db.scalars(select(Booking.series_day).where(Booking.series_id == series.id,
                                                         Booking.series_day.between(since, through)))
    skipped = db.scalars(select(SeriesException.day).where(SeriesException.series_id == series.id,
                                                           SeriesException.day.between(since, through)))
    return {day for day in booked if day is not None} | set(skipped)


def changeable(
    db: Session, series: BookingSeries, *, now: datetime, since: date | None, through: date | None
) -> list[Booking]:
    """The occurrences that have not started and may still move or be cancelled, by day."""
    query = select(Booking).where(Booking.series_id == series.id, Booking.status.in_(CHANGEABLE),
                                  Booking.starts_at > now).options(booking_space())
    if since is not None:
        query = query.where(Booking.series_day >= since)
    if through is not None:
        query = query.where(Booking.series_day <= through)
    return list(db.scalars(query.order_by(Booking.series_day)))


def keep_skipped(db: Session, series: BookingSeries, skipped: list[SkippedDay]) -> None:
    db.add_all(SeriesException(series_id=series.id, day=skip.day, reason=skip.reason,
                               detail=encode(skip.message, skip.params)) for skip in skipped)


def encode(message: str, params: dict[str, Any]) -> str:
    """The refusal's msgid and parameters, so that it can be shown later in the reader's language."""
    values = {key: value if isinstance(value, int) else str(value) for key, value in params.items()}
    detail = json.dumps({"message": message, "params": values}, ensure_ascii=False)
    if len(detail) > DETAIL_MAX_LENGTH:  # long names: shorten them rather than lose the sentence
        values = {key: value[:30] if isinstance(value, str) else value for key, value in values.items()}
        detail = json.dumps({"message": message, "params": values}, ensure_ascii=False)
    return detail[:DETAIL_MAX_LENGTH]


def decode(exception: SeriesException) -> SkippedDay:
    try:
        data = json.loads(exception.detail)
        message, params = str(data["message"]), dict(data.get("params") or {})
    except (ValueError, KeyError, TypeError, AttributeError):
        message, params = exception.detail, {}
    return SkippedDay(exception.day, SeriesSkip(exception.reason), message, params)


def describe(series: BookingSeries, space: Space) -> str:
    """For the audit log, translated when shown: "Calanques, every week on Sunday at 09:00 for 60 min, from
    14 Mar 2027 to 11 Apr 2027" (the RRULE in words)."""
    params = {"days": [WEEKDAY_NAMES[day] for day in weekdays_of(series.rrule, series.first_day)],
              "start": f"{series.start_time:%H:%M}", "minutes": series.duration_minutes, "first": series.first_day,
              "last": series.until_day or "…"}
    every = interval_of(series.rrule)
    rule = (said(N_("every week on {days} at {start} for {minutes} min, from {first} to {last}"), **params)
            if every == 1 else
            said(N_("every {n} weeks on {days} at {start} for {minutes} min, from {first} to {last}"), n=every, **params))
    return said(N_("{space}, {rule}"), space=space.name, rule=rule)


def series_loads() -> tuple:
    return (joinedload(BookingSeries.space).joinedload(Space.floor).joinedload(Floor.venue),
            selectinload(BookingSeries.skipped))


def booking_space():  # type: ignore[no-untyped-def]
    return joinedload(Booking.space).joinedload(Space.floor).joinedload(Floor.venue)
