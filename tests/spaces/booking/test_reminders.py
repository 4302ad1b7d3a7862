"""Booking reminders go out once, within the hour before the start, for confirmed bookings only."""
from datetime import timedelta

from sqlalchemy import select

from spaces.booking import reminders
from spaces.booking.models import Booking
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking, make_space
from totem.jobs.registry import collect_jobs
from totem.jobs.runner import run_fire
from totem.notifications.models import OutboxMessage
from totem.i18n import shown

NOW = paris("2026-12-01", 9)


def _booking(db, scene, space, start, *, user=None, status="confirmed",  # type: ignore[no-untyped-def]
             booked_at=NOW - timedelta(days=1)):
    booking = make_booking(db, space=space, user=user or scene.nadia, starts_at=start, status=status)
    booking.created_at = booked_at
    db.flush()
    return booking


def _reminded(db):  # type: ignore[no-untyped-def]
    db.expire_all()
    return sorted((message.to_address, message.subject) for message in db.scalars(select(OutboxMessage)))


def test_confirmed_bookings_starting_within_the_hour_are_reminded_once(db, scene):
    desks = [make_space(db, floor=scene.floor, name=f"D-{n}", kind="hot_desk", capacity=1) for n in range(6)]
    due = _booking(db, scene, scene.room, paris("2026-12-01", 9, 45))
    at_the_edge = _booking(db, scene, desks[0], paris("2026-12-01", 10), user=scene.hugo)
    later = _booking(db, scene, desks[1], paris("2026-12-01", 10, 30))
    _booking(db, scene, desks[2], paris("2026-12-01", 9, 30), status="cancelled")
    _booking(db, scene, desks[3], paris("2026-12-01", 9, 30), status="pending")
    _booking(db, scene, desks[4], paris("2026-12-01", 8, 55))  # started already
    # Booked at 08:50 for 09:30: the confirmation has just said it all.
    _booking(db, scene, desks[5], paris("2026-12-01", 9, 30), booked_at=paris("2026-12-01", 8, 50))

    assert reminders.send_booking_reminders(db, now=NOW) == 2
    assert _reminded(db) == [
        ("hugo@kelpstudio.fr", "Reminder: D-0, Tuesday, December 1, 2026 at 10:00"),
        ("nadia@oceanwatt.fr", "Reminder: Calanques, Tuesday, December 1, 2026 at 09:45"),
    ]
    assert due.reminder_sent_at == NOW == at_the_edge.reminder_sent_at and later.reminder_sent_at is None

    assert reminders.send_booking_reminders(db, now=NOW + timedelta(minutes=5)) == 0
    assert len(_reminded(db)) == 2

    assert reminders.send_booking_reminders(db, now=paris("2026-12-01", 9, 30)) == 1
    assert later.reminder_sent_at == paris("2026-12-01", 9, 30)
    assert db.scalar(select(Booking.reminder_sent_at).where(Booking.status == "cancelled")) is None


def test_a_booking_whose_reminder_fails_does_not_stop_the_others(db, scene, monkeypatch):
    broken = _booking(db, scene, scene.room, paris("2026-12-01", 9, 30))
    desk = make_space(db, floor=scene.floor, name="D-1", kind="hot_desk", capacity=1)
    fine = _booking(db, scene, desk, paris("2026-12-01", 9, 45), user=scene.hugo)
    real = reminders.mail.queue_booking_reminder

    def queue(db, booking, now):  # type: ignore[no-untyped-def]
        if booking.id == broken.id:
            raise ValueError("no holder")
        return real(db, booking, now)

    monkeypatch.setattr(reminders.mail, "queue_booking_reminder", queue)

    assert reminders.send_booking_reminders(db, now=NOW) == 1
    assert broken.reminder_sent_at is None and fine.reminder_sent_at == NOW
    assert [address for address, _ in _reminded(db)] == ["hugo@kelpstudio.fr"]


def test_the_job_reminds_through_the_runner_and_a_second_fire_sends_nothing(db, session_factory, scene):
    _booking(db, scene, scene.room, paris("2026-12-01", 9, 30))
    db.commit()
    job = collect_jobs()["spaces.send_booking_reminders"]

    first = run_fire(session_factory, job, NOW)
    second = run_fire(session_factory, job, NOW + timedelta(minutes=5))

    assert (first.status, shown(first.summary, "en")) == ("succeeded", "sent 1 reminder")
    assert (second.status, shown(second.summary, "en")) == ("succeeded", "sent 0 reminders")
    assert len(_reminded(db)) == 1
