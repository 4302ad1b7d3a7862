"""Fire the collected jobs with APScheduler 3, handing each run its scheduled fire time."""
import logging
import signal
import threading
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from datetime import datetime, timedelta, tzinfo
from functools import partial
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job as SchedulerJob
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import undefined

from totem import clock
from totem.jobs.registry import Job, make_trigger
from totem.jobs.runner import SessionFactory, list_missed_fires, mark_abandoned_runs, run_scheduled_fire
from totem.settings import get_settings

logger = logging.getLogger("totem.jobs")

HOUSEKEEPING_ID = "totem.mark_abandoned_runs"


class FireTimeExecutor(ThreadPoolExecutor):
    """A thread pool that calls each job with its scheduled run time, which APScheduler 3 does not pass.

    The run time is the trigger's, hence identical in every process; the
    runner uses it as the fire's key. Lateness is judged by the runner, which
    records a fire later than the job's grace as `skipped`.
    """

    def _do_submit_job(self, job: SchedulerJob, run_times: list[datetime]) -> None:
        future = self._pool.submit(_call_with_run_times, job, job._jobstore_alias, run_times, self._logger.name)
        future.add_done_callback(partial(self._on_done, job.id))

    def _on_done(self, job_id: str, future: Future[list[JobExecutionEvent]]) -> None:
        exc = future.exception()
        if exc is not None:
            self._run_job_error(job_id, exc, exc.__traceback__)
        else:
            self._run_job_success(job_id, future.result())


def _call_with_run_times(
    job: SchedulerJob, jobstore_alias: str, run_times: list[datetime], logger_name: str
) -> list[JobExecutionEvent]:
    events = []
    for run_time in run_times:
        try:
            retval = job.func(run_time, *job.args, **job.kwargs)
        except Exception as exc:
            logging.getLogger(logger_name).exception('Job "%s" raised an exception', job)
            tb = "".join(traceback.format_tb(exc.__traceback__))
            events.append(JobExecutionEvent(EVENT_JOB_ERROR, job.id, jobstore_alias, run_time, exception=exc, traceback=tb))
        else:
            events.append(JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, jobstore_alias, run_time, retval=retval))
    return events


def _takes_fire_time(func: Callable[..., Any]) -> Callable[..., Any]:
    """APScheduler checks a job's arguments when it is added; the fire time only comes from FireTimeExecutor."""

    def call(*fire_time_then_args: Any) -> Any:
        return func(*fire_time_then_args)

    return call


class TotemScheduler:
    """One process's scheduler; any number of them may run against one database."""

    def __init__(
        self,
        session_factory: SessionFactory,
        jobs: Mapping[str, Job],
        tz: tzinfo,
        *,
        run_timeout: timedelta,
        host: str | None = None,
        housekeeping_seconds: int = 300,
        max_workers: int = 10,
        now_fn: Callable[[], datetime] = clock.now,
    ) -> None:
        self.session_factory = session_factory
        self.jobs = dict(jobs)
        self.tz = tz
        self.run_timeout = run_timeout
        self.host = host
        self.housekeeping_seconds = housekeeping_seconds
        self._now = now_fn
        self._scheduler = BackgroundScheduler(
            timezone=tz,
            executors={"default": FireTimeExecutor(max_workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        """Fail abandoned runs, schedule every job (a missed fire first), and start firing."""
        now = self._now()
        mark_abandoned_runs(self.session_factory, now, self.run_timeout, self.jobs)
        with self.session_factory() as db:
            missed = {job.name: fire for job, fire in list_missed_fires(db, self.jobs, now, self.tz)}
        for job in self.jobs.values():
            self._schedule(job, missed.get(job.name))
        self._scheduler.add_job(
            _takes_fire_time(self._mark_abandoned),
            IntervalTrigger(seconds=self.housekeeping_seconds, timezone=self.tz),
            id=HOUSEKEEPING_ID,
            name=HOUSEKEEPING_ID,
            misfire_grace_time=self.housekeeping_seconds,
        )
        self._scheduler.start()
        logger.info("scheduler started with %d jobs, %d caught up", len(self.jobs), len(missed))

    def run_forever(self) -> None:
        """Start, and block until SIGINT or SIGTERM; then stop after the runs under way (`totem worker`)."""
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        self.start()
        try:
            while not stop.wait(1):
                pass
        finally:
            self.shutdown(wait=True)

    def shutdown(self, wait: bool = True) -> None:
        """Stop firing; with `wait`, let the runs under way finish."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=wait)

    def _schedule(self, job: Job, missed_fire: datetime | None) -> None:
        # A missed fire becomes the first run time, so the catch-up goes
        # through the same path, with the same instance limit, as any fire.
        self._scheduler.add_job(
            _takes_fire_time(partial(self._fire, job)),
            make_trigger(job, self.tz),
            id=job.name,
            name=job.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=job.misfire_grace_seconds,
            next_run_time=missed_fire or undefined,
        )

    def _fire(self, job: Job, fire_time: datetime) -> Any:
        return run_scheduled_fire(self.session_factory, job, fire_time, now_fn=self._now, host=self.host)

    def _mark_abandoned(self, _run_time: datetime) -> int:
        return mark_abandoned_runs(self.session_factory, self._now(), self.run_timeout, self.jobs)


def build_scheduler(
    session_factory: SessionFactory,
    jobs: Mapping[str, Job],
    tz: tzinfo,
    *,
    host: str | None = None,
    run_timeout: timedelta | None = None,
) -> TotemScheduler:
    """A scheduler for `jobs` in the venue time zone `tz`; run timeout from settings unless given."""
    if run_timeout is None:
        run_timeout = timedelta(minutes=get_settings().job_run_timeout_minutes)
    return TotemScheduler(session_factory, jobs, tz, run_timeout=run_timeout, host=host)
