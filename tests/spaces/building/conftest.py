"""Two operators over the spaces' scene: the Métropole (OceanWatt's, manager Léa's, 2 room hours a month) and Blue
Harbour (manager Marc's), and the building's admin."""
import pytest

from tests.spaces.conftest import Scene, make_person
from tests.spaces.operators.factories import join_operator, make_operator


@pytest.fixture
def operators(db, scene: Scene):  # type: ignore[no-untyped-def]
    """The admin, accélérateur Métropole (OceanWatt's, Léa's, 2 room hours a month) and Blue Harbour (Marc's)."""
    admin = make_person(db, role="admin", email="admin@cite.fr")
    metropole = make_operator(db, admin=admin, now=scene.nadia.created_at, name="Métropole", meeting_room_hours=2,
                              managers=(scene.manager,))
    join_operator(db, admin=admin, operator=metropole, venue=scene.venue, organisation_id=scene.oceanwatt_id,
                  now=scene.nadia.created_at)
    marc = make_person(db, role="manager", email="marc@armateur.fr")
    harbour = make_operator(db, admin=admin, now=scene.nadia.created_at, name="Blue Harbour",
                            kind="corporate_programme", managers=(marc,))
    db.commit()
    return metropole.id, harbour.id
