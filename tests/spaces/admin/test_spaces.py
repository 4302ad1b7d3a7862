"""Managers edit floors, zones and spaces through the pages; a space with bookings to come stays active unless told."""
import pytest
from sqlalchemy import event, func, select

from spaces.booking.models import Booking
from spaces.venues.models import Floor, Space, Zone
from tests.helpers import form_post, login
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking, make_space, make_zone
from tests.totem.factories import PASSWORD
from totem.audit.models import AuditEntry

SPACE = {"name": "Frioul", "kind": "meeting_room", "capacity": "6", "amenities": "screen, whiteboard,, screen",
         "x": "100", "y": "50", "width": "80", "height": "60", "zone_id": "", "is_active": "on"}


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def as_manager(client, scene):
    login(client, scene.manager.email, PASSWORD)
    return client


def _space_form(space: Space, **changes: str) -> dict[str, str]:
    form = {"name": space.name, "kind": space.kind, "capacity": str(space.capacity),
            "amenities": ", ".join(space.amenities), "x": str(space.x), "y": str(space.y),
            "width": str(space.width), "height": str(space.height), "zone_id": str(space.zone_id or ""),
            "is_active": "on", **changes}
    return {key: value for key, value in form.items() if value is not None}


def test_a_manager_adds_a_floor_and_edits_it(as_manager, db, scene):
    url = f"/admin/spaces/venues/{scene.venue.id}/floors/new"
    assert 'value="2"' in as_manager.get(url).text  # the next level up is proposed
    response = form_post(as_manager, url, url, {"name": "2e étage", "level": "2", "plan_width": "800",
                                               "plan_height": "500"})

    floor = db.scalars(select(Floor).where(Floor.name == "2e étage")).one()
    assert response.status_code == 303 and response.headers["location"] == f"/admin/spaces/floors/{floor.id}"
    assert (floor.level, floor.plan_width, floor.plan_height) == (2, 800, 500)

    edit = f"/admin/spaces/floors/{floor.id}/edit"
    response = form_post(as_manager, edit, edit, {"name": "2e étage Nord", "level": "2", "plan_width": "900",
                                                 "plan_height": "500"})
    assert response.status_code == 303
    db.refresh(floor)
    assert floor.name == "2e étage Nord" and floor.plan_width == 900


def test_a_bad_floor_keeps_the_values_and_writes_nothing(as_manager, db, scene):
    url = f"/admin/spaces/venues/{scene.venue.id}/floors/new"
    response = form_post(as_manager, url, url, {"name": "Toit", "level": "9", "plan_width": "0", "plan_height": "400"})
    assert response.status_code == 422 and "Enter a number from 1 to 10000." in response.text
    assert 'value="Toit"' in response.text and _count(db, Floor) == 1

    response = form_post(as_manager, url, url, {"name": scene.floor.name, "level": "9", "plan_width": "10",
                                               "plan_height": "10"})
    assert response.status_code == 409 and "This venue already has a floor called" in response.text
    assert _count(db, Floor) == 1


def test_a_floor_plan_cannot_shrink_from_under_its_spaces(as_manager, db, scene):
    edit = f"/admin/spaces/floors/{scene.floor.id}/edit"
    response = form_post(as_manager, edit, edit, {"name": scene.floor.name, "level": "1", "plan_width": "45",
                                                 "plan_height": "400"})
    assert response.status_code == 409 and "Spaces that would lie outside the smaller plan: 1." in response.text
    db.refresh(scene.floor)
    assert scene.floor.plan_width == 600


def test_zones_are_added_renamed_and_unique_on_a_floor(as_manager, db, scene):
    edit = f"/admin/spaces/floors/{scene.floor.id}/edit"
    assert form_post(as_manager, edit, f"/admin/spaces/floors/{scene.floor.id}/zones",
                     {"zone_name": "Open space"}).status_code == 303
    zone = db.scalars(select(Zone)).one()
    assert zone.name == "Open space" and zone.floor_id == scene.floor.id

    response = form_post(as_manager, edit, f"/admin/spaces/floors/{scene.floor.id}/zones/{zone.id}",
                         {f"zone_{zone.id}": "Plateau Sud"})
    assert response.status_code == 303
    db.refresh(zone)
    assert zone.name == "Plateau Sud"

    response = form_post(as_manager, edit, f"/admin/spaces/floors/{scene.floor.id}/zones", {"zone_name": "Plateau Sud"})
    assert response.status_code == 409 and "This floor already has a zone called Plateau Sud." in response.text
    assert 'value="Plateau Sud"' in response.text and _count(db, Zone) == 1


def test_a_manager_adds_a_space_and_finds_it_with_the_filters(as_manager, db, scene):
    zone = make_zone(db, floor=scene.floor, name="Nord")
    db.commit()
    url = f"/admin/spaces/floors/{scene.floor.id}/spaces/new"
    response = form_post(as_manager, url, url, {**SPACE, "zone_id": str(zone.id)})

    assert response.status_code == 303 and response.headers["location"] == f"/admin/spaces/floors/{scene.floor.id}"
    space = db.scalars(select(Space).where(Space.name == "Frioul")).one()
    assert space.amenities == ["screen", "whiteboard"] and space.zone_id == zone.id and space.is_active
    assert (space.x, space.y, space.width, space.height, space.capacity) == (100, 50, 80, 60, 6)
    audited = select(AuditEntry.object_id).where(AuditEntry.action == "space.create")
    assert db.scalars(audited).all() == [str(space.id)]

    listing = as_manager.get(f"/admin/spaces/floors/{scene.floor.id}", params={"zone_id": zone.id})
    assert "Frioul" in listing.text and "Calanques" not in listing.text
    listing = as_manager.get(f"/admin/spaces/floors/{scene.floor.id}", params={"kind": "meeting_room", "q": "cal"})
    assert "Calanques" in listing.text and "Frioul" not in listing.text
    assert "Calanques" not in as_manager.get(f"/admin/spaces/floors/{scene.floor.id}",
                                             params={"status": "inactive"}).text


BAD_SPACES = (
    ("capacity", "0", 422, "Enter a number from 1 to 10000."),
    ("capacity", "six", 422, "Enter a whole number."),
    ("x", "600", 422, "Enter a number from 0 to 599."),
    ("width", "600", 422, "Enter a size from 1 to 500, so that the space fits"),  # from x=100 the plan leaves 500
    ("kind", "sofa", 422, "Unknown kind of space."),
    ("name", "Calanques", 409, "This floor already has a space called Calanques."),
)


def test_a_bad_space_keeps_the_values_and_writes_nothing(as_manager, db, scene):
    url = f"/admin/spaces/floors/{scene.floor.id}/spaces/new"
    for field, value, status, message in BAD_SPACES:
        response = form_post(as_manager, url, url, {**SPACE, field: value})
        assert response.status_code == status and message in response.text, field
        assert 'value="screen, whiteboard,, screen"' in response.text and _count(db, Space) == 1


def test_a_manager_edits_a_space(as_manager, db, scene):
    url = f"/admin/spaces/spaces/{scene.room.id}"
    response = form_post(as_manager, url, url, _space_form(scene.room, capacity="10", amenities="screen, video"))
    assert response.status_code == 303
    db.refresh(scene.room)
    assert scene.room.capacity == 10 and scene.room.amenities == ["screen", "video"]


def test_deactivating_a_space_with_bookings_to_come_is_a_conflict_naming_them(as_manager, db, scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-03", 10))
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 14), status="pending")
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-11-27", 14))  # over
    db.commit()
    url = f"/admin/spaces/spaces/{scene.room.id}"

    response = form_post(as_manager, url, url, _space_form(scene.room, is_active=None, capacity="12"))

    assert response.status_code == 409
    assert "Bookings to come for Calanques: 2, the first on 2026-12-01." in response.text
    db.refresh(scene.room)
    assert scene.room.is_active and scene.room.capacity == 8  # nothing half-written
    assert db.scalars(select(Booking.status).order_by(Booking.id)).all() == ["confirmed", "pending", "confirmed"]


def test_ticking_cancel_them_deactivates_the_space_and_cancels_its_bookings_to_come(as_manager, db, scene):
    future = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-03", 10))
    past = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-11-27", 14))
    db.commit()
    url = f"/admin/spaces/spaces/{scene.room.id}"

    response = form_post(as_manager, url, url, _space_form(scene.room, is_active=None, cancel_bookings="on"))

    assert response.status_code == 303
    assert "bookings cancelled: 1" in as_manager.get(response.headers["location"]).text
    db.expire_all()
    assert not db.get(Space, scene.room.id).is_active
    assert db.get(Booking, future.id).status == "cancelled" and db.get(Booking, past.id).status == "confirmed"
    cancel = db.scalars(select(AuditEntry).where(AuditEntry.action == "booking.cancel")).one()
    assert cancel.actor_id == scene.manager.id and cancel.object_id == str(future.id)


def test_a_space_without_bookings_to_come_is_deactivated_and_listed_as_inactive(as_manager, db, scene):
    desk = make_space(db, floor=scene.floor, name="D-01", kind="hot_desk", capacity=1)
    db.commit()
    url = f"/admin/spaces/spaces/{desk.id}"
    response = form_post(as_manager, url, url, _space_form(desk, is_active=None))
    assert response.status_code == 303
    listing = as_manager.get(f"/admin/spaces/floors/{scene.floor.id}", params={"status": "inactive"})
    assert "D-01" in listing.text and "Calanques" not in listing.text


def _queries_for(client, connection, path: str) -> int:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(connection, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(connection, "before_cursor_execute", listener)
    return len(statements)


def test_the_spaces_list_runs_the_same_queries_however_many_spaces_and_zones(as_manager, db, scene, connection):
    make_space(db, floor=scene.floor, zone=make_zone(db, floor=scene.floor), name="D-x", kind="hot_desk")
    db.commit()
    path = f"/admin/spaces/floors/{scene.floor.id}"
    few = _queries_for(as_manager, connection, path)
    for number in range(6):
        make_space(db, floor=scene.floor, zone=make_zone(db, floor=scene.floor), name=f"D-{number}", kind="hot_desk")
    db.commit()
    assert _queries_for(as_manager, connection, path) == few
