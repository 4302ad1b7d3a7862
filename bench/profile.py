"""Where a request's time goes: pyinstrument over the booking POST, the availability GET and the floor plan.

    python -m bench.profile --database-url URL [--runs 200] [--tree booking]

The app runs inside this process (`create_app` on the campus of
`bench.generate`, its middleware included), driven by httpx's ASGI transport
on one thread, the sync handlers and dependencies called inline rather than
in anyio's thread pool so that one sampling profiler sees everything (the
thread hop and the socket, which a real server adds, are left out: see
`bench.http_floor` for those). Each sample is put in a part of the request,
by the frames on its stack:

- stack: server, middleware, routing, validation, serialisation (Starlette,
  FastAPI, pydantic, json...);
- auth+session: the bearer token or login session, and the database session
  of the request (`api_user`, `resolve_viewer`, `get_db`, `totem.auth`);
- domain: the handler's own code (totem, spaces, cohorts) and its templates;

and, within each part, whether it ran Python, the ORM (SQLAlchemy building
statements, loading objects, flushing) or SQL (the driver and the database
round-trip, connection checkout and reset). Samples in the test client (httpx)
are not the server's and are left out. Everything written is deleted
afterwards (`bench.rewind`).
"""
import argparse
import asyncio
import gc
import random
from collections.abc import Awaitable, Callable
from datetime import date

import anyio.to_thread
import httpx
from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer
from pyinstrument.session import Session as ProfileSession
from sqlalchemy import func, select

from bench import load, rewind
from bench.campus import PASSWORD
from bench.run import CSRF, busy_days, data_now, search_cases
from spaces.booking.models import Booking
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Floor, Space
from totem import clock
from totem.app import create_app
from totem.db import make_engine, make_session_factory
from totem.identity.models import User
from totem.settings import Settings

WARMUP = 10
INTERVAL = 0.0002  # seconds between samples

PARTS = ("stack", "auth+session", "domain")
LAYERS = ("python", "ORM", "SQL")
AUTH_FUNCTIONS = {"api_user", "resolve_viewer", "get_db", "current_viewer"}
SQL_FUNCTIONS = {"do_execute", "do_executemany", "do_execute_no_params", "_checkout", "_finalize_fairy",
                 "_reset", "do_rollback", "do_commit"}
OWN_PACKAGES = ("/totem/", "/spaces/", "/cohorts/")
NOT_DOMAIN = ("/totem/web/security.py", "/totem/api/deps.py", "/totem/web/errors.py")


def classify(stack: list[str]) -> tuple[str, str] | None:
    """(part, layer) of one sample from its frames' identifiers (function NUL file NUL line...), or None: the client."""
    part, layer, in_client = "stack", "python", False
    for frame in stack:
        function, _, rest = frame.partition("\x00")
        path = rest.partition("\x00")[0]
        if "/httpx/" in path:
            in_client = True
        elif "/starlette/" in path or "/fastapi/" in path:
            in_client = False  # the app, called by the client's transport
        if function in AUTH_FUNCTIONS and path.endswith(("totem/api/deps.py", "totem/web/context.py")) \
                or "/totem/auth/" in path:
            part = "auth+session"
        elif part == "stack" and path.endswith(".html") or (
                part == "stack" and any(p in path for p in OWN_PACKAGES) and not path.endswith(NOT_DOMAIN)):
            part = "domain"
        if "/psycopg/" in path or "sqlite3" in path or function in SQL_FUNCTIONS and "/sqlalchemy/" in path:
            layer = "SQL"
        elif layer == "python" and "/sqlalchemy/" in path:
            layer = "ORM"
    return None if in_client else (part, layer)


def split(session: ProfileSession, requests: int) -> dict[tuple[str, str], float]:
    """Milliseconds per request of each (part, layer)."""
    totals: dict[tuple[str, str], float] = {}
    for stack, seconds in session.frame_records:
        key = classify(stack)
        if key is not None:
            totals[key] = totals.get(key, 0.0) + seconds * 1000 / requests
    return totals


def report(name: str, totals: dict[tuple[str, str], float], requests: int) -> str:
    whole = sum(totals.values()) or 1.0
    lines = [f"{name}: {whole:.2f} ms of server time per request (profiled, {requests} requests)",
             f"  {'part':<13} {'ms':>6} {'share':>6} | {'python':>6} {'ORM':>6} {'SQL':>6}"]
    for part in PARTS:
        cells = [totals.get((part, layer), 0.0) for layer in LAYERS]
        lines.append(f"  {part:<13} {sum(cells):6.2f} {sum(cells) / whole:6.0%} | "
                     + " ".join(f"{cell:6.2f}" for cell in cells))
    layers = [sum(totals.get((part, layer), 0.0) for part in PARTS) for layer in LAYERS]
    lines.append(f"  {'all':<13} {whole:6.2f} {1:6.0%} | " + " ".join(f"{cell:6.2f}" for cell in layers))
    return "\n".join(lines)


Call = Callable[[int], Awaitable[httpx.Response]]


async def profile_all(app, factory, args: argparse.Namespace) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(args.seed)
    with factory() as db:
        venue = venue_queries.list_venues(db)[0]
        floor_id = db.scalar(
            select(Floor.id).join(Space, Space.floor_id == Floor.id)
            .where(Space.kind.in_((SpaceKind.HOT_DESK, SpaceKind.DEDICATED_DESK)))
            .group_by(Floor.id).order_by(func.count(Space.id).desc(), Floor.level.desc()).limit(1))
        email = db.scalar(select(User.email).join(Booking, Booking.user_id == User.id)
                          .join(Space, Space.id == Booking.space_id).where(Space.floor_id == floor_id).limit(1))
        plan = load.plan_bookings(db, rng, now=clock.now(), attempts=args.runs + WARMUP, clients=8,
                                  conflict_share=0)
        now = data_now(db.get_bind())
    attempts = plan.in_turn()
    days = busy_days(venue, now)
    cases = search_cases(rng, venue, days, args.runs + WARMUP)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as api, \
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        tokens = {}
        for member in sorted({email} | plan.emails):
            answer = await api.post("/api/v1/auth/token", json={"email": member, "password": PASSWORD})
            tokens[member] = answer.raise_for_status().json()["access_token"]
        page = await browser.get("/login")
        await browser.post("/login", data={"email": email, "password": PASSWORD, "next": "/",
                                           "csrf_token": CSRF.search(page.text).group(1)})
        calls = _calls(api, browser, tokens, email, attempts, cases, floor_id, days, rng)
        for name, call in calls.items():
            if args.only and name not in args.only:
                continue
            session = await _profile(name, call, args.runs)
            print(report(name, split(session, args.runs), args.runs), flush=True)
            if name in (args.tree or ()):
                print(ConsoleRenderer(unicode=True, short_mode=True, time="percent_of_total").render(session))


def _calls(api: httpx.AsyncClient, browser: httpx.AsyncClient, tokens: dict[str, str], email: str,
           attempts: list, cases: list[dict], floor_id: int, days: list[date], rng: random.Random) -> dict[str, Call]:
    async def floor(_: int) -> httpx.Response:
        return await api.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens[email]}"})

    async def booking(n: int) -> httpx.Response:
        member, attempt = attempts[n]
        return await api.post("/api/v1/bookings", headers={"Authorization": f"Bearer {tokens[member]}"},
                              json={"space_id": attempt.space_id, "starts_at": attempt.starts_at.isoformat(),
                                    "ends_at": attempt.ends_at.isoformat(), "title": "bench"})

    async def availability(n: int) -> httpx.Response:
        case = cases[n]
        params = {"starts_at": case["starts_at"].isoformat(), "ends_at": case["ends_at"].isoformat()}
        params |= {key: case[key] for key in ("kind", "min_capacity") if case[key] is not None}
        return await api.get("/api/v1/spaces/availability", params=params,
                             headers={"Authorization": f"Bearer {tokens[email]}"})

    async def floor_plan(_: int) -> httpx.Response:
        at = f"{rng.randint(9, 17):02d}:{rng.choice((0, 30)):02d}"
        return await browser.get(f"/floors/{floor_id}", params={"day": rng.choice(days).isoformat(), "at": at})

    return {"floor": floor, "booking": booking, "availability": availability, "floor plan": floor_plan}


async def _profile(name: str, call: Call, runs: int) -> ProfileSession:
    sessions = []
    for n in range(WARMUP + runs):
        profiler = Profiler(interval=INTERVAL, async_mode="disabled")
        if n >= WARMUP:
            profiler.start()
        response = await call(n)
        if n >= WARMUP:
            sessions.append(profiler.stop())
        if response.status_code >= 300:
            raise SystemExit(f"{name}: {response.status_code} {response.text[:300]}")
    combined = sessions[0]
    for session in sessions[1:]:
        combined = ProfileSession.combine(combined, session)
    return combined


async def _inline(func, *args, **_: object):  # type: ignore[no-untyped-def]
    """anyio.to_thread.run_sync, on the calling thread: the profiler samples one thread."""
    return func(*args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a database filled by bench.generate")
    parser.add_argument("--runs", type=int, default=200, help="requests profiled of each kind")
    parser.add_argument("--only", nargs="*", help="request kinds: floor, booking, availability, 'floor plan'")
    parser.add_argument("--tree", nargs="*", help="also print pyinstrument's call tree of these kinds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    engine = make_engine(args.database_url)
    factory = make_session_factory(engine)
    with engine.connect() as conn:
        before = rewind.mark(conn)
    settings = Settings(database_url=args.database_url, scheduler_enabled=False, secret_key="bench-secret-key",
                        base_url="http://testserver", environment="development")
    app = create_app(settings, factory)
    anyio.to_thread.run_sync = _inline
    gc.freeze()
    try:
        asyncio.run(profile_all(app, factory, args))
    finally:
        with engine.begin() as conn:
            removed = rewind.rewind(conn, before)
        print("rewound: " + (", ".join(f"{n} {name}" for name, n in removed.items()) or "nothing"))
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
