"""The no-show job releases exactly the bookings past their grace period, once."""
from datetime import timedelta

from sqlalchemy import select

from spaces import service
from spaces.models import Booking
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking, make_space
from totem.audit.models import AuditEntry
from totem.jobs.registry import collect_jobs
from totem.jobs.runner import run_fire


def test_the_job_releases_the_bookings_past_their_grace_and_nothing_else(db, session_factory, scene):
    now = paris("2026-12-01", 9, 20)  # the venue's grace is 15 minutes
    desks = [make_space(db, floor=scene.floor, name=f"D-{n}", kind="hot_desk", capacity=1) for n in range(4)]
    late = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 9))
    within_grace = make_booking(db, space=desks[0], user=scene.hugo, starts_at=paris("2026-12-01", 9, 10))
    checked_in = make_booking(db, space=desks[1], user=scene.karim, starts_at=paris("2026-12-01", 8),
                              status="checked_in")
    pending = make_booking(db, space=desks[2], user=scene.hugo, starts_at=paris("2026-12-01", 7), status="pending")
    old = make_booking(db, space=desks[3], user=scene.hugo, starts_at=paris("2026-11-20", 9), status="released")
    db.commit()
    job = collect_jobs()["spaces.release_no_shows"]

    first = run_fire(session_factory, job, now)
    second = run_fire(session_factory, job, now + timedelta(seconds=30))  # a manual run right after

    assert first.status == "succeeded" and first.summary == "released 1 booking"
    assert second.summary == "released 0 bookings"
    db.expire_all()
    statuses = {b.id: b.status for b in db.scalars(select(Booking))}
    assert statuses == {late.id: "released", within_grace.id: "confirmed", checked_in.id: "checked_in",
                        pending.id: "pending", old.id: "released"}
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "booking.release")) is not None


def test_a_released_slot_can_be_booked_again(db, scene):
    late = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 9),
                        ends_at=paris("2026-12-01", 11))
    db.commit()
    now = paris("2026-12-01", 9, 30)
    assert [b.id for b in service.release_no_shows(db, now=now)] == [late.id]

    booking = service.create_booking(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris("2026-12-01", 10),
                                     ends_at=paris("2026-12-01", 11), now=now)

    assert booking.status == "confirmed"
