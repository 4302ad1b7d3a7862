"""Fill an empty database with the Station F-sized campus and a year of its bookings.

    python -m bench.generate --database-url URL [--bookings 520000] [--seed 1] [--now ISO]
                             [--occupancy-days 31] [--fresh]

`generate()` is the same as a function, for other benchmarks that need the
data set. The schema comes from the Alembic migrations; the rows go in by
bulk insert (COPY on PostgreSQL), not through the services, which would take
hours for half a million bookings.
"""
import argparse
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.campus import PASSWORD, TIMEZONE, Campus, build_campus, closure_days
from bench.rights import grant_rights, write_credits
from bench.year import COLUMNS, plan_year, rows
from spaces.booking.models import Booking
from spaces.occupancy import rollup
from spaces.venues.models import Space, Venue
from totem import clock
from totem.audit.models import AuditEntry
from totem.auth.secrets import hash_password
from totem.db import make_engine, make_session_factory
from totem.identity.models import Organisation, User
from totem.migrations import upgrade

DEFAULT_BOOKINGS = 520_000
BATCH = 10_000
# The start-ups' grants and desk allocations cover the whole year of bookings, and more.
RIGHTS_BEFORE, RIGHTS_AFTER = timedelta(days=310), timedelta(days=400)
# As far back as the roll-up job catches up on its first night; the reports read these rows.
OCCUPANCY_DAYS = rollup.CATCH_UP_DAYS
# The audit line that records when and how the data set was made; `bench.run` reads its time as "now".
AUDIT_ACTION = "bench.generate"


@dataclass(frozen=True)
class Generated:
    now: datetime
    campus: Campus
    bookings: int
    seconds: float


def generate(database_url: str, *, bookings: int = DEFAULT_BOOKINGS, seed: int = 1, now: datetime | None = None,
             occupancy_days: int = OCCUPANCY_DAYS, say: Callable[[str], None] = print) -> Generated:
    """Migrate the empty database at `database_url` and fill it; `now` splits the past from the future."""
    started = time.perf_counter()
    now = (now or clock.now()).replace(second=0, microsecond=0)
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        _check_empty(engine)
        rng = random.Random(seed)
        with engine.begin() as conn:
            campus = build_campus(conn, rng, now=now, password_hash=hash_password(PASSWORD))
        say(f"campus: {len(campus.spaces)} spaces, {len(campus.members)} start-ups, "
            f"{sum(map(len, campus.members.values()))} members ({time.perf_counter() - started:.1f} s)")
        local_today = now.astimezone(ZoneInfo(TIMEZONE)).date()
        year = plan_year(campus, rng, now=now, local_today=local_today, closures=set(closure_days(now)),
                         bookings=bookings)
        say(f"planned {len(year.candidates)} bookings of {year.drawn} drawn ({time.perf_counter() - started:.1f} s)")
        first_day, last_day = (local_today - RIGHTS_BEFORE).replace(day=1), local_today + RIGHTS_AFTER
        with engine.begin() as conn:
            grant_rights(conn, campus, now=now, first_day=first_day, last_day=last_day)
            written = _write_bookings(conn, rows(year, rng, now=now))
            conn.execute(insert(AuditEntry.__table__).values(
                at=now, actor_id=None, action=AUDIT_ACTION, object_type="venue", object_id=str(campus.venue_id),
                summary=f"bench campus: {written} bookings, seed {seed}, now {now.isoformat()}",
            ))
        say(f"wrote {written} bookings ({time.perf_counter() - started:.1f} s)")
        with engine.begin() as conn:
            entries = write_credits(conn, campus, now=now, first_day=first_day)
        say(f"wrote {entries} credit movements ({time.perf_counter() - started:.1f} s)")
        with make_session_factory(engine)() as db:
            hours = _roll_up_occupancy(db, campus.venue_id, local_today, occupancy_days, now)
            db.commit()
        say(f"rolled up {hours} occupancy hours (and their daily sums) over {occupancy_days} days ({time.perf_counter() - started:.1f} s)")
        with engine.connect() as conn:
            # Fresh statistics, as autovacuum would soon gather on PostgreSQL; SQLite's planner uses them too.
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
            _report(conn, say)
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    say(f"done in {seconds:.1f} s; now = {now.isoformat()}")
    return Generated(now, campus, written, seconds)


def _roll_up_occupancy(db: Session, venue_id: int, local_today: date, days: int, now: datetime) -> int:
    """What the nightly job would have written for the last `days` days, by its own code: the hourly
    rows and their sums per day and hour and per space and day, which the reports read."""
    venue = db.get_one(Venue, venue_id)
    return sum(rollup.roll_up_day(db, venue=venue, day=local_today - timedelta(days=n), now=now)
               for n in range(days, 0, -1))


def _check_empty(engine: Engine) -> None:
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(Venue)) or conn.scalar(select(func.count()).select_from(User)):
            raise SystemExit("the database is not empty: give an empty one (or --fresh to recreate it)")


def _write_bookings(conn: Connection, booking_rows: Iterable[tuple]) -> int:
    if conn.dialect.name == "postgresql":
        return _copy_bookings(conn, booking_rows)
    count, batch = 0, []
    for row in booking_rows:
        batch.append(dict(zip(COLUMNS, row, strict=True)))
        if len(batch) == BATCH:
            count += _insert_batch(conn, batch)
            batch = []
    return count + _insert_batch(conn, batch)


def _insert_batch(conn: Connection, batch: list[dict]) -> int:
    if batch:
        conn.execute(insert(Booking.__table__), batch)
    return len(batch)


def _copy_bookings(conn: Connection, booking_rows: Iterable[tuple]) -> int:
    """COPY is several times faster than INSERTs; the exclusion constraint still checks every row."""
    count = 0
    with conn.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
        with cursor.copy(f"COPY booking ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in booking_rows:
                copy.write_row(row)
                count += 1
    return count


def _report(conn: Connection, say: Callable[[str], None]) -> None:
    kinds = Counter(dict(conn.execute(select(Space.kind, func.count()).group_by(Space.kind)).all()))
    statuses = dict(conn.execute(select(Booking.status, func.count()).group_by(Booking.status)).all())
    say("spaces: " + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())))
    say(f"start-ups: {conn.scalar(select(func.count()).select_from(Organisation))}, "
        f"users: {conn.scalar(select(func.count()).select_from(User))}")
    say(f"bookings: {sum(statuses.values())} (" + ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())) + ")")


def recreate_database(database_url: str) -> None:
    """Drop and create the database (PostgreSQL) or delete the file (SQLite): a clean slate."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                Path(url.database + suffix).unlink(missing_ok=True)
        return
    name = url.database
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name or "")))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name or "")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="SQLAlchemy URL of an empty database")
    parser.add_argument("--bookings", type=int, default=DEFAULT_BOOKINGS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", type=datetime.fromisoformat, help="ISO 8601 with offset; default: the clock")
    parser.add_argument("--occupancy-days", type=int, default=OCCUPANCY_DAYS,
                        help="past days rolled up into hourly occupancy, as the nightly job does (about 1 s each)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database (or file) first")
    args = parser.parse_args(argv)
    if args.now is not None and args.now.tzinfo is None:
        parser.error("--now needs an offset, e.g. 2026-11-23T10:00:00+01:00")
    if args.fresh:
        recreate_database(args.database_url)
    generate(args.database_url, bookings=args.bookings, seed=args.seed, now=args.now,
             occupancy_days=args.occupancy_days)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
