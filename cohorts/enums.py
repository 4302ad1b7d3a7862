"""Phases of a cohort, states of applications, enrolments and milestones, and start-up stages."""
from enum import StrEnum


class Phase(StrEnum):
    """A cohort's life, in order: each phase starts on its date (see `cohorts.phases`)."""

    DRAFT = "draft"
    APPLICATIONS_OPEN = "applications_open"
    SELECTION = "selection"
    RUNNING = "running"
    DEMO_DAY = "demo_day"
    ALUMNI = "alumni"


PHASE_ORDER = tuple(Phase)


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"  # at least one reviewer scored it
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"


# An application in these states awaits a decision (a waitlisted one may still be accepted).
UNDECIDED = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)
OPEN_TO_DECISION = (*UNDECIDED, ApplicationStatus.WAITLISTED)


class Decision(StrEnum):
    ACCEPT = "accept"
    WAITLIST = "waitlist"
    REJECT = "reject"


class EnrolmentStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"  # the cohort became alumni: space rights are gone


class MilestoneStatus(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Stage(StrEnum):
    IDEA = "idea"
    PROTOTYPE = "prototype"
    FIRST_CUSTOMERS = "first_customers"
    SEED = "seed"
    SERIES_A = "series_a"
    GROWTH = "growth"


class Criterion(StrEnum):
    """The review rubric: each criterion is scored from 1 to 5."""

    TEAM = "team"
    MARKET = "market"
    PRODUCT = "product"
    FIT = "fit"


class MentorMode(StrEnum):
    """How a mentor meets start-ups."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    EITHER = "either"


class SessionMode(StrEnum):
    IN_PERSON = "in_person"  # in a meeting room of the venue, booked with the session
    ONLINE = "online"  # at the mentor's video link


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class RequestStatus(StrEnum):
    """A start-up's session request: open until a session is proposed or scheduled, or it is declined or withdrawn."""

    OPEN = "open"
    PROPOSED = "proposed"  # other times or a session were proposed; the other side has to pick or confirm
    SCHEDULED = "scheduled"  # a confirmed session came of it
    DECLINED = "declined"  # the mentor it named declined
    CANCELLED = "cancelled"  # withdrawn by the start-up


# A request mentors still act on.
PENDING_REQUESTS = (RequestStatus.OPEN, RequestStatus.PROPOSED)


class SessionStatus(StrEnum):
    """proposed -> confirmed -> awaiting_attendance -> completed / no_show; cancelled before it starts."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    AWAITING_ATTENDANCE = "awaiting_attendance"  # over, attendance not recorded yet
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


# Sessions that hold their people's time: two of them never overlap for one mentor or one start-up.
BUSY_SESSIONS = (SessionStatus.PROPOSED, SessionStatus.CONFIRMED)
# Sessions that count toward a mentor's monthly capacity.
COUNTED_SESSIONS = (SessionStatus.PROPOSED, SessionStatus.CONFIRMED, SessionStatus.AWAITING_ATTENDANCE,
                    SessionStatus.COMPLETED, SessionStatus.NO_SHOW)


class Side(StrEnum):
    """The two sides of a mentor session."""

    STARTUP = "startup"
    MENTOR = "mentor"


class NoShow(StrEnum):
    """Who did not come to a session."""

    STARTUP = "startup"
    MENTOR = "mentor"
    BOTH = "both"


class ReliabilityKind(StrEnum):
    MISSED_CHECK_IN = "missed_check_in"  # a room or desk booking released for want of a check-in
    SESSION_NO_SHOW = "session_no_show"


def sql_list(values: tuple[str, ...] | type[StrEnum]) -> str:
    """`'a', 'b'` for a CHECK written in SQL."""
    return ", ".join(f"'{value}'" for value in values)
