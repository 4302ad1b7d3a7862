"""Session requests and mentor sessions: asking, accepting a free slot, declining, proposing other times,
confirming, cancelling, attendance and two-sided feedback.

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

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from cohorts.mentoring import availability, mail, mentors, reliability
from cohorts.mentoring.enums import (
    BUSY_SESSIONS,
    COUNTED_SESSIONS,
    PENDING_REQUESTS,
    MentorMode,
    NoShow,
    RequestStatus,
    SessionMode,
    SessionStatus,
    Side,
    Urgency,
)
from cohorts.mentoring.models import MentorProfile, MentorSession, SessionDecline, SessionFeedback, SessionRequest
from cohorts.programs import permissions as _program_permissions  # noqa: F401  (registers "program.*")
from cohorts.programs.enums import EnrolmentStatus
from cohorts.programs.models import Enrolment, Track
from spaces.booking import hosted
from spaces.venues.models import Venue
from spaces.venues.rules import local_moment, local_time
from totem import audit
from totem.errors import Conflict, Forbidden, Invalid, NotFound
from totem.identity.enums import Role
from totem.identity.models import User
from totem.identity.service import load_memberships
from totem.permissions import can, is_staff, member_organisation_ids, require

TOPIC_MAX = 200
REASON_MAX = 500
DETAILS_MAX = 5000
NOTES_MAX = 5000
DURATIONS = range(15, 241, 15)
MAX_PROPOSED_TIMES = 3
# A session is booked at least this far ahead, so that the other side can still see it coming.
MIN_NOTICE = timedelta(hours=1)
# PostgreSQL's SQLSTATE for an exclusion constraint violation.
EXCLUSION_VIOLATION = "23P01"


@dataclass(frozen=True)
class RequestData:
    topic: str
    organisation_id: int | None = None  # by default the asker's only start-up
    details: str = ""
    expertise: tuple[str, ...] = ()  # tag names
    track_id: int | None = None  # by default the start-up's track in its current cohort
    preferred_mentor_id: int | None = None  # None: anyone who fits
    urgency: str = Urgency.NORMAL
    mode: str = MentorMode.EITHER
    language: str | None = None
    duration_minutes: int = 60


@dataclass(frozen=True)
class Attendance:
    startup_came: bool
    mentor_came: bool


@dataclass(frozen=True)
class FeedbackView:
    """A side's feedback as the reader may see it: a mentor's private notes are hidden from all but staff and them."""

    side: str
    rating: int
    notes: str | None
    private: bool
    created_at: datetime


# -- requests -------------------------------------------------------------------------------------


def _request_query() -> Select[tuple[SessionRequest]]:
    return select(SessionRequest).options(selectinload(SessionRequest.expertise),
                                          selectinload(SessionRequest.declines))


def create_request(db: Session, *, actor: User, data: RequestData, now: datetime) -> SessionRequest:
    """A start-up asks for a session; the mentor it names, or every mentor who fits, hears of it."""
    actor = load_memberships(db, actor)
    organisation_id = _startup_of(actor, data.organisation_id)
    require(actor, "session_request.create", organisation_id)
    topic = data.topic.strip()
    if not topic or len(topic) > TOPIC_MAX:
        raise Invalid("Say what the session is about in at most {length} characters.", field="topic",
                      length=TOPIC_MAX)
    if len(data.details) > DETAILS_MAX:
        raise Invalid("Keep the details under {length} characters.", field="details", length=DETAILS_MAX + 1)
    if data.urgency not in set(Urgency):
        raise Invalid("Choose how urgent it is.", field="urgency")
    if data.mode not in set(MentorMode):
        raise Invalid("Choose how you want to meet.", field="mode")
    if data.duration_minutes not in DURATIONS:
        raise Invalid("A session lasts from 15 minutes to 4 hours, in quarters of an hour.", field="duration_minutes")
    language = (data.language or "").strip().lower() or None
    if language is not None and (len(language) != 2 or not language.isalpha()):
        raise Invalid("Give the language as a two-letter code (fr, en...).", field="language")
    if data.track_id is not None and db.get(Track, data.track_id) is None:
        raise Invalid("No such track.", field="track_id")
    if data.preferred_mentor_id is not None:
        preferred = mentors.find_profile(db, data.preferred_mentor_id)
        if preferred is None or not preferred.is_active:
            raise Invalid("No such mentor.", field="preferred_mentor_id")
        if not mentors.meets_the_way(preferred.mode, data.mode):
            raise Invalid("{name} does not meet that way.", field="mode", name=preferred.user.name)
    enrolment = _current_enrolment(db, organisation_id)
    request = SessionRequest(
        organisation_id=organisation_id, requested_by=actor.id, topic=topic, details=data.details.strip(),
        track_id=data.track_id if data.track_id is not None else (enrolment.track_id if enrolment else None),
        preferred_mentor_id=data.preferred_mentor_id, urgency=data.urgency, mode=data.mode, language=language,
        duration_minutes=data.duration_minutes, status=RequestStatus.OPEN, proposed_times=[], created_at=now,
        updated_at=now, expertise=mentors.known_tags(db, data.expertise), declines=[],
    )
    db.add(request)
    db.flush()
    audit.record(db, actor=actor, action="session_request.create", obj=request, now=now, summary=topic)
    fitting = [profile.user_id for profile in mentors.mentors_who_fit(db, request)]
    if fitting:
        mail.queue_request_to_mentors(db, request, fitting, now)
    return request


def _startup_of(actor: User, organisation_id: int | None) -> int:
    if organisation_id is not None:
        return organisation_id
    own = member_organisation_ids(actor)
    if len(own) != 1:
        raise Invalid("Choose the start-up the session is for.", field="organisation_id")
    return next(iter(own))


def _current_enrolment(db: Session, organisation_id: int) -> Enrolment | None:
    return db.scalar(select(Enrolment).where(Enrolment.organisation_id == organisation_id,
                                             Enrolment.status == EnrolmentStatus.ACTIVE)
                     .order_by(Enrolment.enrolled_on.desc()).limit(1))


def get_request(db: Session, *, actor: User, request_id: int) -> SessionRequest:
    """The request; NotFound for those who may not see it (another start-up, a mentor it is not open to)."""
    request = db.scalar(_request_query().where(SessionRequest.id == request_id))
    if request is None or not (can(load_memberships(db, actor), "session_request.read", request)
                               or _open_to(db, actor, request)):
        raise NotFound("No such session request.")
    return request


def _open_to(db: Session, mentor: User, request: SessionRequest) -> bool:
    """A mentor sees a request that names them or that they fit, and one they declined or hold a session for."""
    if not mentor.has_role(Role.MENTOR):
        return False
    if request.preferred_mentor_id == mentor.id or mentor.id in {d.mentor_id for d in request.declines}:
        return True
    profile = mentors.find_profile(db, mentor.id)
    if profile is not None and mentors.fits(profile, request):
        return True
    return db.scalar(select(MentorSession.id).where(MentorSession.request_id == request.id,
                                                    MentorSession.mentor_id == mentor.id).limit(1)) is not None


def list_requests(
    db: Session, *, actor: User, status: str | None = None, organisation_id: int | None = None, limit: int = 200,
) -> list[SessionRequest]:
    """Newest first: all for staff; a start-up's own for members; for mentors, the pending ones open to them."""
    actor = load_memberships(db, actor)
    query = _request_query().order_by(SessionRequest.created_at.desc(), SessionRequest.id.desc())
    if status is not None:
        query = query.where(SessionRequest.status == status)
    if organisation_id is not None:
        query = query.where(SessionRequest.organisation_id == organisation_id)
    if is_staff(actor):
        return list(db.scalars(query.limit(limit)))
    own = member_organisation_ids(actor)
    if own:
        return list(db.scalars(query.where(SessionRequest.organisation_id.in_(own)).limit(limit)))
    return [request for request in requests_open_to(db, mentor_id=actor.id)
            if status is None or request.status == status][:limit]


def requests_open_to(db: Session, *, mentor_id: int) -> list[SessionRequest]:
    """Pending requests the mentor may answer: naming them, or asking anyone who fits when they fit. Urgent first."""
    profile = mentors.find_profile(db, mentor_id)
    if profile is None:
        return []
    query = _request_query().where(SessionRequest.status.in_(PENDING_REQUESTS), or_(
        SessionRequest.preferred_mentor_id == mentor_id, SessionRequest.preferred_mentor_id.is_(None)))
    urgency_order = {Urgency.HIGH: 0, Urgency.NORMAL: 1, Urgency.LOW: 2}
    open_to = [request for request in db.scalars(query) if mentors.fits(profile, request)]
    return sorted(open_to, key=lambda request: (urgency_order[Urgency(request.urgency)], request.created_at))


def _answerable(db: Session, actor: User, request_id: int) -> SessionRequest:
    request = get_request(db, actor=actor, request_id=request_id)
    if request.status not in PENDING_REQUESTS:
        raise Conflict("This request is no longer open.")
    require(actor, "session_request.answer", request)
    if actor.id in {decline.mentor_id for decline in request.declines}:
        raise Conflict("You declined this request.")
    return request


def accept_request(
    db: Session, *, actor: User, request_id: int, starts_at: datetime, now: datetime, mode: str | None = None,
) -> MentorSession:
    """The mentor takes one of their free slots for the request: a confirmed session, with a room if in person."""
    request = _answerable(db, actor, request_id)
    profile = mentors.lock_profile(db, actor.id)
    starts_at = starts_at.astimezone(UTC)
    ends_at = starts_at + timedelta(minutes=request.duration_minutes)
    if not availability.is_free(db, mentor_id=profile.user_id, starts_at=starts_at, ends_at=ends_at):
        raise Conflict("This time is not one of your free slots any more.", field="starts_at")
    session = _schedule(db, actor=actor, request=request, profile=profile, starts_at=starts_at, ends_at=ends_at,
                        mode=_session_mode(profile, request, mode), status=SessionStatus.CONFIRMED, now=now)
    request.status = RequestStatus.SCHEDULED
    request.updated_at = now
    db.flush()
    mail.queue_session_invitation(db, session, now)
    return session


def decline_request(db: Session, *, actor: User, request_id: int, reason: str, now: datetime) -> SessionRequest:
    """The mentor says no, with a reason; a request naming them is declined, one for anyone stays open to others."""
    request = _answerable(db, actor, request_id)
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise Invalid("Tell the start-up why, in at most {length} characters.", field="reason", length=REASON_MAX)
    db.add(SessionDecline(request_id=request.id, mentor_id=actor.id, reason=reason, created_at=now))
    if request.preferred_mentor_id == actor.id:
        request.status = RequestStatus.DECLINED
    request.updated_at = now
    db.flush()
    db.refresh(request, attribute_names=["declines"])
    audit.record(db, actor=actor, action="session_request.decline", obj=request, now=now, summary=reason[:200])
    mail.queue_request_declined(db, request, actor.id, reason, now)
    return request


def propose_times(
    db: Session, *, actor: User, request_id: int, times: list[datetime], now: datetime,
) -> SessionRequest:
    """The mentor offers up to three other times; the start-up picks one (see `pick_time`)."""
    request = _answerable(db, actor, request_id)
    if not 1 <= len(times) <= MAX_PROPOSED_TIMES:
        raise Invalid("Propose one to {count} times.", field="times", count=MAX_PROPOSED_TIMES)
    starts = sorted({moment.astimezone(UTC) for moment in times})
    for starts_at in starts:
        if starts_at < now + MIN_NOTICE:
            raise Invalid("Propose times at least an hour ahead.", field="times")
        _check_not_busy(db, mentor_id=actor.id, organisation_id=None, starts_at=starts_at,
                        ends_at=starts_at + timedelta(minutes=request.duration_minutes))
    request.proposed_times = [moment.isoformat() for moment in starts]
    request.proposed_by = actor.id
    request.status = RequestStatus.PROPOSED
    request.updated_at = now
    db.flush()
    audit.record(db, actor=actor, action="session_request.propose", obj=request, now=now,
                 summary=", ".join(request.proposed_times))
    mail.queue_times_proposed(db, request, now)
    return request


def pick_time(db: Session, *, actor: User, request_id: int, starts_at: datetime, now: datetime) -> MentorSession:
    """The start-up takes one of the times its mentor proposed: a confirmed session."""
    request = get_request(db, actor=actor, request_id=request_id)
    require(actor, "session_request.withdraw", request)  # the start-up's side
    starts_at = starts_at.astimezone(UTC)
    if request.status != RequestStatus.PROPOSED or request.proposed_by is None:
        raise Conflict("No times were proposed for this request.")
    if starts_at.isoformat() not in request.proposed_times:
        raise Invalid("Pick one of the times proposed.", field="starts_at")
    profile = mentors.lock_profile(db, request.proposed_by)
    ends_at = starts_at + timedelta(minutes=request.duration_minutes)
    session = _schedule(db, actor=actor, request=request, profile=profile, starts_at=starts_at, ends_at=ends_at,
                        mode=_session_mode(profile, request, None), status=SessionStatus.CONFIRMED, now=now)
    request.status = RequestStatus.SCHEDULED
    request.updated_at = now
    db.flush()
    mail.queue_session_invitation(db, session, now)
    return session


def withdraw_request(db: Session, *, actor: User, request_id: int, now: datetime) -> SessionRequest:
    """The start-up no longer needs it; sessions proposed for it are cancelled with it."""
    request = get_request(db, actor=actor, request_id=request_id)
    require(actor, "session_request.withdraw", request)
    if request.status == RequestStatus.CANCELLED:
        return request
    if request.status not in PENDING_REQUESTS:
        raise Conflict("This request is no longer open.")
    request.status = RequestStatus.CANCELLED
    request.updated_at = now
    for session in db.scalars(select(MentorSession).where(MentorSession.request_id == request.id,
                                                          MentorSession.status == SessionStatus.PROPOSED)):
        _call_off(db, actor=actor, session=session, reason="The start-up withdrew its request.", now=now)
    db.flush()
    audit.record(db, actor=actor, action="session_request.withdraw", obj=request, now=now, summary=request.topic)
    return request


# -- making a session -----------------------------------------------------------------------------


def propose_session(
    db: Session, *, actor: User, request_id: int, mentor_id: int, starts_at: datetime, now: datetime,
    mode: str | None = None, room_id: int | None = None, matching_run_id: int | None = None,
) -> MentorSession:
    """Staff (or the weekly matching, acting for a manager) put a session to a mentor, who confirms it in one click.

    In person, it takes `room_id` if given, else the smallest free room.
    """
    request = get_request(db, actor=actor, request_id=request_id)
    require(actor, "program.create")
    if request.status != RequestStatus.OPEN:
        raise Conflict("This request is no longer open.")
    profile = mentors.lock_profile(db, mentor_id)
    starts_at = starts_at.astimezone(UTC)
    ends_at = starts_at + timedelta(minutes=request.duration_minutes)
    session = _schedule(db, actor=actor, request=request, profile=profile, starts_at=starts_at, ends_at=ends_at,
                        mode=_session_mode(profile, request, mode), status=SessionStatus.PROPOSED, now=now,
                        room_id=room_id)
    session.matching_run_id = matching_run_id
    request.status = RequestStatus.PROPOSED
    request.updated_at = now
    db.flush()
    mail.queue_session_proposed(db, session, now)
    return session


def _session_mode(profile: MentorProfile, request: SessionRequest, wanted: str | None) -> str:
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


def _schedule(
    db: Session, *, actor: User, request: SessionRequest, profile: MentorProfile, starts_at: datetime,
    ends_at: datetime, mode: str, status: SessionStatus, now: datetime, room_id: int | None = None,
) -> MentorSession:
    _check_mentor_meets(db, profile, starts_at, now)
    _check_capacity(db, profile, starts_at, ends_at)
    _check_not_busy(db, mentor_id=profile.user_id, organisation_id=request.organisation_id, starts_at=starts_at,
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
            raise Conflict("This mentor has no video link for online sessions.", field="mode")
        online_url = profile.online_url
    enrolment = _current_enrolment(db, request.organisation_id)
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
    _check_not_busy(db, mentor_id=mentor_id, organisation_id=organisation_id, starts_at=starts_at, ends_at=ends_at)
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
        raise Invalid("A session starts at least an hour from now.", field="starts_at")
    if not profile.is_active:
        raise Conflict("This mentor is not taking sessions at the moment.")
    if availability.is_away(db, mentor_id=profile.user_id, day=local_time(starts_at, _venue_of(db, profile)).date()):
        raise Conflict("The mentor is away that day.", field="starts_at")


def _insert(db: Session, *, actor: User, session: MentorSession, now: datetime) -> MentorSession:
    try:
        with db.begin_nested():
            db.add(session)
            db.flush()
    except IntegrityError as exc:  # a concurrent session won the time (PostgreSQL's exclusion constraints)
        if getattr(exc.orig, "sqlstate", None) != EXCLUSION_VIOLATION:
            raise
        raise Conflict("This time was just taken by another session.", field="starts_at") from None
    audit.record(db, actor=actor, action="session.create", obj=session, now=now,
                 summary=f"{session.topic} {session.starts_at.isoformat()} ({session.kind}, {session.status})")
    return session


def _venue_of(db: Session, profile: MentorProfile) -> Venue:
    return db.get_one(Venue, profile.venue_id)


def _check_not_busy(
    db: Session, *, mentor_id: int, organisation_id: int | None, starts_at: datetime, ends_at: datetime,
) -> None:
    overlapping = select(MentorSession.id).where(MentorSession.status.in_(BUSY_SESSIONS),
                                                 MentorSession.starts_at < ends_at, MentorSession.ends_at > starts_at)
    if db.scalar(overlapping.where(MentorSession.mentor_id == mentor_id).limit(1)) is not None:
        raise Conflict("The mentor already has a session at that time.", field="starts_at")
    if organisation_id is not None and db.scalar(
            overlapping.where(MentorSession.organisation_id == organisation_id).limit(1)) is not None:
        raise Conflict("The start-up already has a session at that time.", field="starts_at")


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
                       field="starts_at", hours=profile.monthly_capacity_hours)


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
        raise Conflict("This session is not waiting for confirmation.")
    if session.starts_at <= now:
        raise Conflict("This session should have started already.")
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
        raise Conflict("This session can no longer be cancelled.")
    if session.starts_at <= now:
        raise Conflict("This session has started: record its attendance instead.")
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise Invalid("Keep the reason under {length} characters.", field="reason", length=REASON_MAX + 1)
    was_confirmed = session.status == SessionStatus.CONFIRMED
    _call_off(db, actor=actor, session=session, reason=reason, now=now)
    if session.request_id is not None:
        request = db.get_one(SessionRequest, session.request_id)
        by_mentor = actor.id == session.mentor_id
        request.status = RequestStatus.OPEN if by_mentor or is_staff(actor) else RequestStatus.CANCELLED
        request.updated_at = now
    db.flush()
    if was_confirmed:
        mail.queue_session_cancellation(db, session, now)
    return session


def _call_off(db: Session, *, actor: User | None, session: MentorSession, reason: str, now: datetime) -> None:
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = now
    session.cancelled_by = actor.id if actor else None
    session.cancel_reason = reason
    if session.booking_id is not None:
        hosted.release_room(db, actor=actor, booking_id=session.booking_id, now=now)
    db.flush()
    audit.record(db, actor=actor, action="session.cancel", obj=session, now=now, summary=reason[:200] or session.topic)


def record_attendance(
    db: Session, *, actor: User, session_id: int, attendance: Attendance, now: datetime,
) -> MentorSession:
    """After the session, who came: completed, or a no-show in the reliability record of whoever missed it.

    Either side records it once it is over; staff may correct it later.
    """
    session = get_session(db, actor=actor, session_id=session_id)
    require(actor, "session.change", session)
    if session.status in (SessionStatus.CANCELLED, SessionStatus.PROPOSED):
        raise Conflict("This session did not take place: there is no attendance to record.")
    if session.ends_at > now:
        raise Conflict("Record the attendance once the session is over.")
    if session.status in (SessionStatus.COMPLETED, SessionStatus.NO_SHOW) and not is_staff(actor):
        raise Conflict("The attendance of this session is already recorded.")
    missed = {(False, True): NoShow.STARTUP, (True, False): NoShow.MENTOR, (False, False): NoShow.BOTH}
    no_show = missed.get((attendance.startup_came, attendance.mentor_came))
    session.status = SessionStatus.NO_SHOW if no_show else SessionStatus.COMPLETED
    session.no_show = no_show
    db.flush()
    reliability.record_session_no_show(db, session, now)
    audit.record(db, actor=actor, action="session.attendance", obj=session, now=now,
                 summary=f"{session.status}{f' ({no_show})' if no_show else ''}")
    return session


def give_feedback(
    db: Session, *, actor: User, session_id: int, rating: int, notes: str, now: datetime, private: bool | None = None,
) -> SessionFeedback:
    """One side's rating and notes once the session is over; giving it again replaces it.

    A mentor's notes are private to managers when they say so (by default as their profile says).
    """
    session = get_session(db, actor=actor, session_id=session_id)
    if actor.id == session.mentor_id:
        side = Side.MENTOR
    elif session.organisation_id in member_organisation_ids(load_memberships(db, actor)):
        side = Side.STARTUP
    else:
        raise Forbidden("Only the mentor and the start-up give feedback on a session.")
    if session.status in (SessionStatus.CANCELLED, SessionStatus.PROPOSED) or session.ends_at > now:
        raise Conflict("Feedback opens once the session has taken place.")
    if not 1 <= rating <= 5:
        raise Invalid("Rate the session from 1 to 5.", field="rating")
    if len(notes) > NOTES_MAX:
        raise Invalid("Keep the notes under {length} characters.", field="notes", length=NOTES_MAX + 1)
    if side == Side.STARTUP:
        private = False
    elif private is None:
        private = session.mentor.notes_private
    feedback = next((f for f in session.feedback if f.side == side), None)
    if feedback is None:
        feedback = SessionFeedback(session_id=session.id, side=side, created_at=now)
        db.add(feedback)
    feedback.author_id, feedback.rating, feedback.notes, feedback.private = actor.id, rating, notes.strip(), private
    feedback.created_at = now
    db.flush()
    audit.record(db, actor=actor, action="session.feedback", obj=session, now=now, summary=f"{side}: {rating}/5")
    return feedback


def feedback_for(actor: User, session: MentorSession) -> list[FeedbackView]:
    """The session's feedback as the actor may read it: private notes only for staff and their author's side."""
    views = []
    for feedback in session.feedback:
        readable = (not feedback.private or can(actor, "feedback.read_private")
                    or (feedback.side == Side.MENTOR and actor.id == session.mentor_id))
        views.append(FeedbackView(feedback.side, feedback.rating, feedback.notes if readable else None,
                                  feedback.private, feedback.created_at))
    return views


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
