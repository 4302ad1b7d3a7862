"""Room credits: debited on booking, refunded on a timely cancellation, reset each month from the access grants."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from spaces.booking import service as booking_service
from spaces.credits import service as credits
from spaces.credits.models import CreditEntry
from spaces.venues import access
from spaces.venues.models import BookingRule
from tests.helpers import api_token
from tests.spaces.conftest import NOW, Scene, paris
from tests.totem.factories import PASSWORD
from totem.errors import Conflict, Forbidden, Invalid
from totem.identity.service import load_memberships


@pytest.fixture
def paid_rooms(db, scene: Scene) -> Scene:
    """Rooms cost 2 credits an hour; OceanWatt's grant gives it 10 a month, refunded up to 24 hours ahead."""
    rule = db.scalars(select(BookingRule).where(BookingRule.space_kind == "meeting_room")).one()
    rule.credits_per_hour = 2
    access.grant_access(db, actor=scene.manager, organisation_id=scene.oceanwatt_id, venue_id=scene.venue.id,
                        starts_on=date(2026, 11, 1), ends_on=date(2027, 6, 30), monthly_credits=10, now=NOW,
                        source_key="cohort-7")
    credits.reset_month(db, month_start=date(2026, 11, 1), now=NOW)
    return scene


def book(db, scene, start, end, **extra):  # type: ignore[no-untyped-def]
    return booking_service.create_booking(db, actor=extra.pop("actor", scene.nadia), space_id=scene.room.id,
                                  starts_at=start, ends_at=end, now=extra.pop("now", NOW), **extra)


def entries(db, organisation_id: int) -> list[tuple[str, int]]:
    account = credits.account_for(db, organisation_id)
    return [(e.reason, e.amount) for e in db.scalars(select(CreditEntry).where(CreditEntry.account_id == account.id)
                                                     .order_by(CreditEntry.id))]


def test_a_booking_debits_its_cost_pro_rata_rounded_up(db, paid_rooms):
    book(db, paid_rooms, paris("2026-12-01", 9), paris("2026-12-01", 10, 30))  # 1.5 h x 2 = 3

    assert credits.balance_of(db, paid_rooms.oceanwatt_id) == 7
    assert entries(db, paid_rooms.oceanwatt_id) == [("allowance", 10), ("booking", -3)]
    book(db, paid_rooms, paris("2026-12-02", 9), paris("2026-12-02", 9, 40))  # 40 min x 2 = 1.33 -> 2
    assert credits.balance_of(db, paid_rooms.oceanwatt_id) == 5


def test_not_enough_credits_is_a_409_that_books_nothing(db, paid_rooms):
    book(db, paid_rooms, paris("2026-12-01", 9), paris("2026-12-01", 13))  # 8 credits

    with pytest.raises(Conflict) as refused, db.begin_nested():
        book(db, paid_rooms, paris("2026-12-02", 9), paris("2026-12-02", 11))  # 4 more

    assert refused.value.params == {"startup": "OceanWatt", "balance": 2, "cost": 4}
    assert credits.balance_of(db, paid_rooms.oceanwatt_id) == 2
    assert len(booking_service.list_bookings(db, actor=paid_rooms.nadia, mine=True)) == 1


def test_a_timely_cancellation_refunds_a_late_one_does_not(db, paid_rooms):
    early = book(db, paid_rooms, paris("2026-12-03", 9), paris("2026-12-03", 10))
    late = book(db, paid_rooms, paris("2026-12-01", 9), paris("2026-12-01", 10))
    assert credits.balance_of(db, paid_rooms.oceanwatt_id) == 6

    booking_service.cancel_booking(db, actor=paid_rooms.nadia, booking_id=early.id, now=NOW)
    booking_service.cancel_booking(db, actor=paid_rooms.nadia, booking_id=late.id, now=paris("2026-12-01", 8))

    assert credits.balance_of(db, paid_rooms.oceanwatt_id) == 8  # only the early one came back
    assert entries(db, paid_rooms.oceanwatt_id)[-1] == ("refund", 2)


def test_moving_a_booking_charges_or_refunds_the_difference(db, paid_rooms):
    booking = book(db, paid_rooms, paris("2026-12-01", 9), paris("2026-12-01", 10))
    booking_service.move_booking(db, actor=paid_rooms.nadia, booking_id=booking.id, starts_at=paris("2026-12-02", 14),
                         ends_at=paris("2026-12-02", 16), now=NOW)
    assert credits.balance_of(db, paid_rooms.oceanwatt_id) == 6
    booking_service.move_booking(db, actor=paid_rooms.nadia, booking_id=booking.id, starts_at=paris("2026-12-02", 14),
                         ends_at=paris("2026-12-02", 14, 30), now=NOW)
    assert credits.balance_of(db, paid_rooms.oceanwatt_id) == 9
    assert credits.charged_for(db, booking.id) == 1


def test_a_rejected_request_gets_its_credits_back(db, paid_rooms):
    rule = db.scalars(select(BookingRule).where(BookingRule.space_kind == "meeting_room")).one()
    rule.requires_approval = True
    booking = book(db, paid_rooms, paris("2026-12-01", 9), paris("2026-12-01", 11))
    assert booking.status == "pending" and credits.balance_of(db, paid_rooms.oceanwatt_id) == 6

    booking_service.reject_booking(db, actor=paid_rooms.manager, booking_id=booking.id, now=NOW)

    assert credits.balance_of(db, paid_rooms.oceanwatt_id) == 10


def test_the_monthly_reset_expires_the_rest_and_credits_the_allowance_once(db, paid_rooms):
    book(db, paid_rooms, paris("2026-12-01", 9), paris("2026-12-01", 10))  # 8 left
    december = date(2026, 12, 1)

    assert credits.reset_month(db, month_start=december, now=paris("2026-12-01", 0, 5)) == 1
    assert credits.reset_month(db, month_start=december, now=paris("2026-12-01", 0, 10)) == 0

    assert credits.balance_of(db, paid_rooms.oceanwatt_id) == 10
    assert entries(db, paid_rooms.oceanwatt_id)[-2:] == [("expiry", -8), ("allowance", 10)]


def test_a_grant_that_ended_gives_nothing_the_next_month(db, paid_rooms):
    access.end_access(db, actor=paid_rooms.manager, organisation_id=paid_rooms.oceanwatt_id, source_key="cohort-7",
                      last_day=date(2026, 12, 31), now=NOW)
    credits.reset_month(db, month_start=date(2027, 1, 1), now=NOW + timedelta(days=33))
    assert credits.balance_of(db, paid_rooms.oceanwatt_id) == 0


def test_a_start_up_without_credits_cannot_book_a_paid_room_staff_events_are_free(db, paid_rooms):
    with pytest.raises(Conflict), db.begin_nested():
        book(db, paid_rooms, paris("2026-12-01", 9), paris("2026-12-01", 10), actor=paid_rooms.hugo)
    house = book(db, paid_rooms, paris("2026-12-01", 9), paris("2026-12-01", 10), actor=paid_rooms.manager)
    assert house.organisation_id is None and credits.charged_for(db, house.id) == 0


def test_managers_adjust_a_balance_with_a_note_members_cannot(db, paid_rooms):
    with pytest.raises(Invalid):
        credits.adjust(db, actor=paid_rooms.manager, organisation_id=paid_rooms.oceanwatt_id, amount=5, note=" ",
                       now=NOW)
    with pytest.raises(Invalid):
        credits.adjust(db, actor=paid_rooms.manager, organisation_id=paid_rooms.oceanwatt_id, amount=-11,
                       note="Erreur", now=NOW)
    with pytest.raises(Forbidden):
        credits.adjust(db, actor=paid_rooms.nadia, organisation_id=paid_rooms.oceanwatt_id, amount=5, note="Moi",
                       now=NOW)
    credits.adjust(db, actor=paid_rooms.manager, organisation_id=paid_rooms.oceanwatt_id, amount=5,
                   note="Atelier annulé par nos soins", now=NOW)
    assert credits.balance_of(db, paid_rooms.oceanwatt_id) == 15
    overview = credits.list_accounts(db, actor=paid_rooms.manager, since=NOW - timedelta(days=1))
    assert [(row.startup, row.allowance, row.balance) for row in overview] == [("OceanWatt", 10, 15)]


def test_members_read_their_start_ups_credits_not_anothers(client, db, paid_rooms):
    book(db, paid_rooms, paris("2026-12-01", 9), paris("2026-12-01", 10))
    db.commit()
    nadia = api_token(client, paid_rooms.nadia.email, PASSWORD)
    hugo = api_token(client, paid_rooms.hugo.email, PASSWORD)

    mine = client.get(f"/api/v1/startups/{paid_rooms.oceanwatt_id}/credits", headers=nadia)
    theirs = client.get(f"/api/v1/startups/{paid_rooms.oceanwatt_id}/credits", headers=hugo)

    assert mine.status_code == 200
    assert mine.json()["balance"] == 8 and [e["amount"] for e in mine.json()["entries"]] == [-2, 10]
    assert theirs.status_code == 403
    assert load_memberships(db, paid_rooms.hugo)  # Hugo is a member, of Kelp Studio only
