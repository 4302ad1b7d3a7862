"""Measure Totem on the generated campus and print each figure against its target.

    python -m bench.run --database-url URL [--workers 2] [--clients 8] [--attempts 2000]

Availability search (the service, then the JSON API), the no-show job, the
floor-plan page of a 750-desk floor and booking creation by concurrent
clients, the HTTP ones against a real `totem serve` on a free port.
Everything the run writes is deleted at the end (`bench.rewind`), so the data
set stays as `bench.generate` made it.
"""
import argparse
import gc
import os
import platform
import random
import re
import time as timer
from datetime import date, datetime, time, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bench import load, rewind
from bench.campus import PASSWORD, closure_days
from bench.generate import AUDIT_ACTION
from bench.server import Server, running_server
from bench.stats import Figure, latency, percentile, table, time_runs
from spaces.booking import availability
from spaces.booking import service as booking_service
from spaces.booking.models import Booking
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Floor, Space, Venue
from spaces.venues.rules import local_moment, local_time, public_holiday
from totem import clock
from totem.audit.models import AuditEntry
from totem.db import make_engine, make_session_factory
from totem.identity.models import User

SEARCH_TARGET_MS = 25
BOOKINGS_TARGET_PER_S = 200
FLOOR_PLAN_TARGET_MS = 150
NO_SHOW_TARGET_MS = 100
SEARCH_KINDS = (None, SpaceKind.HOT_DESK, SpaceKind.MEETING_ROOM, SpaceKind.PHONE_BOOTH)
BUSY_DAYS = 5
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def data_now(engine: Engine) -> datetime:
    """The `now` the data set was generated for: past and future bookings are split there."""
    with engine.connect() as conn:
        at = conn.scalar(select(func.max(AuditEntry.at)).where(AuditEntry.action == AUDIT_ACTION))
    if at is None:
        raise SystemExit("no campus here: run `python -m bench.generate` on this database first")
    return at


def busy_days(venue: Venue, now: datetime) -> list[date]:
    """The next weekdays the campus opens, well booked in the generated data."""
    day, days = local_time(now, venue).date(), []
    while len(days) < BUSY_DAYS:
        day += timedelta(days=1)
        if day.weekday() < 5 and not public_holiday(day) and day not in closure_days(now):
            days.append(day)
    return days


def search_cases(rng: random.Random, venue: Venue, days: list[date], count: int) -> list[dict]:
    """One-hour windows starting from 08:00 to 18:30, random kinds and, for rooms, a minimum capacity."""
    cases = []
    for _ in range(count):
        starts_at = local_moment(rng.choice(days), time(rng.randint(8, 18), rng.choice((0, 30))), venue)
        kind = rng.choice(SEARCH_KINDS)
        capacity = rng.choice((None, 4, 8)) if kind == SpaceKind.MEETING_ROOM else None
        cases.append({"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=1), "kind": kind,
                      "min_capacity": capacity})
    return cases


def measure_search(factory: sessionmaker[Session], cases: list[dict], cpu_of: str) -> Figure:
    found = []

    def search(n: int) -> None:
        with factory() as db:
            found.append(len(availability.find_available_spaces(db, **cases[n % len(cases)])))

    timing = time_runs(search, len(cases), cpu_of=cpu_of)
    by_kind: dict[str, list[float]] = {}
    for n, sample in enumerate(timing.samples):
        by_kind.setdefault(cases[n % len(cases)]["kind"] or "any kind", []).append(sample)
    kinds = ", ".join(f"{kind} {percentile(samples, 0.95):.0f} ms" for kind, samples in sorted(by_kind.items()))
    return latency("availability search, service", timing, target_p95_ms=SEARCH_TARGET_MS,
                   note=f"{min(found)}–{max(found)} spaces found per search; p95 by kind: {kinds}")


def measure_search_http(http: httpx.Client, server: Server, token: str, cases: list[dict]) -> Figure:
    def search(n: int) -> None:
        case = cases[n % len(cases)]
        params = {"starts_at": case["starts_at"].isoformat(), "ends_at": case["ends_at"].isoformat()}
        params |= {key: case[key] for key in ("kind", "min_capacity") if case[key] is not None}
        response = http.get("/api/v1/spaces/availability", params=params, headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()

    timing = time_runs(search, len(cases), cpu=server.cpu_seconds, cpu_of="server")
    return latency("availability search, GET /api/v1/spaces/availability", timing,
                   target_p95_ms=None, note="the JSON API over HTTP: the service plus auth and serialisation")


def measure_no_shows(factory: sessionmaker[Session], now: datetime, runs: int, cpu_of: str) -> Figure:
    """The job's service in a transaction rolled back each time, so every run has the same work."""
    released = []

    def job(_: int) -> None:
        with factory() as db:
            released.append(len(booking_service.release_no_shows(db, now=now)))
            db.rollback()

    samples = time_runs(job, runs, warmup=2, cpu_of=cpu_of)
    return latency("no-show job, release_no_shows", samples, target_p95_ms=NO_SHOW_TARGET_MS,
                   note=f"{released[-1]} bookings released per run (as of {now:%Y-%m-%d %H:%M}Z), rolled back")


def measure_floor_plan(http: httpx.Client, server: Server, floor: Floor, desks: int, venue: Venue,
                       days: list[date], rng: random.Random, runs: int) -> Figure:
    def page(n: int) -> None:
        at = f"{rng.randint(9, 17):02d}:{rng.choice((0, 30)):02d}"
        response = http.get(f"/floors/{floor.id}", params={"day": rng.choice(days).isoformat(), "at": at})
        response.raise_for_status()
        if "<svg" not in response.text:
            raise SystemExit("the floor plan page has no plan")

    timing = time_runs(page, runs, cpu=server.cpu_seconds, cpu_of="server")
    return latency(f"floor plan page, GET /floors/{{id}} ({desks} desks)", timing,
                   target_p95_ms=FLOOR_PLAN_TARGET_MS, note=f"{floor.name}: logged-in member, busy days, 09:00–17:30")


def log_in_page(http: httpx.Client, email: str) -> None:
    token = CSRF.search(http.get("/login").text)
    if token is None:
        raise SystemExit("no CSRF token on /login")
    response = http.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1),
                                         "next": "/"})
    if response.status_code != 303:
        raise SystemExit(f"logging in as {email} failed: {response.status_code}")


def measure_bookings(engine: Engine, factory: sessionmaker[Session], server: Server, args: argparse.Namespace,
                     rng: random.Random) -> list[Figure]:
    with factory() as db:
        plan = load.plan_bookings(db, rng, now=clock.now(), attempts=args.attempts, clients=args.clients,
                                  conflict_share=args.conflicts)
    logging_in = timer.perf_counter()
    tokens = load.log_in(server.base_url, plan.emails, parallel=2)
    logging_in = timer.perf_counter() - logging_in
    cpu, client_cpu = server.cpu_seconds(), timer.process_time()
    outcome = load.run_bookings(server.base_url, plan, tokens)
    cpu, client_cpu = server.cpu_seconds() - cpu, timer.process_time() - client_cpu
    with engine.connect() as conn:
        overlaps = load.count_overlaps(conn, plan.first_day, plan.last_day)
    created, refused = outcome.statuses[201], outcome.statuses[409]
    sent = sum(outcome.statuses.values())
    rate = created / outcome.seconds
    others = {status: count for status, count in outcome.statuses.items() if status not in (201, 409)}
    note = (f"{sent} POSTs by {args.clients} clients as {len(tokens)} members (logged in beforehand, in "
            f"{logging_in:.1f} s) in {outcome.seconds:.1f} s "
            f"({sent / outcome.seconds:.0f} requests/s); {plan.duplicates} deliberate duplicates -> {refused} × 409; "
            f"server CPU {cpu / sent * 1000:.1f} ms per POST, the clients' {client_cpu / sent * 1000:.1f} ms (same cores)"
            + (f"; other answers {others}: {outcome.surprises}" if others else "")
            + (f"; 409s on slots nobody else asked for: {outcome.stray_conflicts}" if outcome.stray_conflicts else ""))
    clean = not others and not outcome.stray_conflicts
    # The throughput target is PostgreSQL's: SQLite serialises every write transaction.
    on_postgresql = engine.dialect.name == "postgresql"
    return [
        Figure(f"booking creation, POST /api/v1/bookings, {args.clients} clients",
               f"{rate:.0f} bookings/s ({created} created)",
               f">= {BOOKINGS_TARGET_PER_S}/s" if on_postgresql else "(PostgreSQL only)",
               (rate >= BOOKINGS_TARGET_PER_S and clean) if on_postgresql else (None if clean else False), note),
        latency("booking creation, one POST", outcome.latencies, target_p95_ms=None),
        Figure("overlapping active bookings after the run", str(overlaps), "0", overlaps == 0,
               "SQL self-join over every active booking from the day before the first booked day to the last"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a database filled by bench.generate")
    parser.add_argument("--workers", type=int, default=2, help="`totem serve --workers`")
    parser.add_argument("--clients", type=int, default=8, help="concurrent booking clients")
    parser.add_argument("--attempts", type=int, default=2000, help="booking POSTs in all")
    parser.add_argument("--conflicts", type=float, default=0.05, help="share of attempts that duplicate another")
    parser.add_argument("--runs", type=int, default=300, help="availability searches timed")
    parser.add_argument("--page-runs", type=int, default=100, help="floor-plan pages timed")
    parser.add_argument("--job-runs", type=int, default=20, help="no-show job runs timed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep what the run wrote (bookings, tokens...)")
    parser.add_argument("--server-log", type=Path, default=Path(f"/tmp/totem-bench-server-{os.getpid()}.log"))
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    engine = make_engine(args.database_url)
    factory = make_session_factory(engine)
    now = data_now(engine)
    with engine.connect() as conn:
        before = rewind.mark(conn)
    with factory() as db:
        venue = venue_queries.list_venues(db)[0]
        bookings = db.scalar(select(func.count()).select_from(Booking))
        floor, desks = db.execute(
            select(Floor, func.count(Space.id)).join(Space, Space.floor_id == Floor.id)
            .where(Space.kind.in_((SpaceKind.HOT_DESK, SpaceKind.DEDICATED_DESK)))
            .group_by(Floor.id).order_by(func.count(Space.id).desc(), Floor.level.desc()).limit(1)
        ).one()
        # A member who books on that floor, so that the plan shows their own desk too.
        email = db.scalar(select(User.email).join(Booking, Booking.user_id == User.id)
                          .join(Space, Space.id == Booking.space_id).where(Space.floor_id == floor.id).limit(1))
    days = busy_days(venue, now)
    cases = search_cases(rng, venue, days, args.runs)
    backend = make_url(args.database_url).get_backend_name()
    print(f"Totem benchmark on {backend}: {bookings:,} bookings; data as of {now:%Y-%m-%d %H:%M}Z; "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}; server: totem serve --workers {args.workers}; "
          f"load average {_load()}", flush=True)
    # As the server does after start-up (totem.asgi): the objects loaded so far stay out of the cyclic
    # collector's full passes, which would otherwise stall a search here and there for 80+ ms.
    gc.freeze()
    try:
        # On SQLite the database works inside this process; PostgreSQL's own CPU is not counted.
        cpu_of = "this process, SQLite included" if backend == "sqlite" else "this process, not PostgreSQL"
        figures = [measure_search(factory, cases, cpu_of), measure_no_shows(factory, now, args.job_runs, cpu_of)]
        with running_server(args.database_url, workers=args.workers, log_path=args.server_log) as server:
            base_url = server.base_url
            with httpx.Client(base_url=base_url, timeout=60) as http:
                token = load.log_in(base_url, [email], parallel=1)[email]
                figures.append(measure_search_http(http, server, token, cases[: max(1, args.runs * 2 // 3)]))
                log_in_page(http, email)
                figures.append(measure_floor_plan(http, server, floor, desks, venue, days, rng, args.page_runs))
            figures += measure_bookings(engine, factory, server, args, rng)
    finally:
        if not args.keep:
            with engine.begin() as conn:
                removed = rewind.rewind(conn, before)
            print("rewound: " + (", ".join(f"{n} {name}" for name, n in removed.items()) or "nothing"))
        engine.dispose()
    print(table(figures))
    # Other processes on the machine slow every figure down: the load says how busy it was.
    print(f"load average at the end: {_load()}")
    return 0


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
