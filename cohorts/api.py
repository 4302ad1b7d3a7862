"""Programs, tracks, cohorts, applications and start-ups in the JSON API: thin routes over the services.

`POST /cohorts/{id}/applications` is public (no token), like the form it mirrors.
"""
from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from cohorts import applications, mentor_api, programs, progress_api, service, startups
from cohorts.enums import ApplicationStatus
from cohorts.phases import PhaseDates
from cohorts.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationReceipt,
    CohortIn,
    CohortOut,
    DecisionIn,
    PhaseIn,
    ProgramIn,
    ProgramOut,
    ReviewIn,
    StartupOut,
    StartupProfileIn,
    TrackIn,
    TrackOut,
)
from totem import clock
from totem.api.deps import api_user
from totem.identity.models import User
from totem.settings import Settings
from totem.web.context import get_db, get_settings_dep

router = APIRouter()
router.include_router(progress_api.router)
router.include_router(mentor_api.router)
StatusFilter = Literal["undecided", "submitted", "under_review", "accepted", "waitlisted", "rejected"]

MANAGERS = {403: {"description": "Not a manager of this program"}, 404: {"description": "No such object"}}
CHANGE = {**MANAGERS, 409: {"description": "Clashes with the current state"}, 422: {"description": "Bad input"}}


def _program_data(body: ProgramIn) -> programs.ProgramData:
    return programs.ProgramData(name=body.name, venue_id=body.venue_id, description=body.description,
                                monthly_credits=body.monthly_credits,
                                space_kinds=tuple(kind.value for kind in body.space_kinds),
                                desks_per_startup=body.desks_per_startup, manager_ids=tuple(body.manager_ids))


def _cohort_data(body: CohortIn) -> service.CohortData:
    return service.CohortData(body.name, body.capacity, PhaseDates(body.applications_open_on, body.selection_on,
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
    return [CohortOut.of(cohort) for cohort in service.list_cohorts(db, program_id=program_id)]


@router.post("/cohorts", status_code=201, response_model=CohortOut, tags=["cohorts"], responses=CHANGE)
def create_cohort(body: CohortIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: a new cohort, whose phase is at once the one its dates give."""
    cohort = service.create_cohort(db, actor=user, program_id=body.program_id, data=_cohort_data(body),
                                   now=clock.now())
    db.commit()
    return CohortOut.of(cohort)


@router.get("/cohorts/{cohort_id}", response_model=CohortOut, tags=["cohorts"], responses=MANAGERS)
def get_cohort(cohort_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return CohortOut.of(service.get_cohort(db, cohort_id))


@router.put("/cohorts/{cohort_id}", response_model=CohortOut, tags=["cohorts"], responses=CHANGE)
def update_cohort(cohort_id: int, body: CohortIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: name, capacity and dates (start and end are fixed once start-ups are enrolled)."""
    cohort = service.update_cohort(db, actor=user, cohort_id=cohort_id, data=_cohort_data(body), now=clock.now())
    db.commit()
    return CohortOut.of(cohort)


@router.post("/cohorts/{cohort_id}/phase", response_model=CohortOut, tags=["cohorts"], responses=CHANGE)
def force_phase(cohort_id: int, body: PhaseIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: move the cohort to a phase now, whatever its dates say."""
    move = service.force_phase(db, actor=user, cohort_id=cohort_id, phase=body.phase, now=clock.now())
    db.commit()
    return CohortOut.of(move.cohort)


# -- applications ---------------------------------------------------------------------------------


@router.post("/cohorts/{cohort_id}/applications", status_code=201, response_model=ApplicationReceipt,
             tags=["applications"], responses={404: {"description": "No such cohort"},
                                               409: {"description": "Applications are closed, or you applied"},
                                               429: {"description": "Too many applications from your address"},
                                               422: {"description": "A field is missing or wrong"}})
def apply(cohort_id: int, body: ApplicationIn, request: Request, db: Session = Depends(get_db)):
    """Anyone: apply to a cohort taking applications (no token needed); an e-mail acknowledges it.

    A few applications per client address and ten minutes, as on the form: 429 beyond."""
    limit, client, now = applications.submission_limit(request.app.state), _client(request), clock.now()
    limit.check(client, now)
    application = applications.submit_application(db, cohort_id=cohort_id, form=body.form(), now=now)
    db.commit()
    limit.record(client, now)
    return ApplicationReceipt(id=application.id, cohort_id=application.cohort_id,
                              status=ApplicationStatus(application.status), created_at=application.created_at)


@router.get("/cohorts/{cohort_id}/applications", response_model=list[ApplicationOut], tags=["applications"],
            responses=MANAGERS)
def list_applications(cohort_id: int, status: StatusFilter | None = None, user: User = Depends(api_user),
                      db: Session = Depends(get_db)):
    """Managers of the program: the applications, undecided first and best scored first.

    `status`: one of the statuses, or `undecided`."""
    cohort = service.get_managed_cohort(db, actor=user, cohort_id=cohort_id)
    return [ApplicationOut.of(row.application)
            for row in applications.review_queue(db, actor=user, cohort=cohort, status=status)]


@router.get("/applications/{application_id}", response_model=ApplicationOut, tags=["applications"],
            responses=MANAGERS)
def get_application(application_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return ApplicationOut.of(applications.get_application(db, actor=user, application_id=application_id))


@router.post("/applications/{application_id}/reviews", response_model=ApplicationOut, tags=["applications"],
             responses=CHANGE)
def review(application_id: int, body: ReviewIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: score it on the rubric (1–5 each); scoring again replaces your review."""
    applications.review_application(db, actor=user, application_id=application_id, comment=body.comment,
                                    scores=body.model_dump(exclude={"comment"}), now=clock.now())
    db.commit()
    return ApplicationOut.of(applications.get_application(db, actor=user, application_id=application_id))


@router.post("/applications/{application_id}/decision", response_model=ApplicationOut, tags=["applications"],
             responses=CHANGE)
def decide(application_id: int, body: DecisionIn, user: User = Depends(api_user), db: Session = Depends(get_db),
           settings: Settings = Depends(get_settings_dep)):
    """Managers of the program: accept (enrols and invites; 409 when the cohort is full), waitlist or reject."""
    applications.decide(db, actor=user, application_id=application_id, decision=body.decision, settings=settings,
                        now=clock.now())
    db.commit()
    return ApplicationOut.of(applications.get_application(db, actor=user, application_id=application_id))


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# -- start-ups ------------------------------------------------------------------------------------


@router.get("/startups", response_model=list[StartupOut], tags=["startups"])
def list_startups(user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers: every start-up; members: their own."""
    return [StartupOut.of(startup) for startup in startups.list_startups(db, actor=user)]


@router.get("/startups/{startup_id}", response_model=StartupOut, tags=["startups"],
            responses={404: {"description": "No such start-up, or not yours"}})
def get_startup(startup_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return StartupOut.of(startups.get_startup(db, actor=user, organisation_id=startup_id))


@router.patch("/startups/{startup_id}", response_model=StartupOut, tags=["startups"],
              responses={403: {"description": "Staff who do not run a program of this start-up"},
                         404: {"description": "No such start-up, or not yours"},
                         422: {"description": "A field is wrong; nothing is changed"}})
def update_startup(startup_id: int, body: StartupProfileIn, user: User = Depends(api_user),
                   db: Session = Depends(get_db)):
    """Its members, and managers of its programs: change the profile's fields sent (stage, sector, website,
    description, team_size, country)."""
    current = startups.get_startup(db, actor=user, organisation_id=startup_id)
    startup = startups.edit_profile(db, actor=user, organisation_id=startup_id, form=body.form(current.profile),
                                    now=clock.now())
    db.commit()
    return StartupOut.of(startup)
