"""The no-show job releases exactly the bookings past their grace period, once, and offers them to the waitlist."""
from datetime import timedelta

from sqlalchemy import select

from spaces.booking import hosted, service
from spaces.booking.models import Booking
from spaces.booking.waitlist import service as waitlist
from spaces.booking.waitlist.models import WaitlistEntry
from tests.helpers import login
from tests.spaces.conftest import NOW, PASSWORD, make_person, paris
from tests.spaces.factories import make_booking, make_space
from totem.audit.models import AuditEntry
from totem.identity import service as identity
from totem.jobs.registry import collect_jobs
from totem.jobs.runner import run_fire
from totem.notifications.models import OutboxMessage
from totem.i18n import shown


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

    assert first.status == "succeeded" and shown(first.summary, "en") == "released 1 booking"
    assert shown(second.summary, "en") == "released 0 bookings"
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


def test_a_released_booking_is_offered_to_the_first_in_line_once(db, session_factory, scene):
    """The job releases the no-show, holds the freed room for the first whose wait is still ahead, and mails them."""
    no_show = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 9),
                           ends_at=paris("2026-12-01", 12))
    on_time = make_booking(db, space=scene.room, user=scene.karim, starts_at=paris("2026-12-01", 13),
                           ends_at=paris("2026-12-01", 14))
    started = waitlist.join_waitlist(db, actor=scene.manager, space_id=scene.room.id, now=NOW,
                                     starts_at=paris("2026-12-01", 9), ends_at=paris("2026-12-01", 10))
    first = waitlist.join_waitlist(db, actor=scene.nadia, space_id=scene.room.id, now=NOW + timedelta(minutes=1),
                                   starts_at=paris("2026-12-01", 10), ends_at=paris("2026-12-01", 11))
    second = waitlist.join_waitlist(db, actor=scene.karim, space_id=scene.room.id, now=NOW + timedelta(minutes=2),
                                    starts_at=paris("2026-12-01", 10), ends_at=paris("2026-12-01", 11))
    db.commit()
    job = collect_jobs()["spaces.release_no_shows"]
    now = paris("2026-12-01", 9, 20)

    run = run_fire(session_factory, job, now)
    again = run_fire(session_factory, job, now + timedelta(seconds=30))

    assert shown(run.summary, "en") == "released 1 booking" and shown(again.summary, "en") == "released 0 bookings"
    db.expire_all()
    assert [db.get(WaitlistEntry, e.id).status for e in (started, first, second)] == ["expired", "offered", "waiting"]
    held = db.get(Booking, db.get(WaitlistEntry, first.id).booking_id)
    assert (held.status, held.user_id, held.starts_at) == ("offered", scene.nadia.id, paris("2026-12-01", 10))
    assert db.get(WaitlistEntry, first.id).offer_expires_at == paris("2026-12-01", 9, 50)
    assert {b.id: b.status for b in db.scalars(select(Booking))} == {
        no_show.id: "released", on_time.id: "confirmed", held.id: "offered"}
    # Besides what Hugo is told of his release, one e-mail: the offer to Nadia.
    offers = db.scalars(select(OutboxMessage).where(OutboxMessage.user_id != scene.hugo.id))
    assert [(m.to_address, m.subject) for m in offers] == [
        (scene.nadia.email, "A slot is free for you: Calanques, Tuesday, December 1, 2026 at 10:00")]


def test_a_room_booked_for_a_hosted_event_is_never_released_for_want_of_a_check_in(db, scene):
    session_room = hosted.book_room(db, actor=scene.manager, holder_id=scene.nadia.id,
                                    organisation_id=scene.oceanwatt_id, space_id=scene.room.id,
                                    starts_at=paris("2026-12-01", 9), ends_at=paris("2026-12-01", 10),
                                    title="Mentoring: port logistics", now=NOW)
    db.commit()

    assert service.release_no_shows(db, now=paris("2026-12-01", 9, 30)) == []
    assert session_room.hosted and session_room.status == "confirmed"


def test_the_job_acts_as_the_system_and_the_audit_log_says_so(client, db, session_factory, scene):
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 9))
    admin = make_person(db, role="admin", email="ops@cite-innovation.fr")
    db.commit()

    run = run_fire(session_factory, collect_jobs()["spaces.release_no_shows"], paris("2026-12-01", 9, 20))

    assert run.status == "succeeded"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "booking.release"))
    assert entry.actor_id == identity.system_actor(db, now=NOW).id
    login(client, admin.email, PASSWORD)
    shown = client.get("/admin/audit", params={"action": "booking.release"})  # the log filtered on that action
    row = shown.text.split("<tbody>")[1].split("</tr>")[0]
    assert "<td>System</td>" in row and scene.manager.email not in row and admin.email not in row
