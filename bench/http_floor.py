"""The HTTP figures against the floor: what the same server answers an authenticated request that does nothing.

    python -m bench.http_floor --database-url URL [--runs 300] [--workers 1] [--loop asyncio --http h11]

One client, sequential, on a campus made by `bench.generate`: the floor
(`GET /api/v1/me`, bearer token: the middleware, the auth and a database
session, nothing else), the availability search (`GET /api/v1/spaces/availability`),
booking creation (`POST /api/v1/bookings` on free slots) and the floor plan
of a 750-desk floor (`GET /floors/{id}`, logged in through the form). The
four kinds take turns request by request, so that a burst of other work on
the shared machine slows them alike and the ratios hold. Prints p50/p95,
the server's CPU per request, and each ratio against issue 22's targets.
Everything the run wrote is deleted afterwards (`bench.rewind`).
"""
import argparse
import gc
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bench import load, rewind
from bench.run import busy_days, data_now, log_in_page, search_cases
from bench.server import Server, running_server
from bench.stats import percentile
from spaces.booking.models import Booking
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Floor, Space
from totem import clock
from totem.db import make_engine, make_session_factory
from totem.identity.models import User

WARMUP = 10
SEARCH_MAX_MS = 25


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_floor", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a database filled by bench.generate")
    parser.add_argument("--runs", type=int, default=300, help="timed requests of each kind")
    parser.add_argument("--workers", type=int, default=1, help="`totem serve --workers` (one client: 1 suffices)")
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), help="uvicorn's event loop (default: its choice)")
    parser.add_argument("--http", choices=("h11", "httptools"), help="uvicorn's HTTP parser (default: its choice)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server-log", type=Path, default=Path(f"/tmp/totem-bench-floor-{os.getpid()}.log"))
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    engine = make_engine(args.database_url)
    factory = make_session_factory(engine)
    now = data_now(engine)
    with engine.connect() as conn:
        before = rewind.mark(conn)
    with factory() as db:
        venue = venue_queries.list_venues(db)[0]
        floor = db.scalar(
            select(Floor).join(Space, Space.floor_id == Floor.id)
            .where(Space.kind.in_((SpaceKind.HOT_DESK, SpaceKind.DEDICATED_DESK)))
            .group_by(Floor.id).order_by(func.count(Space.id).desc(), Floor.level.desc()).limit(1))
        email = db.scalar(select(User.email).join(Booking, Booking.user_id == User.id)
                          .join(Space, Space.id == Booking.space_id).where(Space.floor_id == floor.id).limit(1))
        # Free slots, spread over 32 members so that no one's own limits refuse them; no duplicates.
        plan = load.plan_bookings(db, rng, now=clock.now(), attempts=args.runs + WARMUP, clients=8, conflict_share=0)
    attempts = plan.in_turn()
    days = busy_days(venue, now)
    cases = search_cases(rng, venue, days, args.runs + WARMUP)
    server_kind = "totem serve" if args.loop is None and args.http is None else (
        f"uvicorn --loop {args.loop or 'auto'} --http {args.http or 'auto'}")
    print(f"HTTP floor on {engine.dialect.name}: {server_kind}, {args.workers} worker(s), one sequential client, "
          f"{args.runs} runs of each kind; load average {_load()}", flush=True)
    gc.freeze()
    try:
        with running_server(args.database_url, workers=args.workers, log_path=args.server_log,
                            loop=args.loop, http=args.http) as server:
            tokens = load.log_in(server.base_url, {email} | plan.emails, parallel=2)
            with httpx.Client(base_url=server.base_url, timeout=60) as api, \
                    httpx.Client(base_url=server.base_url, timeout=60) as browser:
                log_in_page(browser, email)
                requests = _requests(api, browser, tokens[email], tokens, attempts, cases, floor.id, days, rng)
                samples, cpu = _measure(server, requests, args.runs)
    finally:
        with engine.begin() as conn:
            removed = rewind.rewind(conn, before)
        print("rewound: " + (", ".join(f"{n} {name}" for name, n in removed.items()) or "nothing"))
        engine.dispose()
    print(report(samples, cpu))
    print(f"load average at the end: {_load()}")
    return 0


Request = Callable[[int], httpx.Response]


def _requests(api: httpx.Client, browser: httpx.Client, token: str, tokens: dict[str, str],
              attempts: list, cases: list[dict], floor_id: int, days: list, rng: random.Random) -> dict[str, Request]:
    bearer = {"Authorization": f"Bearer {token}"}

    def floor(_: int) -> httpx.Response:
        return api.get("/api/v1/me", headers=bearer)

    def search(n: int) -> httpx.Response:
        case = cases[n]
        params = {"starts_at": case["starts_at"].isoformat(), "ends_at": case["ends_at"].isoformat()}
        params |= {key: case[key] for key in ("kind", "min_capacity") if case[key] is not None}
        return api.get("/api/v1/spaces/availability", params=params, headers=bearer)

    def booking(n: int) -> httpx.Response:
        email, attempt = attempts[n]
        return api.post("/api/v1/bookings", headers={"Authorization": f"Bearer {tokens[email]}"},
                        json={"space_id": attempt.space_id, "starts_at": attempt.starts_at.isoformat(),
                              "ends_at": attempt.ends_at.isoformat(), "title": "bench"})

    def floor_plan(_: int) -> httpx.Response:
        at = f"{rng.randint(9, 17):02d}:{rng.choice((0, 30)):02d}"
        return browser.get(f"/floors/{floor_id}", params={"day": rng.choice(days).isoformat(), "at": at})

    return {"floor": floor, "availability": search, "booking": booking, "floor plan": floor_plan}


def _measure(server: Server, requests: dict[str, Request], runs: int) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Wall-clock ms of each request and the server's CPU ms per request, by kind, the kinds taking turns."""
    samples: dict[str, list[float]] = {kind: [] for kind in requests}
    cpu: dict[str, float] = dict.fromkeys(requests, 0.0)
    for n in range(WARMUP + runs):
        for kind, request in requests.items():
            cpu_before = server.cpu_seconds()
            started = time.perf_counter()
            response = request(n)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code >= 300:
                raise SystemExit(f"{kind}: {response.status_code} {response.text[:300]}")
            if n >= WARMUP:
                samples[kind].append(elapsed)
                cpu[kind] += server.cpu_seconds() - cpu_before
    return samples, {kind: seconds * 1000 / runs for kind, seconds in cpu.items()}


def report(samples: dict[str, list[float]], cpu: dict[str, float]) -> str:
    p50 = {kind: percentile(values, 0.5) for kind, values in samples.items()}
    p95 = {kind: percentile(values, 0.95) for kind, values in samples.items()}
    lines = [f"{'request':<13} | {'p50 ms':>7} | {'p95 ms':>7} | {'server CPU ms':>13}",
             f"{'-' * 13} | {'-' * 7} | {'-' * 7} | {'-' * 13}"]
    lines += [f"{kind:<13} | {p50[kind]:7.1f} | {p95[kind]:7.1f} | {cpu[kind]:13.1f}" for kind in samples]
    checks = [
        ("availability p95 / floor p95", p95["availability"] / p95["floor"], 2.0),
        ("booking p50 / floor p50", p50["booking"] / p50["floor"], 3.0),
        ("floor plan p95 / floor p95", p95["floor plan"] / p95["floor"], 4.0),
    ]
    lines += ["", f"{'ratio':<29} | {'measured':>8} | {'target':>7} | result"]
    lines += [f"{name:<29} | {value:7.2f}× | {'≤ %g×' % target:>7} | {'PASS' if value <= target else 'MISS'}"
              for name, value, target in checks]
    search = p95["availability"]
    lines.append(f"{'availability p95':<29} | {search:6.1f}ms | {'< %d ms' % SEARCH_MAX_MS:>7} | "
                 f"{'PASS' if search < SEARCH_MAX_MS else 'MISS'}")
    return "\n".join(lines)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
