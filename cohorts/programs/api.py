"""Programs, tracks and cohorts in the JSON API: thin routes over the services."""
from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from cohorts.programs import cohorts as cohort_service
from cohorts.programs import phase_rights
from cohorts.programs import service as programs
from cohorts.programs.phases import PhaseDates
from cohorts.programs.enums import RIGHTS_PHASES, Phase
from cohorts.programs.schemas import (
    CohortIn,
    CohortOut,
    PhaseIn,
    PhaseRightsIn,
    PhaseRightsOut,
    ProgramIn,
    ProgramOut,
    TrackIn,
    TrackOut,
)
from totem import clock
from totem.api.deps import api_user
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter()

MANAGERS = {403: {"description": "Not a manager of this program"}, 404: {"description": "No such object"}}
CHANGE = {**MANAGERS, 409: {"description": "Clashes with the current state"}, 422: {"description": "Bad input"}}


def _program_data(body: ProgramIn) -> programs.ProgramData:
    return programs.ProgramData(name=body.name, venue_id=body.venue_id, description=body.description,
                                monthly_credits=body.monthly_credits,
                                space_kinds=tuple(kind.value for kind in body.space_kinds),
                                desks_per_startup=body.desks_per_startup, manager_ids=tuple(body.manager_ids),
                                operator_id=body.operator_id)


def _cohort_data(body: CohortIn) -> cohort_service.CohortData:
    return cohort_service.CohortData(body.name, body.capacity, PhaseDates(body.applications_open_on, body.selection_on,
                                                                   body.starts_on, body.demo_day_on, body.ends_on))


# -- programs and tracks --------------------------------------------------------------------------


@router.get("/programs", response_model=list[ProgramOut], tags=["programs"])
def list_programs(user: User = Depends(api_user), db: Session = Depends(get_db)):
    return [ProgramOut.of(program) for program in programs.list_programs(db)]


@router.post("/programs", status_code=201, response_model=ProgramOut, tags=["programs"], responses=CHANGE)
def create_program(body: ProgramIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers: a new program, which you run (with the managers listed)."""
    program = programs.create_program(db, actor=user, data=_program_data(body), now=clock.now())
    db.commit()
    return ProgramOut.of(program)


@router.get("/programs/{program_id}", response_model=ProgramOut, tags=["programs"], responses=MANAGERS)
def get_program(program_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return ProgramOut.of(programs.get_program(db, program_id))


@router.put("/programs/{program_id}", response_model=ProgramOut, tags=["programs"], responses=CHANGE)
def update_program(program_id: int, body: ProgramIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: its name, rules and managers (listed in full, yourself included)."""
    program = programs.update_program(db, actor=user, program_id=program_id, data=_program_data(body),
                                      now=clock.now())
    db.commit()
    return ProgramOut.of(program)


def _rights_out(phase: Phase, rights: phase_rights.Rights | None) -> PhaseRightsOut:
    if rights is None:
        return PhaseRightsOut(phase=phase, is_set=False, holds_rights=False, monthly_credits=0, space_kinds=[])
    return PhaseRightsOut(phase=phase, is_set=rights.is_set, holds_rights=True, monthly_credits=rights.monthly_credits,
                          space_kinds=list(rights.space_kinds))


@router.get("/programs/{program_id}/phases", response_model=list[PhaseRightsOut], tags=["programs"],
            responses=MANAGERS)
def list_phase_rights(program_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: the credits and kinds of space its start-ups hold in each phase."""
    _program, rights = phase_rights.list_phase_rights(db, actor=user, program_id=program_id)
    return [_rights_out(phase, held) for phase, held in zip(RIGHTS_PHASES, rights)]


@router.put("/programs/{program_id}/phases/{phase}", response_model=PhaseRightsOut, tags=["programs"],
            responses=CHANGE)
def set_phase_rights(program_id: int, phase: str, body: PhaseRightsIn, user: User = Depends(api_user),
                     db: Session = Depends(get_db)):
    """Managers of the program: the phase's credits and kinds of space (`selection`, `running`, `demo_day`),
    applied at the next phase change."""
    rights = phase_rights.set_phase_rights(
        db, actor=user, program_id=program_id, phase=phase, now=clock.now(),
        data=phase_rights.PhaseRightsData(body.monthly_credits, tuple(kind.value for kind in body.space_kinds)))
    db.commit()
    return _rights_out(Phase(phase), rights)


@router.delete("/programs/{program_id}/phases/{phase}", status_code=204, tags=["programs"], responses=CHANGE)
def clear_phase_rights(program_id: int, phase: str, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: the phase follows the program's own credits and kinds again."""
    phase_rights.set_phase_rights(db, actor=user, program_id=program_id, phase=phase, data=None, now=clock.now())
    db.commit()
    return Response(status_code=204)


@router.post("/programs/{program_id}/tracks", status_code=201, response_model=TrackOut, tags=["programs"],
             responses=CHANGE)
def add_track(program_id: int, body: TrackIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    track = programs.add_track(db, actor=user, program_id=program_id, name=body.name, description=body.description,
                               now=clock.now())
    db.commit()
    return TrackOut.of(track)


@router.put("/tracks/{track_id}", response_model=TrackOut, tags=["programs"], responses=CHANGE)
def update_track(track_id: int, body: TrackIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    track = programs.update_track(db, actor=user, track_id=track_id, name=body.name, description=body.description,
                                  now=clock.now())
    db.commit()
    return TrackOut.of(track)


@router.delete("/tracks/{track_id}", status_code=204, tags=["programs"], responses=CHANGE)
def delete_track(track_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Remove a track nobody applied or enrolled in."""
    programs.delete_track(db, actor=user, track_id=track_id, now=clock.now())
    db.commit()
    return Response(status_code=204)


# -- cohorts --------------------------------------------------------------------------------------


@router.get("/cohorts", response_model=list[CohortOut], tags=["cohorts"])
def list_cohorts(program_id: int | None = None, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Every cohort, latest start first."""
    return [CohortOut.of(cohort) for cohort in cohort_service.list_cohorts(db, program_id=program_id)]


@router.post("/cohorts", status_code=201, response_model=CohortOut, tags=["cohorts"], responses=CHANGE)
def create_cohort(body: CohortIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: a new cohort, whose phase is at once the one its dates give."""
    cohort = cohort_service.create_cohort(db, actor=user, program_id=body.program_id, data=_cohort_data(body),
                                   now=clock.now())
    db.commit()
    return CohortOut.of(cohort)


@router.get("/cohorts/{cohort_id}", response_model=CohortOut, tags=["cohorts"], responses=MANAGERS)
def get_cohort(cohort_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return CohortOut.of(cohort_service.get_cohort(db, cohort_id))


@router.put("/cohorts/{cohort_id}", response_model=CohortOut, tags=["cohorts"], responses=CHANGE)
def update_cohort(cohort_id: int, body: CohortIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: name, capacity and dates (start and end are fixed once start-ups are enrolled)."""
    cohort = cohort_service.update_cohort(db, actor=user, cohort_id=cohort_id, data=_cohort_data(body), now=clock.now())
    db.commit()
    return CohortOut.of(cohort)


@router.post("/cohorts/{cohort_id}/phase", response_model=CohortOut, tags=["cohorts"], responses=CHANGE)
def force_phase(cohort_id: int, body: PhaseIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: move the cohort to a phase now, whatever its dates say."""
    move = cohort_service.force_phase(db, actor=user, cohort_id=cohort_id, phase=body.phase, now=clock.now())
    db.commit()
    return CohortOut.of(move.cohort)


