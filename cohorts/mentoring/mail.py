"""E-mails of session requests and mentor sessions, in each recipient's language, queued in the caller's transaction.

Times are on the wall clock of the mentor's venue. Invitations, cancellations
and reminders carry an iTIP .ics whose UID and SEQUENCE are those of the
session in its people's private feeds (`cohorts.mentoring.calendar`). Each
function loads what it needs by id: the callers' objects come without their
relationships.
"""
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from babel.dates import format_date
from icalendar import vCalAddress
from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.mentoring.calendar import CANCELLED_EVENT, FEED_STATUS, session_event, session_places
from cohorts.mentoring.enums import SessionStatus, Urgency
from cohorts.mentoring.models import MentorProfile, MentorSession, SessionRequest
from spaces.venues.models import Venue
from spaces.venues.rules import local_time
from totem.calendar.feed import new_calendar, to_vevent
from totem.i18n import N_
from totem.identity.models import Organisation, User
from totem.notifications.models import OutboxMessage
from totem.notifications.service import queue_mail
from totem.settings import get_settings

REQUEST_SUBJECT = N_("A start-up asks for a mentor session: {topic}")
DECLINED_SUBJECT = N_("Your mentor session request was declined: {topic}")
TIMES_PROPOSED_SUBJECT = N_("Other times proposed for your mentor session: {topic}")
INVITATION_SUBJECT = N_("Mentor session confirmed: {topic}, {day} at {start}")
PROPOSED_SUBJECT = N_("A mentor session is proposed to you: {topic}, {day} at {start}")
CANCELLATION_SUBJECT = N_("Mentor session cancelled: {topic}, {day} at {start}")
REMINDER_SUBJECTS = {
    24: N_("Reminder: mentor session on {topic}, {day} at {start}"),
    1: N_("In one hour: mentor session on {topic} at {start}"),
}
FEEDBACK_SUBJECT = N_("How was your mentor session on {topic}?")
ALERT_SUBJECT = N_("Repeated no-shows: {person}")


def _url(path: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}{path}"


def _when(moment: datetime, venue: Venue, locale: str) -> tuple[str, str]:
    """The day in words and the time, on the venue's clock: ("lundi 30 novembre 2026", "10:00")."""
    local = local_time(moment, venue)
    return format_date(local.date(), format="full", locale=locale), f"{local:%H:%M}"


# Session requests


def _request_values(db: Session, request: SessionRequest) -> dict[str, Any]:
    organisation = db.get(Organisation, request.organisation_id)
    return {
        "topic": request.topic,
        "details": request.details,
        "startup": organisation.name if organisation else "",
        "minutes": request.duration_minutes,
        "urgent": request.urgency == Urgency.HIGH,
        "request_url": _url(f"/sessions/requests/{request.id}"),
    }


def _requester(db: Session, request: SessionRequest) -> User | None:
    user = db.get(User, request.requested_by) if request.requested_by is not None else None
    return user if user is not None and user.is_active else None


def queue_request_to_mentors(db: Session, request: SessionRequest, mentor_ids: list[int],
                             now: datetime) -> list[OutboxMessage]:
    """Tell each mentor a start-up asks for a session they could give; they answer from their home page."""
    if not mentor_ids:
        return []
    mentors = db.scalars(select(User).where(User.id.in_(mentor_ids), User.is_active).order_by(User.id))
    values = _request_values(db, request)
    return [queue_mail(db, to=mentor, subject=REQUEST_SUBJECT, template="cohorts/mentoring/emails/session_request", now=now,
                       link=_url("/mentor"), anyone=request.preferred_mentor_id is None, **values)
            for mentor in mentors]


def queue_request_declined(db: Session, request: SessionRequest, mentor_id: int, reason: str,
                           now: datetime) -> OutboxMessage | None:
    """Tell the member who asked that a mentor declined, and why; an "anyone who fits" request stays open."""
    to = _requester(db, request)
    if to is None:
        return None
    mentor = db.get(User, mentor_id)
    return queue_mail(db, to=to, subject=DECLINED_SUBJECT, template="cohorts/mentoring/emails/session_request_declined",
                      now=now, mentor=mentor.name if mentor else "", reason=reason,
                      still_open=request.preferred_mentor_id is None, **_request_values(db, request))


def queue_times_proposed(db: Session, request: SessionRequest, now: datetime) -> OutboxMessage | None:
    """Tell the member who asked that the mentor proposes other times, to pick one on the request's page."""
    to = _requester(db, request)
    if to is None:
        return None
    mentor_id = request.proposed_by or request.preferred_mentor_id
    mentor = db.get(User, mentor_id) if mentor_id is not None else None
    profile = db.get(MentorProfile, mentor_id) if mentor_id is not None else None
    venue = db.get(Venue, profile.venue_id) if profile is not None else None
    times = []
    for text in request.proposed_times:
        moment = datetime.fromisoformat(text)
        if venue is not None:
            day, start = _when(moment, venue, to.locale)
        else:  # no mentor's venue to read the clock of: the configured time zone
            local = moment.astimezone(get_settings().tz)
            day, start = format_date(local.date(), format="full", locale=to.locale), f"{local:%H:%M}"
        times.append({"day": day, "start": start})
    return queue_mail(db, to=to, subject=TIMES_PROPOSED_SUBJECT, template="cohorts/mentoring/emails/session_times_proposed",
                      now=now, mentor=mentor.name if mentor else "", times=times, **_request_values(db, request))


# Sessions


@dataclass(frozen=True)
class _People:
    """A session with what its e-mails say of it."""

    session: MentorSession
    venue: Venue
    mentor: User
    company: str
    attendee: User | None
    startup: str

    def recipients(self, *, mentor: bool = True, attendee: bool = True) -> list[User]:
        people = [self.mentor] if mentor else []
        if attendee and self.attendee is not None:
            people.append(self.attendee)
        return [person for person in people if person.is_active]


def _people(db: Session, session: MentorSession) -> _People:
    profile = db.get_one(MentorProfile, session.mentor_id)
    organisation = db.get(Organisation, session.organisation_id)
    return _People(
        session=session,
        venue=db.get_one(Venue, profile.venue_id),
        mentor=db.get_one(User, session.mentor_id),
        company=profile.company,
        attendee=db.get(User, session.attendee_id) if session.attendee_id is not None else None,
        startup=organisation.name if organisation else "",
    )


def _session_values(db: Session, people: _People, to: User) -> dict[str, Any]:
    session = people.session
    day, start = _when(session.starts_at, people.venue, to.locale)
    is_mentor = to.id == session.mentor_id
    return {
        "topic": session.topic,
        "day": day,
        "start": start,
        "end": _when(session.ends_at, people.venue, to.locale)[1],
        "place": session_places(db, [session], to.locale)[session.id],
        "online": session.booking_id is None,
        "startup": people.startup,
        "attendee": people.attendee.name if people.attendee else "",
        "mentor": people.mentor.name,
        "company": people.company,
        "is_mentor": is_mentor,
        "session_url": _url(f"/mentor/sessions/{session.id}" if is_mentor else f"/sessions/{session.id}"),
    }


def _ics(people: _People, to: User, place: str, method: str, version: tuple[str, int], now: datetime) -> str:
    """A one-event iTIP message: both sides attend, Totem organises (its mail sender)."""
    status, sequence = version
    event = to_vevent(replace(session_event(people.session, locale=to.locale, place=place), status=status,
                              sequence=sequence), now)
    sender_name, sender_address = parseaddr(get_settings().mail_from)
    organizer = vCalAddress(f"mailto:{sender_address}")
    organizer.params["cn"] = sender_name or "Totem"
    event.add("organizer", organizer)
    partstat = "ACCEPTED" if status == "CONFIRMED" else "NEEDS-ACTION"
    for person in (people.mentor, people.attendee):
        if person is None:
            continue
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params.update({"cn": person.name, "role": "REQ-PARTICIPANT", "partstat": partstat})
        event.add("attendee", attendee)
    calendar = new_calendar(method=method)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def _current(session: MentorSession) -> tuple[str, int]:
    return FEED_STATUS[SessionStatus(session.status)]


def queue_session_invitation(db: Session, session: MentorSession, now: datetime) -> list[OutboxMessage]:
    """Tell both sides the session is on, with an invitation for their calendars."""
    people = _people(db, session)
    messages = []
    for to in people.recipients():
        values = _session_values(db, people, to)
        ics = _ics(people, to, values["place"], "REQUEST", _current(session), now)
        messages.append(queue_mail(db, to=to, subject=INVITATION_SUBJECT,
                                   template="cohorts/mentoring/emails/session_invitation", now=now, ics=ics, **values))
    return messages


def queue_session_proposed(db: Session, session: MentorSession, now: datetime) -> OutboxMessage | None:
    """Ask the mentor to confirm a session the weekly matching proposed them, with one click on their home page."""
    people = _people(db, session)
    recipients = people.recipients(attendee=False)
    if not recipients:
        return None
    to = recipients[0]
    return queue_mail(db, to=to, subject=PROPOSED_SUBJECT, template="cohorts/mentoring/emails/session_proposed", now=now,
                      link=_url("/mentor"), **_session_values(db, people, to))


def queue_session_cancellation(db: Session, session: MentorSession, now: datetime) -> list[OutboxMessage]:
    """Tell both sides the session is off, and why; the attached CANCEL removes it from their calendars."""
    people = _people(db, session)
    messages = []
    for to in people.recipients():
        values = _session_values(db, people, to)
        ics = _ics(people, to, values["place"], "CANCEL", CANCELLED_EVENT, now)
        messages.append(queue_mail(db, to=to, subject=CANCELLATION_SUBJECT,
                                   template="cohorts/mentoring/emails/session_cancellation", now=now, ics=ics,
                                   reason=session.cancel_reason, **values))
    return messages


def queue_session_reminder(db: Session, session: MentorSession, hours: int, now: datetime) -> list[OutboxMessage]:
    """Remind both sides of the session `hours` (24 or 1) ahead, with the invitation again."""
    if hours not in REMINDER_SUBJECTS:
        raise ValueError(f"no reminder {hours} hours ahead")
    people = _people(db, session)
    messages = []
    for to in people.recipients():
        values = _session_values(db, people, to)
        ics = _ics(people, to, values["place"], "REQUEST", _current(session), now)
        messages.append(queue_mail(db, to=to, subject=REMINDER_SUBJECTS[hours],
                                   template="cohorts/mentoring/emails/session_reminder", now=now, ics=ics, hours=hours,
                                   **values))
    return messages


def queue_feedback_request(db: Session, session: MentorSession, now: datetime) -> list[OutboxMessage]:
    """Ask both sides, once the session is over, how it went and whether the other came."""
    people = _people(db, session)
    return [queue_mail(db, to=to, subject=FEEDBACK_SUBJECT, template="cohorts/mentoring/emails/session_feedback_request",
                       now=now, **_session_values(db, people, to))
            for to in people.recipients()]


# Reliability


def queue_reliability_alert(
    db: Session, *, person: User, organisation: str | None, missed_check_ins: int, session_no_shows: int,
    days: int, managers: list[User], now: datetime,
) -> list[OutboxMessage]:
    """Tell managers that a person missed room check-ins or sessions repeatedly, with a link to their record."""
    return [queue_mail(db, to=manager, subject=ALERT_SUBJECT, template="cohorts/mentoring/emails/session_reliability_alert",
                       now=now, person=person.name, email=person.email, organisation=organisation or "",
                       missed_check_ins=missed_check_ins, session_no_shows=session_no_shows, days=days,
                       record_url=_url(f"/admin/reliability/{person.id}"))
            for manager in managers if manager.is_active]
