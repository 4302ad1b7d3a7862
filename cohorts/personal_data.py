"""The rows `cohorts` holds about a person, for their personal data download (`totem.personal_data`)."""
from sqlalchemy import or_

from cohorts.models import (
    Application,
    ApplicationReview,
    AvailabilityException,
    KpiReport,
    MentorProfile,
    MentorSession,
    MilestoneProgress,
    OfficeHours,
    ReliabilityEntry,
    SessionFeedback,
    SessionRequest,
)
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
