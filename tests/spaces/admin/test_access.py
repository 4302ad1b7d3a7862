"""Managers allocate dedicated desks to start-ups and watch and adjust their room credits through the pages."""
from datetime import date

import pytest
from sqlalchemy import func, select

from spaces.credits import service as credits
from spaces.credits.models import CreditEntry
from spaces.venues import access
from spaces.venues.models import DeskAllocation
from tests.helpers import form_post, login
from tests.spaces.conftest import NOW
from tests.spaces.factories import make_space
from tests.totem.factories import PASSWORD

ALLOCATIONS = "/admin/spaces/allocations"


@pytest.fixture
def desk(db, scene):
    space = make_space(db, floor=scene.floor, name="DD-01", kind="dedicated_desk", capacity=1)
    db.commit()
    return space


@pytest.fixture
def as_manager(client, scene):
    login(client, scene.manager.email, PASSWORD)
    return client


def _allocate(client, scene, desk, **changes):  # type: ignore[no-untyped-def]
    form = {"space_id": str(desk.id), "organisation_id": str(scene.oceanwatt_id), "starts_on": "2026-12-01",
            "ends_on": "2027-05-31", **changes}
    return form_post(client, ALLOCATIONS, f"/admin/spaces/venues/{scene.venue.id}/allocations", form)


def test_a_manager_allocates_a_desk_and_sees_it_listed(as_manager, db, scene, desk):
    response = _allocate(as_manager, scene, desk)

    assert response.status_code == 303
    allocation = db.scalars(select(DeskAllocation)).one()
    assert (allocation.space_id, allocation.organisation_id) == (desk.id, scene.oceanwatt_id)
    assert (allocation.starts_on, allocation.ends_on) == (date(2026, 12, 1), date(2027, 5, 31))
    page = as_manager.get(response.headers["location"])
    assert "Desk allocated until 2027-05-31." in page.text
    assert "DD-01" in page.text and "OceanWatt" in page.text and "Upcoming" in page.text


def test_an_overlapping_allocation_is_a_conflict_that_keeps_the_form(as_manager, db, scene, desk):
    access.allocate_desk(db, actor=scene.manager, space_id=desk.id, organisation_id=scene.kelp_id,
                         starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 15), now=NOW)
    db.commit()
    response = _allocate(as_manager, scene, desk, ends_on="2027-01-31")

    assert response.status_code == 409
    assert "Desk DD-01 is allocated to Kelp Studio from 2026-11-01 to 2026-12-15." in response.text
    assert 'value="2027-01-31"' in response.text
    assert db.scalar(select(func.count()).select_from(DeskAllocation)) == 1


def test_a_meeting_room_cannot_be_allocated(as_manager, db, scene, desk):
    response = _allocate(as_manager, scene, scene.room)
    assert response.status_code == 422 and "Choose a dedicated desk." in response.text
    assert db.scalar(select(func.count()).select_from(DeskAllocation)) == 0


def test_ending_an_allocation_keeps_the_desk_through_the_day_chosen(as_manager, db, scene, desk):
    allocation = access.allocate_desk(db, actor=scene.manager, space_id=desk.id, organisation_id=scene.kelp_id,
                                      starts_on=date(2026, 11, 1), ends_on=date(2027, 6, 30), now=NOW)
    db.commit()
    response = form_post(as_manager, ALLOCATIONS,
                         f"/admin/spaces/venues/{scene.venue.id}/allocations/{allocation.id}/end",
                         {f"last_day_{allocation.id}": "2026-12-31"})
    assert response.status_code == 303
    db.refresh(allocation)
    assert allocation.ends_on == date(2026, 12, 31)


def test_members_cannot_see_allocations_or_credits(client, scene, desk):
    login(client, scene.nadia.email, PASSWORD)
    for path in (ALLOCATIONS, "/admin/spaces/credits", f"/admin/spaces/credits/{scene.oceanwatt_id}"):
        assert client.get(path).status_code == 403
    assert _allocate(client, scene, desk).status_code == 403


def test_the_credits_overview_shows_allowance_balance_and_use(as_manager, db, scene):
    credits.adjust(db, actor=scene.manager, organisation_id=scene.oceanwatt_id, amount=12, note="Welcome", now=NOW)
    db.commit()
    page = as_manager.get("/admin/spaces/credits")
    assert page.status_code == 200 and "OceanWatt" in page.text and "<strong>12</strong>" in page.text


def test_a_manager_adjusts_a_balance_with_a_note_and_it_shows_in_the_ledger(as_manager, db, scene):
    url = f"/admin/spaces/credits/{scene.kelp_id}"
    response = form_post(as_manager, url, f"{url}/adjust", {"amount": "5", "note": "Room out of order"})

    assert response.status_code == 303
    assert credits.balance_of(db, scene.kelp_id) == 5
    page = as_manager.get(url)
    assert "Balance adjusted by +5 credits." in page.text
    assert "Adjustment: Room out of order" in page.text and scene.manager.name in page.text


@pytest.mark.parametrize(("form", "message"), [
    ({"amount": "-3", "note": "Oops"}, "The balance is 0: it cannot go below zero."),
    ({"amount": "5", "note": " "}, "Say why the balance changes."),
    ({"amount": "cinq", "note": "Gift"}, "Enter a whole number."),
])
def test_a_refused_adjustment_keeps_the_input_and_writes_nothing(as_manager, db, scene, form, message):
    url = f"/admin/spaces/credits/{scene.kelp_id}"
    response = form_post(as_manager, url, f"{url}/adjust", form)
    assert response.status_code == 422 and message in response.text
    assert f'value="{form["amount"]}"' in response.text
    assert db.scalar(select(func.count()).select_from(CreditEntry)) == 0


def test_the_overview_opens_the_ledger_of_any_startup(as_manager, scene):
    response = as_manager.get("/admin/spaces/credits/account", params={"organisation_id": scene.kelp_id},
                              follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/admin/spaces/credits/{scene.kelp_id}"
    page = as_manager.get(response.headers["location"])
    assert "Kelp Studio" in page.text and "No movement in the last 12 months." in page.text
