"""Milestones, start-ups' progress and monthly KPIs in the JSON API: thin routes over `cohorts.milestones` and
`cohorts.kpis`."""
from datetime import date

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from cohorts import kpis, milestones
from cohorts.enums import MilestoneStatus
from cohorts.models import KpiReport, Milestone
from totem import clock
from totem.api.deps import api_user
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter()
READ = {404: {"description": "No such object, or not yours"}}
CHANGE = {**READ, 403: {"description": "Not a manager of this program"}, 409: {"description": "Already exists"},
          422: {"description": "Bad input"}}


class MilestoneIn(BaseModel):
    title: str = Field(max_length=200)
    description: str = ""
    due_offset_days: int = Field(ge=0, description="Days after the cohort's start")


class MilestoneChange(BaseModel):
    """Only the fields sent change."""

    title: str | None = Field(default=None, max_length=200)
    description: str | None = None
    due_offset_days: int | None = Field(default=None, ge=0, description="Days after the cohort's start")


class MilestoneOut(BaseModel):
    id: int
    track_id: int
    title: str
    description: str
    due_offset_days: int

    @classmethod
    def of(cls, milestone: Milestone) -> "MilestoneOut":
        return cls(id=milestone.id, track_id=milestone.track_id, title=milestone.title,
                   description=milestone.description, due_offset_days=milestone.due_offset_days)


class ProgressIn(BaseModel):
    status: MilestoneStatus
    note: str = Field(default="", max_length=500)


class ProgressOut(BaseModel):
    milestone: MilestoneOut
    cohort_id: int
    due_on: date = Field(description="The venue's day")
    status: MilestoneStatus
    note: str

    @classmethod
    def of(cls, item: milestones.StartupMilestone) -> "ProgressOut":
        return cls(milestone=MilestoneOut.of(item.milestone), cohort_id=item.enrolment.cohort_id, due_on=item.due_on,
                   status=MilestoneStatus(item.status), note=item.note)


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


class KpiIn(BaseModel):
    headcount: int = Field(ge=0)
    revenue_eur: int = Field(ge=0, description="Whole euros")
    funds_raised_eur: int = Field(ge=0, description="Whole euros")
    customers: int = Field(ge=0)
    notes: str = ""


class KpiOut(BaseModel):
    month: date = Field(description="The month's first day")
    headcount: int
    revenue_eur: int
    funds_raised_eur: int
    customers: int
    notes: str

    @classmethod
    def of(cls, report: KpiReport) -> "KpiOut":
        return cls(month=report.month, headcount=report.headcount, revenue_eur=report.revenue_eur,
                   funds_raised_eur=report.funds_raised_eur, customers=report.customers, notes=report.notes)


@router.get("/startups/{startup_id}/kpis", response_model=list[KpiOut], tags=["kpis"], responses=READ)
def list_kpis(startup_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The start-up's members and staff: its monthly reports, latest first."""
    return [KpiOut.of(r) for r in kpis.list_reports(db, actor=user, organisation_id=startup_id)]


@router.put("/startups/{startup_id}/kpis/{month}", response_model=KpiOut, tags=["kpis"], responses=CHANGE)
def put_kpis(startup_id: int, month: date, body: KpiIn, user: User = Depends(api_user),
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
