"""Mentors' availability: weekly office hours on the venue's wall clock, days away, and the free slots left.

Office hours are an RRULE read on the clock of the mentor's venue, so that
"Tuesdays 14:00" stays 14:00 in Paris across daylight-saving changes. They are
materialised as UTC slots over a rolling horizon; days away and the venue's
public holidays have none. Free time is the slots minus the mentor's sessions
that hold their time (BUSY_SESSIONS).
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from math import lcm

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cohorts.mentoring import calendar as _calendar  # noqa: F401  (registers the office hours in the feed)
from cohorts.mentoring import permissions as _permissions  # noqa: F401  (registers "mentor.edit")
from cohorts.mentoring import mentors
from cohorts.mentoring.enums import BUSY_SESSIONS
from cohorts.mentoring.models import AvailabilityException, MentorProfile, MentorSession, OfficeHours, OfficeHoursSlot
from spaces.series.rules import days_between, interval_of, weekdays_of, weekly_rule
from spaces.venues.models import Venue
from spaces.venues.rules import local_moment, local_time, public_holiday
from totem import audit
from totem.errors import Conflict, Invalid, NotFound, error_code
from totem.i18n import N_, said
from totem.identity.models import User
from totem.permissions import require

HORIZON = timedelta(weeks=8)
MAX_EVERY_WEEKS = 12
REASON_MAX = 200

OFFICE_HOURS_OVERLAP = error_code("office_hours_overlap", "The office hours overlap the mentor's others on some day.")
QUARTER = timedelta(minutes=15)
# A session lasts less than a day: bounding its start lets the (mentor_id, starts_at) index skip history.
LONGEST_SESSION = timedelta(days=1)
# Plural weekday names, for "Tuesdays and Thursdays" in the audit log.
WEEKDAYS_PLURAL = (N_("Mondays"), N_("Tuesdays"), N_("Wednesdays"), N_("Thursdays"), N_("Fridays"), N_("Saturdays"),
                   N_("Sundays"))


@dataclass(frozen=True)
class Slot:
    """A free `[starts_at, ends_at)`, in UTC."""

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class OfficeHoursData:
    weekdays: list[int]  # 0 is Monday
    starts_at: time  # the venue's wall clock
    ends_at: time
    first_day: date
    last_day: date | None = None
    every_weeks: int = 1


# -- reading ----------------------------------------------------------------------------------------


def get_profile(db: Session, mentor_id: int) -> MentorProfile:
    """The mentor's profile with its user and venue; NotFound if there is none."""
    profile = mentors.find_profile(db, mentor_id)
    if profile is None:
        raise NotFound("No such mentor.")
    return profile


def get_editable_profile(db: Session, *, actor: User, mentor_id: int) -> MentorProfile:
    """The mentor's profile if `actor` may change their availability (themself or staff), else 403."""
    profile = get_profile(db, mentor_id)
    require(actor, "mentor.edit", profile)
    return profile


def local_today(profile: MentorProfile, now: datetime) -> date:
    """Today on the clock of the mentor's venue (the profile's venue must be loaded)."""
    return local_time(now, profile.venue).date()


def list_office_hours(db: Session, mentor_id: int) -> list[OfficeHours]:
    return list(db.scalars(select(OfficeHours).where(OfficeHours.mentor_id == mentor_id)
                           .order_by(OfficeHours.first_day, OfficeHours.starts_at, OfficeHours.id)))


def list_exceptions(db: Session, mentor_id: int, *, from_day: date | None = None) -> list[AvailabilityException]:
    query = select(AvailabilityException).where(AvailabilityException.mentor_id == mentor_id)
    if from_day is not None:
        query = query.where(AvailabilityException.last_day >= from_day)
    return list(db.scalars(query.order_by(AvailabilityException.first_day, AvailabilityException.id)))


def is_away(db: Session, *, mentor_id: int, day: date) -> bool:
    """The mentor said they are away that day (an exception covers it)."""
    return db.scalar(select(AvailabilityException.id).where(
        AvailabilityException.mentor_id == mentor_id, AvailabilityException.first_day <= day,
        AvailabilityException.last_day >= day).limit(1)) is not None


def weekdays(office_hours: OfficeHours) -> list[int]:
    return weekdays_of(office_hours.rule, office_hours.first_day)


def said_hours(office_hours: OfficeHours) -> str:
    """The office hours' rule in words, for the audit log: "Tuesdays, 14:00–17:00, every week, from 1 Dec 2026"."""
    params = {"days": [WEEKDAYS_PLURAL[day] for day in weekdays(office_hours)],
              "starts": f"{office_hours.starts_at:%H:%M}", "ends": f"{office_hours.ends_at:%H:%M}",
              "first": office_hours.first_day, "last": office_hours.last_day or "…"}
    every = every_weeks(office_hours)
    if every == 1:
        return said(N_("{days}, {starts}–{ends}, every week, from {first} to {last}"), **params)
    return said(N_("{days}, {starts}–{ends}, every {n} weeks, from {first} to {last}"), n=every, **params)


def every_weeks(office_hours: OfficeHours) -> int:
    return interval_of(office_hours.rule)


def occurrence_days(office_hours: OfficeHours, since: date, through: date) -> list[date]:
    """The local days the office hours fall on, from `since` through `through`, within their first and last day."""
    since = max(since, office_hours.first_day)
    if office_hours.last_day is not None:
        through = min(through, office_hours.last_day)
    return days_between(office_hours.rule, first_day=office_hours.first_day, start_time=office_hours.starts_at,
                        since=since, through=through)


def occurrence_window(office_hours: OfficeHours, day: date, venue: Venue) -> tuple[datetime, datetime]:
    """The occurrence on `day` in UTC: its wall-clock times at the venue on that day."""
    return (local_moment(day, office_hours.starts_at, venue).astimezone(UTC),
            local_moment(day, office_hours.ends_at, venue).astimezone(UTC))


def is_day_off(venue: Venue, day: date) -> bool:
    """A public holiday of a venue that observes them: never office hours."""
    return venue.observes_public_holidays and public_holiday(day) is not None


# -- office hours -----------------------------------------------------------------------------------


def add_office_hours(db: Session, *, actor: User, mentor_id: int, data: OfficeHoursData, now: datetime) -> OfficeHours:
    """Add weekly office hours (refused if they overlap the mentor's others) and materialise their slots."""
    profile = get_editable_profile(db, actor=actor, mentor_id=mentor_id)
    _check(data, today=local_time(now, profile.venue).date())
    office_hours = OfficeHours(
        mentor_id=mentor_id, rule=weekly_rule(data.weekdays, interval=data.every_weeks), starts_at=data.starts_at,
        ends_at=data.ends_at, first_day=data.first_day, last_day=data.last_day, created_at=now)
    if not occurrence_days(office_hours, data.first_day, data.last_day or data.first_day + timedelta(days=7)):
        raise Invalid("None of the chosen weekdays falls between the first and the last day.", field="weekdays")
    for other in list_office_hours(db, mentor_id):
        clash = first_clash(office_hours, other)
        if clash is not None:
            raise Conflict("These office hours overlap others on {day}, {starts}–{ends}.", field="weekdays",
                           code=OFFICE_HOURS_OVERLAP, day=clash.isoformat(), starts=f"{other.starts_at:%H:%M}", ends=f"{other.ends_at:%H:%M}")
    db.add(office_hours)
    db.flush()
    audit.record(db, actor=actor, action="office_hours.create", obj=office_hours, now=now,
                 summary=said(N_("mentor #{mentor}: {hours}"), mentor=mentor_id, hours=said_hours(office_hours)))
    materialise(db, now=now, mentor_id=mentor_id)
    return office_hours


def _check(data: OfficeHoursData, *, today: date) -> None:
    if not data.weekdays:
        raise Invalid("Pick at least one weekday.", field="weekdays")
    if any(day not in range(7) for day in data.weekdays):
        raise Invalid("Pick weekdays from Monday to Sunday.", field="weekdays")
    if data.ends_at <= data.starts_at:
        raise Invalid("The end must be after the start.", field="ends_at")
    if not 1 <= data.every_weeks <= MAX_EVERY_WEEKS:
        raise Invalid("Repeat every 1 to {weeks} weeks.", field="every_weeks", weeks=MAX_EVERY_WEEKS)
    if data.last_day is not None:
        if data.last_day < data.first_day:
            raise Invalid("The last day must not be before the first.", field="last_day")
        if data.last_day < today:
            raise Invalid("The last day has already passed.", field="last_day")


def first_clash(new: OfficeHours, other: OfficeHours) -> date | None:
    """The first day both office hours fall on with overlapping times, if any.

    Both rules repeat every lcm(intervals) weeks, so one such period after the
    later first day tells whether they ever meet.
    """
    if not (new.starts_at < other.ends_at and other.starts_at < new.ends_at):
        return None
    since = max(new.first_day, other.first_day)
    through = since + timedelta(weeks=lcm(every_weeks(new), every_weeks(other)), days=7)
    for last_day in (new.last_day, other.last_day):
        if last_day is not None:
            through = min(through, last_day)
    common = set(occurrence_days(new, since, through)) & set(occurrence_days(other, since, through))
    return min(common) if common else None


def remove_office_hours(
    db: Session, *, actor: User, office_hours_id: int, now: datetime, mentor_id: int | None = None,
) -> OfficeHours:
    """Remove office hours and all their slots: sessions already made are kept.

    `mentor_id`, when given, must be their mentor's (a URL naming both): else 404.
    """
    office_hours = db.get(OfficeHours, office_hours_id)
    if office_hours is None or mentor_id not in (None, office_hours.mentor_id):
        raise NotFound("No such office hours.")
    get_editable_profile(db, actor=actor, mentor_id=office_hours.mentor_id)
    db.execute(delete(OfficeHoursSlot).where(OfficeHoursSlot.office_hours_id == office_hours.id))
    audit.record(db, actor=actor, action="office_hours.delete", obj=office_hours, now=now,
                 summary=said(N_("mentor #{mentor}: {hours}"), mentor=office_hours.mentor_id,
                              hours=said_hours(office_hours)))
    db.delete(office_hours)
    db.flush()
    return office_hours


# -- slots ------------------------------------------------------------------------------------------


def materialise(db: Session, *, now: datetime, horizon: timedelta = HORIZON, mentor_id: int | None = None) -> int:
    """Make the slots of active mentors' office hours from today through the horizon; return how many were new.

    Idempotent: a slot is one (office hours, start); upcoming slots that fall on
    a day away or a public holiday are removed. Past slots are left alone.
    """
    query = (select(OfficeHours, Venue).join(MentorProfile, MentorProfile.user_id == OfficeHours.mentor_id)
             .join(Venue, Venue.id == MentorProfile.venue_id)
             .where(MentorProfile.is_active, OfficeHours.first_day <= (now + horizon).date() + timedelta(days=1))
             .where((OfficeHours.last_day.is_(None)) | (OfficeHours.last_day >= now.date() - timedelta(days=1))))
    if mentor_id is not None:
        query = query.where(OfficeHours.mentor_id == mentor_id)
    rows = db.execute(query).all()
    if not rows:
        return 0
    mentor_ids = {office_hours.mentor_id for office_hours, _venue in rows}
    away = _away_days(db, mentor_ids, since=now.date() - timedelta(days=1),
                      through=(now + horizon).date() + timedelta(days=1))
    existing: dict[int, dict[datetime, OfficeHoursSlot]] = {}
    for slot in db.scalars(select(OfficeHoursSlot).where(
            OfficeHoursSlot.office_hours_id.in_([office_hours.id for office_hours, _venue in rows]),
            OfficeHoursSlot.starts_at >= now - timedelta(days=1))):
        existing.setdefault(slot.office_hours_id, {})[slot.starts_at] = slot
    added = 0
    for office_hours, venue in rows:
        today, last = local_time(now, venue).date(), local_time(now + horizon, venue).date()
        have = existing.get(office_hours.id, {})
        wanted = set()
        for day in occurrence_days(office_hours, today, last):
            if is_day_off(venue, day) or day in away.get(office_hours.mentor_id, ()):
                continue
            starts_at, ends_at = occurrence_window(office_hours, day, venue)
            wanted.add(starts_at)
            if starts_at not in have:
                db.add(OfficeHoursSlot(office_hours_id=office_hours.id, mentor_id=office_hours.mentor_id,
                                       starts_at=starts_at, ends_at=ends_at))
                added += 1
        for starts_at, slot in have.items():
            if starts_at >= now and local_time(starts_at, venue).date() <= last and starts_at not in wanted:
                db.delete(slot)
    db.flush()
    return added


def _away_days(db: Session, mentor_ids: Iterable[int], *, since: date, through: date) -> dict[int, set[date]]:
    found: dict[int, set[date]] = {}
    for exception in db.scalars(select(AvailabilityException).where(
            AvailabilityException.mentor_id.in_(list(mentor_ids)), AvailabilityException.last_day >= since,
            AvailabilityException.first_day <= through)):
        day = max(exception.first_day, since)
        while day <= min(exception.last_day, through):
            found.setdefault(exception.mentor_id, set()).add(day)
            day += timedelta(days=1)
    return found


def free_windows(db: Session, *, mentor_id: int, starts_at: datetime, ends_at: datetime) -> list[Slot]:
    """The mentor's office hours within `[starts_at, ends_at)`, less their days away and busy sessions, merged."""
    profile = get_profile(db, mentor_id)
    slots = [(max(slot.starts_at, starts_at), min(slot.ends_at, ends_at)) for slot in db.scalars(
        select(OfficeHoursSlot).where(OfficeHoursSlot.mentor_id == mentor_id, OfficeHoursSlot.starts_at < ends_at,
                                      OfficeHoursSlot.ends_at > starts_at,
                                      OfficeHoursSlot.starts_at > starts_at - LONGEST_SESSION)
        .order_by(OfficeHoursSlot.starts_at))]
    busy = [(session.starts_at, session.ends_at) for session in db.scalars(
        select(MentorSession).where(MentorSession.mentor_id == mentor_id, MentorSession.status.in_(BUSY_SESSIONS),
                                    MentorSession.starts_at < ends_at, MentorSession.ends_at > starts_at,
                                    MentorSession.starts_at > starts_at - LONGEST_SESSION))]
    # Slots are removed when days away are added; checking again keeps a late exception from offering a day.
    first, last = local_time(starts_at, profile.venue).date(), local_time(ends_at, profile.venue).date()
    away = _away_days(db, [mentor_id], since=first, through=last).get(mentor_id, set())
    busy += [(local_moment(day, time.min, profile.venue), local_moment(day + timedelta(days=1), time.min,
                                                                         profile.venue)) for day in away]
    return [Slot(start, end) for start, end in _subtract(_merge(slots), sorted(busy))]


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(windows: list[tuple[datetime, datetime]],
              busy: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    free = []
    for start, end in windows:
        cursor = start
        for busy_start, busy_end in busy:
            if busy_end <= cursor or busy_start >= end:
                continue
            if busy_start > cursor:
                free.append((cursor, busy_start))
            cursor = max(cursor, busy_end)
        if cursor < end:
            free.append((cursor, end))
    return free


def free_slots(db: Session, *, mentor_id: int, duration_minutes: int, now: datetime, until: datetime) -> list[Slot]:
    """Session-length pieces of the free windows after `now`: each window from its start (rounded up to the
    quarter hour), one after the other. An inactive mentor offers none."""
    if duration_minutes < 1:
        raise Invalid("A session lasts at least a minute.", field="duration_minutes")
    if not get_profile(db, mentor_id).is_active or until <= now:
        return []
    length = timedelta(minutes=duration_minutes)
    pieces = []
    for window in free_windows(db, mentor_id=mentor_id, starts_at=now, ends_at=until):
        start = _round_up(window.starts_at)
        while start + length <= window.ends_at:
            pieces.append(Slot(start, start + length))
            start += length
    return pieces


def _round_up(moment: datetime) -> datetime:
    """To the next quarter hour (UTC quarters are local ones in every zone with whole-quarter offsets)."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    remainder = (moment - epoch) % QUARTER
    return moment if not remainder else moment + (QUARTER - remainder)


def is_free(db: Session, *, mentor_id: int, starts_at: datetime, ends_at: datetime) -> bool:
    """The whole interval lies in one free window: office hours, not away, no busy session."""
    if ends_at <= starts_at:
        return False
    windows = free_windows(db, mentor_id=mentor_id, starts_at=starts_at, ends_at=ends_at)
    return any(w.starts_at <= starts_at and w.ends_at >= ends_at for w in windows)
