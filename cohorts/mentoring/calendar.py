"""Mentor sessions in the private calendar feeds of their mentor and of the start-up's attendee, and in weeks.

A session's UID and SEQUENCE are the same in the feed and in the e-mails'
invitations (`cohorts.mentoring.mail`), so a calendar app updates one event.
"""
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from cohorts.mentoring.enums import SessionStatus
from cohorts.mentoring.models import AvailabilityException, MentorProfile, MentorSession, OfficeHours
from spaces.booking.models import Booking
from spaces.series.rules import days_between
from spaces.venues.models import Floor, Space, Venue
from spaces.venues.rules import local_moment, local_time, public_holiday
from totem.calendar.feed import CalendarEvent, register_source
from totem.calendar.week import WeekEntry, register_week_source
from totem.i18n import N_, translate
from totem.identity.models import Membership, User

# Calendar apps keep past events; a month back lets them see recent cancellations.
HISTORY = timedelta(days=30)
# RFC 5545 STATUS and SEQUENCE of each session state: a later state is a newer version of the event.
# Attendance and feedback do not change the meeting itself, so they keep the confirmed version.
FEED_STATUS = {
    SessionStatus.PROPOSED: ("TENTATIVE", 0),
    SessionStatus.CONFIRMED: ("CONFIRMED", 1),
    SessionStatus.AWAITING_ATTENDANCE: ("CONFIRMED", 1),
    SessionStatus.COMPLETED: ("CONFIRMED", 1),
    SessionStatus.NO_SHOW: ("CONFIRMED", 1),
    SessionStatus.CANCELLED: ("CANCELLED", 2),
}
CANCELLED_EVENT = FEED_STATUS[SessionStatus.CANCELLED]
SUMMARY = N_("Mentor session: {topic}")
ONLINE = N_("Online")


def session_event(session: MentorSession, *, locale: str, place: str) -> CalendarEvent:
    """The session as one event of its people's calendars; `place` is its room or its online link."""
    status, sequence = FEED_STATUS[SessionStatus(session.status)]
    return CalendarEvent(
        uid=f"mentor-session-{session.id}@totem",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=translate(locale, SUMMARY, topic=session.topic),
        location=place or None,
        status=status,
        sequence=sequence,
    )


def session_places(db: Session, sessions: Iterable[MentorSession], locale: str) -> dict[int, str]:
    """Where each session happens: "room, floor, venue" for a booked room, else the online link."""
    sessions = list(sessions)
    booking_ids = [s.booking_id for s in sessions if s.booking_id is not None]
    rooms: dict[int, Space] = {}
    if booking_ids:
        bookings = db.scalars(
            select(Booking).where(Booking.id.in_(booking_ids))
            .options(joinedload(Booking.space).joinedload(Space.floor).joinedload(Floor.venue))
        )
        rooms = {booking.id: booking.space for booking in bookings}
    places = {}
    for session in sessions:
        room = rooms.get(session.booking_id) if session.booking_id is not None else None
        if room is not None:
            places[session.id] = f"{room.name}, {room.floor.name}, {room.floor.venue.name}"
        else:
            places[session.id] = session.online_url or translate(locale, ONLINE)
    return places


def session_events(db: Session, user: User, now: datetime) -> Iterator[CalendarEvent]:
    """The user's sessions as mentor or as attendee, from a month back."""
    sessions = list(db.scalars(
        select(MentorSession)
        .where(or_(MentorSession.mentor_id == user.id, MentorSession.attendee_id == user.id),
               MentorSession.ends_at >= now - HISTORY)
        .order_by(MentorSession.starts_at, MentorSession.id)
    ))
    places = session_places(db, sessions, user.locale)
    for session in sessions:
        yield session_event(session, locale=user.locale, place=places[session.id])




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


# A week shows the sessions still on: proposed (to be confirmed), confirmed, and those held.
WEEK_STATUSES = (SessionStatus.PROPOSED, SessionStatus.CONFIRMED, SessionStatus.AWAITING_ATTENDANCE,
                 SessionStatus.COMPLETED)


def session_week_entries(db: Session, user: User, starts_at: datetime, ends_at: datetime) -> Iterator[WeekEntry]:
    """The user's sessions in the window: as mentor, as attendee, or for one of their start-ups."""
    startups = select(Membership.organisation_id).where(Membership.user_id == user.id)
    sessions = list(db.scalars(
        select(MentorSession)
        .where(or_(MentorSession.mentor_id == user.id, MentorSession.attendee_id == user.id,
                   MentorSession.organisation_id.in_(startups)),
               MentorSession.status.in_(WEEK_STATUSES), MentorSession.starts_at < ends_at,
               MentorSession.ends_at > starts_at)
        .order_by(MentorSession.starts_at, MentorSession.id)
    ))
    places = session_places(db, sessions, user.locale)
    for session in sessions:
        yield WeekEntry(starts_at=session.starts_at, ends_at=session.ends_at,
                        title=translate(user.locale, SUMMARY, topic=session.topic), place=places[session.id],
                        url=f"/sessions/{session.id}", kind="session",
                        tentative=session.status == SessionStatus.PROPOSED,
                        covers=f"booking-{session.booking_id}" if session.booking_id else "")


register_source(session_events)
register_source(office_hours_events)
register_week_source(session_week_entries)
