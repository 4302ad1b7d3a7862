"""Measure the managers' home and a quarter's occupancy analytics on the generated campus.

    python -m bench.reports --database-url URL [--workers 2] [--runs 60] [--cold-runs 20]

Rolls up into `occupancy_hour` and its coarser sums (the nightly job keeps
only its catch-up window; `--no-roll-up` when a previous run did) every day
of the quarters measured, then times `GET /` as the campus manager and
`GET /admin/reports/occupancy` against a real `totem serve`: the last
quarter viewed again and again, and first views of different quarters (each
ending one day earlier than the one before, every day of each rolled up).
The server keeps no sums between requests: each view reads the roll-up. The
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
from spaces.occupancy import rollup
from spaces.occupancy.models import OccupancyDayHour, OccupancyHour, OccupancySpaceDay
from spaces.venues import queries as venue_queries
from spaces.venues.rules import local_time
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
        venue = venue_queries.list_venues(db)[0]
        last_day = local_time(now, venue).date() - timedelta(days=1)
        first_day = last_day - timedelta(days=QUARTER_DAYS - 1)
        days = 0 if args.no_roll_up else QUARTER_DAYS + args.cold_runs
        started = timer.perf_counter()
        for n in range(days):
            rollup.roll_up_day(db, venue=venue, day=last_day - timedelta(days=n), now=now)
        db.commit()
        rows = db.scalar(select(func.count()).where(OccupancyHour.day >= first_day, OccupancyHour.day <= last_day))
        coarse = [db.scalar(select(func.count()).where(table.day >= first_day, table.day <= last_day))
                  for table in (OccupancyDayHour, OccupancySpaceDay)]
        print(f"rolled up {days} days ({timer.perf_counter() - started:.0f} s); the last quarter: "
              f"{rows:,} hourly rows, {coarse[0]:,} day-hour rows, {coarse[1]:,} space-day rows", flush=True)
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
                        target_p95_ms=TARGET_MS, note=f"{first_day} to {last_day}, the whole venue, {rows:,} hourly "
                                                      f"rows summed in {coarse[0]:,} day-hour and {coarse[1]:,} "
                                                      "space-day rows; the same quarter again and again"),
                latency("occupancy analytics, first view of a quarter",
                        time_runs(first_view, args.cold_runs, warmup=0, cpu=server.cpu_seconds, cpu_of="server"),
                        target_p95_ms=TARGET_MS, note=f"{args.cold_runs} different quarters, each ending one day "
                                                      "earlier, the whole venue: grouped scans of the coarse sums"),
            ]
    engine.dispose()
    print(table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
