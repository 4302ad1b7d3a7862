"""Answering session requests: declining with a reason, proposing other times that the start-up picks from,
withdrawing, sessions put to a mentor to confirm, and refusals that leave nothing behind."""
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from cohorts.mentoring import availability, days_away, session_requests, sessions
from cohorts.mentoring.models import MentorSession, SessionRequest
from spaces.booking.models import Booking
from tests.cohorts.conftest import Accelerator
from tests.cohorts.mentoring.factories import make_mentor, tag
from tests.helpers import api_token
from tests.spaces.conftest import NOW, paris
from tests.totem.factories import PASSWORD
from totem.errors import Conflict, Invalid
from totem.identity.models import User
from totem.notifications.models import OutboxMessage

TUESDAY_2PM = paris("2026-12-01", 14)


@pytest.fixture
def mentors(db, accelerator: Accelerator) -> tuple[User, User]:
    """Two mentors who both fit maritime requests, free on Tuesday afternoons."""
    mer = next(track for track in accelerator.program.tracks if track.name == "Mer")
    maritime = tag(db, "maritime logistics", [mer])
    found = []
    for email in ("yann@mentors.example", "lea@mentors.example"):
        profile = make_mentor(db, venue=accelerator.scene.venue, email=email, now=NOW, tags=[maritime])
        availability.add_office_hours(db, actor=accelerator.scene.manager, mentor_id=profile.user_id, now=NOW,
                                      data=availability.OfficeHoursData(weekdays=[1], starts_at=time(14),
                                                                        ends_at=time(17), first_day=date(2026, 12, 1)))
        found.append(db.get_one(User, profile.user_id))
    db.commit()
    return found[0], found[1]


def _ask(db, accelerator, **fields) -> SessionRequest:
    data = {"topic": "Port logistics", "expertise": ("maritime logistics",), **fields}
    return session_requests.create_request(db, actor=accelerator.scene.nadia, now=NOW,
                                           data=session_requests.RequestData(**data))


def _outbox_to(db, user: User) -> list[str]:
    return list(db.scalars(select(OutboxMessage.subject).where(OutboxMessage.user_id == user.id)))


def test_anyone_who_fits_stays_open_to_the_others_when_one_declines(db, accelerator, mentors):
    yann, lea = mentors
    request = _ask(db, accelerator)
    assert len(_outbox_to(db, yann)) == 1 and len(_outbox_to(db, lea)) == 1

    session_requests.decline_request(db, actor=yann, request_id=request.id, reason="Away at sea in December.", now=NOW)

    assert request.status == "open"
    assert [r.id for r in session_requests.requests_open_to(db, mentor_id=yann.id)] == []
    assert [r.id for r in session_requests.requests_open_to(db, mentor_id=lea.id)] == [request.id]
    with pytest.raises(Conflict):
        session_requests.accept_request(db, actor=yann, request_id=request.id, starts_at=TUESDAY_2PM, now=NOW)
    assert len(_outbox_to(db, accelerator.scene.nadia)) == 1  # told of the decline, with its reason


def test_a_request_naming_a_mentor_is_declined_when_they_decline(db, accelerator, mentors):
    yann, lea = mentors
    request = _ask(db, accelerator, preferred_mentor_id=yann.id)
    assert session_requests.requests_open_to(db, mentor_id=lea.id) == []

    with pytest.raises(Invalid):
        session_requests.decline_request(db, actor=yann, request_id=request.id, reason="  ", now=NOW)
    session_requests.decline_request(db, actor=yann, request_id=request.id, reason="Not my field.", now=NOW)

    assert request.status == "declined" and request.declines[0].reason == "Not my field."


def test_the_startup_picks_one_of_the_times_the_mentor_proposed(db, accelerator, mentors):
    yann, _ = mentors
    request = _ask(db, accelerator, preferred_mentor_id=yann.id, mode="online")
    times = [paris("2026-12-03", 10), paris("2026-12-04", 16)]

    session_requests.propose_times(db, actor=yann, request_id=request.id, times=times, now=NOW)
    assert request.status == "proposed" and len(request.proposed_times) == 2
    with pytest.raises(Invalid, match="Pick one of the times proposed"):
        session_requests.pick_time(db, actor=accelerator.scene.nadia, request_id=request.id,
                                   starts_at=paris("2026-12-03", 11), now=NOW)
    with pytest.raises(Exception):  # noqa: B017  (another start-up's member does not even see it)
        session_requests.pick_time(db, actor=accelerator.scene.hugo, request_id=request.id, starts_at=times[1], now=NOW)

    session = session_requests.pick_time(db, actor=accelerator.scene.nadia, request_id=request.id, starts_at=times[1],
                                         now=NOW)

    assert (session.status, session.mentor_id, session.starts_at) == ("confirmed", yann.id, times[1])
    assert request.status == "scheduled"


def test_a_time_outside_the_mentors_free_slots_or_on_a_day_away_is_refused(db, accelerator, mentors):
    yann, _ = mentors
    request = _ask(db, accelerator, preferred_mentor_id=yann.id)
    with pytest.raises(Conflict, match="not one of your free slots"):
        session_requests.accept_request(db, actor=yann, request_id=request.id, starts_at=paris("2026-12-01", 18),
                                        now=NOW)
    days_away.add_exception(db, actor=yann, mentor_id=yann.id, first_day=date(2026, 12, 1),
                               last_day=date(2026, 12, 1), reason="Conference", now=NOW)
    with pytest.raises(Conflict):
        session_requests.accept_request(db, actor=yann, request_id=request.id, starts_at=TUESDAY_2PM, now=NOW)
    assert db.scalar(select(func.count()).select_from(MentorSession)) == 0
    assert db.scalar(select(func.count()).select_from(Booking)) == 0


def test_withdrawing_cancels_the_session_proposed_for_it_and_frees_its_room(db, accelerator, mentors):
    yann, _ = mentors
    manager = accelerator.scene.manager
    request = _ask(db, accelerator)
    proposed = session_requests.propose_session(db, actor=manager, request_id=request.id, mentor_id=yann.id,
                                                starts_at=TUESDAY_2PM, now=NOW)
    assert proposed.status == "proposed" and request.status == "proposed"

    session_requests.withdraw_request(db, actor=accelerator.scene.nadia, request_id=request.id, now=NOW)

    assert request.status == "cancelled" and proposed.status == "cancelled"
    assert db.get(Booking, proposed.booking_id).status == "cancelled"


def test_a_session_put_to_a_mentor_is_confirmed_by_them_only(db, accelerator, mentors):
    yann, lea = mentors
    request = _ask(db, accelerator)
    proposed = session_requests.propose_session(db, actor=accelerator.scene.manager, request_id=request.id,
                                                mentor_id=yann.id, starts_at=TUESDAY_2PM + timedelta(hours=1), now=NOW)
    with pytest.raises(Exception):  # noqa: B017  (Lea does not see Yann's session)
        sessions.confirm_session(db, actor=lea, session_id=proposed.id, now=NOW)

    sessions.confirm_session(db, actor=yann, session_id=proposed.id, now=NOW)

    assert proposed.status == "confirmed" and request.status == "scheduled"


def test_bad_requests_over_the_api_are_refused_and_leave_nothing(client, db, accelerator, mentors):
    nadia = api_token(client, accelerator.scene.nadia.email, PASSWORD)
    for body in ({"topic": ""}, {"topic": "x" * 201}, {"topic": "Fine", "duration_minutes": 50},
                 {"topic": "Fine", "expertise": ["astrology"]}, {"topic": "Fine", "urgency": "yesterday"},
                 {"topic": "Fine", "mentor_id": 999999}):
        response = client.post("/api/v1/session-requests", headers=nadia, json=body)
        assert response.status_code == 422, (body, response.text)
        assert "detail" in response.json()
    assert db.scalar(select(func.count()).select_from(SessionRequest)) == 0
