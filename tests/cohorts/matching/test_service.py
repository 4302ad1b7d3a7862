"""The weekly matching over the database: open requests become sessions proposed to mentors, fairly, within
capacity, each with its room or video link; the run keeps its score, gap and why requests stayed open."""
from datetime import date, time

import pytest
from sqlalchemy import select

from cohorts.matching import service as matching
from cohorts.mentoring import availability, session_requests, sessions
from cohorts.mentoring.models import SessionRequest
from spaces.booking.models import Booking
from tests.cohorts.conftest import Accelerator
from tests.cohorts.mentoring.factories import make_mentor, tag
from tests.helpers import api_token, form_post, login
from tests.spaces.conftest import NOW
from tests.totem.factories import PASSWORD
from totem.audit.models import AuditEntry
from totem.errors import Forbidden
from totem.i18n import shown
from totem.notifications.models import OutboxMessage


@pytest.fixture
def week(db, accelerator: Accelerator):
    """Yann (maritime, one hour a month) and Inès (design), free on Tuesday afternoon; Nadia's start-up asks
    for both fields, Hugo's for maritime only."""
    tracks = {track.name: track for track in accelerator.program.tracks}
    scene = accelerator.scene
    yann = make_mentor(db, venue=scene.venue, email="yann@mentors.example", now=NOW, capacity_hours=1,
                       tags=[tag(db, "maritime logistics", [tracks["Mer"]])])
    ines = make_mentor(db, venue=scene.venue, email="ines@mentors.example", now=NOW,
                       tags=[tag(db, "design", [tracks["Industries créatives"]])])
    for mentor in (yann, ines):
        availability.add_office_hours(db, actor=scene.manager, mentor_id=mentor.user_id, now=NOW,
                                      data=availability.OfficeHoursData(weekdays=[1], starts_at=time(14),
                                                                        ends_at=time(17), first_day=date(2026, 12, 1)))
    asks = {}
    for who, topic, expertise in ((scene.nadia, "Port logistics", "maritime logistics"),
                                  (scene.nadia, "Brand", "design"),
                                  (scene.hugo, "Quay permits", "maritime logistics")):
        asks[topic] = session_requests.create_request(db, actor=who, now=NOW, data=session_requests.RequestData(
            topic=topic, expertise=(expertise,)))
    db.commit()
    return yann, ines, asks


def _mails_to(db, user_id: int) -> int:
    return len(db.scalars(select(OutboxMessage.id).where(OutboxMessage.user_id == user_id)).all())


def test_every_startup_gets_a_session_before_one_gets_two(db, accelerator, week):
    yann, ines, asks = week
    mails_before = {mentor.user_id: _mails_to(db, mentor.user_id) for mentor in (yann, ines)}

    run = matching.run_weekly(db, actor=accelerator.scene.manager, now=NOW, time_limit=5)

    proposed = matching.proposed_sessions(db, run)
    assert {(s.request_id, s.mentor_id) for s in proposed} == {
        (asks["Brand"].id, ines.user_id), (asks["Quay permits"].id, yann.user_id)}
    assert all(s.status == "proposed" for s in proposed)
    assert {s.starts_at.isoformat() for s in proposed} <= {"2026-12-01T13:00:00+00:00", "2026-12-01T13:30:00+00:00",
                                                          "2026-12-01T14:00:00+00:00", "2026-12-01T14:30:00+00:00",
                                                          "2026-12-01T15:00:00+00:00"}
    for session in proposed:  # each in its room, or at the mentor's link
        assert (session.booking_id is not None) == (session.mode == "in_person")
        if session.booking_id:
            assert db.get(Booking, session.booking_id).status == "confirmed"
    # Nadia's maritime request stays open: Yann's one hour went to Hugo, who had nothing else.
    assert run.unmatched == [{"request_id": asks["Port logistics"].id, "code": "capacity_taken", "params": {}}]
    assert db.get(SessionRequest, asks["Port logistics"].id).status == "open"
    assert (run.proposed, run.requests, run.status) == (2, 3, "optimal") and run.gap == 0
    assert run.objective >= run.greedy_objective
    # Each mentor is asked, once, to confirm.
    assert {mentor_id: _mails_to(db, mentor_id) - before for mentor_id, before in mails_before.items()} == {
        yann.user_id: 1, ines.user_id: 1}

    # Run again: nothing left to propose but Nadia's request, which still cannot fit.
    again = matching.run_weekly(db, actor=accelerator.scene.manager, now=NOW, time_limit=5)
    assert again.proposed == 0 and again.requests == 1


def test_members_cannot_run_the_matching(db, accelerator, week):
    with pytest.raises(Forbidden):
        matching.run_weekly(db, actor=accelerator.scene.nadia, now=NOW)


def test_the_api_answers_the_contract_and_the_page_shows_the_run(client, db, accelerator, week):
    manager = api_token(client, accelerator.scene.manager.email, PASSWORD)
    member = api_token(client, accelerator.scene.nadia.email, PASSWORD)
    assert client.post("/api/v1/matching/weekly", headers=member).status_code == 403

    answer = client.post("/api/v1/matching/weekly", headers=manager)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert {"proposed", "unmatched", "objective", "bound", "gap", "solve_seconds"} <= set(body)
    assert len(body["proposed"]) == 2 and body["gap"] == 0 and body["bound"] >= body["objective"]
    [left] = body["unmatched"]
    assert left["reason"] == "Every fitting mentor reached capacity with other sessions this week."


def test_managers_propose_now_from_the_page(client, db, accelerator, week):
    login(client, accelerator.scene.manager.email, PASSWORD)
    assert "has not run yet" in client.get("/admin/matching").text

    posted = form_post(client, "/admin/matching", "/admin/matching/run", {})

    assert posted.status_code == 303 and posted.headers["location"].startswith("/admin/matching/")
    page = client.get(posted.headers["location"]).text
    assert "Sessions proposed: 2." in page
    assert "Quay permits" in page and "Brand" in page  # proposed
    assert "Port logistics" in page and "Every fitting mentor reached capacity" in page  # left open, and why
    # The solver's outcome in words, not its code ("optimal"); in French too, and so is the audit log's summary.
    assert "Solver status: Best possible." in page
    accelerator.scene.manager.locale = "fr"
    db.commit()
    page = client.get(posted.headers["location"]).text
    assert "Statut du solveur : Meilleur possible." in page and "optimal" not in page
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "matching.weekly")).one()
    assert shown(entry.summary, "fr") == "2 proposées pour 3 demandes (Meilleur possible, écart 0%)"
