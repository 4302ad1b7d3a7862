"""The spaces scene (a venue in Paris, OceanWatt and Kelp Studio, a manager, a fixed clock) with a program:
the metropolitan accelerator, its tracks Mer and Industries créatives, and a cohort taking applications."""
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from cohorts.programs.models import Cohort, Program
from tests.cohorts.factories import make_cohort, make_program
from tests.spaces.conftest import NOW, Scene, fixed_clock, scene  # noqa: F401  (fixtures used here)


@dataclass
class Accelerator:
    scene: Scene
    program: Program
    cohort: Cohort  # applications open from 16 November to 6 December 2026; runs 4 January–30 June 2027


@pytest.fixture
def accelerator(db: Session, scene: Scene, fixed_clock: datetime) -> Accelerator:  # noqa: F811
    program = make_program(db, manager=scene.manager, venue=scene.venue, now=NOW, name="Accélérateur Métropole")
    cohort = make_cohort(db, manager=scene.manager, program=program, now=NOW, name="Promo 2027", capacity=2)
    db.commit()
    return Accelerator(scene, program, cohort)
