"""Run each fire of a job once across processes, and record every run in `job_runs`.

A fire is claimed by inserting its `job_runs` row: the unique key (job,
fire_time) lets exactly one process win, whatever the number of schedulers.
The job then runs in its own transaction, committed by the runner.
"""
import logging
import os
import socket
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Insert, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from totem import clock
from totem.db import transaction
from totem.i18n import N_, said
from totem.jobs.models import JobRun
from totem.jobs.registry import Job, describe_trigger, job_timeout, next_fire_time, previous_fire_time

logger = logging.getLogger("totem.jobs")

ABANDONED_ERROR = "abandoned: the process running it stopped"
SUMMARY_LENGTH = 500
HOST_LENGTH = 120
MANUAL_CLAIM_TRIES = 3

SessionFactory = sessionmaker[Session]
NowFn = Callable[[], datetime]


def default_host() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:HOST_LENGTH]


def run_fire(
    session_factory: SessionFactory,
    job: Job,
    fire_time: datetime,
    *,
    now_fn: NowFn = clock.now,
    host: str | None = None,
) -> JobRun | None:
    """Run one fire of `job` unless another process claimed it (then None); the job's errors are recorded, not raised."""
    run = _claim(session_factory, job, fire_time, now_fn(), host or default_host(), status="running")
    if run is None:
        logger.debug("job %s: fire %s already claimed", job.name, fire_time.isoformat())
        return None
    try:
        with transaction(session_factory) as db:
            summary = job(db, fire_time)
    except Exception:
        logger.exception("job %s failed (fire %s)", job.name, fire_time.isoformat())
        return _finish(session_factory, run, now_fn(), status="failed", error=traceback.format_exc())
    return _finish(session_factory, run, now_fn(), status="succeeded", summary=summary)


def run_scheduled_fire(
    session_factory: SessionFactory,
    job: Job,
    fire_time: datetime,
    *,
    now_fn: NowFn = clock.now,
    host: str | None = None,
) -> JobRun | None:
    """Run a fire the scheduler hands over, or record it `skipped` when it comes later than the job's grace."""
    now = now_fn()
    late_by = now - fire_time
    if late_by > timedelta(seconds=job.misfire_grace_seconds):
        logger.warning("job %s: fire %s missed by %s", job.name, fire_time.isoformat(), late_by)
        summary = said(N_("missed by {late_by}, more than the {grace} s grace"), late_by=late_by,
                       grace=job.misfire_grace_seconds)
        return _claim(session_factory, job, fire_time, now, host or default_host(), status="skipped", summary=summary)
    return run_fire(session_factory, job, fire_time, now_fn=now_fn, host=host)


def run_now(session_factory: SessionFactory, job: Job, now: datetime, *, host: str | None = None) -> JobRun:
    """Run `job` by hand, now, with `now` as its fire time.

    Scheduled fires fall on whole seconds (cron, and whole-second intervals
    from a whole-second anchor), so a manual fire is kept off them by at least
    a microsecond and never takes a scheduled fire's place.
    """
    fire_time = now if now.microsecond else now + timedelta(microseconds=1)
    for _ in range(MANUAL_CLAIM_TRIES):
        run = run_fire(session_factory, job, fire_time, host=host)
        if run is not None:
            return run
        fire_time += timedelta(microseconds=1)  # another manual run took this very microsecond
    raise RuntimeError(f"job {job.name}: could not claim a manual fire at {now.isoformat()}")


def mark_abandoned_runs(
    session_factory: SessionFactory,
    now: datetime,
    timeout: timedelta,
    jobs: Mapping[str, Job] | None = None,
) -> int:
    """Fail runs left `running` longer than their job's timeout (`timeout` if it has none); return how many.

    Only a process that died mid-run leaves such a row; a run that is merely
    slow and finishes later overwrites the outcome with its real one.
    """
    jobs = jobs or {}
    with transaction(session_factory) as db:
        running = db.scalars(select(JobRun).where(JobRun.status == "running")).all()
        abandoned = [run for run in running if now - run.started_at > job_timeout(jobs.get(run.job), timeout)]
        for run in abandoned:
            run.status, run.finished_at, run.error = "failed", now, ABANDONED_ERROR
            logger.warning("job %s: run of fire %s abandoned by %s", run.job, run.fire_time.isoformat(), run.host)
    return len(abandoned)


def find_missed_fire(db: Session, job: Job, now: datetime, tz: tzinfo) -> datetime | None:
    """The job's latest fire up to `now` if no process took it and it is still within the misfire grace.

    The job's history is not consulted: a job's first fire after it is
    deployed is caught up like any other, because jobs are idempotent and the
    grace window alone bounds how stale a fire may be.
    """
    not_before = now - timedelta(seconds=job.misfire_grace_seconds)
    fire = previous_fire_time(job, now, tz, not_before=not_before)
    if fire is None:
        return None
    taken = db.scalar(select(JobRun.id).where(JobRun.job == job.name, JobRun.fire_time == fire))
    return None if taken is not None else fire


def list_missed_fires(db: Session, jobs: Mapping[str, Job], now: datetime, tz: tzinfo) -> list[tuple[Job, datetime]]:
    missed = ((job, find_missed_fire(db, job, now, tz)) for job in jobs.values())
    return [(job, fire) for job, fire in missed if fire is not None]


def catch_up(
    session_factory: SessionFactory,
    jobs: Mapping[str, Job],
    now: datetime,
    tz: tzinfo,
    *,
    now_fn: NowFn = clock.now,
    host: str | None = None,
) -> list[JobRun]:
    """Run, once each, the latest fire every job missed while no process was running (coalesced)."""
    with session_factory() as db:
        missed = list_missed_fires(db, jobs, now, tz)
    runs = (run_fire(session_factory, job, fire, now_fn=now_fn, host=host) for job, fire in missed)
    return [run for run in runs if run is not None]


@dataclass(frozen=True)
class JobStatus:
    """A job as the Jobs page and `totem jobs list` show it."""

    name: str
    description: str
    trigger: str
    next_fire_time: datetime | None
    last_run: JobRun | None

    @property
    def last_status(self) -> str | None:
        return self.last_run.status if self.last_run else None

    @property
    def last_started_at(self) -> datetime | None:
        return self.last_run.started_at if self.last_run else None

    @property
    def last_finished_at(self) -> datetime | None:
        return self.last_run.finished_at if self.last_run else None

    @property
    def last_summary(self) -> str | None:
        return self.last_run.summary if self.last_run else None

    @property
    def last_error(self) -> str | None:
        return self.last_run.error if self.last_run else None


def list_job_status(db: Session, jobs: Mapping[str, Job], now: datetime, tz: tzinfo) -> list[JobStatus]:
    """Each job with its schedule, next fire and latest run, by name."""
    latest_ids = select(func.max(JobRun.id)).group_by(JobRun.job)
    last_runs = {run.job: run for run in db.scalars(select(JobRun).where(JobRun.id.in_(latest_ids)))}
    return [
        JobStatus(
            name=job.name,
            description=job.description,
            trigger=describe_trigger(job, tz),
            next_fire_time=next_fire_time(job, now, tz),
            last_run=last_runs.get(job.name),
        )
        for job in sorted(jobs.values(), key=lambda job: job.name)
    ]


def list_runs(db: Session, job_name: str | None = None, limit: int = 100) -> list[JobRun]:
    """Recorded runs, newest first."""
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if job_name is not None:
        query = query.where(JobRun.job == job_name)
    return list(db.scalars(query))


def _claim(
    session_factory: SessionFactory,
    job: Job,
    fire_time: datetime,
    now: datetime,
    host: str,
    *,
    status: str,
    summary: str | None = None,
) -> JobRun | None:
    values: dict[str, Any] = {
        "job": job.name,
        "fire_time": fire_time.astimezone(UTC),
        "host": host[:HOST_LENGTH],
        "started_at": now,
        "finished_at": None if status == "running" else now,
        "status": status,
        "summary": _truncate(summary),
    }
    try:
        with transaction(session_factory) as db:
            run_id = db.scalar(_insert_unless_taken(db, values).returning(JobRun.id))
            if run_id is None:
                return None
            return _detached(db, run_id)
    except IntegrityError:
        return None


def _insert_unless_taken(db: Session, values: dict[str, Any]) -> Insert:
    # ON CONFLICT DO NOTHING rather than catching the unique violation, so that
    # PostgreSQL does not log an error for every fire another process won.
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(JobRun).values(values).on_conflict_do_nothing(index_elements=["job", "fire_time"])
    if dialect == "sqlite":
        return sqlite.insert(JobRun).values(values).on_conflict_do_nothing(index_elements=["job", "fire_time"])
    return insert(JobRun).values(values)


def _finish(
    session_factory: SessionFactory,
    run: JobRun,
    now: datetime,
    *,
    status: str,
    summary: str | None = None,
    error: str | None = None,
) -> JobRun:
    try:
        with transaction(session_factory) as db:
            row = db.get_one(JobRun, run.id)
            row.status, row.finished_at = status, now
            row.summary, row.error = _truncate(summary), error
            db.flush()
            return _detached(db, run.id)
    except Exception:
        # The fire stays `running` and is failed later as abandoned.
        logger.exception("job %s: could not record the end of run %s", run.job, run.id)
        return run


def _detached(db: Session, run_id: int) -> JobRun:
    # Expunged before commit so that its attributes stay readable whatever the factory's expire_on_commit.
    run = db.get_one(JobRun, run_id)
    db.expunge(run)
    return run


def _truncate(summary: str | None) -> str | None:
    return None if summary is None else str(summary)[:SUMMARY_LENGTH]
