"""Twenty people book the same room slot at the same instant: one wins, nineteen are told it is taken.

Each thread has its own session and connection to a database of the test's own
(the shared, rolled-back connection would serialise everything by itself).
"""
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from spaces.booking import checks, service
from spaces.booking.models import Booking
from spaces.venues import queries as venue_queries
from spaces.venues.models import Space
from tests.conftest import PG_ADMIN_DSN, _create_pg_database, _drop_pg_database
from tests.spaces.conftest import paris
from tests.spaces.factories import make_floor, make_rule, make_space, make_venue
from tests.totem.factories import make_user
from totem.db import make_engine, make_session_factory, transaction
from totem.errors import Conflict
from totem.identity.models import User
from totem.migrations import upgrade

PEOPLE = 20
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SLOT = (paris("2026-12-01", 9), paris("2026-12-01", 10))


@pytest.fixture(params=["sqlite", "postgresql"])
def race_factory(request: pytest.FixtureRequest, tmp_path) -> Iterator[sessionmaker[Session]]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'race.db'}"
    else:
        name = _create_pg_database()
        request.addfinalizer(lambda: _drop_pg_database(name))
        url = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    upgrade(url)
    engine = make_engine(url, pool_size=PEOPLE, max_overflow=0)
    yield make_session_factory(engine)
    engine.dispose()


def set_the_scene(factory: sessionmaker[Session]) -> tuple[int, list[int]]:
    with transaction(factory) as db:
        venue = make_venue(db, name="Cité de l'innovation")
        room = make_space(db, floor=make_floor(db, venue=venue), name="Calanques")
        make_rule(db, venue=venue, space_kind="meeting_room", buffer_minutes=10)
        people = [make_user(db, password=None, startup=f"Start-up {n}", now=NOW) for n in range(PEOPLE)]
        return room.id, [person.id for person in people]


def race(factory: sessionmaker[Session], room_id: int, user_ids: list[int]) -> list[object]:
    """Every user books the slot on their own thread, all released at once; the outcome of each."""
    start = threading.Barrier(len(user_ids))
    outcomes: list[object] = [None] * len(user_ids)

    def book(index: int, user_id: int) -> None:
        start.wait()
        try:
            with transaction(factory) as db:
                booking = service.create_booking(db, actor=db.get_one(User, user_id), space_id=room_id,
                                                 starts_at=SLOT[0], ends_at=SLOT[1], now=NOW)
            outcomes[index] = booking.id
        except Exception as exc:  # noqa: BLE001  (the test sorts every outcome)
            outcomes[index] = exc

    threads = [threading.Thread(target=book, args=(n, user_id)) for n, user_id in enumerate(user_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def stored(factory: sessionmaker[Session]) -> list[Booking]:
    with factory() as db:
        return list(db.scalars(select(Booking)))


def test_twenty_people_booking_one_slot_at_once_give_one_booking(race_factory):
    room_id, user_ids = set_the_scene(race_factory)

    outcomes = race(race_factory, room_id, user_ids)

    winners = [o for o in outcomes if isinstance(o, int)]
    losers = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(winners) == 1 and len(losers) == PEOPLE - 1, outcomes
    assert {loser.params["start"] + "–" + loser.params["end"] for loser in losers} == {"09:00–10:00"}
    bookings = stored(race_factory)
    assert [b.id for b in bookings] == winners and bookings[0].status == "confirmed"


def test_on_postgresql_the_constraint_alone_settles_the_race(race_factory, monkeypatch):
    """Without the space lock and the check in Python, the exclusion constraint still lets one through."""
    if race_factory.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite has no exclusion constraint: its writers are serialised instead")
    room_id, user_ids = set_the_scene(race_factory)
    unlocked = venue_queries.get_space

    def get_space_without_lock(db: Session, space_id: int, *, lock: bool = False) -> Space | None:
        return unlocked(db, space_id)

    monkeypatch.setattr(venue_queries, "get_space", get_space_without_lock)
    monkeypatch.setattr(checks, "check_free", lambda *args, **kwargs: None)

    outcomes = race(race_factory, room_id, user_ids)

    assert sum(isinstance(o, int) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == PEOPLE - 1, outcomes
    assert len(stored(race_factory)) == 1
