"""Mentor sessions in the private calendar feeds of their mentor and of the start-up's attendee.

A session's UID and SEQUENCE are the same in the feed and in the e-mails'
invitations (`cohorts.mentor_mail`), so a calendar app updates one event.
"""
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from cohorts.enums import SessionStatus
from cohorts.mentor_models import MentorSession
from spaces.booking.models import Booking
from spaces.venues.models import Floor, Space
from totem.calendar.feed import CalendarEvent, register_source
from totem.i18n import N_, translate
from totem.identity.models import User

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


register_source(session_events)
