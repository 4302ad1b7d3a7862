"""A mentor's office hours in their private calendar feed: one recurring event per office hours.

The event is written on the venue's clock (DTSTART with its TZID, an RRULE),
so that calendar apps keep it at the same local time across daylight-saving
changes; days away and public holidays are EXDATEs.
"""
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from cohorts.models import AvailabilityException, MentorProfile, OfficeHours
from spaces.series.rules import days_between
from spaces.venues.models import Venue
from spaces.venues.rules import local_moment, local_time, public_holiday
from totem.calendar.feed import CalendarEvent, register_source
from totem.i18n import N_, translate
from totem.identity.models import User

# EXDATEs are listed for this stretch around today: calendar apps only show what is near.
EXDATES_BEHIND = timedelta(days=30)
EXDATES_AHEAD = timedelta(days=366)


def office_hours_events(db: Session, user: User, now: datetime) -> Iterator[CalendarEvent]:
    profile = db.scalar(select(MentorProfile).where(MentorProfile.user_id == user.id, MentorProfile.is_active)
                        .options(joinedload(MentorProfile.venue)))
    if profile is None:
        return
    venue = profile.venue
    today = local_time(now, venue).date()
    since, through = today - EXDATES_BEHIND, today + EXDATES_AHEAD
    office_hours = list(db.scalars(select(OfficeHours).where(
        OfficeHours.mentor_id == user.id,
        (OfficeHours.last_day.is_(None)) | (OfficeHours.last_day >= since)).order_by(OfficeHours.id)))
    if not office_hours:
        return
    away = list(db.scalars(select(AvailabilityException).where(
        AvailabilityException.mentor_id == user.id, AvailabilityException.last_day >= since,
        AvailabilityException.first_day <= through)))
    for item in office_hours:
        event = office_hours_event(item, venue, away, since=since, through=through, locale=user.locale)
        if event is not None:
            yield event


def office_hours_event(
    office_hours: OfficeHours, venue: Venue, away: list[AvailabilityException], *, since: date, through: date,
    locale: str,
) -> CalendarEvent | None:
    first = days_between(office_hours.rule, first_day=office_hours.first_day, start_time=office_hours.starts_at,
                         since=office_hours.first_day, through=office_hours.first_day + timedelta(days=6))
    if not first or (office_hours.last_day is not None and first[0] > office_hours.last_day):
        return None
    rule = office_hours.rule
    if office_hours.last_day is not None:
        # RFC 5545: with a DTSTART in a time zone, UNTIL is in UTC.
        until = local_moment(office_hours.last_day, office_hours.starts_at, venue).astimezone(UTC)
        rule += f";UNTIL={until:%Y%m%dT%H%M%SZ}"
    last = through if office_hours.last_day is None else min(through, office_hours.last_day)
    skipped = [day for day in days_between(office_hours.rule, first_day=office_hours.first_day,
                                           start_time=office_hours.starts_at, since=max(since, first[0]),
                                           through=last)
               if (venue.observes_public_holidays and public_holiday(day))
               or any(e.first_day <= day <= e.last_day for e in away)]
    return CalendarEvent(
        uid=f"office-hours-{office_hours.id}@totem",
        starts_at=local_moment(first[0], office_hours.starts_at, venue),
        ends_at=local_moment(first[0], office_hours.ends_at, venue),
        summary=translate(locale, N_("Office hours")),
        location=venue.name,
        description=translate(locale, N_("Start-ups can ask for a session with you in these hours.")),
        timezone=venue.timezone,
        rrule=rule,
        exdates=tuple(local_moment(day, office_hours.starts_at, venue) for day in skipped),
        transparent=True,
    )


register_source(office_hours_events)
