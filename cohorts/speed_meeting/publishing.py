"""Publishing a speed-meeting day: every meeting becomes a confirmed mentor session of kind `speed_meeting`
with its room booked, both sides are invited, and the plan becomes read-only. Services flush, never commit.
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.mentoring import sessions
from cohorts.mentoring import mail as mentor_mail
from cohorts.mentoring.enums import BUSY_SESSIONS
from cohorts.mentoring.models import MentorSession
from cohorts.programs.models import Enrolment
from cohorts.speed_meeting.models import SpeedMeeting, SpeedMeetingPlan
from cohorts.speed_meeting.plans import Plan, editable_plan, load
from cohorts.startups import queries as startup_queries
from spaces.venues.rules import local_time
from totem import audit
from totem.errors import Conflict, error_code
from totem.i18n import said_n
from totem.identity.models import User


SPEED_MEETING = "speed_meeting"  # the kind of the sessions a plan publishes
TOPIC = "Speed meeting · {cohort}"

TIMETABLE_NOT_BUILT = error_code("timetable_not_built", "The speed-meeting timetable has no meetings yet: build it first.")


# -- publishing -----------------------------------------------------------------------------------


def publish(db: Session, *, actor: User, cohort_id: int, now: datetime) -> SpeedMeetingPlan:
    """Every meeting becomes a confirmed session with its room booked, both sides get the invitation with its
    .ics, and the plan becomes read-only. All or nothing: the first meeting that cannot be made stops it all."""
    cohort, plan = editable_plan(db, actor, cohort_id)
    details = load(db, cohort)
    if not details.meetings:
        raise Conflict("Build the timetable before publishing it.", code=TIMETABLE_NOT_BUILT)
    attendees = _attendees(db, list(details.startups))
    tracks = dict(db.execute(select(Enrolment.organisation_id, Enrolment.track_id).where(
        Enrolment.cohort_id == cohort.id)).tuples().all())
    made = []
    for meeting in details.meetings:
        _check_free_to_publish(db, details, meeting)
        session = sessions.add_planned_session(
            db, actor=actor, mentor_id=meeting.mentor_id, organisation_id=meeting.organisation_id,
            attendee_id=attendees.get(meeting.organisation_id), topic=TOPIC.format(cohort=cohort.name),
            starts_at=meeting.starts_at, ends_at=meeting.ends_at, room_id=meeting.room_id, kind=SPEED_MEETING,
            now=now, cohort_id=cohort.id, track_id=tracks.get(meeting.organisation_id))
        meeting.session_id = session.id
        made.append(session)
    plan.status, plan.published_at, plan.updated_at = "published", now, now
    db.flush()
    for session in made:
        mentor_mail.queue_session_invitation(db, session, now)
    audit.record(db, actor=actor, action="speed_meeting.publish", obj=plan, now=now,
                 summary=said_n("{n} session", "{n} sessions", len(made)))
    return plan


def _attendees(db: Session, organisation_ids: list[int]) -> dict[int, int]:
    """Who comes for each start-up: its first active member by name."""
    attendees = {}
    for organisation_id in organisation_ids:
        members = [user for user in startup_queries.list_members(db, organisation_id) if user.is_active]
        if members:
            attendees[organisation_id] = members[0].id
    return attendees


def _check_free_to_publish(db: Session, details: Plan, meeting: SpeedMeeting) -> None:
    """Say in words who is taken when a session booked since the solve clashes with a meeting."""
    overlapping = select(MentorSession.id).where(MentorSession.status.in_(BUSY_SESSIONS),
                                                 MentorSession.starts_at < meeting.ends_at,
                                                 MentorSession.ends_at > meeting.starts_at).limit(1)
    local = local_time(meeting.starts_at, details.venue)
    names = {"startup": details.startups.get(meeting.organisation_id, ""),
             "mentor": details.mentors.get(meeting.mentor_id, ""), "day": local.date().isoformat(),
             "start": f"{local:%H:%M}"}
    if db.scalar(overlapping.where(MentorSession.mentor_id == meeting.mentor_id)) is not None:
        raise Conflict("{mentor} already has a session on {day} at {start}: remove the meeting with {startup} or "
                       "solve again.", code=sessions.SESSION_TAKEN, **names)
    if db.scalar(overlapping.where(MentorSession.organisation_id == meeting.organisation_id)) is not None:
        raise Conflict("{startup} already has a session on {day} at {start}: remove the meeting with {mentor} or "
                       "solve again.", code=sessions.STARTUP_BUSY, **names)
