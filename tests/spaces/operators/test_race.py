"""Bookings racing for an operator's last hour or the last shared room at peak: the quota row's lock lets one
through, on SQLite (one writer at a time) and on PostgreSQL (`SELECT … FOR UPDATE`)."""
import threading
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from spaces.booking import service
from spaces.booking.models import Booking
from tests.spaces.booking.test_race import race_factory  # noqa: F401  (a database of the test's own, both kinds)
from tests.spaces.conftest import paris, startup_id
from tests.spaces.factories import make_floor, make_space, make_venue
from tests.spaces.operators.factories import join_operator, make_operator
from tests.totem.factories import make_user
from totem.db import transaction
from totem.errors import Conflict
from totem.identity.models import User

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Paris; Tuesday is more than 24 hours ahead


def set_the_scene(factory: sessionmaker[Session], quotas: dict[str, int], rooms: int = 2) -> dict:
    """Rooms, and per operator its quota of room hours and two members of its start-up."""
    with transaction(factory) as db:
        venue = make_venue(db)
        floor = make_floor(db, venue=venue)
        room_ids = [make_space(db, floor=floor, name=f"Salle {n}").id for n in range(rooms)]
        admin = make_user(db, role="admin", password=None, now=NOW)
        people = {}
        for name, hours in quotas.items():
            operator = make_operator(db, admin=admin, now=NOW, name=name, meeting_room_hours=hours)
            people[name] = [make_user(db, password=None, startup=f"Start-up {name}", now=NOW).id for _ in "ab"]
            join_operator(db, admin=admin, operator=operator, venue=venue, now=NOW,
                          organisation_id=startup_id(db, f"Start-up {name}"))
        return {"rooms": room_ids, "people": people}


def race(factory: sessionmaker[Session], attempts: list[tuple[int, int, datetime, datetime]]) -> list[object]:
    """Each (user, room, start, end) books on its own thread, all released at once; the outcome of each."""
    start = threading.Barrier(len(attempts))
    outcomes: list[object] = [None] * len(attempts)

    def book(index: int, user_id: int, room_id: int, starts_at: datetime, ends_at: datetime) -> None:
        start.wait()
        try:
            with transaction(factory) as db:
                booking = service.create_booking(db, actor=db.get_one(User, user_id), space_id=room_id,
                                                 starts_at=starts_at, ends_at=ends_at, now=NOW)
            outcomes[index] = booking.id
        except Exception as exc:  # noqa: BLE001  (the test sorts every outcome)
            outcomes[index] = exc

    threads = [threading.Thread(target=book, args=(n, *attempt)) for n, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def stored(factory: sessionmaker[Session]) -> list[Booking]:
    with factory() as db:
        return list(db.scalars(select(Booking).order_by(Booking.id)))


def codes(outcomes: list[object]) -> list[str]:
    return sorted(o.code for o in outcomes if isinstance(o, Conflict))


def test_two_bookings_of_two_rooms_for_the_last_hour_of_the_quota_give_one(race_factory):  # noqa: F811
    scene = set_the_scene(race_factory, {"Métropole": 1})
    nadia, karim = scene["people"]["Métropole"]
    early = (paris("2026-12-01", 8), paris("2026-12-01", 9))  # before the peak hours: the quota alone decides

    outcomes = race(race_factory, [(nadia, scene["rooms"][0], *early), (karim, scene["rooms"][1], *early)])

    assert sum(isinstance(o, int) for o in outcomes) == 1 and codes(outcomes) == ["quota_exhausted"], outcomes
    assert len(stored(race_factory)) == 1


def test_two_members_of_one_operator_racing_for_two_rooms_at_peak_keep_its_fair_share(race_factory):  # noqa: F811
    scene = set_the_scene(race_factory, {"Métropole": 10, "Blue Harbour": 10})  # one room each at once
    nadia, karim = scene["people"]["Métropole"]
    peak = (paris("2026-12-01", 10), paris("2026-12-01", 11))

    outcomes = race(race_factory, [(nadia, scene["rooms"][0], *peak), (karim, scene["rooms"][1], *peak)])

    assert sum(isinstance(o, int) for o in outcomes) == 1 and codes(outcomes) == ["fair_share_exceeded"], outcomes
    assert len(stored(race_factory)) == 1


def test_two_operators_racing_for_the_last_shared_room_hour_leave_it_to_the_one_within_its_share(
        race_factory):  # noqa: F811
    scene = set_the_scene(race_factory, {"Métropole": 10, "Blue Harbour": 10})
    peak = (paris("2026-12-01", 10), paris("2026-12-01", 11))
    nadia, karim = scene["people"]["Métropole"]
    harbour = scene["people"]["Blue Harbour"][0]
    with transaction(race_factory) as db:  # the Métropole already holds its one room of the hour
        service.create_booking(db, actor=db.get_one(User, nadia), space_id=scene["rooms"][0], starts_at=peak[0],
                               ends_at=peak[1], now=NOW)

    outcomes = race(race_factory, [(karim, scene["rooms"][1], *peak), (harbour, scene["rooms"][1], *peak)])

    assert isinstance(outcomes[1], int) and isinstance(outcomes[0], Conflict), outcomes
    last = stored(race_factory)[-1]
    assert len(stored(race_factory)) == 2 and last.id == outcomes[1] and last.space_id == scene["rooms"][1]
