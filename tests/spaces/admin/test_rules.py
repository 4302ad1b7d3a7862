"""Managers write a venue's booking rules through the pages; what the database would refuse comes back as a message."""
import pytest
from sqlalchemy import func, select

from spaces.venues.models import BookingRule
from tests.helpers import form_post, login
from tests.spaces.factories import make_rule, make_zone
from tests.totem.factories import PASSWORD
from totem.audit.models import AuditEntry

RULE = {"target": "kind:event_space", "allowed_roles": ["member"], "min_minutes": "60", "max_minutes": "480",
        "max_days_ahead": "90", "buffer_minutes": "30", "credits_per_hour": "4", "refund_notice_hours": "48",
        "requires_approval": "on"}


def _rules(db) -> int:
    return db.scalar(select(func.count()).select_from(BookingRule))


@pytest.fixture
def as_manager(client, scene):
    login(client, scene.manager.email, PASSWORD)
    return client


def _new(scene) -> str:
    return f"/admin/spaces/venues/{scene.venue.id}/rules/new"


def test_a_manager_adds_a_rule_for_a_kind_of_space(as_manager, db, scene):
    response = form_post(as_manager, _new(scene), _new(scene), RULE)

    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/spaces/venues/{scene.venue.id}/rules"
    rule = db.scalars(select(BookingRule).where(BookingRule.space_kind == "event_space")).one()
    assert rule.allowed_roles == ["member"] and rule.requires_approval and not rule.open_to_grant_holders
    assert (rule.min_minutes, rule.max_minutes, rule.max_days_ahead) == (60, 480, 90)
    assert (rule.buffer_minutes, rule.credits_per_hour, rule.refund_notice_hours) == (30, 4, 48)
    assert db.scalars(select(AuditEntry.object_id).where(AuditEntry.action == "rule.create")).all() == [str(rule.id)]
    listing = as_manager.get(response.headers["location"])
    assert "Event space" in listing.text and "Meeting room" in listing.text


def test_a_second_rule_for_the_same_kind_is_a_form_error_not_a_500(as_manager, db, scene):
    # The scene already has a rule for meeting rooms.
    response = form_post(as_manager, _new(scene), _new(scene), {**RULE, "target": "kind:meeting_room"})
    assert response.status_code == 409
    assert "This venue already has a rule for this kind of space." in response.text
    assert 'value="kind:meeting_room" selected' in response.text and 'value="480"' in response.text
    assert _rules(db) == 1


def test_one_rule_per_zone_too(as_manager, db, scene):
    zone = make_zone(db, floor=scene.floor, name="Salons")
    make_rule(db, venue=scene.venue, zone=zone, max_minutes=60)
    db.commit()
    response = form_post(as_manager, _new(scene), _new(scene), {**RULE, "target": f"zone:{zone.id}"})
    assert response.status_code == 409 and "This venue already has a rule for this zone." in response.text
    assert _rules(db) == 2


REFUSED = (
    ({"target": ""}, "Choose a kind of space or a zone."),
    ({"min_minutes": "0"}, "The shortest booking lasts at least 1 minute."),
    ({"min_minutes": "120", "max_minutes": "60"}, "The longest booking cannot be shorter than the shortest."),
    ({"max_days_ahead": "-1"}, "Enter 0 or more."),
    ({"credits_per_hour": "deux"}, "Enter a whole number."),
    ({"allowed_roles": ["member", "superuser"]}, "Unknown role."),
    ({"target": "zone:999999"}, "Choose a zone of this venue."),
)


def test_a_rule_the_database_would_refuse_is_explained_and_nothing_is_written(as_manager, db, scene):
    for changes, message in REFUSED:
        response = form_post(as_manager, _new(scene), _new(scene), {**RULE, **changes})
        assert response.status_code == 422 and message in response.text, changes
        assert 'value="48"' in response.text and _rules(db) == 1


def test_a_manager_edits_and_removes_a_rule(as_manager, db, scene):
    rule = db.scalars(select(BookingRule)).one()
    url = f"/admin/spaces/rules/{rule.id}"
    page = as_manager.get(url)
    assert 'value="kind:meeting_room" selected' in page.text and 'value="240"' in page.text

    response = form_post(as_manager, url, url, {**RULE, "target": "kind:meeting_room", "max_minutes": "",
                                               "allowed_roles": ["member", "mentor"], "open_to_grant_holders": "on"})
    assert response.status_code == 303
    db.refresh(rule)
    assert rule.max_minutes is None and rule.allowed_roles == ["member", "mentor"] and rule.open_to_grant_holders

    response = form_post(as_manager, url, f"{url}/delete", {})
    assert response.status_code == 303 and _rules(db) == 0
