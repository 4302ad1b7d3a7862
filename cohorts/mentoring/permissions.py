"""Who may see and change mentors' profiles, availability, session requests and sessions.

Staff see everything. A mentor manages their own profile and availability and
sees their own sessions and the requests addressed to them or to anyone who
fits. A member sees their own start-ups' requests and sessions. The objects'
owners must be loaded; rules read `member_organisation_ids`, so callers load
the user's memberships first.
"""
from typing import Any

from cohorts.mentoring.enums import PENDING_REQUESTS
from cohorts.mentoring.models import MentorProfile, MentorSession, SessionRequest
from totem.identity.enums import Role
from totem.identity.models import User
from totem.permissions import is_staff, member_organisation_ids, rule


@rule("mentor.edit")
def _edit_mentor(user: User, profile: MentorProfile) -> bool:
    """Their profile, office hours and exceptions: the mentor themself, and staff."""
    return is_staff(user) or (profile is not None and profile.user_id == user.id)


@rule("session_request.create")
def _create_request(user: User, organisation_id: int) -> bool:
    """Members ask for their own start-ups; staff on behalf of any."""
    return is_staff(user) or organisation_id in member_organisation_ids(user)


@rule("session_request.read")
def _read_request(user: User, request: SessionRequest) -> bool:
    """Staff and the start-up's members; mentors read those open to them (`session_requests` decides which)."""
    return request is not None and (is_staff(user) or request.organisation_id in member_organisation_ids(user))


@rule("session_request.answer")
def _answer_request(user: User, request: SessionRequest) -> bool:
    """Accept, decline or propose times: a mentor, while it is pending (`session_requests` checks it fits them)."""
    return request is not None and request.status in PENDING_REQUESTS and user.has_role(Role.MENTOR)


@rule("session_request.withdraw")
def _withdraw_request(user: User, request: SessionRequest) -> bool:
    return request is not None and (is_staff(user) or request.organisation_id in member_organisation_ids(user))


@rule("session.read")
def _read_session(user: User, session: MentorSession) -> bool:
    if session is None:
        return False
    return is_staff(user) or session.mentor_id == user.id or session.organisation_id in member_organisation_ids(user)


@rule("session.confirm")
def _confirm_session(user: User, session: MentorSession) -> bool:
    """A proposed session (by matching) is confirmed by its mentor, or by staff."""
    return session is not None and (is_staff(user) or session.mentor_id == user.id)


# Cancelling, recording attendance and giving feedback: the two sides and staff.
rule("session.change")(_read_session)


@rule("feedback.read_private")
def _read_private_feedback(user: User, _obj: Any) -> bool:
    return is_staff(user)


@rule("reliability.read")
def _read_reliability(user: User, _obj: Any) -> bool:
    return is_staff(user)
