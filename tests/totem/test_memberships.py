"""`load_memberships` reads the memberships again each time: a start-up joined meanwhile counts at once."""
from datetime import UTC, datetime

from tests.totem.factories import make_user
from totem.identity import service as identity
from totem.permissions import member_organisation_ids

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_memberships_added_after_a_first_load_are_seen(db):
    user = make_user(db, email="ines@example.com", startup="OceanWatt", password=None)
    first = identity.load_memberships(db, user)
    assert [m.organisation.name for m in first.memberships] == ["OceanWatt"]

    kelp = identity.get_or_create_organisation(db, actor=None, name="Kelp Studio", now=NOW)
    identity.add_membership(db, actor=None, user=user, organisation=kelp, now=NOW)

    again = identity.load_memberships(db, user)
    assert again is user  # the same object, with its memberships refreshed
    assert [m.organisation.name for m in again.memberships] == ["OceanWatt", "Kelp Studio"]
    assert member_organisation_ids(again) == {first.memberships[0].organisation_id, kelp.id}
