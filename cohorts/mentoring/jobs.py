"""Mentor sessions' periodic upkeep: reminders, closing past sessions, and flagging repeated no-shows.

Each step selects by state and records what it did on the session in the same
transaction (`reminded_24h_at`, a status...), so a late or repeated run sends
nothing twice. Each session is handled in a savepoint: one that fails is
logged and left for the next run without sinking the others.
"""
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.mentoring import availability, mail, reliability
from cohorts.mentoring.enums import PENDING_REQUESTS, RequestStatus, SessionStatus
from cohorts.mentoring.models import MentorSession, SessionRequest
from spaces.booking.hosted import release_room
from totem.i18n import N_, said, said_n
from totem.identity.service import system_actor
from totem.jobs.registry import cron_job, interval_job

logger = logging.getLogger("totem.cohorts")

HOUR = 3600
DAY_AHEAD = timedelta(hours=24)
HOUR_AHEAD = timedelta(hours=1)
NOT_CONFIRMED = N_("Not confirmed before it started.")


def _each(db: Session, sessions: list[MentorSession], what: str, act: Callable[[MentorSession], None]) -> int:
    """Apply `act` to each session in its own savepoint; returns how many succeeded."""
    done = 0
    for session in sessions:
        session_id = session.id
        try:
            with db.begin_nested():
                act(session)
                db.flush()
        except Exception:
            logger.exception("mentor session %s: could not %s", session_id, what)
            continue
        done += 1
    return done


def _confirmed_starting(db: Session, start: datetime, end: datetime, *, unreminded: object) -> list[MentorSession]:
    """Confirmed sessions starting in (start, end] not reminded yet, bounded by the (status, starts_at) index.

    Rows another run is reminding are skipped (PostgreSQL), so two runs never both send one.
    """
    return list(db.scalars(
        select(MentorSession)
        .where(MentorSession.status == SessionStatus.CONFIRMED, MentorSession.starts_at > start,
               MentorSession.starts_at <= end, unreminded)
        .order_by(MentorSession.starts_at, MentorSession.id)
        .with_for_update(of=MentorSession, skip_locked=True)
    ))


def send_session_reminders(db: Session, *, now: datetime) -> tuple[int, int]:
    """Remind both sides of confirmed sessions 24 h and 1 h ahead, once each; returns (24 h, 1 h) reminders sent.

    A session made less than a lead before its start skips that reminder: its
    invitation has just told everything. Once within the hour, a missed 24 h
    reminder is no longer sent.
    """
    def remind(hours: int, lead: timedelta) -> Callable[[MentorSession], None]:
        def act(session: MentorSession) -> None:
            mail.queue_session_reminder(db, session, hours, now)
            setattr(session, f"reminded_{hours}h_at", now)
        return act

    day = _confirmed_starting(db, now + HOUR_AHEAD, now + DAY_AHEAD,
                              unreminded=MentorSession.reminded_24h_at.is_(None))
    day_due = [s for s in day if s.created_at <= s.starts_at - DAY_AHEAD]
    hour = _confirmed_starting(db, now, now + HOUR_AHEAD, unreminded=MentorSession.reminded_1h_at.is_(None))
    hour_due = [s for s in hour if s.created_at <= s.starts_at - HOUR_AHEAD]
    return _each(db, day_due, "remind it a day ahead", remind(24, DAY_AHEAD)), \
        _each(db, hour_due, "remind it an hour ahead", remind(1, HOUR_AHEAD))


def close_past_sessions(db: Session, *, now: datetime) -> tuple[int, int]:
    """Move confirmed sessions past their end to awaiting attendance and ask both sides for feedback; drop the
    proposed sessions nobody confirmed before their start, releasing their room and reopening their request.

    Returns (closed, dropped).
    """
    ended = list(db.scalars(
        select(MentorSession)
        .where(MentorSession.status == SessionStatus.CONFIRMED, MentorSession.starts_at <= now,
               MentorSession.ends_at <= now)
        .order_by(MentorSession.starts_at, MentorSession.id)
        .with_for_update(of=MentorSession, skip_locked=True)
    ))
    lapsed = list(db.scalars(
        select(MentorSession)
        .where(MentorSession.status == SessionStatus.PROPOSED, MentorSession.starts_at <= now)
        .order_by(MentorSession.starts_at, MentorSession.id)
        .with_for_update(of=MentorSession, skip_locked=True)
    ))

    def close(session: MentorSession) -> None:
        session.status = SessionStatus.AWAITING_ATTENDANCE
        if session.feedback_requested_at is None:
            mail.queue_feedback_request(db, session, now)
            session.feedback_requested_at = now

    def drop(session: MentorSession) -> None:
        # Never confirmed, so never in anyone's calendar as confirmed: no cancellation mail.
        session.status = SessionStatus.CANCELLED
        session.cancelled_at = now
        session.cancel_reason = NOT_CONFIRMED
        if session.booking_id is not None:
            release_room(db, actor=system_actor(db, now=now), booking_id=session.booking_id, now=now)
        request = db.get(SessionRequest, session.request_id) if session.request_id is not None else None
        if request is not None and request.status in PENDING_REQUESTS:
            request.status = RequestStatus.OPEN  # to be matched again
            request.updated_at = now

    return _each(db, ended, "close it", close), _each(db, lapsed, "drop it", drop)


@interval_job(
    "cohorts.send_session_reminders",
    seconds=300,
    # A late run still reminds what it finds ahead; the 1 h reminder is worthless later than that.
    misfire_grace_seconds=900,
    description=N_("E-mail both sides of confirmed mentor sessions 24 hours and 1 hour before, once each"),
)
def send_session_reminders_job(db: Session, fire_time: datetime) -> str:
    day, hour = send_session_reminders(db, now=fire_time)
    return said(N_("sent {day} day-ahead and {hour} hour-ahead session reminders"), day=day, hour=hour)


@interval_job(
    "cohorts.close_past_sessions",
    seconds=900,
    # Closing works on states, so any later run catches up.
    misfire_grace_seconds=6 * HOUR,
    description=N_("Mark ended mentor sessions as awaiting attendance and ask for feedback; drop unconfirmed ones"),
)
def close_past_sessions_job(db: Session, fire_time: datetime) -> str:
    closed, dropped = close_past_sessions(db, now=fire_time)
    return said(N_("closed {closed} sessions, dropped {dropped} unconfirmed"), closed=closed, dropped=dropped)


@cron_job(
    "cohorts.flag_no_shows",
    minute=20,
    # The look-back covers a week: a run late by hours still collects everything.
    misfire_grace_seconds=12 * HOUR,
    description=N_("Record missed room check-ins in people's reliability records and alert managers of repeated "
                   "misses"),
)
def flag_no_shows(db: Session, fire_time: datetime) -> str:
    collected = reliability.collect_missed_check_ins(db, now=fire_time)
    alerts = reliability.send_alerts(db, now=fire_time)
    return said(N_("recorded {collected} missed check-ins, sent {alerts} alerts"), collected=collected, alerts=alerts)


@cron_job(
    "cohorts.materialise_office_hours",
    hour=1,
    minute=20,
    # The horizon is weeks long: a run late in the day, or the next day's, still catches up.
    misfire_grace_seconds=23 * HOUR,
    description=N_("Make mentors' office hours slots for the coming weeks, without days away and public holidays"),
)
def materialise_office_hours(db: Session, fire_time: datetime) -> str:
    """Extend every active mentor's office hours slots to the horizon from the fire time; a repeat adds none."""
    added = availability.materialise(db, now=fire_time)
    return said_n("added {n} office hours slot", "added {n} office hours slots", added)
