"""After the event: each attendee checked in is e-mailed, a day after the end, a link to give their feedback once
(a rating from 1 to 5 and a comment); the event's staff read the figures (count, average) and the comments.

The request is sent once (`Registration.feedback_sent_at`), by a job acting as the system; the page is opened by
the registration's secret page token, without an account. Giving feedback a second time (a double tap, a second
tab) changes nothing and answers the thanks.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from spaces.events import door_mail, queries
from spaces.events.enums import EventStatus, RegistrationStatus
from spaces.events.models import Event, EventFeedback, Registration
from spaces.events.service import get_managed_event
from totem import audit
from totem.errors import Invalid, NotFound, error_code
from totem.i18n import N_, said, said_n
from totem.identity.models import User
from totem.identity.service import system_actor
from totem.text import bounded

FEEDBACK_NOT_OPEN = error_code("feedback_not_open", "Feedback is given by the people who came, once the event is over.")

log = logging.getLogger(__name__)
COMMENT_MAX = 2000
# Asked a day after the event ended; an event ended longer ago than the window is not asked about any more (a
# job that was off for weeks does not mail about old events).
ASKED_AFTER = timedelta(days=1)
ASKED_WITHIN = timedelta(days=8)


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    average: float | None  # None without feedback
    by_rating: dict[int, int]  # 1..5 -> how many
    comments: list[EventFeedback]  # with a comment, newest first


# -- the request, by the job -----------------------------------------------------------------------


def send_requests(db: Session, *, now: datetime) -> list[Registration]:
    """E-mail every attendee checked in at an event that ended between `ASKED_WITHIN` and `ASKED_AFTER` ago and
    was not asked yet; each is asked once."""
    due = list(db.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Registration.checked_in_at.is_not(None), Registration.feedback_sent_at.is_(None),
               Registration.status == RegistrationStatus.REGISTERED, Event.status == EventStatus.SCHEDULED,
               Event.ends_at <= now - ASKED_AFTER, Event.ends_at > now - ASKED_WITHIN)
        .order_by(Event.ends_at, Registration.id).limit(5000)))
    events: dict[int, Event] = {}
    asked = []
    for registration in due:
        event = events.get(registration.event_id) or queries.get_event(db, registration.event_id)
        if event is None:
            continue
        events[event.id] = event
        try:
            with db.begin_nested():  # one bad row (a mail that does not render) does not sink the others
                door_mail.queue_feedback_request(db, registration, event, now)
                registration.feedback_sent_at = now
                db.flush()
        except Exception:
            log.exception("feedback request for registration #%s not queued", registration.id)
            continue
        asked.append(registration)
    if asked:
        audit.record(db, actor=system_actor(db, now=now), action="event.feedback_requests", obj=asked[0], now=now,
                     summary=said_n("asked {n} attendee for feedback", "asked {n} attendees for feedback", len(asked)))
    return asked


# -- the attendee's page ---------------------------------------------------------------------------


def get_by_token(db: Session, token: str) -> Registration:
    """The registration of the feedback link, its event loaded: someone who came to an event that is over."""
    registration = queries.get_registration_by_token(db, token[:43]) if token else None
    if registration is None or registration.checked_in_at is None or registration.event.is_cancelled:
        raise NotFound("This feedback link is not valid.")
    return registration


def existing(db: Session, registration: Registration) -> EventFeedback | None:
    return db.scalar(select(EventFeedback).where(EventFeedback.registration_id == registration.id))


def parse_rating(value: str | int | None) -> int:
    text = str(value if value is not None else "").strip()
    if text not in {"1", "2", "3", "4", "5"}:  # ASCII digits only ("٣".isdigit() is true too)
        raise Invalid("Choose a rating from 1 to 5.", field="rating")
    return int(text)


@dataclass(frozen=True)
class Given:
    feedback: EventFeedback
    is_new: bool  # False: the person had already given it; theirs is kept as it was


def give(db: Session, *, registration: Registration, rating: str | int | None, comment: str,
         now: datetime) -> Given:
    """Record the person's feedback once; a second time keeps the first and says thanks again."""
    found = existing(db, registration)
    if found is not None:
        return Given(found, is_new=False)
    if registration.event.ends_at > now:
        raise Invalid("You can give your feedback once the event is over.", code=FEEDBACK_NOT_OPEN)
    value = parse_rating(rating)
    text = bounded(comment, field="comment", longest=COMMENT_MAX)
    feedback = EventFeedback(registration_id=registration.id, rating=value, comment=text, created_at=now)
    try:
        with db.begin_nested():  # another tab saved it a moment ago: the unique registration keeps theirs
            db.add(feedback)
            db.flush()
    except IntegrityError:
        found = existing(db, registration)
        if found is None:
            raise
        return Given(found, is_new=False)
    audit.record(db, actor=system_actor(db, now=now), action="event.feedback", obj=feedback, now=now,
                 summary=said(N_("feedback on event #{event} rated {rating} of 5"), event=registration.event_id, rating=value))
    return Given(feedback, is_new=True)


# -- the staff's figures ---------------------------------------------------------------------------


def summary(db: Session, *, event: Event) -> FeedbackSummary:
    """The event's feedback (no authorization: the caller has an event it may manage)."""
    base = select(EventFeedback).join(Registration, Registration.id == EventFeedback.registration_id).where(
        Registration.event_id == event.id)
    by_rating = {rating: 0 for rating in range(1, 6)}
    rows = db.execute(select(EventFeedback.rating, func.count())
                      .join(Registration, Registration.id == EventFeedback.registration_id)
                      .where(Registration.event_id == event.id).group_by(EventFeedback.rating)).tuples()
    for rating, count in rows:
        by_rating[int(rating)] = count
    count = sum(by_rating.values())
    average = sum(rating * n for rating, n in by_rating.items()) / count if count else None
    comments = list(db.scalars(base.where(EventFeedback.comment != "")
                               .order_by(EventFeedback.created_at.desc(), EventFeedback.id.desc()).limit(500)))
    return FeedbackSummary(count=count, average=average, by_rating=by_rating, comments=comments)


def event_summary(db: Session, *, actor: User, event_id: int) -> tuple[Event, FeedbackSummary]:
    """For the event's operator's managers and the admins (others: NotFound)."""
    event = get_managed_event(db, actor=actor, event_id=event_id)
    return event, summary(db, event=event)

