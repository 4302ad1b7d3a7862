"""The building's event space and two operators, on the spaces' fixed clock."""
import pytest
from sqlalchemy.orm import Session

from tests.spaces.conftest import NOW, Scene
from tests.spaces.events.factories import Building, make_building


@pytest.fixture
def building(db: Session, scene: Scene) -> Building:
    building = make_building(db, venue=scene.venue, now=NOW)
    db.commit()
    return building
