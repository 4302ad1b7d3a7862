"""One reliability record per person: missed room check-ins and mentor-session no-shows, and managers' alerts.

A room booking released for want of a check-in is one entry for its holder; a
session no-show is one entry per person who did not come. A cancelled session
is never a no-show. Rooms booked for a mentor session or a cohort event are
hosted bookings, which `spaces` never releases for want of a check-in: the
session's attendance is its record. `spaces`' tables are only read here.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from cohorts.mentoring import permissions as _permissions  # noqa: F401  (registers "reliability.read")
from cohorts.mentoring import mail
from cohorts.mentoring.enums import NoShow, ReliabilityKind, SessionStatus
from cohorts.mentoring.models import MentorSession, ReliabilityAlert, ReliabilityEntry
from cohorts.programs.enums import EnrolmentStatus
from cohorts.programs.models import Cohort, Enrolment, Program, ProgramManager
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.venues.models import Space
from totem.errors import NotFound
from totem.identity.enums import Role
from totem.identity.models import Organisation, User, UserRole
from totem.permissions import require

# Released bookings are collected hourly; a week back catches up a long outage without scanning the history.
CHECK_IN_LOOKBACK = timedelta(days=7)
# Three misses within 60 days alert the managers, at most once per person in 30 days.
ALERT_THRESHOLD = 3
ALERT_WINDOW = timedelta(days=60)
ALERT_QUIET = timedelta(days=30)


def record_session_no_show(db: Session, session: MentorSession, now: datetime) -> list[ReliabilityEntry]:
    """Put a session's no-show in the record of who did not come; returns the session's entries.

    Recording it again changes nothing; a corrected attendance (the start-up
    came after all) removes the entries of those it no longer blames. A
    cancelled session, or one without a no-show, gets no entry.
    """
    with db.no_autoflush:  # the caller's session may still be changing
        existing = {entry.user_id: entry for entry in db.scalars(
            select(ReliabilityEntry).where(ReliabilityEntry.session_id == session.id))}
    wanted: dict[int, int | None] = {}
    if session.status != SessionStatus.CANCELLED and session.no_show is not None:
        if session.no_show in (NoShow.STARTUP, NoShow.BOTH) and session.attendee_id is not None:
            wanted[session.attendee_id] = session.organisation_id
        if session.no_show in (NoShow.MENTOR, NoShow.BOTH):
            wanted[session.mentor_id] = None
    changed = False
    for user_id, entry in existing.items():
        if user_id not in wanted:
            db.delete(entry)
            changed = True
    entries = []
    for user_id, organisation_id in wanted.items():
        entry = existing.get(user_id)
        if entry is None:
            entry = ReliabilityEntry(user_id=user_id, organisation_id=organisation_id,
                                     kind=ReliabilityKind.SESSION_NO_SHOW, session_id=session.id,
                                     occurred_at=session.starts_at, recorded_at=now)
            db.add(entry)
            changed = True
        entries.append(entry)
    if changed:
        db.flush()
    return entries


def collect_missed_check_ins(db: Session, *, now: datetime) -> int:
    """Record each booking released for want of a check-in, started in the last week, once; returns how many."""
    recorded = select(ReliabilityEntry.booking_id).where(ReliabilityEntry.booking_id.is_not(None))
    bookings = db.execute(
        select(Booking.id, Booking.user_id, Booking.organisation_id, Booking.starts_at)
        .where(Booking.status == BookingStatus.RELEASED, Booking.starts_at >= now - CHECK_IN_LOOKBACK,
               Booking.starts_at <= now, Booking.hosted.is_(False), Booking.id.not_in(recorded))
        .order_by(Booking.starts_at, Booking.id)
    ).all()
    for booking_id, user_id, organisation_id, starts_at in bookings:
        db.add(ReliabilityEntry(user_id=user_id, organisation_id=organisation_id,
                                kind=ReliabilityKind.MISSED_CHECK_IN, booking_id=booking_id, occurred_at=starts_at,
                                recorded_at=now))
    db.flush()
    return len(bookings)


@dataclass(frozen=True)
class Tally:
    user_id: int
    missed_check_ins: int
    session_no_shows: int
    last_at: datetime

    @property
    def misses(self) -> int:
        return self.missed_check_ins + self.session_no_shows


def _tallies(db: Session, since: datetime, user_ids: list[int] | None = None) -> list[Tally]:
    missed = func.sum(case((ReliabilityEntry.kind == ReliabilityKind.MISSED_CHECK_IN, 1), else_=0))
    no_shows = func.sum(case((ReliabilityEntry.kind == ReliabilityKind.SESSION_NO_SHOW, 1), else_=0))
    query = (select(ReliabilityEntry.user_id, missed, no_shows, func.max(ReliabilityEntry.occurred_at))
             .where(ReliabilityEntry.occurred_at >= since).group_by(ReliabilityEntry.user_id))
    if user_ids is not None:
        query = query.where(ReliabilityEntry.user_id.in_(user_ids))
    return [Tally(user_id, int(m), int(n), last) for user_id, m, n, last in db.execute(query)]


def _last_organisations(db: Session, user_ids: list[int], since: datetime) -> dict[int, int]:
    """Each person's start-up in their latest entry that names one."""
    rows = db.execute(
        select(ReliabilityEntry.user_id, ReliabilityEntry.organisation_id, func.max(ReliabilityEntry.occurred_at))
        .where(ReliabilityEntry.user_id.in_(user_ids), ReliabilityEntry.organisation_id.is_not(None),
               ReliabilityEntry.occurred_at >= since)
        .group_by(ReliabilityEntry.user_id, ReliabilityEntry.organisation_id)
    ).all()
    latest: dict[int, tuple[datetime, int]] = {}
    for user_id, organisation_id, last in rows:
        if user_id not in latest or last > latest[user_id][0]:
            latest[user_id] = (last, organisation_id)
    return {user_id: organisation_id for user_id, (_last, organisation_id) in latest.items()}


def _managers_of(db: Session, organisation_id: int | None) -> list[User]:
    """The managers of the programs the start-up is enrolled in; else (a mentor, or a program without managers)
    every active manager and admin."""
    if organisation_id is not None:
        managers = list(db.scalars(
            select(User).join(ProgramManager, ProgramManager.user_id == User.id)
            .join(Program, Program.id == ProgramManager.program_id)
            .join(Cohort, Cohort.program_id == Program.id)
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .where(Enrolment.organisation_id == organisation_id, Enrolment.status == EnrolmentStatus.ACTIVE,
                   User.is_active)
            .distinct().order_by(User.id)
        ))
        if managers:
            return managers
    return list(db.scalars(
        select(User).where(User.is_active, User.id.in_(
            select(UserRole.user_id).where(UserRole.role.in_((Role.MANAGER, Role.ADMIN))))).order_by(User.id)
    ))


def send_alerts(db: Session, *, now: datetime) -> int:
    """Alert managers of each person with 3 misses or more in 60 days, not alerted in the last 30; returns how many."""
    since = now - ALERT_WINDOW
    recently_alerted = select(ReliabilityAlert.user_id).where(ReliabilityAlert.sent_at > now - ALERT_QUIET)
    flagged = list(db.scalars(
        select(ReliabilityEntry.user_id).where(ReliabilityEntry.occurred_at >= since,
                                               ReliabilityEntry.user_id.not_in(recently_alerted))
        .group_by(ReliabilityEntry.user_id).having(func.count() >= ALERT_THRESHOLD)
    ))
    if not flagged:
        return 0
    organisations = _last_organisations(db, flagged, since)
    sent = 0
    for tally in sorted(_tallies(db, since, flagged), key=lambda t: t.user_id):
        person = db.get(User, tally.user_id)
        if person is None:
            continue
        organisation_id = organisations.get(person.id)
        organisation = db.get(Organisation, organisation_id) if organisation_id is not None else None
        mail.queue_reliability_alert(
            db, person=person, organisation=organisation.name if organisation else None,
            missed_check_ins=tally.missed_check_ins, session_no_shows=tally.session_no_shows,
            days=ALERT_WINDOW.days, managers=_managers_of(db, organisation_id), now=now)
        db.add(ReliabilityAlert(user_id=person.id, misses=tally.misses, sent_at=now))
        sent += 1
    db.flush()
    return sent


def record_of(db: Session, *, actor: User, user_id: int) -> list[ReliabilityEntry]:
    """A person's whole record, the latest first: staff only."""
    require(actor, "reliability.read")
    if db.get(User, user_id) is None:
        raise NotFound("No such person.")
    return list(db.scalars(
        select(ReliabilityEntry).where(ReliabilityEntry.user_id == user_id)
        .order_by(ReliabilityEntry.occurred_at.desc(), ReliabilityEntry.id.desc())
    ))


@dataclass(frozen=True)
class UnreliablePerson:
    """A person with misses since a day, and the start-up of their latest miss (None: a mentor)."""

    user: User
    organisation: Organisation | None
    missed_check_ins: int
    session_no_shows: int
    last_at: datetime
    alerted_at: datetime | None


def list_unreliable(db: Session, *, actor: User, since: datetime) -> list[UnreliablePerson]:
    """The people with misses since `since`, the most misses first: staff only."""
    require(actor, "reliability.read")
    tallies = _tallies(db, since)
    if not tallies:
        return []
    user_ids = [t.user_id for t in tallies]
    users = {user.id: user for user in db.scalars(select(User).where(User.id.in_(user_ids)))}
    organisation_of = _last_organisations(db, user_ids, since)
    organisations = {o.id: o for o in db.scalars(
        select(Organisation).where(Organisation.id.in_(set(organisation_of.values()))))}
    alerted = dict(db.execute(
        select(ReliabilityAlert.user_id, func.max(ReliabilityAlert.sent_at))
        .where(ReliabilityAlert.user_id.in_(user_ids)).group_by(ReliabilityAlert.user_id)
    ).all())
    rows = [UnreliablePerson(users[t.user_id], organisations.get(organisation_of.get(t.user_id, 0)),
                             t.missed_check_ins, t.session_no_shows, t.last_at, alerted.get(t.user_id))
            for t in tallies if t.user_id in users]
    return sorted(rows, key=lambda row: (-(row.missed_check_ins + row.session_no_shows), -row.last_at.timestamp(),
                                         row.user.name))


@dataclass(frozen=True)
class RecordLine:
    """One entry of a record, as the managers' page says it."""

    entry: ReliabilityEntry
    what: str  # the room of a booking, or the topic and the mentor of a session
    organisation: str


def describe_record(db: Session, entries: list[ReliabilityEntry]) -> list[RecordLine]:
    """What each entry was about, loaded in three queries whatever the number of entries."""
    booking_ids = [e.booking_id for e in entries if e.booking_id is not None]
    session_ids = [e.session_id for e in entries if e.session_id is not None]
    rooms: dict[int, str] = {}
    if booking_ids:
        rooms = dict(db.execute(select(Booking.id, Space.name).join(Space, Space.id == Booking.space_id)
                                .where(Booking.id.in_(booking_ids))).all())
    sessions: dict[int, str] = {}
    if session_ids:
        sessions = {session_id: f"{topic} — {mentor}" for session_id, topic, mentor in db.execute(
            select(MentorSession.id, MentorSession.topic, User.name)
            .join(User, User.id == MentorSession.mentor_id).where(MentorSession.id.in_(session_ids)))}
    organisation_ids = {e.organisation_id for e in entries if e.organisation_id is not None}
    names = dict(db.execute(select(Organisation.id, Organisation.name)
                            .where(Organisation.id.in_(organisation_ids))).all()) if organisation_ids else {}
    return [RecordLine(entry,
                       rooms.get(entry.booking_id, "") if entry.booking_id is not None
                       else sessions.get(entry.session_id or 0, ""),
                       names.get(entry.organisation_id, "") if entry.organisation_id is not None else "")
            for entry in entries]
