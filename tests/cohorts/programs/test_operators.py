"""A program belongs to an operator: the operator's managers run it with those it lists, a manager of another
operator neither runs nor sees it, its start-ups' grants name the operator, and only the building's admins move a
program to another operator."""
import pytest
from sqlalchemy import select

from cohorts.programs import enrolment
from cohorts.programs import service as programs
from spaces.venues.models import AccessGrant
from tests.cohorts.conftest import Accelerator
from tests.spaces.conftest import NOW, make_person
from tests.spaces.operators.factories import make_operator
from totem.errors import Forbidden, NotFound
from totem.identity.models import Organisation


@pytest.fixture
def building(db, accelerator: Accelerator):  # type: ignore[no-untyped-def]
    admin = make_person(db, role="admin", email="admin@cite.fr")
    ines = make_person(db, role="manager", email="ines@lavande.fr")
    camille = make_person(db, role="manager", email="camille@cite.fr")
    lavande = make_operator(db, admin=admin, now=NOW, name="Maison Lavande", kind="corporate_programme",
                            managers=(ines,))
    metropole = make_operator(db, admin=admin, now=NOW, name="Métropole", managers=(camille,))
    programs.update_program(db, actor=admin, program_id=accelerator.program.id, now=NOW, data=programs.ProgramData(
        name=accelerator.program.name, venue_id=accelerator.program.venue_id, operator_id=metropole.id,
        manager_ids=(accelerator.scene.manager.id,)))
    return admin, ines, camille, lavande, metropole


def test_the_operators_manager_runs_its_program_and_another_operators_does_not(db, accelerator, building):
    _admin, ines, camille, _lavande, _metropole = building
    program_id = accelerator.program.id

    assert programs.get_managed_program(db, actor=camille, program_id=program_id).id == program_id
    assert [p.id for p in programs.list_programs_run_by(db, actor=camille)] == [program_id]
    with pytest.raises((Forbidden, NotFound)):
        programs.get_managed_program(db, actor=ines, program_id=program_id)
    assert programs.list_programs_run_by(db, actor=ines) == []


def test_an_enrolment_grant_names_the_programs_operator(db, accelerator, building):
    _admin, _ines, camille, _lavande, metropole = building
    oceanwatt = db.get_one(Organisation, accelerator.scene.oceanwatt_id)
    cohort = accelerator.cohort
    enrolment.enrol_startup(db, actor=camille, cohort=cohort, organisation=oceanwatt, track=None, now=NOW)

    grant = db.scalar(select(AccessGrant).where(AccessGrant.source_key == f"cohort-{cohort.id}"))
    assert grant.operator_id == metropole.id


def test_only_the_admins_move_a_program_to_another_operator(db, accelerator, building):
    admin, _ines, camille, lavande, _metropole = building
    program = accelerator.program
    data = programs.ProgramData(name=program.name, venue_id=program.venue_id, operator_id=lavande.id,
                                manager_ids=(accelerator.scene.manager.id,))

    with pytest.raises(Forbidden):
        programs.update_program(db, actor=camille, program_id=program.id, now=NOW, data=data)
    assert programs.update_program(db, actor=admin, program_id=program.id, now=NOW, data=data).operator_id == lavande.id
