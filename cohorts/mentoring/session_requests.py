"""Session requests: a start-up asks for a mentor's time; the mentor accepts a free slot, declines or proposes
other times; the start-up picks one or withdraws. An accepted request becomes a session through
`cohorts.mentoring.sessions`, so every rule of a session holds. Services flush, never commit.
"""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from cohorts.mentoring import availability, mail, mentors
from cohorts.mentoring.enums import PENDING_REQUESTS, MentorMode, RequestStatus, SessionStatus, Urgency
from cohorts.mentoring.models import MentorProfile, MentorSession, SessionDecline, SessionRequest
from cohorts.mentoring.sessions import (
    MIN_NOTICE,
    REASON_MAX,
    SESSION_TAKEN,
    TOO_SHORT_NOTICE,
    call_off,
    check_not_busy,
    current_enrolment,
    schedule_session,
    session_mode,
)
from cohorts.programs import permissions as _program_permissions  # noqa: F401  (registers "program.*")
from cohorts.programs.models import Track
from totem import audit
from totem.errors import VALUE_OUT_OF_RANGE, Conflict, Invalid, NotFound, error_code
from totem.i18n import N_, said
from totem.identity.enums import Role
from totem.identity.models import User
from totem.identity.service import load_memberships
from totem.permissions import can, is_staff, member_organisation_ids, require


TOPIC_MAX = 200
DETAILS_MAX = 5000
DURATIONS = range(15, 241, 15)
MAX_PROPOSED_TIMES = 3

REQUEST_NOT_OPEN = error_code(
    "request_not_open", "The session request is no longer open: answered, withdrawn, or declined by this mentor.")
NO_PROPOSED_TIMES = error_code("no_proposed_times", "The mentor has proposed no times to pick from.")


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
        raise Invalid("Keep the details under {length} characters.", field="details", code=VALUE_OUT_OF_RANGE,
                      length=DETAILS_MAX + 1)
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
    enrolment = current_enrolment(db, organisation_id)
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
        raise Conflict("This request is no longer open.", code=REQUEST_NOT_OPEN)
    require(actor, "session_request.answer", request)
    if actor.id in {decline.mentor_id for decline in request.declines}:
        raise Conflict("You declined this request.", code=REQUEST_NOT_OPEN)
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
        raise Conflict("This time is not one of your free slots any more.", field="starts_at", code=SESSION_TAKEN)
    return _confirm(db, actor=actor, request=request, profile=profile, starts_at=starts_at, ends_at=ends_at,
                    mode=session_mode(profile, request, mode), now=now)


def _confirm(db: Session, *, actor: User, request: SessionRequest, profile: MentorProfile, starts_at: datetime,
             ends_at: datetime, mode: str, now: datetime) -> MentorSession:
    """The request's session, confirmed: the request is scheduled and both sides get the invitation."""
    session = schedule_session(db, actor=actor, request=request, profile=profile, starts_at=starts_at, ends_at=ends_at,
                               mode=mode, status=SessionStatus.CONFIRMED, now=now)
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
        raise Invalid("Tell the start-up why, in at most {length} characters.", field="reason", code=VALUE_OUT_OF_RANGE,
                      length=REASON_MAX)
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
            raise Invalid("Propose times at least an hour ahead.", field="times", code=TOO_SHORT_NOTICE)
        check_not_busy(db, mentor_id=actor.id, organisation_id=None, starts_at=starts_at,
                       ends_at=starts_at + timedelta(minutes=request.duration_minutes))
    request.proposed_times = [moment.isoformat() for moment in starts]
    request.proposed_by = actor.id
    request.status = RequestStatus.PROPOSED
    request.updated_at = now
    db.flush()
    audit.record(db, actor=actor, action="session_request.propose", obj=request, now=now,
                 summary=said(N_("times proposed: {times}"), times=list(starts)))
    mail.queue_times_proposed(db, request, now)
    return request


def pick_time(db: Session, *, actor: User, request_id: int, starts_at: datetime, now: datetime) -> MentorSession:
    """The start-up takes one of the times its mentor proposed: a confirmed session."""
    request = get_request(db, actor=actor, request_id=request_id)
    require(actor, "session_request.withdraw", request)  # the start-up's side
    starts_at = starts_at.astimezone(UTC)
    if request.status != RequestStatus.PROPOSED or request.proposed_by is None:
        raise Conflict("No times were proposed for this request.", code=NO_PROPOSED_TIMES)
    if starts_at.isoformat() not in request.proposed_times:
        raise Invalid("Pick one of the times proposed.", field="starts_at")
    profile = mentors.lock_profile(db, request.proposed_by)
    ends_at = starts_at + timedelta(minutes=request.duration_minutes)
    return _confirm(db, actor=actor, request=request, profile=profile, starts_at=starts_at, ends_at=ends_at,
                    mode=session_mode(profile, request, None), now=now)


def withdraw_request(db: Session, *, actor: User, request_id: int, now: datetime) -> SessionRequest:
    """The start-up no longer needs it; sessions proposed for it are cancelled with it."""
    request = get_request(db, actor=actor, request_id=request_id)
    require(actor, "session_request.withdraw", request)
    if request.status == RequestStatus.CANCELLED:
        return request
    if request.status not in PENDING_REQUESTS:
        raise Conflict("This request is no longer open.", code=REQUEST_NOT_OPEN)
    request.status = RequestStatus.CANCELLED
    request.updated_at = now
    for session in db.scalars(select(MentorSession).where(MentorSession.request_id == request.id,
                                                          MentorSession.status == SessionStatus.PROPOSED)):
        call_off(db, actor=actor, session=session, reason="The start-up withdrew its request.", now=now)
    db.flush()
    audit.record(db, actor=actor, action="session_request.withdraw", obj=request, now=now, summary=request.topic)
    return request


# -- proposing a session for a request -------------------------------------------------------------


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
        raise Conflict("This request is no longer open.", code=REQUEST_NOT_OPEN)
    profile = mentors.lock_profile(db, mentor_id)
    starts_at = starts_at.astimezone(UTC)
    ends_at = starts_at + timedelta(minutes=request.duration_minutes)
    session = schedule_session(db, actor=actor, request=request, profile=profile, starts_at=starts_at, ends_at=ends_at,
                        mode=session_mode(profile, request, mode), status=SessionStatus.PROPOSED, now=now,
                               room_id=room_id)
    session.matching_run_id = matching_run_id
    request.status = RequestStatus.PROPOSED
    request.updated_at = now
    db.flush()
    mail.queue_session_proposed(db, session, now)
    return session
