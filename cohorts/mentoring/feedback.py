"""After a session: who came (a no-show goes to the reliability record of whoever missed it) and each side's
rating and notes, private notes read only by staff and their author's side. Services flush, never commit.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from cohorts.mentoring import reliability
from cohorts.mentoring.enums import NoShow, SessionStatus, Side
from cohorts.mentoring.models import MentorSession, SessionFeedback
from cohorts.mentoring.sessions import SESSION_STATE, get_session
from totem import audit
from totem.errors import VALUE_OUT_OF_RANGE, Conflict, Forbidden, Invalid
from totem.i18n import N_, said
from totem.identity.models import User
from totem.identity.service import load_memberships
from totem.permissions import can, is_staff, member_organisation_ids, require


NOTES_MAX = 5000
# The audit log's words (the same as the pages', in forms.py).
NO_SHOW_WORDS = {NoShow.STARTUP: N_("The start-up did not come."), NoShow.MENTOR: N_("The mentor did not come."),
                 NoShow.BOTH: N_("Neither side came.")}
SIDE_WORDS = {Side.STARTUP: N_("Start-up"), Side.MENTOR: N_("Mentor")}


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


def record_attendance(
    db: Session, *, actor: User, session_id: int, attendance: Attendance, now: datetime,
) -> MentorSession:
    """After the session, who came: completed, or a no-show in the reliability record of whoever missed it.

    Either side records it once it is over; staff may correct it later.
    """
    session = get_session(db, actor=actor, session_id=session_id)
    require(actor, "session.change", session)
    if session.status in (SessionStatus.CANCELLED, SessionStatus.PROPOSED):
        raise Conflict("This session did not take place: there is no attendance to record.", code=SESSION_STATE)
    if session.ends_at > now:
        raise Conflict("Record the attendance once the session is over.", code=SESSION_STATE)
    if session.status in (SessionStatus.COMPLETED, SessionStatus.NO_SHOW) and not is_staff(actor):
        raise Conflict("The attendance of this session is already recorded.", code=SESSION_STATE)
    missed = {(False, True): NoShow.STARTUP, (True, False): NoShow.MENTOR, (False, False): NoShow.BOTH}
    no_show = missed.get((attendance.startup_came, attendance.mentor_came))
    session.status = SessionStatus.NO_SHOW if no_show else SessionStatus.COMPLETED
    session.no_show = no_show
    db.flush()
    reliability.record_session_no_show(db, session, now)
    audit.record(db, actor=actor, action="session.attendance", obj=session, now=now,
                 summary=said(N_("no-show: {who}"), who=[NO_SHOW_WORDS[no_show]]) if no_show else said(N_("held")))
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
        raise Conflict("Feedback opens once the session has taken place.", code=SESSION_STATE)
    if not 1 <= rating <= 5:
        raise Invalid("Rate the session from 1 to 5.", field="rating")
    if len(notes) > NOTES_MAX:
        raise Invalid("Keep the notes under {length} characters.", field="notes", code=VALUE_OUT_OF_RANGE,
                      length=NOTES_MAX + 1)
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
    audit.record(db, actor=actor, action="session.feedback", obj=session, now=now, summary=said(N_("{side}: {rating}/5"), side=[SIDE_WORDS[Side(side)]], rating=rating))
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
