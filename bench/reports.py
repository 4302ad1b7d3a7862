"""Measure the managers' home and a quarter's occupancy analytics on the generated campus.

    python -m bench.reports --database-url URL [--workers 2] [--runs 60]

Rolls the last 13 weeks up into `occupancy_hour` first (the nightly job
keeps only its catch-up window; `--no-roll-up` when a previous run did),
then times `GET /` as the campus manager and `GET /admin/reports/occupancy`
for the quarter against a real `totem serve`: the page viewed again (the
server keeps a scope's roll-up sums until the roll-up changes), and a first
view (a quarter ending one day earlier each run, so nothing is kept). The
roll-up rows are kept: they are what the job would write.
"""
import argparse
import os
import time as timer
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bench.campus import MANAGER_EMAIL
from bench.run import data_now, log_in_page
from bench.server import running_server
from bench.stats import latency, table, time_runs
from spaces import occupancy, queries
from spaces.models import OccupancyHour
from spaces.rules import local_time
from totem.db import make_engine, make_session_factory

TARGET_MS = 200
QUARTER_DAYS = 91


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a database filled by bench.generate")
    parser.add_argument("--workers", type=int, default=2, help="`totem serve --workers`")
    parser.add_argument("--runs", type=int, default=60, help="pages timed, each")
    parser.add_argument("--cold-runs", type=int, default=20, help="first views of a quarter timed")
    parser.add_argument("--no-roll-up", action="store_true", help="the quarter is already rolled up")
    parser.add_argument("--server-log", type=Path, default=Path(f"/tmp/totem-bench-reports-{os.getpid()}.log"))
    args = parser.parse_args(argv)
    engine = make_engine(args.database_url)
    factory = make_session_factory(engine)
    now = data_now(engine)
    with factory() as db:
        venue = queries.list_venues(db)[0]
        last_day = local_time(now, venue).date() - timedelta(days=1)
        first_day = last_day - timedelta(days=QUARTER_DAYS - 1)
        started = timer.perf_counter()
        for n in range(0 if args.no_roll_up else QUARTER_DAYS):
            occupancy.roll_up_day(db, venue=venue, day=first_day + timedelta(days=n), now=now)
        db.commit()
        rows = db.scalar(select(func.count()).select_from(OccupancyHour))
        print(f"rolled up {0 if args.no_roll_up else QUARTER_DAYS} days; {rows:,} occupancy rows; "
              f"{timer.perf_counter() - started:.0f} s", flush=True)
    query = {"venue_id": venue.id, "from": first_day.isoformat(), "to": last_day.isoformat()}
    with running_server(args.database_url, workers=args.workers, log_path=args.server_log) as server:
        with httpx.Client(base_url=server.base_url, timeout=60) as http:
            log_in_page(http, MANAGER_EMAIL)

            def home(n: int) -> None:
                response = http.get("/")
                response.raise_for_status()
                if "/admin/reports/today" not in response.text:
                    raise SystemExit("the home page has no managers' panels")

            def analytics(n: int) -> None:
                http.get("/admin/reports/occupancy", params=query).raise_for_status()

            def first_view(n: int) -> None:
                last = last_day - timedelta(days=n + 1)
                http.get("/admin/reports/occupancy", params={
                    "venue_id": venue.id, "from": (last - timedelta(days=QUARTER_DAYS - 1)).isoformat(),
                    "to": last.isoformat()}).raise_for_status()

            figures = [
                latency("managers' home, GET /", time_runs(home, args.runs, cpu=server.cpu_seconds, cpu_of="server"),
                        target_p95_ms=TARGET_MS, note="campus manager: building now, today, programs, jobs"),
                latency("occupancy analytics for a quarter, GET /admin/reports/occupancy",
                        time_runs(analytics, args.runs, cpu=server.cpu_seconds, cpu_of="server"),
                        target_p95_ms=TARGET_MS, note=f"{first_day} to {last_day}, the whole venue, {rows:,} rows; "
                                                      "the same quarter again: its roll-up sums are kept"),
                latency("occupancy analytics, first view of a quarter",
                        time_runs(first_view, args.cold_runs, warmup=0, cpu=server.cpu_seconds, cpu_of="server"),
                        target_p95_ms=TARGET_MS, note="a quarter ending one day earlier each run: two grouped scans "
                                                      "of ~1 million roll-up rows each time"),
            ]
    engine.dispose()
    print(table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
