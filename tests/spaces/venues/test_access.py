"""Who may book: roles, access grants for a period, dedicated desks allocated to one start-up; booking for a colleague."""
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from spaces.booking import service as booking_service
from spaces.booking.models import Booking
from spaces.venues import access
from spaces.venues.models import DeskAllocation
from tests.helpers import api_token
from tests.spaces.conftest import NOW, Scene, make_person, paris
from tests.spaces.factories import make_rule, make_space
from tests.totem.factories import PASSWORD
from totem.errors import Conflict, Forbidden, Invalid


def test_a_rule_open_to_grant_holders_admits_start_ups_with_a_grant_for_its_dates(db, scene: Scene):
    booth = make_space(db, floor=scene.floor, name="Cabine 1", kind="phone_booth", capacity=1)
    make_rule(db, venue=scene.venue, space_kind="phone_booth", allowed_roles=(), open_to_grant_holders=True)
    access.grant_access(db, actor=scene.manager, organisation_id=scene.oceanwatt_id, venue_id=scene.venue.id,
                        starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 4), space_kinds=["phone_booth"], now=NOW)

    def book(user, day):  # type: ignore[no-untyped-def]
        return booking_service.create_booking(db, actor=user, space_id=booth.id, starts_at=paris(day, 9),
                                      ends_at=paris(day, 9, 30), now=NOW)

    assert book(scene.nadia, "2026-12-01").organisation_id == scene.oceanwatt_id
    with pytest.raises(Forbidden):
        book(scene.hugo, "2026-12-01")  # Kelp Studio holds no grant
    with pytest.raises(Forbidden):
        book(scene.nadia, "2026-12-07")  # after the grant's last day


def test_granting_again_under_the_same_key_updates_the_grant(db, scene: Scene):
    for ends_on in (date(2027, 3, 31), date(2027, 6, 30)):
        access.grant_access(db, actor=scene.manager, organisation_id=scene.kelp_id, venue_id=scene.venue.id,
                            starts_on=date(2026, 12, 1), ends_on=ends_on, monthly_credits=20, now=NOW,
                            source_key="cohort-7")
    grants = access.list_grants(db, organisation_id=scene.kelp_id)
    assert [(g.ends_on, g.monthly_credits) for g in grants] == [(date(2027, 6, 30), 20)]
    with pytest.raises(Forbidden):
        access.grant_access(db, actor=scene.nadia, organisation_id=scene.kelp_id, venue_id=scene.venue.id,
                            starts_on=date(2026, 12, 1), ends_on=date(2027, 1, 1), now=NOW)
    with pytest.raises(Invalid):
        access.grant_access(db, actor=scene.manager, organisation_id=scene.kelp_id, venue_id=scene.venue.id,
                            starts_on=date(2026, 12, 1), ends_on=date(2026, 11, 1), now=NOW)


def test_a_dedicated_desk_is_its_start_ups_alone_during_the_allocation(db, scene: Scene):
    desk = make_space(db, floor=scene.floor, name="D-01", kind="dedicated_desk", capacity=1)
    access.allocate_desk(db, actor=scene.manager, space_id=desk.id, organisation_id=scene.oceanwatt_id,
                         starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31), now=NOW)

    def book(user, day):  # type: ignore[no-untyped-def]
        return booking_service.create_booking(db, actor=user, space_id=desk.id, starts_at=paris(day, 9),
                                      ends_at=paris(day, 17), now=NOW)

    assert book(scene.karim, "2026-12-01").status == "confirmed"
    with pytest.raises(Forbidden):
        book(scene.hugo, "2026-12-02")


def test_two_allocations_of_one_desk_never_overlap(db, scene: Scene, database):
    desk = make_space(db, floor=scene.floor, name="D-02", kind="dedicated_desk", capacity=1)
    access.allocate_desk(db, actor=scene.manager, space_id=desk.id, organisation_id=scene.oceanwatt_id,
                         starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31), now=NOW)
    with pytest.raises(Conflict) as refused:
        access.allocate_desk(db, actor=scene.manager, space_id=desk.id, organisation_id=scene.kelp_id,
                             starts_on=date(2026, 12, 31), ends_on=date(2027, 1, 31), now=NOW)
    assert refused.value.params["startup"] == "OceanWatt"
    access.allocate_desk(db, actor=scene.manager, space_id=desk.id, organisation_id=scene.kelp_id,
                         starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 31), now=NOW)
    if database.name == "postgresql":  # the database refuses it too
        with pytest.raises(IntegrityError, match="ex_desk_allocation_no_overlap"), db.begin_nested():
            db.add(DeskAllocation(space_id=desk.id, organisation_id=scene.kelp_id, starts_on=date(2026, 12, 15),
                                  ends_on=date(2026, 12, 20), created_at=NOW))
            db.flush()


def test_ending_access_ends_the_grant_and_desks_given_under_its_key(db, scene: Scene):
    desk = make_space(db, floor=scene.floor, name="D-03", kind="dedicated_desk", capacity=1)
    access.grant_access(db, actor=scene.manager, organisation_id=scene.kelp_id, venue_id=scene.venue.id,
                        starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30), now=NOW, source_key="cohort-7")
    access.allocate_desk(db, actor=scene.manager, space_id=desk.id, organisation_id=scene.kelp_id,
                         starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30), now=NOW, source_key="cohort-7")

    access.end_access(db, actor=scene.manager, organisation_id=scene.kelp_id, source_key="cohort-7",
                      last_day=date(2026, 12, 15), now=NOW)

    assert access.list_grants(db, organisation_id=scene.kelp_id)[0].ends_on == date(2026, 12, 15)
    assert access.allocation_on(db, desk.id, date(2026, 12, 15)) is not None
    assert access.allocation_on(db, desk.id, date(2026, 12, 16)) is None


def test_a_member_books_for_a_colleague_not_for_another_start_up(db, scene: Scene):
    booking = booking_service.create_booking(db, actor=scene.nadia, for_user_id=scene.karim.id, space_id=scene.room.id,
                                     starts_at=paris("2026-12-01", 9), ends_at=paris("2026-12-01", 10), now=NOW)
    assert (booking.user_id, booking.created_by, booking.organisation_id) == (
        scene.karim.id, scene.nadia.id, scene.oceanwatt_id)
    with pytest.raises(Forbidden):
        booking_service.create_booking(db, actor=scene.nadia, for_user_id=scene.hugo.id, space_id=scene.room.id,
                               starts_at=paris("2026-12-01", 11), ends_at=paris("2026-12-01", 12), now=NOW)
    by_manager = booking_service.create_booking(db, actor=scene.manager, for_user_id=scene.hugo.id, space_id=scene.room.id,
                                        starts_at=paris("2026-12-01", 14), ends_at=paris("2026-12-01", 15), now=NOW)
    assert by_manager.user_id == scene.hugo.id and by_manager.organisation_id == scene.kelp_id


def test_moving_through_the_api_checks_every_rule_and_another_start_up_gets_404(client, db, scene: Scene):
    other_room = make_space(db, floor=scene.floor, name="Sormiou", kind="meeting_room", capacity=6)
    db.commit()
    nadia = api_token(client, scene.nadia.email, PASSWORD)
    hugo = api_token(client, scene.hugo.email, PASSWORD)
    created = client.post("/api/v1/bookings", headers=nadia, json={
        "space_id": scene.room.id, "starts_at": "2026-12-01T09:00:00+01:00", "ends_at": "2026-12-01T10:00:00+01:00"})
    booking_id = created.json()["id"]
    client.post("/api/v1/bookings", headers=hugo, json={
        "space_id": other_room.id, "starts_at": "2026-12-02T09:00:00+01:00", "ends_at": "2026-12-02T10:00:00+01:00"})

    moved = client.patch(f"/api/v1/bookings/{booking_id}", headers=nadia, json={
        "starts_at": "2026-12-01T11:00:00+01:00", "ends_at": "2026-12-01T12:30:00+01:00"})
    assert moved.status_code == 200 and moved.json()["starts_at"] == "2026-12-01T10:00:00Z"
    taken = client.patch(f"/api/v1/bookings/{booking_id}", headers=nadia, json={
        "space_id": other_room.id, "starts_at": "2026-12-02T09:30:00+01:00", "ends_at": "2026-12-02T10:30:00+01:00"})
    assert taken.status_code == 409 and "Sormiou" in taken.json()["detail"]
    evening = client.patch(f"/api/v1/bookings/{booking_id}", headers=nadia, json={
        "starts_at": "2026-12-01T19:30:00+01:00", "ends_at": "2026-12-01T20:30:00+01:00"})
    assert evening.status_code == 422
    stolen = client.patch(f"/api/v1/bookings/{booking_id}", headers=hugo, json={
        "starts_at": "2026-12-03T09:00:00+01:00", "ends_at": "2026-12-03T10:00:00+01:00"})
    assert stolen.status_code == 404
    db.expire_all()
    assert db.get(Booking, booking_id).starts_at == paris("2026-12-01", 11)
    assert db.scalar(select(func.count()).select_from(Booking)) == 2


def test_a_colleague_booking_through_the_api(client, db, scene: Scene):
    outsider = make_person(db, email="zoe@ailleurs.fr", startup="Ailleurs")
    db.commit()
    nadia = api_token(client, scene.nadia.email, PASSWORD)
    body = {"space_id": scene.room.id, "starts_at": "2026-12-01T09:00:00+01:00",
            "ends_at": "2026-12-01T10:00:00+01:00"}
    assert client.post("/api/v1/bookings", headers=nadia, json={**body, "user_id": outsider.id}).status_code == 403
    made = client.post("/api/v1/bookings", headers=nadia, json={**body, "user_id": scene.karim.id})
    assert made.status_code == 201 and made.json()["user_id"] == scene.karim.id
