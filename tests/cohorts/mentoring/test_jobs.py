"""Session jobs: reminders 24 h and 1 h ahead once each, closing ended sessions with a feedback request, and
dropping the proposed sessions nobody confirmed in time (their room released, their request open again)."""
from datetime import timedelta

from sqlalchemy import select

from cohorts.mentoring import jobs as mentoring_jobs
from cohorts.mentoring.models import SessionRequest
from spaces.booking.models import Booking
from tests.cohorts.mentoring.factories import make_mentor, make_session
from tests.spaces.conftest import NOW, paris
from totem.jobs.registry import collect_jobs
from totem.jobs.runner import run_fire
from totem.notifications.models import OutboxMessage
from totem.i18n import shown

START = paris("2026-12-01", 10)  # Tuesday; NOW is Monday 09:00 in Paris


def _mentor(db, scene):  # type: ignore[no-untyped-def]
    return make_mentor(db, venue=scene.venue, email="yves@mentors.fr", now=NOW)


def _sent(db):  # type: ignore[no-untyped-def]
    db.expire_all()
    return sorted((m.to_address, m.subject) for m in db.scalars(select(OutboxMessage)))


def test_the_day_ahead_and_hour_ahead_reminders_go_to_both_sides_once(db, scene):
    session = make_session(db, scene, _mentor(db, scene), starts_at=START)

    assert mentoring_jobs.send_session_reminders(db, now=START - timedelta(hours=25)) == (0, 0)
    assert mentoring_jobs.send_session_reminders(db, now=START - timedelta(hours=23, minutes=55)) == (1, 0)
    assert mentoring_jobs.send_session_reminders(db, now=START - timedelta(hours=23, minutes=50)) == (0, 0)
    day = _sent(db)
    assert [address for address, _ in day] == ["nadia@oceanwatt.fr", "yves@mentors.fr"]
    assert all(subject.startswith("Reminder: mentor session on Port logistics") for _, subject in day)
    assert session.reminded_24h_at == START - timedelta(hours=23, minutes=55)

    assert mentoring_jobs.send_session_reminders(db, now=START - timedelta(minutes=55)) == (0, 1)
    assert mentoring_jobs.send_session_reminders(db, now=START - timedelta(minutes=50)) == (0, 0)
    hour = [sent for sent in _sent(db) if sent not in day]
    assert hour == [("nadia@oceanwatt.fr", "In one hour: mentor session on Port logistics at 10:00"),
                    ("yves@mentors.fr", "In one hour: mentor session on Port logistics at 10:00")]
    reminder = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert f"mentor-session-{session.id}@totem" in reminder.ics


def test_a_session_made_three_hours_ahead_gets_only_the_hour_ahead_reminder(db, scene):
    start = NOW + timedelta(hours=3)
    make_session(db, scene, _mentor(db, scene), starts_at=start, created_at=NOW)

    assert mentoring_jobs.send_session_reminders(db, now=NOW + timedelta(minutes=5)) == (0, 0)
    assert mentoring_jobs.send_session_reminders(db, now=start - timedelta(minutes=55)) == (0, 1)
    assert len(_sent(db)) == 2


def test_proposed_and_cancelled_sessions_get_no_reminder(db, scene):
    mentor = _mentor(db, scene)
    make_session(db, scene, mentor, starts_at=START, status="proposed")
    make_session(db, scene, mentor, starts_at=START + timedelta(hours=2), status="cancelled", in_room=False)

    assert mentoring_jobs.send_session_reminders(db, now=START - timedelta(minutes=30)) == (0, 0)
    assert mentoring_jobs.send_session_reminders(db, now=START - timedelta(hours=20)) == (0, 0)
    assert _sent(db) == []


def test_the_reminder_job_runs_through_the_runner_and_a_second_fire_sends_nothing(db, session_factory, scene):
    make_session(db, scene, _mentor(db, scene), starts_at=START)
    db.commit()
    job = collect_jobs()["cohorts.send_session_reminders"]

    first = run_fire(session_factory, job, START - timedelta(hours=23))
    second = run_fire(session_factory, job, START - timedelta(hours=22, minutes=55))

    assert (first.status, shown(first.summary, "en")) == ("succeeded", "sent 1 day-ahead and 0 hour-ahead session reminders")
    assert (second.status, shown(second.summary, "en")) == ("succeeded", "sent 0 day-ahead and 0 hour-ahead session reminders")
    assert len(_sent(db)) == 2


def test_ended_sessions_await_attendance_and_both_sides_are_asked_for_feedback_once(db, scene):
    mentor = _mentor(db, scene)
    ended = make_session(db, scene, mentor, starts_at=paris("2026-11-27", 10), in_room=False,
                         created_at=paris("2026-11-20", 9))
    running = make_session(db, scene, mentor, starts_at=NOW - timedelta(minutes=30), in_room=False,
                           created_at=paris("2026-11-20", 9))

    assert mentoring_jobs.close_past_sessions(db, now=NOW) == (1, 0)
    assert mentoring_jobs.close_past_sessions(db, now=NOW + timedelta(minutes=15)) == (0, 0)

    assert (ended.status, ended.feedback_requested_at) == ("awaiting_attendance", NOW)
    assert running.status == "confirmed"
    messages = {m.to_address: m for m in db.scalars(select(OutboxMessage))}
    assert set(messages) == {"nadia@oceanwatt.fr", "yves@mentors.fr"}
    assert f"/sessions/{ended.id}" in messages["nadia@oceanwatt.fr"].body_text
    assert f"/mentor/sessions/{ended.id}" in messages["yves@mentors.fr"].body_text


def test_a_proposed_session_not_confirmed_by_its_start_is_dropped_and_its_room_released(db, scene):
    mentor = _mentor(db, scene)
    request = SessionRequest(organisation_id=scene.oceanwatt_id, requested_by=scene.nadia.id, topic="Port logistics",
                             status="proposed", created_at=NOW - timedelta(days=3), updated_at=NOW - timedelta(days=3))
    db.add(request)
    db.flush()
    session = make_session(db, scene, mentor, starts_at=START, status="proposed", request_id=request.id)
    booking = db.get_one(Booking, session.booking_id)

    assert mentoring_jobs.close_past_sessions(db, now=START - timedelta(minutes=1)) == (0, 0)
    assert mentoring_jobs.close_past_sessions(db, now=START + timedelta(minutes=5)) == (0, 1)
    assert mentoring_jobs.close_past_sessions(db, now=START + timedelta(minutes=20)) == (0, 0)

    assert (session.status, session.cancel_reason) == ("cancelled", "Not confirmed before it started.")
    assert booking.status == "cancelled"
    assert request.status == "open"
    assert _sent(db) == []  # never confirmed, so never in anyone's calendar
