"""The API's refusals of a booking that a client may act on: each with its own code, its detail in both languages."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from spaces.booking import service as booking_service
from spaces.credits import service as credits
from spaces.venues import access
from spaces.venues.models import BookingRule
from tests.helpers import api_token, assert_refused
from tests.spaces.conftest import NOW, Scene, make_person, paris
from tests.spaces.factories import make_booking, make_rule, make_space
from tests.totem.factories import PASSWORD
from totem import clock

TUESDAY = "2026-12-01"


def at(hhmm: str, day: str = TUESDAY) -> str:
    return f"{day}T{hhmm}:00+01:00"


@pytest.fixture
def nadia(client, scene: Scene) -> dict[str, str]:
    return api_token(client, scene.nadia.email, PASSWORD)


def post_as(client, headers: dict[str, str], path: str, **body: object):  # type: ignore[no-untyped-def]
    return lambda language: client.post(path, json=body or None, headers={**headers, **language})


def test_a_deactivated_space_an_allocated_desk_and_a_role_left_out_each_say_so(client, db, scene: Scene, nadia):
    closed = make_space(db, floor=scene.floor, name="Frioul", kind="meeting_room", is_active=False)
    desk = make_space(db, floor=scene.floor, name="D-01", kind="dedicated_desk", capacity=1)
    booth = make_space(db, floor=scene.floor, name="Cabine 1", kind="phone_booth", capacity=1)
    make_rule(db, venue=scene.venue, space_kind="phone_booth", allowed_roles=["mentor"])
    access.allocate_desk(db, actor=scene.manager, space_id=desk.id, organisation_id=scene.kelp_id,
                         starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31), now=NOW)
    db.commit()
    slot = {"starts_at": at("11:00"), "ends_at": at("11:30")}

    assert_refused(post_as(client, nadia, "/api/v1/bookings", space_id=closed.id, **slot), 422, "space_not_bookable",
                   "This space cannot be booked at the moment.", "Cet espace ne peut pas être réservé pour le moment.")
    assert_refused(post_as(client, nadia, "/api/v1/bookings", space_id=desk.id, **slot), 403, "desk_allocated",
                   "Desk D-01 is allocated to another start-up.", "Le poste D-01 est attribué à une autre start-up.")
    assert_refused(post_as(client, nadia, "/api/v1/bookings", space_id=booth.id, **slot), 403, "booking_not_allowed",
                   "Your role does not allow you to book this space.",
                   "Votre rôle ne vous permet pas de réserver cet espace.")


def test_a_paid_room_needs_credits_and_a_start_up_to_pay_them(client, db, scene: Scene, nadia):
    rule = db.scalars(select(BookingRule).where(BookingRule.space_kind == "meeting_room")).one()
    rule.credits_per_hour = 2
    access.grant_access(db, actor=scene.manager, organisation_id=scene.oceanwatt_id, venue_id=scene.venue.id,
                        starts_on=date(2026, 11, 1), ends_on=date(2027, 6, 30), monthly_credits=3, now=NOW,
                        source_key="cohort-7")
    credits.reset_month(db, month_start=date(2026, 11, 1), now=NOW)
    make_person(db, email="solo@example.fr")  # a member of no start-up: nobody's credits would pay
    db.commit()
    solo = api_token(client, "solo@example.fr", PASSWORD)

    assert_refused(post_as(client, nadia, "/api/v1/bookings", space_id=scene.room.id, starts_at=at("09:00"),
                           ends_at=at("11:00")), 409, "credits_exhausted",
                   "OceanWatt has 3 credits left; this booking needs 4.",
                   "Il reste 3 crédits à OceanWatt ; cette réservation en demande 4.")
    assert_refused(post_as(client, solo, "/api/v1/bookings", space_id=scene.room.id, starts_at=at("14:00"),
                           ends_at=at("15:00")), 422, "startup_required",
                   "Choose the start-up whose credits pay for this booking.",
                   "Choisissez la start-up dont les crédits paient cette réservation.")
    assert credits.balance_of(db, scene.oceanwatt_id) == 3


def test_changing_a_booking_in_the_wrong_state_has_a_code_for_each_state(client, db, scene: Scene, nadia,
                                                                         monkeypatch):
    agora = make_space(db, floor=scene.floor, name="Agora", kind="event_space", capacity=200)
    make_rule(db, venue=scene.venue, space_kind="event_space", allowed_roles=["member"], requires_approval=True)
    pending = make_booking(db, space=agora, user=scene.nadia, starts_at=paris(TUESDAY, 18), status="pending")
    cancelled = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris(TUESDAY, 14),
                             status="cancelled")
    soon = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris(TUESDAY, 9))
    db.commit()
    manager = api_token(client, scene.manager.email, PASSWORD)
    move = {"starts_at": at("16:00"), "ends_at": at("17:00")}

    assert_refused(post_as(client, nadia, f"/api/v1/bookings/{pending.id}/check-in"), 409, "approval_required",
                   "This booking is waiting for approval.", "Cette réservation est en attente de validation.")
    assert_refused(post_as(client, nadia, f"/api/v1/bookings/{cancelled.id}/check-in"), 409, "booking_not_active",
                   "This booking is no longer active.", "Cette réservation n'est plus active.")
    assert_refused(lambda language: client.patch(f"/api/v1/bookings/{cancelled.id}", json=move,
                                                 headers={**nadia, **language}),
                   409, "booking_not_active", "This booking can no longer be moved.",
                   "Cette réservation ne peut plus être déplacée.")
    assert_refused(post_as(client, manager, f"/api/v1/bookings/{soon.id}/approve"), 409, "not_awaiting_approval",
                   "This booking is not waiting for approval.", "Cette réservation n'est pas en attente de validation.")
    assert_refused(post_as(client, nadia, f"/api/v1/bookings/{soon.id}/check-in"), 409, "check_in_window",
                   "Check-in opens at 08:45.", "Vous pourrez enregistrer votre arrivée à partir de 08:45.")
    monkeypatch.setattr(clock, "now", lambda: paris(TUESDAY, 9, 30))
    assert_refused(lambda language: client.patch(f"/api/v1/bookings/{soon.id}", json=move,
                                                 headers={**nadia, **language}),
                   409, "booking_started", "This booking has started: it can no longer be moved.",
                   "Cette réservation a commencé : elle ne peut plus être déplacée.")
    assert_refused(post_as(client, nadia, f"/api/v1/bookings/{soon.id}/check-in"), 409, "check_in_window",
                   "Check-in closed at 09:15.", "Il n'est plus possible d'enregistrer votre arrivée depuis 09:15.")


def test_a_waitlist_offer_that_ran_out_or_an_entry_already_booked_has_its_code(client, db, scene: Scene, nadia,
                                                                              monkeypatch):
    taken = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris(TUESDAY, 10))
    db.commit()
    slot = {"space_id": scene.room.id, "starts_at": at("10:00"), "ends_at": at("11:00")}
    late = client.post("/api/v1/waitlist", headers=nadia, json=slot).json()
    booking_service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)  # offered to Nadia
    db.commit()

    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(minutes=31))
    assert_refused(post_as(client, nadia, f"/api/v1/waitlist/{late['id']}/accept"), 409, "offer_expired",
                   "The offer expired at 09:30.", "La proposition a expiré à 09:30.")

    monkeypatch.setattr(clock, "now", lambda: NOW)
    again = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris(TUESDAY, 15))
    db.commit()
    entry = client.post("/api/v1/waitlist", headers=nadia, json={**slot, "starts_at": at("15:00"),
                                                                 "ends_at": at("16:00")}).json()
    booking_service.cancel_booking(db, actor=scene.hugo, booking_id=again.id, now=NOW)
    db.commit()
    assert client.post(f"/api/v1/waitlist/{entry['id']}/accept", headers=nadia).status_code == 200
    assert_refused(post_as(client, nadia, f"/api/v1/waitlist/{entry['id']}/withdraw"), 409, "not_waiting",
                   "This entry is no longer on the waitlist.", "Cette inscription n'est plus sur la liste d'attente.")


def test_a_desk_given_to_a_start_up_for_those_days_is_not_given_again(client, db, scene: Scene):
    desk = make_space(db, floor=scene.floor, name="D-02", kind="dedicated_desk", capacity=1)
    access.allocate_desk(db, actor=scene.manager, space_id=desk.id, organisation_id=scene.kelp_id,
                         starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31), now=NOW)
    db.commit()
    manager = api_token(client, scene.manager.email, PASSWORD)

    assert_refused(post_as(client, manager, "/api/v1/desk-allocations", space_id=desk.id,
                           startup_id=scene.oceanwatt_id, starts_on="2026-12-15", ends_on="2027-01-15"),
                   409, "desk_allocated", "Desk D-02 is allocated to Kelp Studio from 2026-12-01 to 2026-12-31.",
                   "Le poste D-02 est attribué à Kelp Studio du 2026-12-01 au 2026-12-31.")
