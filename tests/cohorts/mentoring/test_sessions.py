"""Mentor sessions end to end over HTTP: a member asks anyone who fits, the mentor who fits accepts a free slot,
a room is booked, both get an invitation with .ics through a real SMTP server, the 24 h reminder goes once,
attendance and two-sided feedback close it, and its hour counts toward the mentor's capacity."""
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlalchemy import func, select

from cohorts.mentoring import availability, feedback, session_requests, sessions
from cohorts.mentoring import jobs as mentoring_jobs
from cohorts.mentoring.models import MentorSession, SessionRequest
from spaces.booking.models import Booking
from tests.cohorts.conftest import Accelerator
from tests.cohorts.mentoring.factories import make_mentor, tag
from tests.helpers import api_token
from tests.spaces.conftest import NOW, PASSWORD, paris
from tests.totem.test_outbox import Inbox, _free_port
from totem import clock
from totem.errors import Conflict
from totem.identity.models import User
from totem.jobs.runner import run_fire
from totem.notifications.jobs import deliver_outbox
from totem.settings import get_settings

TUESDAY_2PM = paris("2026-12-01", 14)


@pytest.fixture
def mentoring(db, accelerator: Accelerator):
    """Yann fits maritime requests (Mer), Inès fits creative ones; both hold office hours on Tuesday afternoons."""
    mer, creative = accelerator.program.tracks[1], accelerator.program.tracks[0]
    assert (mer.name, creative.name) == ("Mer", "Industries créatives")
    venue = accelerator.scene.venue
    yann = make_mentor(db, venue=venue, email="yann@mentors.example", now=NOW, capacity_hours=1,
                       tags=[tag(db, "maritime logistics", [mer])])
    ines = make_mentor(db, venue=venue, email="ines@mentors.example", now=NOW, tags=[tag(db, "design", [creative])])
    for mentor in (yann, ines):
        availability.add_office_hours(db, actor=accelerator.scene.manager, mentor_id=mentor.user_id, now=NOW,
                                      data=availability.OfficeHoursData(weekdays=[1], starts_at=time(14),
                                                                        ends_at=time(17), first_day=date(2026, 12, 1)))
    db.commit()
    return yann, ines


@pytest.fixture
def mail_server(monkeypatch):
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("TOTEM_SMTP_URL", f"smtp://127.0.0.1:{port}")
    get_settings.cache_clear()
    yield inbox
    controller.stop()
    get_settings.cache_clear()


def _deliver(session_factory, now) -> list[EmailMessage]:
    run_fire(session_factory, deliver_outbox, now)


def _ics(email: EmailMessage) -> Calendar:
    [part] = [p for p in email.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


def _to(inbox: Inbox, address: str) -> list[EmailMessage]:
    return [email for email in inbox.messages if email["To"] == address]


def test_anyone_who_fits_to_feedback_over_http(client, db, session_factory, accelerator, mentoring, mail_server,
                                               monkeypatch):
    yann, ines = mentoring
    scene = accelerator.scene
    nadia = api_token(client, scene.nadia.email, PASSWORD)
    as_yann = api_token(client, "yann@mentors.example", PASSWORD)
    as_ines = api_token(client, "ines@mentors.example", PASSWORD)

    asked = client.post("/api/v1/session-requests", headers=nadia, json={
        "topic": "Shipping our buoys through the port", "expertise": ["maritime logistics"], "mode": "either"})
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["mentor_id"] is None and request["status"] == "open" and request["startup_id"] == scene.oceanwatt_id

    # The mentor who fits sees it; the other does not.
    assert [r["id"] for r in client.get("/api/v1/session-requests", headers=as_yann).json()] == [request["id"]]
    assert client.get("/api/v1/session-requests", headers=as_ines).json() == []
    assert client.get(f"/api/v1/session-requests/{request['id']}", headers=as_ines).status_code == 404

    slots = client.get(f"/api/v1/mentors/{yann.user_id}/free-slots?duration_minutes=60", headers=as_yann).json()
    assert slots[0]["starts_at"] == TUESDAY_2PM.isoformat()
    accepted = client.post(f"/api/v1/session-requests/{request['id']}/accept", headers=as_yann,
                           json={"starts_at": slots[0]["starts_at"]})
    assert accepted.status_code == 201, accepted.text
    session = accepted.json()
    assert (session["status"], session["mode"]) == ("confirmed", "in_person")
    booking = client.get(f"/api/v1/bookings/{session['booking_id']}", headers=nadia).json()
    assert (booking["space_id"], datetime.fromisoformat(booking["starts_at"]), booking["status"]) == (
        scene.room.id, TUESDAY_2PM, "confirmed")
    assert client.get(f"/api/v1/session-requests/{request['id']}", headers=nadia).json()["status"] == "scheduled"

    # Both sides get the invitation with an .ics, through the SMTP server.
    _deliver(session_factory, NOW)
    for address in (scene.nadia.email, "yann@mentors.example"):
        invitation = [e for e in _to(mail_server, address) if any(
            p.get_content_type() == "text/calendar" for p in e.walk())]
        assert len(invitation) == 1, [e["Subject"] for e in _to(mail_server, address)]
        calendar = _ics(invitation[0])
        assert calendar["METHOD"] == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert event.decoded("DTSTART") == TUESDAY_2PM and str(event["UID"]) == f"mentor-session-{session['id']}@totem"
        assert "Calanques" in str(event["LOCATION"])

    # The 24 h reminder goes once to each side, however often the job runs.
    sent_before = len(mail_server.messages)
    for minutes in (0, 5, 10):
        with session_factory() as job_db:
            mentoring_jobs.send_session_reminders(job_db, now=paris("2026-11-30", 15, minutes))
            job_db.commit()
    _deliver(session_factory, paris("2026-11-30", 15, 11))
    reminders = mail_server.messages[sent_before:]
    assert sorted(e["To"] for e in reminders) == sorted([scene.nadia.email, "yann@mentors.example"])

    # Once over, attendance and feedback from both sides.
    after = paris("2026-12-01", 15, 30)
    monkeypatch.setattr(clock, "now", lambda: after)
    with session_factory() as job_db:
        mentoring_jobs.close_past_sessions(job_db, now=after)
        job_db.commit()
    assert client.get(f"/api/v1/sessions/{session['id']}", headers=nadia).json()["status"] == "awaiting_attendance"
    attended = client.post(f"/api/v1/sessions/{session['id']}/attendance", headers=as_yann,
                           json={"startup_came": True, "mentor_came": True})
    assert attended.json()["status"] == "completed"
    assert client.post(f"/api/v1/sessions/{session['id']}/feedback", headers=nadia,
                       json={"rating": 5, "notes": "Clear next steps."}).status_code == 201
    assert client.post(f"/api/v1/sessions/{session['id']}/feedback", headers=as_yann,
                       json={"rating": 4, "notes": "Talk to the harbour master.", "private": True}).status_code == 201
    seen_by_nadia = client.get(f"/api/v1/sessions/{session['id']}", headers=nadia).json()["feedback"]
    assert {(f["side"], f["rating"], f["notes"]) for f in seen_by_nadia} == {
        ("mentor", 4, None), ("startup", 5, "Clear next steps.")}

    # The hour counts toward Yann's capacity (1 hour a month): a second December session is refused.
    db.expire_all()
    assert sessions.month_minutes(db, mentor_id=yann.user_id, month=date(2026, 12, 1)) == 60
    again = client.post("/api/v1/session-requests", headers=nadia, json={
        "topic": "Customs paperwork", "mentor_id": yann.user_id})
    refused = client.post(f"/api/v1/session-requests/{again.json()['id']}/accept", headers=as_yann,
                          json={"starts_at": paris("2026-12-08", 14).isoformat()})
    assert refused.status_code == 409 and "monthly capacity of 1 h" in refused.json()["detail"]


def test_a_member_cannot_see_another_startups_requests_nor_sessions(client, db, accelerator, mentoring):
    yann, _ = mentoring
    scene = accelerator.scene
    request = session_requests.create_request(db, actor=scene.nadia, now=NOW,
                                      data=session_requests.RequestData(topic="Port logistics",
                                                                        preferred_mentor_id=yann.user_id))
    session = session_requests.accept_request(db, actor=db.get(User, yann.user_id), request_id=request.id,
                                              starts_at=TUESDAY_2PM, now=NOW)
    db.commit()
    hugo = api_token(client, scene.hugo.email, PASSWORD)

    assert client.get(f"/api/v1/session-requests/{request.id}", headers=hugo).status_code == 404
    assert client.get("/api/v1/session-requests", headers=hugo).json() == []
    assert client.get(f"/api/v1/sessions/{session.id}", headers=hugo).status_code == 404
    assert client.post(f"/api/v1/sessions/{session.id}/cancel", headers=hugo, json={}).status_code == 404
    assert client.get("/api/v1/sessions?mine=true", headers=hugo).json() == []
    # Hugo's start-up cannot be asked for by him, either.
    refused = client.post("/api/v1/session-requests", headers=hugo,
                          json={"topic": "Sneaky", "startup_id": scene.oceanwatt_id})
    assert refused.status_code == 403


def test_a_mentor_cannot_read_another_mentors_private_notes(client, db, accelerator, mentoring, monkeypatch):
    yann, ines = mentoring
    scene = accelerator.scene
    request = session_requests.create_request(db, actor=scene.nadia, now=NOW,
                                      data=session_requests.RequestData(topic="Port logistics",
                                                                        preferred_mentor_id=yann.user_id))
    yann_user = db.get(User, yann.user_id)
    session = session_requests.accept_request(db, actor=yann_user, request_id=request.id, starts_at=TUESDAY_2PM,
                                              now=NOW)
    after = TUESDAY_2PM + timedelta(hours=2)
    feedback.give_feedback(db, actor=yann_user, session_id=session.id, rating=2, notes="Not ready yet.",
                           private=True, now=after)
    db.commit()
    monkeypatch.setattr(clock, "now", lambda: after)

    as_ines = api_token(client, "ines@mentors.example", PASSWORD)
    as_yann = api_token(client, "yann@mentors.example", PASSWORD)
    manager = api_token(client, scene.manager.email, PASSWORD)
    assert client.get(f"/api/v1/sessions/{session.id}", headers=as_ines).status_code == 404
    assert client.get(f"/api/v1/sessions/{session.id}", headers=as_yann).json()["feedback"][0]["notes"] == (
        "Not ready yet.")
    assert client.get(f"/api/v1/sessions/{session.id}", headers=manager).json()["feedback"][0]["notes"] == (
        "Not ready yet.")


def test_online_sessions_book_no_room_and_cancelling_releases_the_room(client, db, accelerator, mentoring):
    yann, _ = mentoring
    scene = accelerator.scene
    yann_user = db.get(User, yann.user_id)
    online = session_requests.create_request(db, actor=scene.nadia, now=NOW, data=session_requests.RequestData(
        topic="Pitch deck", preferred_mentor_id=yann.user_id, mode="online", duration_minutes=30))
    first = session_requests.accept_request(db, actor=yann_user, request_id=online.id, starts_at=TUESDAY_2PM, now=NOW)
    assert (first.mode, first.booking_id, first.online_url) == ("online", None, "https://meet.example.com/mentor")

    in_person = session_requests.create_request(db, actor=scene.hugo, now=NOW, data=session_requests.RequestData(
        topic="Quay permits", preferred_mentor_id=yann.user_id, duration_minutes=30))
    second = session_requests.accept_request(db, actor=yann_user, request_id=in_person.id,
                                             starts_at=TUESDAY_2PM + timedelta(minutes=30), now=NOW)
    assert db.get(Booking, second.booking_id).status == "confirmed"

    sessions.cancel_session(db, actor=scene.hugo, session_id=second.id, reason="Our CEO is ill.", now=NOW)
    assert second.status == "cancelled" and db.get(Booking, second.booking_id).status == "cancelled"
    assert db.get(SessionRequest, in_person.id).status == "cancelled"


def test_a_mentor_or_a_startup_is_never_in_two_sessions_at_once(db, accelerator, mentoring):
    yann, ines = mentoring
    scene = accelerator.scene
    users = {p.user_id: db.get(User, p.user_id) for p in (yann, ines)}
    first = session_requests.create_request(db, actor=scene.nadia, now=NOW, data=session_requests.RequestData(
        topic="Port logistics", preferred_mentor_id=yann.user_id, mode="online"))
    session_requests.accept_request(db, actor=users[yann.user_id], request_id=first.id, starts_at=TUESDAY_2PM, now=NOW)
    second = session_requests.create_request(db, actor=scene.nadia, now=NOW, data=session_requests.RequestData(
        topic="Brand", preferred_mentor_id=ines.user_id, mode="online"))

    with pytest.raises(Conflict, match="start-up already has a session"):
        session_requests.accept_request(db, actor=users[ines.user_id], request_id=second.id,
                                        starts_at=TUESDAY_2PM + timedelta(minutes=30), now=NOW)
    assert db.scalar(select(func.count()).select_from(MentorSession)) == 1
