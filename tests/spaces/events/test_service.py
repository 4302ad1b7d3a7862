"""Operators' managers run their events; the space is booked in the same transaction, through the booking flow."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from spaces.booking.models import Booking
from spaces.events import attendance
from spaces.events import service as events
from spaces.events.models import Event
from spaces.venues.rules import local_time
from tests.spaces.conftest import NOW, paris
from tests.spaces.events.factories import event_data, make_event
from totem import demo
from totem.errors import Conflict, Forbidden, Invalid, NotFound
from totem.identity import service as identity

EVENING = (paris("2026-12-08", 17), paris("2026-12-08", 19, 30))


def test_a_manager_creates_an_event_and_its_space_is_booked_for_it(db, building):
    event = make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, tags=("Mer", "Industries créatives"))

    assert event.operator_id == building.metropole.id and event.slug == "meetup-mer-2026-12-08"
    assert [tag.slug for tag in event.tags] == ["industries-creatives", "mer"]
    booking = db.get(Booking, event.booking_id)
    assert booking.space_id == building.hall.id and booking.hosted and booking.status == "confirmed"
    assert booking.operator_id == building.metropole.id and booking.starts_at == EVENING[0]


def test_a_taken_space_is_a_conflict_with_the_bookings_code_and_nothing_is_made(db, building):
    make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW)
    db.commit()
    with pytest.raises(Conflict) as refused:
        make_event(db, building, actor=building.marc, starts_at=EVENING[0] + timedelta(minutes=30),
                   ends_at=EVENING[1] + timedelta(minutes=30), now=NOW, title="Harbour night")
    db.rollback()
    assert refused.value.code == "booking_overlap"
    assert db.scalar(select(func.count()).select_from(Event)) == 1


def test_a_manager_of_another_operator_neither_changes_nor_reads_the_event(db, building):
    event = make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW)
    data = event_data(building, starts_at=EVENING[0], ends_at=EVENING[1], title="Taken over")
    with pytest.raises(NotFound):
        events.update_event(db, actor=building.marc, event_id=event.id, data=data, now=NOW)
    with pytest.raises(NotFound):
        events.cancel_event(db, actor=building.marc, event_id=event.id, now=NOW)
    with pytest.raises(NotFound):
        events.get_managed_event(db, actor=building.marc, event_id=event.id)
    assert [e.id for e in events.list_managed_events(db, actor=building.marc, now=NOW)] == []
    assert [e.id for e in events.list_managed_events(db, actor=building.admin, now=NOW)] == [event.id]


def test_a_manager_cannot_create_for_an_operator_they_do_not_run(db, building):
    with pytest.raises(Forbidden):
        make_event(db, building, actor=building.marc, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW,
                   operator_id=building.metropole.id)


def test_a_member_cannot_create_an_event(db, building, scene):
    with pytest.raises(Forbidden):
        make_event(db, building, actor=scene.nadia, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW)


def test_moving_the_event_moves_its_booking_and_cancelling_gives_the_space_back(db, building):
    event = make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW)
    later = (EVENING[0] + timedelta(days=1), EVENING[1] + timedelta(days=1))
    moved = events.update_event(db, actor=building.lea, event_id=event.id, now=NOW,
                                data=event_data(building, starts_at=later[0], ends_at=later[1], title="Meetup Mer #2"))
    booking = db.get(Booking, moved.booking_id)
    assert (booking.starts_at, booking.ends_at) == later and moved.title == "Meetup Mer #2"

    cancelled = events.cancel_event(db, actor=building.admin, event_id=event.id, now=NOW)
    db.refresh(booking)
    assert cancelled.status == "cancelled" and booking.status == "cancelled"
    # The space is free again for another operator.
    make_event(db, building, actor=building.marc, starts_at=later[0], ends_at=later[1], now=NOW, title="Harbour")


def test_bad_input_is_refused_with_the_field(db, building):
    cases = [
        ({"title": "  "}, "title"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 601}, "capacity"),
        ({"kind": "rave"}, "kind"),
        ({"title": "x" * 201}, "title"),
        ({"registration_closes_at": EVENING[1] + timedelta(hours=1)}, "registration_closes_at"),
    ]
    for fields, field in cases:
        with pytest.raises(Invalid) as refused:
            make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, **fields)
        assert refused.value.field == field, fields


def test_members_only_events_show_to_members_only(db, building, scene):
    public = make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW)
    members = make_event(db, building, starts_at=EVENING[0] + timedelta(days=2), ends_at=EVENING[1] + timedelta(days=2),
                         now=NOW, title="Members' breakfast", audience="members")
    assert [e.id for e in events.list_agenda(db, viewer=None, now=NOW)] == [public.id]
    assert [e.id for e in events.list_agenda(db, viewer=scene.nadia, now=NOW)] == [public.id, members.id]
    with pytest.raises(NotFound):
        events.get_visible_event(db, viewer=None, key=members.slug)
    assert events.get_visible_event(db, viewer=scene.nadia, key=str(members.id)).id == members.id


def test_the_demo_has_an_event_next_week_with_registrations_and_a_waiting_list(db):
    demo.load_demo(db, NOW)
    lea = identity.get_user_by_email(db, "lea.martin@cite-innovation.fr")
    listed = {event.title: event for event in events.list_managed_events(db, actor=lea, now=NOW)}
    morning = listed["Matinale de l'économie bleue"]
    venue = morning.space.floor.venue
    days_ahead = (local_time(morning.starts_at, venue).date() - local_time(NOW, venue).date()).days
    assert 7 <= days_ahead <= 10 and morning.operator.name == "Accélérateur M" and morning.space.name == "Agora"
    assert events.registration_counts(db, [morning])[morning.id] == {"registered": 40, "waitlisted": 6}
    assert morning.seats_taken == 40 and "Blue Harbour Night" not in listed  # another operator's
    public = [event.title for event in events.list_agenda(db, viewer=None, now=NOW)]
    assert public[0] == "Matinale de l'économie bleue" and "Blue Harbour Night" in public
    assert "Petit-déjeuner des résidents" not in public
    # Events already held carry who came, so the report has figures; they are no longer on the agenda.
    assert "Afterwork des fondateurs" not in public
    held = attendance.monthly_attendance(db, month=local_time(NOW, venue).date() - timedelta(days=12), now=NOW)
    came = sum(month.attended for month in held.values())
    seated = sum(month.registrations for month in held.values())
    assert 0 < came < seated and sum(month.no_shows for month in held.values()) == seated - came
