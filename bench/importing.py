"""Import 60 rooms and a year of 50,000 bookings from CSV, on SQLite and on PostgreSQL, and print the times.

    .venv/bin/python -m bench.importing [--bookings 50000] [--pg postgresql://postgres@127.0.0.1:5432/postgres]

Each database is fresh (migrated by Alembic); the people are written first
(a members import is not what is measured), then the spaces file and the
bookings file go through `totem.importing.run_import`, as `totem import`
does, and are committed. A second run of the bookings file (every line
unchanged) and an export are timed too.
"""
import argparse
import random
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import psycopg
from sqlalchemy import insert

import spaces.booking.importing  # noqa: F401  (registers the kinds of bookings)
import spaces.venues.importing  # noqa: F401  (registers the kind of spaces)
from totem.db import make_engine, make_session_factory
from totem.identity.models import User, UserRole
from totem.identity.service import system_actor
from totem.importing import Options, export_csv, run_import
from totem.migrations import upgrade

ROOMS = 60
PEOPLE = 300
FIRST_DAY = date(2026, 1, 5)
HOURS = range(8, 19)  # one-hour slots from 08:00 to 19:00


def spaces_csv() -> str:
    lines = ["venue,floor,zone,name,kind,capacity,amenities,level"]
    for number in range(ROOMS):
        level = number // 10
        lines.append(f"Campus,Étage {level},Aile {number % 2},Salle {number:02d},meeting_room,{4 + number % 8},"
                     f"screen|videoconference,{level}")
    return "\n".join(lines) + "\n"


def bookings_csv(count: int) -> str:
    """`count` one- or two-hour bookings over the year's weekdays, none overlapping, some past, some cancelled."""
    rng = random.Random(10)
    days = [FIRST_DAY + timedelta(days=n) for n in range(365) if (FIRST_DAY + timedelta(days=n)).weekday() < 5]
    slots = [(day, room, hour) for day in days for room in range(ROOMS) for hour in HOURS[::2]]
    chosen = sorted(rng.sample(slots, count))
    lines = ["space,starts_at,ends_at,status,booker_email,title"]
    for day, room, hour in chosen:
        length = rng.choice((1, 2))
        status = "cancelled" if rng.random() < 0.05 else "confirmed"
        lines.append(f"Salle {room:02d},{day}T{hour:02d}:00,{day}T{hour + length:02d}:00,{status},"
                     f"person{rng.randrange(PEOPLE)}@bench.example,Réunion {hour}h")
    return "\n".join(lines) + "\n"


def add_people(factory) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    with factory() as db:
        # Ids from the database's own sequence: the system account the imports act as is made after them.
        ids = db.scalars(insert(User).returning(User.id), [
            {"email": f"person{n}@bench.example", "name": f"Person {n}", "locale": "fr",
             "is_active": True, "created_at": now, "calendar_token": secrets.token_urlsafe(32)}
            for n in range(PEOPLE)]).all()
        db.execute(insert(UserRole), [{"user_id": user_id, "role": "member"} for user_id in ids])
        db.commit()


def timed_import(factory, kind: str, data: bytes) -> tuple[float, str]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with factory() as db:
        result = run_import(db, kind=kind, data=data, dry_run=False, options=Options(
            actor=system_actor(db, now=datetime.now(UTC)), now=datetime.now(UTC)))
        if result.refused:
            raise SystemExit(f"{kind}: refused {[(r.line, r.reason.render()) for r in result.refused[:5]]}")
        db.commit()
    summary = f"{len(result.created)} created, {len(result.updated)} updated, {result.unchanged} unchanged"
    return time.perf_counter() - started, summary


def run(name: str, url: str, count: int) -> None:
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    add_people(factory)
    bookings = bookings_csv(count).encode()
    seconds, summary = timed_import(factory, "spaces", spaces_csv().encode())
    print(f"{name}: spaces ({summary}) in {seconds:.2f} s")
    seconds, summary = timed_import(factory, "bookings", bookings)
    print(f"{name}: {count} bookings ({summary}, {len(bookings) / 1e6:.1f} MB) in {seconds:.2f} s")
    seconds, summary = timed_import(factory, "bookings", bookings)
    print(f"{name}: the same file again ({summary}) in {seconds:.2f} s")
    started = time.perf_counter()
    with factory() as db:
        lines = export_csv(db, "bookings").count("\n") - 1
    print(f"{name}: export of {lines} bookings in {time.perf_counter() - started:.2f} s")


def on_both_databases(run_one: Callable[[str, str], None], pg_admin_dsn: str) -> None:
    """`run_one(name, url)` on a fresh SQLite file, then on a throw-away PostgreSQL database, dropped after."""
    with tempfile.TemporaryDirectory() as folder:
        run_one("SQLite", f"sqlite:///{folder}/bench.db")
    database = f"totem_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    try:
        base = pg_admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        run_one("PostgreSQL", f"{base}/{database}")
    finally:
        with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=50_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="an admin DSN: a throw-away database is created and dropped there")
    args = parser.parse_args()
    on_both_databases(lambda name, url: run(name, url, args.bookings), args.pg)


if __name__ == "__main__":
    main()
