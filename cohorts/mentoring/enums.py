"""How mentors meet, and the states of session requests, sessions and attendance."""
from enum import StrEnum


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
