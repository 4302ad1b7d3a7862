"""Managers work through the bookings awaiting approval: approve or reject, each once."""
import pytest
from sqlalchemy import event, select

from spaces.booking.models import Booking
from tests.helpers import csrf_from, form_post, login
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking, make_space
from tests.totem.factories import PASSWORD
from totem.audit.models import AuditEntry

QUEUE = "/admin/spaces/approvals"


@pytest.fixture
def pending(db, scene) -> Booking:
    booking = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-02", 14, 30),
                           status="pending", organisation_id=scene.oceanwatt_id, title="Demo day rehearsal")
    db.commit()
    return booking


def test_the_queue_shows_what_who_for_which_startup_and_when_in_venue_time(client, scene, pending):
    login(client, scene.manager.email, PASSWORD)
    page = client.get(QUEUE)
    assert page.status_code == 200
    for shown in ("Calanques", scene.nadia.name, "nadia@oceanwatt.fr", "OceanWatt", "Demo day rehearsal",
                  "2 Dec 2026", "14:30–15:30"):
        assert shown in page.text
    assert 'href="/admin/spaces/approvals">1<' in client.get("/admin/spaces").text


def test_approving_confirms_the_booking_and_it_leaves_the_queue(client, db, scene, pending):
    login(client, scene.manager.email, PASSWORD)
    response = form_post(client, QUEUE, f"{QUEUE}/{pending.id}/approve", {})

    assert response.status_code == 303 and response.headers["location"] == QUEUE
    db.refresh(pending)
    assert pending.status == "confirmed"
    page = client.get(QUEUE)
    assert "Booking of Calanques on 2026-12-02 approved." in page.text
    assert "No booking is waiting for approval." in page.text
    assert db.scalars(select(AuditEntry.actor_id).where(AuditEntry.action == "booking.approve")).all() == [
        scene.manager.id]


def test_rejecting_frees_the_slot_and_a_second_decision_is_refused(client, db, scene, pending):
    login(client, scene.manager.email, PASSWORD)
    token = csrf_from(client.get(QUEUE))
    client.post(f"{QUEUE}/{pending.id}/reject", data={"csrf_token": token}, follow_redirects=False)
    again = client.post(f"{QUEUE}/{pending.id}/approve", data={"csrf_token": token})

    assert "This booking is not waiting for approval." in again.text
    db.refresh(pending)
    assert pending.status == "rejected"


def test_members_cannot_see_or_decide(client, db, scene, pending):
    login(client, scene.karim.email, PASSWORD)
    assert client.get(QUEUE).status_code == 403
    response = form_post(client, "/my-bookings", f"{QUEUE}/{pending.id}/approve", {})
    assert response.status_code == 403
    db.refresh(pending)
    assert pending.status == "pending"


def test_bookings_already_over_are_not_in_the_queue(client, db, scene):
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-11-27", 10), status="pending")
    db.commit()
    login(client, scene.manager.email, PASSWORD)
    assert "No booking is waiting for approval." in client.get(QUEUE).text


def test_the_queue_runs_the_same_queries_however_long_it_is(client, db, scene, pending, connection):
    login(client, scene.manager.email, PASSWORD)

    def queries() -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(connection, "before_cursor_execute", listener)
        try:
            assert client.get(QUEUE).status_code == 200
        finally:
            event.remove(connection, "before_cursor_execute", listener)
        return len(statements)

    few = queries()
    for hour in (9, 11, 15, 17):
        room = make_space(db, floor=scene.floor, name=f"Salle {hour}")
        make_booking(db, space=room, user=scene.hugo, starts_at=paris("2026-12-04", hour), status="pending",
                     organisation_id=scene.kelp_id)
    db.commit()
    assert queries() == few
