"""Erasing a person frees their upcoming bookings as their own cancellation would: credits back, slots offered."""
from sqlalchemy import select

from spaces.booking import service as bookings
from spaces.booking.models import Booking
from spaces.booking.waitlist import service as waitlist
from spaces.credits import service as credits
from tests.spaces.conftest import NOW, make_person, paris
from tests.spaces.credits.test_service import paid_rooms  # noqa: F401  (the fixture)
from tests.spaces.factories import make_booking
from totem import erasure
from totem.notifications.models import OutboxMessage


def test_erasing_a_member_refunds_their_bookings_and_offers_the_slots_to_the_waiting_list(db, paid_rooms):  # noqa: F811
    scene, admin = paid_rooms, make_person(db, role="admin", email="ops@cite-innovation.fr")
    booked = bookings.create_booking(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris("2026-12-03", 9),
                                     ends_at=paris("2026-12-03", 10), now=NOW)
    assert credits.balance_of(db, scene.oceanwatt_id) == 8
    karim = waitlist.join_waitlist(db, actor=scene.karim, space_id=scene.room.id, starts_at=paris("2026-12-03", 9),
                                   ends_at=paris("2026-12-03", 10), now=NOW)
    # Nadia waits too, for another hour Hugo holds: leaving, she holds nothing up.
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-04", 9),
                 ends_at=paris("2026-12-04", 10), organisation_id=scene.kelp_id)
    waitlist.join_waitlist(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris("2026-12-04", 9),
                           ends_at=paris("2026-12-04", 10), now=NOW)
    db.commit()

    erasure.erase_person(db, actor=admin, user=scene.nadia, now=NOW)
    db.commit()

    assert db.get_one(Booking, booked.id).status == "cancelled"
    assert credits.balance_of(db, scene.oceanwatt_id) == 10  # the start-up's credits are back
    db.refresh(karim)
    assert karim.status == "offered"
    held = db.get_one(Booking, karim.booking_id)
    assert (held.status, held.user_id, held.starts_at) == ("offered", scene.karim.id, paris("2026-12-03", 9))
    (offer,) = db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == scene.karim.id))
    assert offer.subject.startswith(("A slot is free for you: Calanques", "Un créneau est libre pour vous : Calanques"))
    assert db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == scene.nadia.id)).all() == []
