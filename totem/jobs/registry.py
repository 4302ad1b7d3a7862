"""Declare periodic jobs beside the code they serve, and collect them from every package."""
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from types import ModuleType
from typing import Literal

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session

from totem.domains import import_domain_modules

JobFunc = Callable[[Session, datetime], str]

# Core packages whose `jobs` module declares jobs; the domains come from DOMAINS.
CORE_JOB_MODULES = ("totem.notifications.jobs",)

# Interval fires count from this fixed instant, so every process computes the same fire times.
INTERVAL_ANCHOR = datetime(2020, 1, 1, tzinfo=UTC)

MAX_NAME_LENGTH = 80  # JobRun.job

# For schedules and grace periods written in seconds.
HOUR = 3600
DAY = 24 * HOUR

# Widening windows in which to look back for a cron job's previous fire: a
# frequent job is found in the first, a monthly one without stepping through
# every minute of the month.
_LOOKBACK_WINDOWS = (
    timedelta(minutes=1), timedelta(hours=1), timedelta(days=1), timedelta(days=32), timedelta(days=367),
)


@dataclass(frozen=True, eq=False)
class Job:
    """A periodic job: what to call, when, and how late a fire may still run."""

    name: str
    func: JobFunc
    trigger_kind: Literal["cron", "interval"]
    cron: dict[str, int | str] | None
    interval_seconds: int | None
    description: str
    misfire_grace_seconds: int
    timeout_minutes: int | None = None

    def __call__(self, db: Session, fire_time: datetime) -> str:
        return self.func(db, fire_time)


def cron_job(
    name: str,
    *,
    description: str,
    misfire_grace_seconds: int = 3600,
    timeout_minutes: int | None = None,
    **cron_fields: int | str,
) -> Callable[[JobFunc], Job]:
    """Decorate `def job(db, fire_time) -> str` to fire on CronTrigger fields, in the venue's time zone."""
    _check_name(name)
    try:
        CronTrigger(timezone=UTC, **cron_fields)  # reject a misspelt field at import time
    except TypeError as exc:
        raise ValueError(f"job {name!r}: {exc}") from exc

    def declare(func: JobFunc) -> Job:
        return Job(name, func, "cron", dict(cron_fields), None, description, misfire_grace_seconds, timeout_minutes)

    return declare


def interval_job(
    name: str,
    *,
    seconds: int,
    description: str,
    misfire_grace_seconds: int | None = None,
    timeout_minutes: int | None = None,
) -> Callable[[JobFunc], Job]:
    """Decorate `def job(db, fire_time) -> str` to fire every `seconds`; a fire may run one interval late by default."""
    _check_name(name)
    if seconds < 1:
        raise ValueError(f"job {name!r}: interval must be at least 1 second")
    grace = seconds if misfire_grace_seconds is None else misfire_grace_seconds

    def declare(func: JobFunc) -> Job:
        return Job(name, func, "interval", None, seconds, description, grace, timeout_minutes)

    return declare


def _check_name(name: str) -> None:
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"job name must be 1 to {MAX_NAME_LENGTH} characters: {name!r}")


def collect_jobs() -> dict[str, Job]:
    """Every job declared at module level in the core's and the domains' `jobs` modules."""
    modules = [importlib.import_module(name) for name in CORE_JOB_MODULES]
    return jobs_in_modules([*modules, *import_domain_modules("jobs")])


def jobs_in_modules(modules: Iterable[ModuleType]) -> dict[str, Job]:
    found: dict[str, Job] = {}
    for module in modules:
        for value in vars(module).values():
            if not isinstance(value, Job):
                continue
            existing = found.setdefault(value.name, value)
            # The same object seen twice is one job re-exported by another module.
            if existing is not value:
                raise ValueError(f"two jobs are named {value.name!r} (one in {module.__name__})")
    return found


def make_trigger(job: Job, tz: tzinfo) -> BaseTrigger:
    if job.trigger_kind == "cron":
        return CronTrigger(timezone=tz, **(job.cron or {}))
    return IntervalTrigger(seconds=job.interval_seconds or 0, start_date=INTERVAL_ANCHOR, timezone=UTC)


def describe_trigger(job: Job, tz: tzinfo) -> str:
    if job.trigger_kind == "interval":
        return f"every {job.interval_seconds} s"
    fields = " ".join(f"{key}={value}" for key, value in (job.cron or {}).items())
    return f"cron {fields} ({getattr(tz, 'key', str(tz))})"


def next_fire_time(job: Job, now: datetime, tz: tzinfo) -> datetime | None:
    """The first fire at or after `now`, in UTC."""
    fire = make_trigger(job, tz).get_next_fire_time(None, now)
    return fire.astimezone(UTC) if fire else None


def previous_fire_time(job: Job, now: datetime, tz: tzinfo, *, not_before: datetime) -> datetime | None:
    """The latest fire in [not_before, now], in UTC, or None."""
    if job.trigger_kind == "interval":
        fire = _previous_interval_fire(job, now)
        return fire if fire is not None and fire >= not_before else None
    trigger = make_trigger(job, tz)
    for window in _LOOKBACK_WINDOWS:
        start = max(now - window, not_before)
        fire = _latest_cron_fire(trigger, start, now)
        if fire is not None or start == not_before:
            return fire
    return None


def _previous_interval_fire(job: Job, now: datetime) -> datetime | None:
    if now < INTERVAL_ANCHOR:
        return None
    step = timedelta(seconds=job.interval_seconds or 1)
    return INTERVAL_ANCHOR + step * ((now - INTERVAL_ANCHOR) // step)


def _latest_cron_fire(trigger: BaseTrigger, start: datetime, now: datetime) -> datetime | None:
    latest = None
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, now)
    return latest.astimezone(UTC) if latest else None


def job_timeout(job: Job | None, default: timedelta) -> timedelta:
    """How long a run may stay `running` before it counts as abandoned."""
    if job is None or job.timeout_minutes is None:
        return default
    return timedelta(minutes=job.timeout_minutes)

