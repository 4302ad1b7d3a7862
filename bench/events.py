"""The event space's public pages under load: the agenda and an event page read by 50 at once, and registrations.

    python -m bench.events [--database-url URL] [--readers 50] [--reads 40] [--registrations 400] [--workers 1]

On a fresh database with the demo loaded (`--fresh`, the default for the SQLite file in /tmp; a PostgreSQL URL
is dropped and created again with `--fresh`), a real `totem serve` answers:

- 50 concurrent readers (threads, one HTTP client each), each reading the public agenda `GET /events` and the
  demo day's page `GET /events/{slug}` in turn, `--reads` times each: p50 and p95 of each page;
- then 50 concurrent clients registering, without an account, through `POST /api/v1/events/{id}/registrations`
  (distinct e-mails) for the demo day: registrations a second over the whole burst, p95 of one, and the check that
  the seats taken never pass the capacity (the rest wait).

Prints the figures and the load average; `bench/RESULTS.md` records runs.
"""
import argparse
import os
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.server import running_server
from bench.stats import percentile
from spaces.events.models import Event, Registration
from totem import clock, demo
from totem.db import make_engine, make_session_factory, transaction
from totem.migrations import upgrade

DEFAULT_URL = "sqlite:////tmp/totem-bench-events.db"
DEMO_DAY = "Demo day — promotion 2026"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.events", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--fresh", action=argparse.BooleanOptionalAction, default=True,
                        help="start from an empty database with the demo (default)")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--reads", type=int, default=40, help="reads of each page by each reader")
    parser.add_argument("--registrations", type=int, default=400)
    parser.add_argument("--workers", type=int, default=1, help="`totem serve --workers`")
    parser.add_argument("--server-log", type=Path, default=Path(f"/tmp/totem-bench-events-{os.getpid()}.log"))
    args = parser.parse_args(argv)
    if args.fresh:
        _fresh(args.database_url)
    engine = make_engine(args.database_url)
    factory = make_session_factory(engine)
    with factory() as db:
        event = db.scalar(select(Event).where(Event.title == DEMO_DAY))
        assert event is not None, "the demo's programme is missing"
        event_id, slug, capacity = event.id, event.slug, event.capacity
    print(f"Events on {engine.dialect.name}: totem serve, {args.workers} worker(s); {args.readers} readers; "
          f"load average {_load()}", flush=True)
    with running_server(args.database_url, workers=args.workers, log_path=args.server_log) as server:
        pages = {"agenda": "/events", "event page": f"/events/{slug}"}
        reads = _concurrently(server.base_url, args.readers, args.reads * len(pages),
                              lambda client, n: _get(client, list(pages.values())[n % len(pages)]))
        for index, name in enumerate(pages):
            samples = [ms for n, ms in reads if n % len(pages) == index]
            print(f"  GET {pages[name]:<48} p50 {percentile(samples, 0.5):7.1f} ms   "
                  f"p95 {percentile(samples, 0.95):7.1f} ms   ({len(samples)} reads, {args.readers} at once)")
        per_client = max(1, args.registrations // args.readers)
        started = time.perf_counter()
        posted = _concurrently(server.base_url, args.readers, per_client,
                               lambda client, n: _register(client, event_id, n))
        elapsed = time.perf_counter() - started
        samples = [ms for _n, ms in posted]
        print(f"  POST /api/v1/events/{{id}}/registrations: {len(samples) / elapsed:6.1f} registrations/s "
              f"({len(samples)} in {elapsed:.1f} s, {args.readers} clients), p95 {percentile(samples, 0.95):.1f} ms")
    with factory() as db:
        seats = db.scalar(select(Event.seats_taken).where(Event.id == event_id))
        by_status = dict(db.execute(select(Registration.status, func.count()).where(Registration.event_id == event_id)
                                    .group_by(Registration.status)).tuples().all())
    print(f"  seats taken {seats} of {capacity}; registrations {by_status}; load average {_load()}")
    engine.dispose()
    return 0 if seats <= capacity and by_status.get("registered", 0) == seats else 1


def _fresh(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
    else:
        admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False),
                            isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
        admin.dispose()
    upgrade(url)
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as db:
        demo.load_demo(db, clock.now())
    engine.dispose()


def _get(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)


def _register(client: httpx.Client, event_id: int, n: int) -> None:
    response = client.post(f"/api/v1/events/{event_id}/registrations",
                           json={"name": f"Bench {n}", "email": f"bench.{n}@bench.example", "consent": True})
    assert response.status_code == 201, response.text


def _concurrently(base_url: str, clients: int, each: int, action) -> list[tuple[int, float]]:  # type: ignore[no-untyped-def]
    """`clients` threads, released together, each doing `action(client, n)` `each` times; (n, milliseconds)."""
    start = threading.Barrier(clients)
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    failures: list[BaseException] = []

    def run(index: int) -> None:
        with httpx.Client(base_url=base_url, timeout=120, headers={"Accept-Language": "fr"}) as client:
            start.wait()
            for k in range(each):
                n = index * each + k
                began = time.perf_counter()
                try:
                    action(client, n)
                except (AssertionError, httpx.TransportError) as failed:  # counted (a 500 also closes its
                    with lock:                                          # connection); the run goes on
                        failures.append(failed)
                    continue
                with lock:
                    results.append((n, (time.perf_counter() - began) * 1000))

    threads = [threading.Thread(target=run, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(failures) > len(results):
        raise SystemExit(f"{len(failures)} request(s) failed, the first: {failures[0]!r}")
    if failures:
        kinds = sorted({repr(failure)[:80] for failure in failures})
        print(f"  {len(failures)} request(s) failed: {'; '.join(kinds)}")
    return results


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
