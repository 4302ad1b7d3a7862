"""A mentor's days away call off the sessions already made on those days, as the mentor cancelling each would."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cohorts.mentoring import availability, sessions
from cohorts.mentoring.enums import BUSY_SESSIONS
from cohorts.mentoring.models import AvailabilityException, MentorProfile, MentorSession, OfficeHoursSlot
from spaces.venues.rules import local_moment, local_time
from totem import audit
from totem.errors import VALUE_OUT_OF_RANGE, Conflict, Invalid, NotFound, error_code
from totem.i18n import N_, said
from totem.identity.models import User

MAX_EXCEPTION_DAYS = 366
ALREADY_AWAY = error_code("already_away", "The mentor is already marked away on some of these days.")
# Stored as the sessions' reason, and translated into each reader's language in the mail and on the pages.
MENTOR_AWAY = N_("The mentor is away that day.")


@dataclass(frozen=True)
class DaysAway:
    exception: AvailabilityException
    cancelled: list[MentorSession]


def mark_days_away(
    db: Session, *, actor: User, mentor_id: int, first_day: date, last_day: date, reason: str, now: datetime,
) -> DaysAway:
    """Mark days away, and cancel the mentor's sessions still to come on them (on the venue's calendar).

    Each goes through `sessions.cancel_session`: its room is given back, its request opens again to be
    matched with another time or mentor, and both sides of a confirmed one are told by e-mail, in their
    language.
    """
    exception = add_exception(db, actor=actor, mentor_id=mentor_id, first_day=first_day,
                                           last_day=last_day, reason=reason, now=now)
    starts, ends = away_window(availability.get_profile(db, mentor_id), exception)
    clashing = db.scalars(select(MentorSession.id).where(
        MentorSession.mentor_id == mentor_id, MentorSession.status.in_(BUSY_SESSIONS),
        MentorSession.starts_at >= starts, MentorSession.starts_at < ends, MentorSession.starts_at > now,
    ).order_by(MentorSession.starts_at, MentorSession.id)).all()
    cancelled = [sessions.cancel_session(db, actor=actor, session_id=session_id, reason=MENTOR_AWAY, now=now)
                 for session_id in clashing]
    return DaysAway(exception, cancelled)


def add_exception(
    db: Session, *, actor: User, mentor_id: int, first_day: date, last_day: date, reason: str, now: datetime,
) -> AvailabilityException:
    """Mark days away: their office hours slots go (sessions already made are kept)."""
    profile = availability.get_editable_profile(db, actor=actor, mentor_id=mentor_id)
    reason = reason.strip()
    if last_day < first_day:
        raise Invalid("The last day must not be before the first.", field="last_day")
    if last_day < local_time(now, profile.venue).date():
        raise Invalid("These days have already passed.", field="last_day")
    if (last_day - first_day).days >= MAX_EXCEPTION_DAYS:
        raise Invalid("Days away last at most a year.", field="last_day")
    if len(reason) > availability.REASON_MAX:
        raise Invalid("Keep the reason under {length} characters.", field="reason", code=VALUE_OUT_OF_RANGE,
                      length=availability.REASON_MAX)
    for other in availability.list_exceptions(db, mentor_id, from_day=first_day):
        if other.first_day <= last_day:
            raise Conflict("You are already marked away from {first} to {last}.", field="first_day",
                           code=ALREADY_AWAY, first=other.first_day.isoformat(), last=other.last_day.isoformat())
    exception = AvailabilityException(mentor_id=mentor_id, first_day=first_day, last_day=last_day, reason=reason,
                                      created_at=now)
    db.add(exception)
    db.flush()
    starts, ends = away_window(profile, exception)
    db.execute(delete(OfficeHoursSlot).where(OfficeHoursSlot.mentor_id == mentor_id,
                                             OfficeHoursSlot.starts_at >= starts, OfficeHoursSlot.starts_at < ends))
    audit.record(db, actor=actor, action="availability_exception.create", obj=exception, now=now,
                 summary=said(N_("mentor #{mentor}: away from {first} to {last}"), mentor=mentor_id, first=first_day,
                              last=last_day))
    db.flush()
    return exception


def away_window(profile: MentorProfile, exception: AvailabilityException) -> tuple[datetime, datetime]:
    """The instants the days away cover: from the first day's midnight to the day after the last, at the venue."""
    return (local_moment(exception.first_day, time.min, profile.venue),
            local_moment(exception.last_day + timedelta(days=1), time.min, profile.venue))


def remove_exception(
    db: Session, *, actor: User, exception_id: int, now: datetime, mentor_id: int | None = None,
) -> AvailabilityException:
    """The mentor is available again on those days: their office hours come back (`mentor_id` as above)."""
    exception = db.get(AvailabilityException, exception_id)
    if exception is None or mentor_id not in (None, exception.mentor_id):
        raise NotFound("No such days away.")
    availability.get_editable_profile(db, actor=actor, mentor_id=exception.mentor_id)
    audit.record(db, actor=actor, action="availability_exception.delete", obj=exception, now=now,
                 summary=said(N_("mentor #{mentor}: away from {first} to {last}"), mentor=exception.mentor_id,
                              first=exception.first_day, last=exception.last_day))
    db.delete(exception)
    db.flush()
    availability.materialise(db, now=now, mentor_id=exception.mentor_id)
    return exception
