"""Mentor sessions: making one (for a request, or planned by a speed-meeting day), confirming, cancelling, and
the hours mentors held.

An in-person session books a meeting room through `spaces.booking.hosted` in the same
transaction: the room and the session are made together or not at all, and
cancelling the session gives the room back. One mentor's sessions are made
one at a time (their profile row is locked), so that their monthly capacity
holds; PostgreSQL's exclusion constraints keep a mentor and a start-up out of
two sessions at once, and the service checks the same first for a clear
message. Services flush, never commit.
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from cohorts.mentoring import availability, mail, mentors
from cohorts.mentoring.enums import BUSY_SESSIONS, COUNTED_SESSIONS, RequestStatus, SessionMode, SessionStatus
from cohorts.mentoring.models import MentorProfile, MentorSession, SessionRequest
from cohorts.programs import permissions as _program_permissions  # noqa: F401  (registers "program.*")
from cohorts.programs.enums import EnrolmentStatus
from cohorts.programs.models import Enrolment
from spaces.booking import hosted
from spaces.venues.models import Venue
from spaces.venues.rules import local_moment, local_time
from totem import audit
from totem.errors import VALUE_OUT_OF_RANGE, Conflict, Invalid, NotFound, error_code
from totem.i18n import N_, said
from totem.identity.models import User
from totem.identity.service import load_memberships
from totem.permissions import can, is_staff, member_organisation_ids, require


REASON_MAX = 500
# A session is booked at least this far ahead, so that the other side can still see it coming.
MIN_NOTICE = timedelta(hours=1)
# PostgreSQL's SQLSTATE for an exclusion constraint violation.
EXCLUSION_VIOLATION = "23P01"

SESSION_TAKEN = error_code("session_taken", "The mentor is no longer free at that time: another session holds it.")
STARTUP_BUSY = error_code("startup_busy", "The start-up already has a session at that time.")
MENTOR_UNAVAILABLE = error_code(
    "mentor_unavailable", "The mentor takes no sessions for now, is away that day, or cannot meet online.")
MENTOR_CAPACITY = error_code("mentor_capacity", "The session would take the mentor past their monthly hours.")
TOO_SHORT_NOTICE = error_code("too_short_notice", "A session starts at least an hour from now.")
SESSION_STATE = error_code(
    "session_state", "The session's state does not allow this: it is not waiting, has started, is over, was "
    "cancelled, or its attendance or feedback is done.")


# -- making a session -----------------------------------------------------------------------------
# The audit log's words for a session (the pages' own labels live in forms.py, which imports this module).
SESSION_KIND_WORDS = {"request": N_("requested"), "speed_meeting": N_("speed meeting")}
SESSION_STATUS_WORDS = {
    SessionStatus.PROPOSED: N_("To confirm"),
    SessionStatus.CONFIRMED: N_("Confirmed"),
    SessionStatus.AWAITING_ATTENDANCE: N_("Attendance to record"),
    SessionStatus.COMPLETED: N_("Held"),
    SessionStatus.CANCELLED: N_("Cancelled"),
    SessionStatus.NO_SHOW: N_("No-show"),
}


def current_enrolment(db: Session, organisation_id: int) -> Enrolment | None:
    return db.scalar(select(Enrolment).where(Enrolment.organisation_id == organisation_id,
                                             Enrolment.status == EnrolmentStatus.ACTIVE)
                     .order_by(Enrolment.enrolled_on.desc()).limit(1))


def session_mode(profile: MentorProfile, request: SessionRequest, wanted: str | None) -> str:
    """In person when both may meet so, unless the one choosing says online."""
    possible = {mode for mode in SessionMode
                if mentors.meets_the_way(profile.mode, mode) and mentors.meets_the_way(request.mode, mode)}
    if wanted is not None:
        if wanted not in set(SessionMode):
            raise Invalid("Choose in person or online.", field="mode")
        if wanted not in possible:
            raise Invalid("The start-up and the mentor cannot meet that way.", field="mode")
        return wanted
    return SessionMode.IN_PERSON if SessionMode.IN_PERSON in possible else SessionMode.ONLINE


def schedule_session(
    db: Session, *, actor: User, request: SessionRequest, profile: MentorProfile, starts_at: datetime,
    ends_at: datetime, mode: str, status: SessionStatus, now: datetime, room_id: int | None = None,
) -> MentorSession:
    _check_mentor_meets(db, profile, starts_at, now)
    _check_capacity(db, profile, starts_at, ends_at)
    check_not_busy(db, mentor_id=profile.user_id, organisation_id=request.organisation_id, starts_at=starts_at,
                   ends_at=ends_at)
    attendee_id = request.requested_by or actor.id
    booking_id, online_url = None, ""
    if mode == SessionMode.IN_PERSON:
        room = {"holder_id": attendee_id, "organisation_id": request.organisation_id, "starts_at": starts_at,
                "ends_at": ends_at, "title": f"Mentoring: {request.topic}", "now": now}
        booking = (hosted.book_room(db, actor=actor, space_id=room_id, **room) if room_id is not None
                   else hosted.book_any_room(db, actor=actor, venue_id=profile.venue_id, **room))
        booking_id = booking.id
    else:
        if not profile.online_url:
            raise Conflict("This mentor has no video link for online sessions.", field="mode", code=MENTOR_UNAVAILABLE)
        online_url = profile.online_url
    enrolment = current_enrolment(db, request.organisation_id)
    session = MentorSession(
        request_id=request.id, mentor_id=profile.user_id, organisation_id=request.organisation_id,
        attendee_id=attendee_id, cohort_id=enrolment.cohort_id if enrolment else None, track_id=request.track_id,
        topic=request.topic, starts_at=starts_at, ends_at=ends_at, mode=mode, booking_id=booking_id,
        online_url=online_url, status=status, created_at=now, created_by=actor.id,
    )
    return _insert(db, actor=actor, session=session, now=now)


def add_planned_session(
    db: Session, *, actor: User, mentor_id: int, organisation_id: int, attendee_id: int | None, topic: str,
    starts_at: datetime, ends_at: datetime, room_id: int, kind: str, now: datetime, cohort_id: int | None = None,
    track_id: int | None = None,
) -> MentorSession:
    """Staff fix a confirmed session planned elsewhere (a speed-meeting day): both sides free, its room booked.

    No monthly capacity check: the mentor volunteered the day. The caller sends the invitations.
    """
    require(actor, "program.create")
    profile = mentors.lock_profile(db, mentor_id)
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    _check_mentor_meets(db, profile, starts_at, now)
    check_not_busy(db, mentor_id=mentor_id, organisation_id=organisation_id, starts_at=starts_at, ends_at=ends_at)
    booking = hosted.book_room(db, actor=actor, holder_id=attendee_id or actor.id, organisation_id=organisation_id,
                               space_id=room_id, starts_at=starts_at, ends_at=ends_at,
                               title=f"Mentoring: {topic}", now=now)
    session = MentorSession(
        mentor_id=mentor_id, organisation_id=organisation_id, attendee_id=attendee_id, cohort_id=cohort_id,
        track_id=track_id, topic=topic, starts_at=starts_at, ends_at=ends_at, mode=SessionMode.IN_PERSON,
        booking_id=booking.id, status=SessionStatus.CONFIRMED, kind=kind, created_at=now, created_by=actor.id,
    )
    return _insert(db, actor=actor, session=session, now=now)


def _check_mentor_meets(db: Session, profile: MentorProfile, starts_at: datetime, now: datetime) -> None:
    if starts_at < now + MIN_NOTICE:
        raise Invalid("A session starts at least an hour from now.", field="starts_at", code=TOO_SHORT_NOTICE)
    if not profile.is_active:
        raise Conflict("This mentor is not taking sessions at the moment.", code=MENTOR_UNAVAILABLE)
    if availability.is_away(db, mentor_id=profile.user_id, day=local_time(starts_at, _venue_of(db, profile)).date()):
        raise Conflict("The mentor is away that day.", field="starts_at", code=MENTOR_UNAVAILABLE)


def _insert(db: Session, *, actor: User, session: MentorSession, now: datetime) -> MentorSession:
    try:
        with db.begin_nested():
            db.add(session)
            db.flush()
    except IntegrityError as exc:  # a concurrent session won the time (PostgreSQL's exclusion constraints)
        if getattr(exc.orig, "sqlstate", None) != EXCLUSION_VIOLATION:
            raise
        raise Conflict("This time was just taken by another session.", field="starts_at",
                       code=SESSION_TAKEN) from None
    audit.record(db, actor=actor, action="session.create", obj=session, now=now,
                 summary=said(N_("{topic}, {when} ({kind}, {status})"), topic=session.topic,
                              when=session.starts_at.replace(tzinfo=session.starts_at.tzinfo or UTC),
                              kind=[SESSION_KIND_WORDS.get(session.kind, session.kind)],
                              status=[SESSION_STATUS_WORDS[SessionStatus(session.status)]]))
    return session


def _venue_of(db: Session, profile: MentorProfile) -> Venue:
    return db.get_one(Venue, profile.venue_id)


def check_not_busy(
    db: Session, *, mentor_id: int, organisation_id: int | None, starts_at: datetime, ends_at: datetime,
) -> None:
    overlapping = select(MentorSession.id).where(MentorSession.status.in_(BUSY_SESSIONS),
                                                 MentorSession.starts_at < ends_at, MentorSession.ends_at > starts_at)
    if db.scalar(overlapping.where(MentorSession.mentor_id == mentor_id).limit(1)) is not None:
        raise Conflict("The mentor already has a session at that time.", field="starts_at", code=SESSION_TAKEN)
    if organisation_id is not None and db.scalar(
            overlapping.where(MentorSession.organisation_id == organisation_id).limit(1)) is not None:
        raise Conflict("The start-up already has a session at that time.", field="starts_at", code=STARTUP_BUSY)


def month_minutes(db: Session, *, mentor_id: int, month: date) -> int:
    """Minutes of the mentor's sessions (not cancelled) starting in that month of their venue's calendar."""
    venue = _venue_of(db, db.get_one(MentorProfile, mentor_id))
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    sessions = db.execute(select(MentorSession.starts_at, MentorSession.ends_at).where(
        MentorSession.mentor_id == mentor_id, MentorSession.status.in_(COUNTED_SESSIONS),
        MentorSession.starts_at >= local_moment(first, time(0), venue),
        MentorSession.starts_at < local_moment(following, time(0), venue),
        MentorSession.kind != "speed_meeting"))
    return sum(int((ends_at - starts_at).total_seconds() // 60) for starts_at, ends_at in sessions)


def _check_capacity(db: Session, profile: MentorProfile, starts_at: datetime, ends_at: datetime) -> None:
    month = local_time(starts_at, _venue_of(db, profile)).date()
    used = month_minutes(db, mentor_id=profile.user_id, month=month)
    wanted = int((ends_at - starts_at).total_seconds() // 60)
    if used + wanted > profile.monthly_capacity_hours * 60:
        raise Conflict("This session would take the mentor past their monthly capacity of {hours} h.",
                       field="starts_at", code=MENTOR_CAPACITY, hours=profile.monthly_capacity_hours)


# -- sessions -------------------------------------------------------------------------------------


def get_session(db: Session, *, actor: User, session_id: int) -> MentorSession:
    session = db.scalar(select(MentorSession).where(MentorSession.id == session_id)
                        .options(selectinload(MentorSession.feedback),
                                 selectinload(MentorSession.mentor).selectinload(MentorProfile.user)))
    if session is None or not can(load_memberships(db, actor), "session.read", session):
        raise NotFound("No such session.")
    return session


def list_sessions(
    db: Session, *, actor: User, mine: bool = False, status: str | None = None, mentor_id: int | None = None,
    starts_after: datetime | None = None, starts_before: datetime | None = None, limit: int = 200,
) -> list[MentorSession]:
    """By start: with `mine`, those where the actor is the mentor or the attendee or their start-up's; otherwise
    all for staff and the same for others."""
    actor = load_memberships(db, actor)
    query = select(MentorSession).options(selectinload(MentorSession.mentor).selectinload(MentorProfile.user))
    if mine or not is_staff(actor):
        query = query.where(or_(MentorSession.mentor_id == actor.id,
                                MentorSession.organisation_id.in_(member_organisation_ids(actor))))
    if status is not None:
        query = query.where(MentorSession.status == status)
    if mentor_id is not None:
        query = query.where(MentorSession.mentor_id == mentor_id)
    if starts_after is not None:
        query = query.where(MentorSession.starts_at >= starts_after)
    if starts_before is not None:
        query = query.where(MentorSession.starts_at < starts_before)
    if starts_after is None:  # the latest ones, when the period has no start
        latest = db.scalars(query.order_by(MentorSession.starts_at.desc(), MentorSession.id.desc()).limit(limit))
        return list(reversed(latest.all()))
    return list(db.scalars(query.order_by(MentorSession.starts_at, MentorSession.id).limit(limit)))


def confirm_session(db: Session, *, actor: User, session_id: int, now: datetime) -> MentorSession:
    """The mentor confirms a session put to them; both sides get the invitation."""
    session = get_session(db, actor=actor, session_id=session_id)
    require(actor, "session.confirm", session)
    if session.status == SessionStatus.CONFIRMED:
        return session
    if session.status != SessionStatus.PROPOSED:
        raise Conflict("This session is not waiting for confirmation.", code=SESSION_STATE)
    if session.starts_at <= now:
        raise Conflict("This session should have started already.", code=SESSION_STATE)
    session.status = SessionStatus.CONFIRMED
    if session.request_id is not None:
        request = db.get_one(SessionRequest, session.request_id)
        request.status, request.updated_at = RequestStatus.SCHEDULED, now
    db.flush()
    audit.record(db, actor=actor, action="session.confirm", obj=session, now=now, summary=session.topic)
    mail.queue_session_invitation(db, session, now)
    return session


def cancel_session(db: Session, *, actor: User, session_id: int, reason: str, now: datetime) -> MentorSession:
    """Either side (or staff) calls it off before it starts; its room is given back. Never a no-show.

    When the mentor calls it off, the request opens again for another time or mentor.
    """
    session = get_session(db, actor=actor, session_id=session_id)
    require(actor, "session.change", session)
    if session.status == SessionStatus.CANCELLED:
        return session
    if session.status not in BUSY_SESSIONS:
        raise Conflict("This session can no longer be cancelled.", code=SESSION_STATE)
    if session.starts_at <= now:
        raise Conflict("This session has started: record its attendance instead.", code=SESSION_STATE)
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise Invalid("Keep the reason under {length} characters.", field="reason", code=VALUE_OUT_OF_RANGE,
                      length=REASON_MAX + 1)
    was_confirmed = session.status == SessionStatus.CONFIRMED
    call_off(db, actor=actor, session=session, reason=reason, now=now)
    if session.request_id is not None:
        request = db.get_one(SessionRequest, session.request_id)
        by_mentor = actor.id == session.mentor_id
        request.status = RequestStatus.OPEN if by_mentor or is_staff(actor) else RequestStatus.CANCELLED
        request.updated_at = now
    db.flush()
    if was_confirmed:
        mail.queue_session_cancellation(db, session, now)
    return session


def call_off(db: Session, *, actor: User | None, session: MentorSession, reason: str, now: datetime) -> None:
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = now
    session.cancelled_by = actor.id if actor else None
    session.cancel_reason = reason
    if session.booking_id is not None:
        hosted.release_room(db, actor=actor, booking_id=session.booking_id, now=now)
    db.flush()
    audit.record(db, actor=actor, action="session.cancel", obj=session, now=now, summary=reason[:200] or session.topic)


@dataclass(frozen=True)
class MentorHours:
    track_id: int | None
    cohort_id: int | None
    mentor_id: int
    sessions: int
    minutes: int


def mentor_hours(db: Session, *, actor: User, starts_after: datetime, starts_before: datetime) -> list[MentorHours]:
    """Staff: sessions held in the period and their minutes, per track, cohort and mentor."""
    require(actor, "program.create")
    held = (SessionStatus.COMPLETED, SessionStatus.AWAITING_ATTENDANCE)
    rows = db.execute(
        select(MentorSession.track_id, MentorSession.cohort_id, MentorSession.mentor_id, MentorSession.starts_at,
               MentorSession.ends_at)
        .where(MentorSession.status.in_(held), MentorSession.starts_at >= starts_after,
               MentorSession.starts_at < starts_before)
    )
    totals: dict[tuple[int | None, int | None, int], tuple[int, int]] = {}
    for track_id, cohort_id, mentor_id, starts_at, ends_at in rows:
        sessions, minutes = totals.get((track_id, cohort_id, mentor_id), (0, 0))
        totals[(track_id, cohort_id, mentor_id)] = (sessions + 1,
                                                    minutes + int((ends_at - starts_at).total_seconds() // 60))
    return [MentorHours(*key, sessions, minutes) for key, (sessions, minutes) in totals.items()]
