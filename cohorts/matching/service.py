"""The weekly matching: open session requests x mentors' free time x free rooms of the coming week, solved by
`cohorts.matching.solver`, proposed as sessions that mentors confirm in one click.

This module only turns rows into the model's plain data and its proposals
back into sessions (through `cohorts.mentoring.session_requests`, so every rule of a
session holds); the model knows nothing of the database. Each run is kept with what
the solver proved (objective, bound, gap) and why each request stayed open.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cohorts.matching import greedy, solver, week
from cohorts.matching.models import MatchingRun
from cohorts.mentoring import availability, mentors, session_requests, sessions
from cohorts.mentoring.enums import BUSY_SESSIONS, RequestStatus, Urgency
from cohorts.mentoring.models import MentorProfile, MentorSession, SessionRequest
from cohorts.programs import permissions as _program_permissions  # noqa: F401  (registers "program.*")
from cohorts.programs.labels import SOLVER_STATUS_LABELS
from spaces.booking import hosted
from spaces.venues.models import Venue
from spaces.venues.rules import local_time
from totem import audit
from totem.errors import DomainError, NotFound
from totem.i18n import N_, said, translate
from totem.identity.models import User
from totem.permissions import require

log = logging.getLogger(__name__)

WEEK = timedelta(days=7)
TIME_LIMIT_SECONDS = 10.0
URGENCY_WEIGHTS = {Urgency.LOW: 0.5, Urgency.NORMAL: 1.0, Urgency.HIGH: 2.0}
# A proposal the sessions service refused after solving (the data moved meanwhile): its reason is the service's.
REFUSED = "refused"


def run_weekly(
    db: Session, *, actor: User, now: datetime, venue_id: int | None = None,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> MatchingRun:
    """Propose sessions for the open requests over the coming week, at the venue's mentors; staff only."""
    require(actor, "program.create")
    venue = db.get(Venue, venue_id) if venue_id is not None else db.scalar(select(Venue).order_by(Venue.id))
    if venue is None:
        raise NotFound("No such venue.")
    starts_at = _next_quarter(now + sessions.MIN_NOTICE)
    ends_at = starts_at + WEEK
    requests = list(db.scalars(select(SessionRequest).where(SessionRequest.status == RequestStatus.OPEN)
                               .options(selectinload(SessionRequest.expertise),
                                        selectinload(SessionRequest.declines))
                               .order_by(SessionRequest.created_at)))
    profiles = [profile for profile in mentors.search_mentors(db) if profile.venue_id == venue.id]
    data = _model_data(db, venue, requests, profiles, starts_at, ends_at)
    result = solver.solve_weekly(*data, time_limit=time_limit)
    baseline = greedy.greedy_weekly(*data)
    run = MatchingRun(
        venue_id=venue.id, starts_at=starts_at, ends_at=ends_at, created_at=now,
        created_by=actor.id, status=result.status, requests=len(requests), proposed=0,
        objective=result.objective, bound=result.bound, gap=result.gap, solve_seconds=round(result.solve_seconds, 3),
        greedy_objective=baseline.objective,
        unmatched=[{"request_id": u.request_id, "code": u.code, "params": u.params} for u in result.unmatched],
    )
    db.add(run)
    db.flush()
    for proposal in result.proposed:
        try:
            with db.begin_nested():
                session_requests.propose_session(
                    db, actor=actor, request_id=proposal.request_id, mentor_id=proposal.mentor_id,
                    starts_at=proposal.starts_at, mode=proposal.mode, room_id=proposal.room_id,
                    matching_run_id=run.id, now=now)
            run.proposed += 1
        except DomainError as refused:
            log.info("matching run %s: request %s not proposed: %s", run.id, proposal.request_id, refused.message)
            run.unmatched = [*run.unmatched, {"request_id": proposal.request_id, "code": REFUSED,
                                              "params": {"reason": refused.message, **_plain(refused.params)}}]
    db.flush()
    audit.record(db, actor=actor, action="matching.weekly", obj=run, now=now,
                 summary=said(N_("{proposed} proposed for {requests} requests ({status}, gap {gap})"), proposed=run.proposed,
                              requests=run.requests, status=[SOLVER_STATUS_LABELS.get(run.status, run.status)],
                              gap=f"{run.gap:.0%}" if run.gap is not None else "—"))
    return run


def _next_quarter(moment: datetime) -> datetime:
    moment = moment.replace(second=0, microsecond=0)
    return moment + timedelta(minutes=-moment.minute % 15)


def _plain(params: dict) -> dict:
    return {key: str(value) for key, value in params.items()}


def _model_data(
    db: Session, venue: Venue, requests: list[SessionRequest], profiles: list[MentorProfile], starts_at: datetime,
    ends_at: datetime,
) -> tuple[list, list, list, list, list]:
    month = local_time(starts_at, venue).date()
    model_requests = [week.Request(
        id=r.id, startup_id=r.organisation_id, duration_minutes=r.duration_minutes,
        tag_ids=frozenset(tag.id for tag in r.expertise), track_id=r.track_id, language=r.language,
        preferred_mentor_id=r.preferred_mentor_id, urgency=URGENCY_WEIGHTS[Urgency(r.urgency)], mode=r.mode,
        declined_mentor_ids=frozenset(decline.mentor_id for decline in r.declines),
    ) for r in requests]
    model_mentors, slots = [], []
    for profile in profiles:
        left = profile.monthly_capacity_hours * 60 - sessions.month_minutes(db, mentor_id=profile.user_id,
                                                                            month=month)
        model_mentors.append(week.Mentor(
            id=profile.user_id, tag_ids=frozenset(tag.id for tag in profile.expertise),
            track_ids=frozenset(t.id for tag in profile.expertise for t in tag.tracks),
            languages=frozenset(profile.languages), capacity_minutes=max(0, left), mode=profile.mode))
        slots.extend(week.MentorSlot(profile.user_id, slot.starts_at, slot.ends_at)
                     for slot in availability.free_windows(db, mentor_id=profile.user_id, starts_at=starts_at,
                                                           ends_at=ends_at))
    rooms = [week.RoomWindow(room_id, start, end)
             for room_id, start, end in hosted.room_free_windows(db, venue_id=venue.id, starts_at=starts_at,
                                                              ends_at=ends_at)]
    startup_ids = {r.organisation_id for r in requests}
    busy = [week.Busy(organisation_id, start, end) for organisation_id, start, end in db.execute(
        select(MentorSession.organisation_id, MentorSession.starts_at, MentorSession.ends_at).where(
            MentorSession.organisation_id.in_(startup_ids), MentorSession.status.in_(BUSY_SESSIONS),
            MentorSession.starts_at < ends_at, MentorSession.ends_at > starts_at))] if startup_ids else []
    return model_requests, model_mentors, slots, rooms, busy


def list_runs(db: Session, *, actor: User, limit: int = 10) -> list[MatchingRun]:
    require(actor, "program.create")
    return list(db.scalars(select(MatchingRun).order_by(MatchingRun.created_at.desc(), MatchingRun.id.desc())
                           .limit(limit)))


def get_run(db: Session, *, actor: User, run_id: int) -> MatchingRun:
    require(actor, "program.create")
    run = db.get(MatchingRun, run_id)
    if run is None:
        raise NotFound("No such matching run.")
    return run


def proposed_sessions(db: Session, run: MatchingRun) -> list[MentorSession]:
    """The sessions the run proposed, as they stand now (confirmed, still proposed, cancelled...)."""
    return list(db.scalars(select(MentorSession).where(MentorSession.matching_run_id == run.id)
                           .options(selectinload(MentorSession.mentor).selectinload(MentorProfile.user))
                           .order_by(MentorSession.starts_at)))


@dataclass(frozen=True)
class LeftOpen:
    """A request a run left open, and why, in the reader's language."""

    request_id: int
    request: SessionRequest | None  # None once the request is gone
    reason: str


def left_open(db: Session, run: MatchingRun, locale: str) -> list[LeftOpen]:
    """The requests the run could not propose, each with its reason translated."""
    ids = [entry["request_id"] for entry in run.unmatched]
    requests = {r.id: r for r in db.scalars(select(SessionRequest).where(SessionRequest.id.in_(ids)))} if ids else {}
    return [LeftOpen(entry["request_id"], requests.get(entry["request_id"]), _reason(entry, locale))
            for entry in run.unmatched]


def _reason(entry: dict, locale: str) -> str:
    if entry["code"] == REFUSED:
        params = dict(entry["params"])
        return translate(locale, params.pop("reason"), **params)
    message = week.REASONS[entry["code"]]
    return translate(locale, message, **entry["params"])
