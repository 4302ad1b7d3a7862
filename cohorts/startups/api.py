"""Applications, start-ups, milestones, progress and monthly KPIs in the JSON API: thin routes over the services.

`POST /cohorts/{id}/applications` is public (no token), like the form it mirrors.
"""
from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cohorts.programs import cohorts as cohort_service
from cohorts.programs.api import MANAGERS
from cohorts.programs.api import CHANGE as PROGRAM_CHANGE
from cohorts.startups import applications, kpis, milestones
from cohorts.startups import service as startups
from cohorts.startups.enums import ApplicationStatus
from cohorts.startups.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationReceipt,
    DecisionIn,
    KpiIn,
    KpiOut,
    MilestoneChange,
    MilestoneIn,
    MilestoneOut,
    ProgressIn,
    ProgressOut,
    ReviewIn,
    StartupOut,
    StartupProfileIn,
)
from totem import clock
from totem.api.deps import api_user
from totem.api.schemas import Day
from totem.identity.models import User
from totem.settings import Settings
from totem.web.context import get_db, get_settings_dep

router = APIRouter()
READ = {404: {"description": "No such object, or not yours"}}
CHANGE = {**READ, 403: {"description": "Not a manager of this program"}, 409: {"description": "Already exists"},
          422: {"description": "Bad input"}}


@router.get("/tracks/{track_id}/milestones", response_model=list[MilestoneOut], tags=["milestones"],
            responses=CHANGE)
def list_milestones(track_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the track's program: its milestones, by due day."""
    track = milestones.get_managed_track(db, actor=user, track_id=track_id)
    return [MilestoneOut.of(m) for m in milestones.list_milestones(db, track.id)]


@router.post("/tracks/{track_id}/milestones", status_code=201, response_model=MilestoneOut, tags=["milestones"],
             responses=CHANGE)
def create_milestone(track_id: int, body: MilestoneIn, user: User = Depends(api_user),
                     db: Session = Depends(get_db)):
    milestone = milestones.create_milestone(db, actor=user, track_id=track_id, title=body.title,
                                            description=body.description, due_offset_days=body.due_offset_days,
                                            now=clock.now())
    db.commit()
    return MilestoneOut.of(milestone)


@router.patch("/milestones/{milestone_id}", response_model=MilestoneOut, tags=["milestones"], responses=CHANGE)
def update_milestone(milestone_id: int, body: MilestoneChange, user: User = Depends(api_user),
                     db: Session = Depends(get_db)):
    """Managers of the track's program: its title, description or due day (start-ups not done are reminded again)."""
    current = milestones.get_managed_milestone(db, actor=user, milestone_id=milestone_id)
    milestone = milestones.update_milestone(
        db, actor=user, milestone_id=milestone_id, now=clock.now(),
        title=current.title if body.title is None else body.title,
        description=current.description if body.description is None else body.description,
        due_offset_days=current.due_offset_days if body.due_offset_days is None else body.due_offset_days)
    db.commit()
    return MilestoneOut.of(milestone)


@router.delete("/milestones/{milestone_id}", status_code=204, tags=["milestones"],
               responses={**CHANGE, 409: {"description": "Start-ups have recorded progress on it"}})
def delete_milestone(milestone_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the track's program: remove a milestone on which no start-up has recorded progress (else 409)."""
    milestones.delete_milestone(db, actor=user, milestone_id=milestone_id, now=clock.now())
    db.commit()
    return Response(status_code=204)


@router.get("/startups/{startup_id}/milestones", response_model=list[ProgressOut], tags=["milestones"],
            responses=READ)
def startup_milestones(startup_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The start-up's members and staff: its milestones with their due day and progress."""
    return [ProgressOut.of(m) for m in milestones.startup_milestones(db, actor=user, organisation_id=startup_id)]


@router.patch("/startups/{startup_id}/milestones/{milestone_id}", response_model=ProgressOut, tags=["milestones"],
              responses=CHANGE)
def update_progress(startup_id: int, milestone_id: int, body: ProgressIn, user: User = Depends(api_user),
                    db: Session = Depends(get_db)):
    item = milestones.update_progress(db, actor=user, organisation_id=startup_id, milestone_id=milestone_id,
                                      status=body.status.value, note=body.note, now=clock.now())
    db.commit()
    return ProgressOut.of(item)


@router.get("/startups/{startup_id}/kpis", response_model=list[KpiOut], tags=["kpis"], responses=READ)
def list_kpis(startup_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The start-up's members and staff: its monthly reports, latest first."""
    return [KpiOut.of(r) for r in kpis.list_reports(db, actor=user, organisation_id=startup_id)]


@router.put("/startups/{startup_id}/kpis/{month}", response_model=KpiOut, tags=["kpis"], responses=CHANGE)
def put_kpis(startup_id: int, month: Day, body: KpiIn, user: User = Depends(api_user),
             db: Session = Depends(get_db)):
    """The month's report (any day of it names the month), created or replaced; a month to come is a 422."""
    report = kpis.save_report(db, actor=user, organisation_id=startup_id, now=clock.now(), figures=kpis.Figures(
        month, body.headcount, body.revenue_eur, body.funds_raised_eur, body.customers, body.notes))
    db.commit()
    return KpiOut.of(report)


CSV = {200: {"description": "One line per start-up and month", "content": {"text/csv": {"schema": {"type": "string"}}}}}


@router.get("/cohorts/{cohort_id}/kpis.csv", tags=["kpis"], response_class=Response, responses={**CHANGE, **CSV})
def kpis_csv(cohort_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: the cohort's KPIs as CSV for funders, one line per start-up and month."""
    return csv_response(kpis.as_csv(kpis.cohort_reports(db, actor=user, cohort_id=cohort_id)), cohort_id)


def csv_response(text: str, cohort_id: int) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="cohort-{cohort_id}-kpis.csv"'})


StatusFilter = Literal["undecided", "submitted", "under_review", "accepted", "waitlisted", "rejected"]


@router.post("/cohorts/{cohort_id}/applications", status_code=201, response_model=ApplicationReceipt,
             tags=["applications"], responses={404: {"description": "No such cohort"},
                                               409: {"description": "Applications are closed, or you applied"},
                                               429: {"description": "Too many applications from your address"},
                                               422: {"description": "A field is missing or wrong"}})
def apply(cohort_id: int, body: ApplicationIn, request: Request, db: Session = Depends(get_db)):
    """Anyone: apply to a cohort taking applications (no token needed); an e-mail acknowledges it.

    A few applications per client address and ten minutes, as on the form: 429 beyond."""
    client, now = _client(request), clock.now()
    applications.check_submission_limit(db, channel="api", client=client, now=now)
    application = applications.submit_application(db, cohort_id=cohort_id, form=body.form(), now=now)
    applications.count_submission(db, channel="api", client=client, now=now)
    db.commit()
    return ApplicationReceipt(id=application.id, cohort_id=application.cohort_id,
                              status=ApplicationStatus(application.status), created_at=application.created_at)


@router.get("/cohorts/{cohort_id}/applications", response_model=list[ApplicationOut], tags=["applications"],
            responses=MANAGERS)
def list_applications(cohort_id: int, status: StatusFilter | None = None, user: User = Depends(api_user),
                      db: Session = Depends(get_db)):
    """Managers of the program: the applications, undecided first and best scored first.

    `status`: one of the statuses, or `undecided`."""
    cohort = cohort_service.get_managed_cohort(db, actor=user, cohort_id=cohort_id)
    return [ApplicationOut.of(row.application)
            for row in applications.review_queue(db, actor=user, cohort=cohort, status=status)]


@router.get("/applications/{application_id}", response_model=ApplicationOut, tags=["applications"],
            responses=MANAGERS)
def get_application(application_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return ApplicationOut.of(applications.get_application(db, actor=user, application_id=application_id))


@router.post("/applications/{application_id}/reviews", response_model=ApplicationOut, tags=["applications"],
             responses=PROGRAM_CHANGE)
def review(application_id: int, body: ReviewIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers of the program: score it on the rubric (1–5 each); scoring again replaces your review."""
    applications.review_application(db, actor=user, application_id=application_id, comment=body.comment,
                                    scores=body.model_dump(exclude={"comment"}), now=clock.now())
    db.commit()
    return ApplicationOut.of(applications.get_application(db, actor=user, application_id=application_id))


@router.post("/applications/{application_id}/decision", response_model=ApplicationOut, tags=["applications"],
             responses=PROGRAM_CHANGE)
def decide(application_id: int, body: DecisionIn, user: User = Depends(api_user), db: Session = Depends(get_db),
           settings: Settings = Depends(get_settings_dep)):
    """Managers of the program: accept (enrols and invites; 409 when the cohort is full), waitlist or reject."""
    applications.decide(db, actor=user, application_id=application_id, decision=body.decision, settings=settings,
                        now=clock.now())
    db.commit()
    return ApplicationOut.of(applications.get_application(db, actor=user, application_id=application_id))


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
