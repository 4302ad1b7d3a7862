"""Fifty people register at the same instant for an event's last twenty seats: twenty get one, thirty wait.

Each thread has its own session and connection to a database of the test's own; the event's row lock
(`SELECT … FOR UPDATE` on PostgreSQL, SQLite's write lock) serialises the seat count, and a CHECK keeps it
within the capacity whatever happens.
"""
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from spaces.events import registrations
from spaces.events.models import Event, Registration
from tests.conftest import PG_ADMIN_DSN, _create_pg_database, _drop_pg_database
from tests.spaces.conftest import NOW, paris
from tests.spaces.events.factories import make_building, make_event
from tests.spaces.factories import make_venue
from totem.db import make_engine, make_session_factory, transaction
from totem.migrations import upgrade

PEOPLE = 50
CAPACITY, ALREADY = 30, 10  # twenty seats left


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


def _applicant(email: str) -> registrations.Applicant:
    return registrations.Applicant(name=email.split("@")[0], email=email, consent=True)


def set_the_scene(factory: sessionmaker[Session]) -> int:
    with transaction(factory) as db:
        building = make_building(db, venue=make_venue(db, name="Cité de l'innovation"), now=NOW)
        event = make_event(db, building, starts_at=paris("2026-12-08", 17), ends_at=paris("2026-12-08", 19), now=NOW,
                           capacity=CAPACITY)
        for n in range(ALREADY):
            registrations.register(db, event_id=event.id, applicant=_applicant(f"early{n}@example.fr"), now=NOW)
        return event.id


def race(factory: sessionmaker[Session], event_id: int, emails: list[str]) -> list[object]:
    """Each e-mail registers on its own thread, all released at once; the status of each, or its exception."""
    start = threading.Barrier(len(emails))
    outcomes: list[object] = [None] * len(emails)

    def register(index: int, email: str) -> None:
        start.wait()
        try:
            with transaction(factory) as db:
                outcome = registrations.register(db, event_id=event_id, applicant=_applicant(email), now=NOW)
                outcomes[index] = (outcome.registration.id, outcome.registration.status)
        except Exception as exc:  # noqa: BLE001  (the test sorts every outcome)
            outcomes[index] = exc

    threads = [threading.Thread(target=register, args=(n, email)) for n, email in enumerate(emails)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_fifty_people_for_the_last_twenty_seats_give_twenty_registered_and_thirty_waiting(race_factory):
    event_id = set_the_scene(race_factory)

    outcomes = race(race_factory, event_id, [f"person{n}@example.fr" for n in range(PEOPLE)])

    assert not [o for o in outcomes if not isinstance(o, tuple)], outcomes
    statuses = [status for _id, status in outcomes]  # type: ignore[misc]
    assert statuses.count("registered") == 20 and statuses.count("waitlisted") == 30
    with race_factory() as db:
        assert db.scalar(select(Event.seats_taken).where(Event.id == event_id)) == CAPACITY
        stored = dict(db.execute(select(Registration.status, func.count()).group_by(Registration.status)).tuples().all())
        assert stored == {"registered": CAPACITY, "waitlisted": 30}


def test_one_email_registering_twice_at_once_is_one_registration(race_factory):
    event_id = set_the_scene(race_factory)

    outcomes = race(race_factory, event_id, ["Same@Example.fr", "same@example.fr", " SAME@example.FR"])

    assert all(isinstance(o, tuple) or isinstance(o, IntegrityError) for o in outcomes), outcomes
    assert len({o[0] for o in outcomes if isinstance(o, tuple)}) == 1
    with race_factory() as db:
        assert db.scalar(select(func.count()).select_from(Registration)
                         .where(Registration.email_key == "same@example.fr")) == 1
        assert db.scalar(select(Event.seats_taken).where(Event.id == event_id)) == ALREADY + 1
