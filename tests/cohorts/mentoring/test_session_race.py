"""Two mentors accept two requests for the last free room at the same instant: one session gets the room, the
other is told no room is free, and nothing is half made (no session without its room, no room without a session).

Each thread has its own session and connection to a database of the test's own.
"""
import threading
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from cohorts.mentoring import availability, session_requests
from cohorts.mentoring.models import MentorSession, SessionRequest
from spaces.booking.models import Booking
from tests.cohorts.mentoring.factories import make_mentor
from tests.spaces.booking.test_race import race_factory  # noqa: F401  (the fixture: SQLite and PostgreSQL)
from tests.spaces.conftest import paris
from tests.spaces.factories import make_floor, make_rule, make_space, make_venue
from tests.totem.factories import make_user
from totem.db import transaction
from totem.errors import Conflict
from totem.identity.models import User

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SLOT = paris("2026-12-01", 14)


def set_the_scene(factory) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """One meeting room; two mentors free on Tuesday afternoon, each asked by a start-up. (mentor, request) pairs."""
    with transaction(factory) as db:
        venue = make_venue(db, name="Cité de l'innovation")
        make_space(db, floor=make_floor(db, venue=venue), name="Calanques")
        make_rule(db, venue=venue, space_kind="meeting_room", buffer_minutes=10)
        manager = make_user(db, role="manager", password=None, now=NOW)
        pairs = []
        for n in range(2):
            mentor = make_mentor(db, venue=venue, email=f"mentor{n}@race.example", now=NOW)
            availability.add_office_hours(db, actor=manager, mentor_id=mentor.user_id, now=NOW,
                                          data=availability.OfficeHoursData(weekdays=[1], starts_at=time(14),
                                                                            ends_at=time(17),
                                                                            first_day=date(2026, 12, 1)))
            founder = make_user(db, password=None, startup=f"Start-up {n}", now=NOW)
            request = session_requests.create_request(db, actor=founder, now=NOW, data=session_requests.RequestData(
                topic=f"Topic {n}", preferred_mentor_id=mentor.user_id, mode="in_person"))
            pairs.append((mentor.user_id, request.id))
        return pairs


def test_two_mentors_racing_for_the_last_room_make_one_whole_session(race_factory):  # noqa: F811
    pairs = set_the_scene(race_factory)
    start = threading.Barrier(len(pairs))
    outcomes: list[object] = [None] * len(pairs)

    def accept(index: int, mentor_id: int, request_id: int) -> None:
        start.wait()
        try:
            with transaction(race_factory) as db:
                session = session_requests.accept_request(db, actor=db.get_one(User, mentor_id), request_id=request_id,
                                                          starts_at=SLOT, now=NOW)
            outcomes[index] = session.id
        except Exception as exc:  # noqa: BLE001  (the test sorts every outcome)
            outcomes[index] = exc

    threads = [threading.Thread(target=accept, args=(n, *pair)) for n, pair in enumerate(pairs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [o for o in outcomes if isinstance(o, int)]
    losers = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert losers[0].message == "No meeting room is free on {day} from {start} to {end}."
    with race_factory() as db:
        [session] = db.scalars(select(MentorSession)).all()
        [booking] = db.scalars(select(Booking)).all()
        assert session.id == winners[0] and session.booking_id == booking.id and booking.status == "confirmed"
        statuses = sorted(db.scalars(select(SessionRequest.status)))
        assert statuses == ["open", "scheduled"]
