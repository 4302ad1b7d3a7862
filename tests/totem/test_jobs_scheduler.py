"""Job runs: one run per fire across schedulers, failures recorded, abandoned runs, catch-up."""
import os
import threading
import time
import types
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

import totem.models  # noqa: F401  (every table in the metadata)
from totem import clock
from totem.db import Base, UTCDateTime, make_engine, make_session_factory
from totem.jobs.models import JobRun
from totem.jobs.registry import (
    Job,
    collect_jobs,
    cron_job,
    interval_job,
    jobs_in_modules,
    next_fire_time,
    previous_fire_time,
)
from totem.jobs.runner import (
    ABANDONED_ERROR,
    catch_up,
    list_job_status,
    list_runs,
    mark_abandoned_runs,
    run_fire,
    run_now,
    run_scheduled_fire,
)
from totem.jobs.scheduler import build_scheduler

PARIS = ZoneInfo("Europe/Paris")
PG_ADMIN_URL = os.environ.get("TOTEM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

effects = MetaData()
job_effect = Table(
    "job_test_effect", effects,
    Column("id", Integer, primary_key=True),
    Column("job", String(80)),
    Column("fire_time", UTCDateTime),
)


# -- fixtures: a temp SQLite file, a throw-away PostgreSQL database -------------------------------


@pytest.fixture
def sqlite_factory(tmp_path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    Base.metadata.create_all(engine)
    effects.create_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def pg_jobs_url() -> Iterator[str]:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        admin.connect().close()
    except OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required under CI=true: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    name = f"totem_jobs_test_{os.getpid()}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    effects.create_all(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def recording_job(name: str, calls: Counter[datetime], *, seconds: int = 1, fail: bool = False) -> Job:
    """An interval job that counts its calls and inserts one effect row per call."""
    lock = threading.Lock()

    def record(db: Session, fire_time: datetime) -> str:
        with lock:
            calls[fire_time] += 1
        db.execute(insert(job_effect).values(job=name, fire_time=fire_time))
        if fail:
            raise RuntimeError("boom")
        return "recorded 1"

    return interval_job(name, seconds=seconds, description="test job", misfire_grace_seconds=5)(record)


def effect_counts(factory: sessionmaker[Session], job: str) -> Counter[datetime]:
    with factory() as db:
        return Counter(db.scalars(select(job_effect.c.fire_time).where(job_effect.c.job == job)))


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# -- (a) several schedulers, one run per fire -------------------------------------------------------


def test_two_schedulers_on_one_postgresql_database_run_every_fire_once(pg_jobs_url: str) -> None:
    calls: Counter[datetime] = Counter()
    job = recording_job("test.record_fire", calls)
    engines = [make_engine(pg_jobs_url) for _ in range(2)]
    factories = [make_session_factory(engine) for engine in engines]
    schedulers = [
        build_scheduler(factory, {job.name: job}, PARIS, host=f"scheduler-{n}", run_timeout=timedelta(minutes=30))
        for n, factory in enumerate(factories)
    ]
    try:
        for scheduler in schedulers:
            scheduler.start()
        time.sleep(5.2)
    finally:
        for scheduler in schedulers:
            scheduler.shutdown(wait=True)

    with factories[0]() as db:
        runs = list_runs(db, job.name)
    fire_times = sorted(run.fire_time for run in runs)
    # On a loaded machine a run can outlast its second, and both processes then skip the next fire
    # (one instance at a time): fires may be missed, never run twice.
    assert 3 <= len(fire_times) <= 8
    assert len(set(fire_times)) == len(fire_times)
    assert all(run.status == "succeeded" and run.summary == "recorded 1" for run in runs)
    # Fire times come from the trigger, identical in both processes: whole seconds, whole seconds apart.
    assert all(fire.microsecond == 0 for fire in fire_times)
    assert all((later - earlier).total_seconds() in range(1, 6) for earlier, later in zip(fire_times, fire_times[1:]))
    assert calls == Counter(fire_times)
    assert effect_counts(factories[0], job.name) == Counter(fire_times)
    for engine in engines:
        engine.dispose()


def test_a_fire_is_claimed_once(sqlite_factory: sessionmaker[Session]) -> None:
    calls: Counter[datetime] = Counter()
    job = recording_job("test.claim", calls)
    fire = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)

    first = run_fire(sqlite_factory, job, fire, host="a:1")
    second = run_fire(sqlite_factory, job, fire.astimezone(PARIS), host="b:2")

    assert first is not None and first.status == "succeeded" and first.host == "a:1"
    assert second is None
    assert calls == Counter({fire: 1})


# -- (b) failures ----------------------------------------------------------------------------------


def test_a_failing_job_is_recorded_with_its_traceback_and_its_work_rolled_back(
    sqlite_factory: sessionmaker[Session],
) -> None:
    job = recording_job("test.fail", Counter(), fail=True)
    fire = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)

    run = run_fire(sqlite_factory, job, fire)

    assert run is not None and run.status == "failed" and run.finished_at is not None
    assert run.error is not None and "Traceback" in run.error and "RuntimeError: boom" in run.error
    assert effect_counts(sqlite_factory, job.name) == Counter()


def test_a_failing_job_does_not_stop_the_others(sqlite_factory: sessionmaker[Session]) -> None:
    failing = recording_job("test.always_fails", Counter(), fail=True)
    working_calls: Counter[datetime] = Counter()
    working = recording_job("test.works", working_calls)
    scheduler = build_scheduler(
        sqlite_factory, {job.name: job for job in (failing, working)}, PARIS, run_timeout=timedelta(minutes=30)
    )
    scheduler.start()
    try:
        time.sleep(2.2)
    finally:
        scheduler.shutdown(wait=True)

    with sqlite_factory() as db:
        failed = list_runs(db, failing.name)
        succeeded = list_runs(db, working.name)
    assert len(failed) >= 2 and all(run.status == "failed" and "boom" in (run.error or "") for run in failed)
    assert len(succeeded) >= 2 and all(run.status == "succeeded" for run in succeeded)
    assert effect_counts(sqlite_factory, working.name) == working_calls
    assert effect_counts(sqlite_factory, failing.name) == Counter()


def test_a_fire_later_than_the_grace_is_recorded_skipped(sqlite_factory: sessionmaker[Session]) -> None:
    calls: Counter[datetime] = Counter()
    job = recording_job("test.late", calls)  # 5 s grace
    fire = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)

    run = run_scheduled_fire(sqlite_factory, job, fire, now_fn=lambda: fire + timedelta(seconds=6))

    assert run is not None and run.status == "skipped" and "missed by" in (run.summary or "")
    assert calls == Counter()


# -- (c) abandoned runs ------------------------------------------------------------------------------


def insert_running(factory: sessionmaker[Session], job: str, started_at: datetime) -> int:
    with factory.begin() as db:
        run = JobRun(job=job, fire_time=started_at, host="dead:42", started_at=started_at, status="running")
        db.add(run)
        db.flush()
        return run.id


def test_runs_left_running_past_their_timeout_are_marked_failed(sqlite_factory: sessionmaker[Session]) -> None:
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    short = interval_job("test.short_timeout", seconds=60, description="x", timeout_minutes=5)(lambda db, t: "")
    dead = insert_running(sqlite_factory, "test.some_job", now - timedelta(hours=2))
    alive = insert_running(sqlite_factory, "test.other_job", now - timedelta(minutes=10))
    dead_short = insert_running(sqlite_factory, short.name, now - timedelta(minutes=10))

    marked = mark_abandoned_runs(sqlite_factory, now, timedelta(minutes=30), {short.name: short})

    assert marked == 2
    with sqlite_factory() as db:
        runs = {run_id: db.get_one(JobRun, run_id) for run_id in (dead, alive, dead_short)}
    assert runs[dead].status == "failed" and runs[dead].error == ABANDONED_ERROR and runs[dead].finished_at == now
    assert runs[dead_short].status == "failed"
    assert runs[alive].status == "running"


def test_the_scheduler_marks_abandoned_runs_when_it_starts(sqlite_factory: sessionmaker[Session]) -> None:
    dead = insert_running(sqlite_factory, "test.killed", clock.now() - timedelta(hours=1))
    scheduler = build_scheduler(sqlite_factory, {}, PARIS, run_timeout=timedelta(minutes=30))
    scheduler.start()
    scheduler.shutdown(wait=True)

    with sqlite_factory() as db:
        run = db.get_one(JobRun, dead)
    assert run.status == "failed" and run.error == ABANDONED_ERROR


# -- (d) catch-up --------------------------------------------------------------------------------------


def test_catch_up_runs_the_latest_missed_fire_once(sqlite_factory: sessionmaker[Session]) -> None:
    calls: Counter[datetime] = Counter()
    nightly = cron_job("test.nightly", description="x", misfire_grace_seconds=3600, hour=3, minute=0)(
        lambda db, fire_time: calls.update([fire_time]) or "done"
    )
    jobs = {nightly.name: nightly}
    three_am = datetime(2025, 3, 10, 3, 0, tzinfo=PARIS)

    runs = catch_up(sqlite_factory, jobs, three_am + timedelta(minutes=20), PARIS)
    again = catch_up(sqlite_factory, jobs, three_am + timedelta(minutes=40), PARIS)
    too_late = catch_up(sqlite_factory, jobs, three_am + timedelta(days=1, hours=2), PARIS)

    assert [run.fire_time for run in runs] == [three_am.astimezone(UTC)]
    assert again == [] and too_late == []
    assert calls == Counter({three_am: 1})


def test_the_scheduler_catches_up_a_missed_fire_at_start_and_not_again(sqlite_factory: sessionmaker[Session]) -> None:
    calls: Counter[datetime] = Counter()
    daily = recording_job("test.daily", calls, seconds=86400)
    daily = Job(**{**vars(daily), "misfire_grace_seconds": 86400})
    midnight = datetime.combine(clock.now().date(), datetime.min.time(), tzinfo=UTC)

    for _ in range(2):
        scheduler = build_scheduler(sqlite_factory, {daily.name: daily}, PARIS, run_timeout=timedelta(minutes=30))
        scheduler.start()
        wait_until(lambda: sum(calls.values()) == 1)
        time.sleep(0.3)
        scheduler.shutdown(wait=True)

    assert calls == Counter({midnight: 1})
    with sqlite_factory() as db:
        assert [run.fire_time for run in list_runs(db, daily.name)] == [midnight]


# -- manual runs, status queries, registry ------------------------------------------------------------


def test_a_manual_run_never_takes_a_scheduled_fire(sqlite_factory: sessionmaker[Session]) -> None:
    calls: Counter[datetime] = Counter()
    job = recording_job("test.manual", calls)
    on_the_second = datetime(2025, 3, 10, 8, 0, 0, tzinfo=UTC)

    manual = run_now(sqlite_factory, job, on_the_second)
    manual_again = run_now(sqlite_factory, job, on_the_second)
    scheduled = run_fire(sqlite_factory, job, on_the_second)

    assert manual.status == "succeeded" and manual.fire_time == on_the_second + timedelta(microseconds=1)
    assert manual_again.fire_time == on_the_second + timedelta(microseconds=2)
    assert scheduled is not None and scheduled.fire_time == on_the_second


def test_job_status_shows_the_schedule_next_fire_and_last_run(sqlite_factory: sessionmaker[Session]) -> None:
    every_minute = recording_job("test.minutely", Counter(), seconds=60)
    nightly = cron_job("test.nightly", description="Nightly", hour=3, minute=0)(lambda db, t: "")
    now = datetime(2025, 3, 10, 8, 0, 30, tzinfo=UTC)
    run_fire(sqlite_factory, every_minute, datetime(2025, 3, 10, 7, 59, tzinfo=UTC))
    run_fire(sqlite_factory, every_minute, datetime(2025, 3, 10, 8, 0, tzinfo=UTC))

    with sqlite_factory() as db:
        statuses = list_job_status(db, {job.name: job for job in (nightly, every_minute)}, now, PARIS)

    minutely, nightly_status = statuses
    assert minutely.trigger == "every 60 s"
    assert minutely.next_fire_time == datetime(2025, 3, 10, 8, 1, tzinfo=UTC)
    assert minutely.last_status == "succeeded" and minutely.last_summary == "recorded 1"
    assert minutely.last_run is not None and minutely.last_run.fire_time == datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
    assert nightly_status.trigger == "cron hour=3 minute=0 (Europe/Paris)"
    assert nightly_status.next_fire_time == datetime(2025, 3, 11, 2, 0, tzinfo=UTC)
    assert nightly_status.last_run is None and nightly_status.last_status is None


def test_fire_times_follow_the_venue_clock_across_daylight_saving() -> None:
    nightly = cron_job("test.nightly", description="x", hour=3, minute=0)(lambda db, t: "")
    monthly = cron_job("test.monthly", description="x", day=1, hour=0, minute=0)(lambda db, t: "")
    before = datetime(2025, 3, 29, 12, 0, tzinfo=UTC)  # the eve of the switch to summer time

    assert next_fire_time(nightly, before, PARIS) == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)
    assert previous_fire_time(nightly, before, PARIS, not_before=before - timedelta(days=2)) == datetime(
        2025, 3, 29, 2, 0, tzinfo=UTC
    )
    assert previous_fire_time(monthly, before, PARIS, not_before=before - timedelta(days=60)) == datetime(
        2025, 2, 28, 23, 0, tzinfo=UTC
    )
    assert previous_fire_time(monthly, before, PARIS, not_before=before - timedelta(days=20)) is None


def test_jobs_are_collected_from_modules_and_names_are_unique() -> None:
    job = interval_job("test.one", seconds=5, description="x")(lambda db, t: "")
    twin = interval_job("test.one", seconds=7, description="y")(lambda db, t: "")
    first, reexport, clash = (types.ModuleType(name) for name in ("a.jobs", "b.jobs", "c.jobs"))
    first.one = reexport.one = job  # type: ignore[attr-defined]
    clash.one = twin  # type: ignore[attr-defined]

    assert jobs_in_modules([first, reexport]) == {"test.one": job}
    with pytest.raises(ValueError, match="test.one"):
        jobs_in_modules([first, clash])
    assert "outbox.deliver" in collect_jobs()


def test_declarations_are_checked() -> None:
    with pytest.raises(ValueError):
        cron_job("test.bad", description="x", hour=3, minutes=5)
    with pytest.raises(ValueError):
        interval_job("test.bad", seconds=0, description="x")
