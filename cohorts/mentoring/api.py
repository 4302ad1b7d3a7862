"""Mentors, expertise tags, session requests and sessions in the JSON API: thin routes over `cohorts.mentoring.mentors`,
`cohorts.mentoring.session_requests`, `cohorts.mentoring.sessions` and `cohorts.mentoring.feedback`."""
from datetime import timedelta

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from cohorts.mentoring import availability_api, mentors, reliability_api, session_requests, sessions
from cohorts.mentoring import feedback as session_feedback
from cohorts.mentoring.enums import RequestStatus, SessionStatus
from cohorts.mentoring.models import MentorSession
from cohorts.mentoring.schemas import (
    AcceptIn,
    AttendanceIn,
    CancelIn,
    DeclineIn,
    FeedbackIn,
    FeedbackOut,
    MentorCreate,
    MentorHoursOut,
    MentorIn,
    MentorOut,
    PickIn,
    ProposeIn,
    RequestIn,
    RequestOut,
    SessionDetailOut,
    SessionOut,
    SessionProposalIn,
    TagIn,
    TagOut,
)
from totem import clock
from totem.api.deps import api_user
from totem.api.schemas import Instant
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter()
router.include_router(availability_api.router)
router.include_router(reliability_api.router)
READ = {404: {"description": "No such object, or not yours"}}
CHANGE = {**READ, 403: {"description": "Not allowed"}, 409: {"description": "Clashes with the current state"},
          422: {"description": "Bad input"}}


# -- mentors --------------------------------------------------------------------------------------


@router.get("/mentors", response_model=list[MentorOut], tags=["mentors"])
def list_mentors(
    track: str | None = Query(None, description="A track's id or name"),
    expertise: str | None = Query(None, description="An expertise tag's name"),
    language: str | None = Query(None, description="An ISO 639-1 code"),
    q: str | None = Query(None, description="Words in the name, company or bio"),
    user: User = Depends(api_user), db: Session = Depends(get_db),
):
    """The mentor directory: active mentors matching every filter given."""
    by_id = track is not None and track.isdigit()
    criteria = mentors.MentorFilter(track_id=int(track) if by_id else None, track=None if by_id else track,
                                    expertise=expertise, language=language, text=q)
    return [MentorOut.of(profile) for profile in mentors.search_mentors(db, criteria)]


@router.post("/mentors", status_code=201, response_model=MentorOut, tags=["mentors"], responses=CHANGE)
def create_mentor(body: MentorCreate, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers: make a person a mentor with this profile."""
    profile = mentors.create_profile(db, actor=user, user_id=body.user_id, data=body.data(), now=clock.now())
    db.commit()
    return MentorOut.of(mentors.get_mentor(db, actor=user, mentor_id=profile.user_id))


@router.get("/mentors/{mentor_id}", response_model=MentorOut, tags=["mentors"], responses=READ)
def get_mentor(mentor_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return MentorOut.of(mentors.get_mentor(db, actor=user, mentor_id=mentor_id))


@router.put("/mentors/{mentor_id}", response_model=MentorOut, tags=["mentors"], responses=CHANGE)
def update_mentor(mentor_id: int, body: MentorIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The mentor's own profile, or any for managers."""
    mentors.update_profile(db, actor=user, mentor_id=mentor_id, data=body.data(), now=clock.now())
    db.commit()
    return MentorOut.of(mentors.get_mentor(db, actor=user, mentor_id=mentor_id))


@router.get("/expertise-tags", response_model=list[TagOut], tags=["mentors"])
def list_tags(user: User = Depends(api_user), db: Session = Depends(get_db)):
    return [TagOut.of(tag) for tag in mentors.list_tags(db)]


@router.post("/expertise-tags", status_code=201, response_model=TagOut, tags=["mentors"], responses=CHANGE)
def create_tag(body: TagIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers: a new expertise tag and the tracks it serves."""
    tag = mentors.add_tag(db, actor=user, name=body.name, track_ids=body.track_ids, now=clock.now())
    db.commit()
    return TagOut.of(next(t for t in mentors.list_tags(db) if t.id == tag.id))


# -- session requests -----------------------------------------------------------------------------


@router.post("/session-requests", status_code=201, response_model=RequestOut, tags=["sessions"], responses=CHANGE)
def create_request(body: RequestIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Members: ask for a session, with a mentor or with anyone who fits."""
    request = session_requests.create_request(db, actor=user, data=body.data(), now=clock.now())
    db.commit()
    return RequestOut.of(session_requests.get_request(db, actor=user, request_id=request.id))


@router.get("/session-requests", response_model=list[RequestOut], tags=["sessions"])
def list_requests(
    status: RequestStatus | None = None, startup_id: int | None = None,
    user: User = Depends(api_user), db: Session = Depends(get_db),
):
    """Managers: all; members: their start-ups'; mentors: the pending ones open to them."""
    return [RequestOut.of(r) for r in session_requests.list_requests(db, actor=user, status=status,
                                                              organisation_id=startup_id)]


@router.get("/session-requests/{request_id}", response_model=RequestOut, tags=["sessions"], responses=READ)
def get_request(request_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return RequestOut.of(session_requests.get_request(db, actor=user, request_id=request_id))


@router.post("/session-requests/{request_id}/accept", status_code=201, response_model=SessionOut, tags=["sessions"],
             responses=CHANGE)
def accept_request(request_id: int, body: AcceptIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Mentors: take the request at one of your free slots; in person, a meeting room is booked with it."""
    session = session_requests.accept_request(db, actor=user, request_id=request_id, starts_at=body.starts_at,
                                              mode=body.mode, now=clock.now())
    db.commit()
    return _session_out(db, user, session)


@router.post("/session-requests/{request_id}/decline", response_model=RequestOut, tags=["sessions"],
             responses=CHANGE)
def decline_request(request_id: int, body: DeclineIn, user: User = Depends(api_user),
                    db: Session = Depends(get_db)):
    session_requests.decline_request(db, actor=user, request_id=request_id, reason=body.reason, now=clock.now())
    db.commit()
    return RequestOut.of(session_requests.get_request(db, actor=user, request_id=request_id))


@router.post("/session-requests/{request_id}/propose", response_model=RequestOut, tags=["sessions"],
             responses=CHANGE)
def propose_times(request_id: int, body: ProposeIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Mentors: offer one to three other times; the start-up picks one."""
    session_requests.propose_times(db, actor=user, request_id=request_id, times=body.times, now=clock.now())
    db.commit()
    return RequestOut.of(session_requests.get_request(db, actor=user, request_id=request_id))


@router.post("/session-requests/{request_id}/pick", status_code=201, response_model=SessionOut, tags=["sessions"],
             responses=CHANGE)
def pick_time(request_id: int, body: PickIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Members: take one of the times the mentor proposed."""
    session = session_requests.pick_time(db, actor=user, request_id=request_id, starts_at=body.starts_at,
                                         now=clock.now())
    db.commit()
    return _session_out(db, user, session)


@router.post("/session-requests/{request_id}/withdraw", response_model=RequestOut, tags=["sessions"],
             responses=CHANGE)
def withdraw_request(request_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    session_requests.withdraw_request(db, actor=user, request_id=request_id, now=clock.now())
    db.commit()
    return RequestOut.of(session_requests.get_request(db, actor=user, request_id=request_id))


# -- sessions -------------------------------------------------------------------------------------


def _session_out(db: Session, user: User, session: MentorSession) -> SessionOut:
    return SessionOut.of(sessions.get_session(db, actor=user, session_id=session.id))


@router.get("/sessions", response_model=list[SessionOut], tags=["sessions"])
def list_sessions(
    mine: bool = False, status: SessionStatus | None = None, mentor_id: int | None = None,
    starts_after: Instant | None = None, starts_before: Instant | None = None,
    user: User = Depends(api_user), db: Session = Depends(get_db),
):
    """By start. With `mine`, yours (as mentor, or your start-ups'); managers see all without it."""
    return [SessionOut.of(s) for s in sessions.list_sessions(
        db, actor=user, mine=mine, status=status, mentor_id=mentor_id, starts_after=starts_after,
        starts_before=starts_before)]


@router.post("/sessions", status_code=201, response_model=SessionOut, tags=["sessions"], responses=CHANGE)
def propose_session(body: SessionProposalIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers: put a session for an open request to a mentor, who confirms it."""
    session = session_requests.propose_session(db, actor=user, request_id=body.request_id, mentor_id=body.mentor_id,
                                               starts_at=body.starts_at, mode=body.mode, now=clock.now())
    db.commit()
    return _session_out(db, user, session)


@router.get("/sessions/{session_id}", response_model=SessionDetailOut, tags=["sessions"], responses=READ)
def get_session(session_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    session = sessions.get_session(db, actor=user, session_id=session_id)
    feedback = [FeedbackOut(side=f.side, rating=f.rating, notes=f.notes, private=f.private, at=f.created_at)
                for f in session_feedback.feedback_for(user, session)]
    return SessionDetailOut(**SessionOut.of(session).model_dump(), feedback=feedback)


@router.post("/sessions/{session_id}/confirm", response_model=SessionOut, tags=["sessions"], responses=CHANGE)
def confirm_session(session_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    sessions.confirm_session(db, actor=user, session_id=session_id, now=clock.now())
    db.commit()
    return SessionOut.of(sessions.get_session(db, actor=user, session_id=session_id))


@router.post("/sessions/{session_id}/cancel", response_model=SessionOut, tags=["sessions"], responses=CHANGE)
def cancel_session(session_id: int, body: CancelIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Either side, before it starts; its room is given back."""
    sessions.cancel_session(db, actor=user, session_id=session_id, reason=body.reason, now=clock.now())
    db.commit()
    return SessionOut.of(sessions.get_session(db, actor=user, session_id=session_id))


@router.post("/sessions/{session_id}/attendance", response_model=SessionOut, tags=["sessions"], responses=CHANGE)
def record_attendance(session_id: int, body: AttendanceIn, user: User = Depends(api_user),
                      db: Session = Depends(get_db)):
    attendance = session_feedback.Attendance(startup_came=body.startup_came, mentor_came=body.mentor_came)
    session_feedback.record_attendance(db, actor=user, session_id=session_id, attendance=attendance, now=clock.now())
    db.commit()
    return SessionOut.of(sessions.get_session(db, actor=user, session_id=session_id))


@router.post("/sessions/{session_id}/feedback", status_code=201, response_model=FeedbackOut, tags=["sessions"],
             responses=CHANGE)
def give_feedback(session_id: int, body: FeedbackIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    feedback = session_feedback.give_feedback(db, actor=user, session_id=session_id, rating=body.rating,
                                              notes=body.notes,
                                              private=body.private, now=clock.now())
    db.commit()
    return FeedbackOut(side=feedback.side, rating=feedback.rating, notes=feedback.notes, private=feedback.private,
                       at=feedback.created_at)


@router.get("/mentoring/hours", response_model=list[MentorHoursOut], tags=["sessions"], responses=CHANGE)
def mentor_hours(
    starts_after: Instant | None = Query(None, alias="from"), starts_before: Instant | None = Query(None, alias="to"),
    user: User = Depends(api_user), db: Session = Depends(get_db),
):
    """Managers: sessions held and hours per track, cohort and mentor (default: the last 90 days)."""
    now = clock.now()
    rows = sessions.mentor_hours(db, actor=user, starts_after=starts_after or now - timedelta(days=90),
                                 starts_before=starts_before or now)
    return [MentorHoursOut(track_id=r.track_id, cohort_id=r.cohort_id, mentor_id=r.mentor_id, sessions=r.sessions,
                           hours=round(r.minutes / 60, 2)) for r in rows]
