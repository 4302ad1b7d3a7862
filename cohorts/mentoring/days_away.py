"""A mentor's days away call off the sessions already made on those days, as the mentor cancelling each would."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.mentoring import availability, sessions
from cohorts.mentoring.enums import BUSY_SESSIONS
from cohorts.mentoring.models import AvailabilityException, MentorSession
from totem.i18n import N_
from totem.identity.models import User

# Stored as the sessions' reason, and translated into each reader's language in the mail and on the pages.
MENTOR_AWAY = N_("The mentor is away that day.")


@dataclass(frozen=True)
class DaysAway:
    exception: AvailabilityException
    cancelled: list[MentorSession]


def mark_days_away(
    db: Session, *, actor: User, mentor_id: int, first_day: date, last_day: date, reason: str, now: datetime,
) -> DaysAway:
    """Mark days away, and cancel the mentor's sessions still to come on them (on the venue's calendar).

    Each goes through `sessions.cancel_session`: its room is given back, its request opens again to be
    matched with another time or mentor, and both sides of a confirmed one are told by e-mail, in their
    language.
    """
    exception = availability.add_exception(db, actor=actor, mentor_id=mentor_id, first_day=first_day,
                                           last_day=last_day, reason=reason, now=now)
    starts, ends = availability.away_window(availability.get_profile(db, mentor_id), exception)
    clashing = db.scalars(select(MentorSession.id).where(
        MentorSession.mentor_id == mentor_id, MentorSession.status.in_(BUSY_SESSIONS),
        MentorSession.starts_at >= starts, MentorSession.starts_at < ends, MentorSession.starts_at > now,
    ).order_by(MentorSession.starts_at, MentorSession.id)).all()
    cancelled = [sessions.cancel_session(db, actor=actor, session_id=session_id, reason=MENTOR_AWAY, now=now)
                 for session_id in clashing]
    return DaysAway(exception, cancelled)
