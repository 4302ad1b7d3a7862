"""The rows `cohorts` holds about a person: for their personal data download (`totem.personal_data`) and their
erasure (`totem.erasure`)."""
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from cohorts.mentoring.enums import BUSY_SESSIONS, SessionStatus
from cohorts.mentoring.models import (
    AvailabilityException,
    MentorProfile,
    MentorSession,
    OfficeHours,
    OfficeHoursSlot,
    ReliabilityEntry,
    SessionDecline,
    SessionFeedback,
    SessionRequest,
)
from cohorts.programs.models import ProgramManager
from cohorts.startups.models import Application, ApplicationReview, KpiReport, MilestoneProgress
from spaces.booking.hosted import release_room
from totem import erasure
from totem.identity.models import User
from totem.personal_data import register

register("applications", Application, lambda user: Application.founder_email == user.email.lower())
register("application_reviews", ApplicationReview, lambda user: ApplicationReview.reviewer_id == user.id)
register("mentor_profile", MentorProfile, lambda user: MentorProfile.user_id == user.id)
register("office_hours", OfficeHours, lambda user: OfficeHours.mentor_id == user.id)
register("days_away", AvailabilityException, lambda user: AvailabilityException.mentor_id == user.id)
register("session_requests", SessionRequest, lambda user: SessionRequest.requested_by == user.id)
register("mentor_sessions", MentorSession,
         lambda user: or_(MentorSession.mentor_id == user.id, MentorSession.attendee_id == user.id))
register("session_feedback", SessionFeedback, lambda user: SessionFeedback.author_id == user.id)
register("reliability_record", ReliabilityEntry, lambda user: ReliabilityEntry.user_id == user.id)
register("kpi_reports", KpiReport, lambda user: KpiReport.submitted_by == user.id)
register("milestone_progress", MilestoneProgress, lambda user: MilestoneProgress.updated_by == user.id)


def erase_cohorts_data(db: Session, user: User, now: datetime, actor: User) -> None:
    """Blank what the person wrote and their mentor profile; keep sessions, KPIs and progress for the reports."""
    erasure.forget_in_mail(db, _texts_written_by(db, user))
    db.execute(update(Application).where(Application.founder_email == user.email.lower()).values(
        founder_name=erasure.erased_name(user.id), founder_email=erasure.erased_email(user.id),
        pitch="", answers={}))
    db.execute(update(ApplicationReview).where(ApplicationReview.reviewer_id == user.id).values(comment=""))
    db.execute(update(SessionRequest).where(SessionRequest.requested_by == user.id).values(details=""))
    db.execute(update(SessionFeedback).where(SessionFeedback.author_id == user.id).values(notes=""))
    db.execute(update(KpiReport).where(KpiReport.submitted_by == user.id).values(notes=""))
    db.execute(update(MilestoneProgress).where(MilestoneProgress.updated_by == user.id).values(note=""))
    db.execute(update(MentorSession).where(MentorSession.cancelled_by == user.id).values(cancel_reason=""))
    db.execute(delete(ProgramManager).where(ProgramManager.user_id == user.id))
    _erase_mentoring(db, user, now, actor)


def _texts_written_by(db: Session, user: User) -> list[str]:
    """The free texts the person wrote that mail may have quoted to others."""
    texts = [*db.scalars(select(SessionRequest.details).where(SessionRequest.requested_by == user.id)),
             *db.scalars(select(SessionFeedback.notes).where(SessionFeedback.author_id == user.id)),
             *db.scalars(select(KpiReport.notes).where(KpiReport.submitted_by == user.id)),
             *db.scalars(select(MilestoneProgress.note).where(MilestoneProgress.updated_by == user.id)),
             *db.scalars(select(SessionDecline.reason).where(SessionDecline.mentor_id == user.id)),
             *db.scalars(select(MentorSession.cancel_reason).where(MentorSession.cancelled_by == user.id))]
    for pitch, answers in db.execute(select(Application.pitch, Application.answers)
                                     .where(Application.founder_email == user.email.lower())):
        texts += [pitch, *(str(answer) for answer in (answers or {}).values())]
    return texts


def _erase_mentoring(db: Session, user: User, now: datetime, actor: User) -> None:
    """An erased mentor meets nobody any more: their upcoming sessions and rooms are called off."""
    upcoming = (MentorSession.mentor_id == user.id, MentorSession.status.in_(BUSY_SESSIONS),
                MentorSession.starts_at > now)
    rooms = db.scalars(select(MentorSession.booking_id).where(*upcoming, MentorSession.booking_id.is_not(None))).all()
    db.execute(update(MentorSession).where(*upcoming).values(status=SessionStatus.CANCELLED, cancelled_at=now))
    for booking_id in rooms:  # as any called-off session's room: given back to whoever waits for it
        release_room(db, actor=actor, booking_id=booking_id, now=now)
    db.execute(update(MentorSession).where(MentorSession.mentor_id == user.id).values(online_url=""))
    db.execute(update(MentorProfile).where(MentorProfile.user_id == user.id).values(
        bio="", company="", online_url="", is_active=False, updated_at=now))
    db.execute(delete(OfficeHoursSlot).where(OfficeHoursSlot.mentor_id == user.id))
    db.execute(delete(OfficeHours).where(OfficeHours.mentor_id == user.id))
    db.execute(delete(AvailabilityException).where(AvailabilityException.mentor_id == user.id))
    db.execute(update(SessionDecline).where(SessionDecline.mentor_id == user.id).values(reason=""))


erasure.register(erase_cohorts_data, identity_columns=[Application.founder_name])
