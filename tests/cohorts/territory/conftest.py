"""The spaces scene (OceanWatt and Kelp Studio, a manager) with a few organisations of the territory."""
import pytest
from sqlalchemy.orm import Session

from cohorts.territory import service
from cohorts.territory.service import ActorDescription
from tests.spaces.conftest import NOW, Scene, fixed_clock, scene  # noqa: F401  (fixtures used here)


def describe(**values: object) -> ActorDescription:
    return ActorDescription(**{"kind": "sme", "listed": True, **values})


@pytest.fixture
def territory(db: Session, scene: Scene) -> dict[str, int]:  # noqa: F811
    """Four organisations, by name: three listed (one keeping its city and its tags to itself), one not."""
    made = {}
    for description in (
        describe(name="Chantiers Navals de l'Estaque", city="La Ciotat", sectors=["mer", "industrie"],
                 about="Réparation navale et pilotes de propulsion électrique.", offers=["pilotes"],
                 needs=["talents"], languages=["fr", "en"]),
        describe(name="Urbanis Provence", kind="public_body", city="Aix-en-Provence",
                 sectors=["amenagement-urbain"], offers=["donnees", "financement"], needs=["pilotes"]),
        describe(name="Garrigue Capital", kind="investor", city="Marseille", sectors=["numerique"],
                 about="Amorçage.", offers=["financement"], needs=["clients"],
                 shown={"city": False, "tags": False}),
        describe(name="Discrète Industrie", city="Gémenos", sectors=["industrie"], listed=False),
    ):
        made[description.name] = service.create_actor(db, actor=scene.manager, description=description, now=NOW).id
    db.commit()
    return made
