"""Pages of milestones and KPIs: managers set milestones per track and export a cohort's KPIs; a start-up's
members say where they stand and report their monthly figures."""
from typing import Any

from babel.dates import format_date
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cohorts.programs import permissions as _permissions  # noqa: F401  (registers "program.create")
from cohorts.startups import kpis, milestones
from cohorts.startups import service as startups
from cohorts.startups.enums import MilestoneStatus
from spaces.venues.forms import whole
from totem import clock
from totem.errors import DomainError
from totem.i18n import N_
from totem.identity.models import User
from totem.web.context import get_db, require_user
from totem.web.forms import page, posted, requiring, save, text

router = APIRouter()
staff = requiring("program.create")  # members and mentors get a 403 on the managers' pages
STATUS_LABELS = {MilestoneStatus.TODO: N_("To do"), MilestoneStatus.IN_PROGRESS: N_("In progress"),
                 MilestoneStatus.DONE: N_("Done")}
NEW_MILESTONE = {"title": "", "description": "", "due_offset_days": "30"}


def _track_page(request: Request, db: Session, actor: User, track_id: int, values: dict[str, Any] | None = None,
                error: DomainError | None = None) -> Response:
    track = milestones.get_managed_track(db, actor=actor, track_id=track_id)
    found = milestones.list_milestones(db, track.id)
    return page(request, "cohorts/startups/milestones_track.html", {
        "track": track, "milestones": found, "values": values or NEW_MILESTONE,
        "recorded": milestones.count_recorded_progress(db, [m.id for m in found]),
    }, error)


@router.get("/tracks/{track_id}/milestones", name="cohorts.track_milestones")
def track_milestones(request: Request, track_id: int, actor: User = Depends(staff),
                     db: Session = Depends(get_db)) -> Response:
    """Managers of the program: the track's milestones, and a form for a new one."""
    return _track_page(request, db, actor, track_id)


@router.post("/tracks/{track_id}/milestones", name="cohorts.add_milestone")
def add_milestone(request: Request, track_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
                  db: Session = Depends(get_db)) -> Response:
    values = text(form, "title", "description", "due_offset_days")
    return save(
        request, db,
        lambda: milestones.create_milestone(
            db, actor=actor, track_id=track_id, title=values["title"], description=values["description"],
            due_offset_days=whole(values["due_offset_days"], "due_offset_days"), now=clock.now()),
        lambda milestone: (f"/tracks/{track_id}/milestones", N_("Milestone {title} added."),
                           {"title": milestone.title}),
        lambda error: _track_page(request, db, actor, track_id, values, error),
    )


MILESTONE_FIELDS = ("title", "description", "due_offset_days")


def _edit_page(request: Request, db: Session, actor: User, milestone_id: int, values: dict[str, str] | None = None,
               error: DomainError | None = None) -> Response:
    milestone = milestones.get_managed_milestone(db, actor=actor, milestone_id=milestone_id)
    track = milestones.get_managed_track(db, actor=actor, track_id=milestone.track_id)
    return page(request, "cohorts/startups/milestone_edit.html", {
        "track": track, "milestone": milestone,
        "recorded": milestones.count_recorded_progress(db, [milestone.id]).get(milestone.id, 0),
        "values": values or {name: str(getattr(milestone, name)) for name in MILESTONE_FIELDS},
    }, error)


@router.get("/milestones/{milestone_id}/edit", name="cohorts.edit_milestone")
def edit_milestone(request: Request, milestone_id: int, actor: User = Depends(staff),
                   db: Session = Depends(get_db)) -> Response:
    """Managers of the program: a milestone's title, description and due day, and its removal."""
    return _edit_page(request, db, actor, milestone_id)


@router.post("/milestones/{milestone_id}", name="cohorts.update_milestone")
def update_milestone(request: Request, milestone_id: int, form: FormData = Depends(posted),
                     actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    values = text(form, *MILESTONE_FIELDS)
    return save(
        request, db,
        lambda: milestones.update_milestone(
            db, actor=actor, milestone_id=milestone_id, title=values["title"], description=values["description"],
            due_offset_days=whole(values["due_offset_days"], "due_offset_days"), now=clock.now()),
        lambda milestone: (f"/tracks/{milestone.track_id}/milestones", N_("Milestone {title} saved."),
                           {"title": milestone.title}),
        lambda error: _edit_page(request, db, actor, milestone_id, values, error),
    )


@router.post("/milestones/{milestone_id}/delete", name="cohorts.delete_milestone")
def delete_milestone(request: Request, milestone_id: int, form: FormData = Depends(posted),
                     actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    """Refused (409, the edit page with the reason) once a start-up has recorded progress on it."""
    return save(
        request, db,
        lambda: milestones.delete_milestone(db, actor=actor, milestone_id=milestone_id, now=clock.now()),
        lambda milestone: (f"/tracks/{milestone.track_id}/milestones", N_("Milestone {title} removed."),
                           {"title": milestone.title}),
        lambda error: _edit_page(request, db, actor, milestone_id, error=error),
    )


def _startup_page(request: Request, db: Session, user: User, startup_id: int,
                  error: DomainError | None = None) -> Response:
    startup = startups.get_startup(db, actor=user, organisation_id=startup_id)
    return page(request, "cohorts/startups/milestones_startup.html", {
        "startup": startup, "statuses": STATUS_LABELS,
        "milestones": milestones.startup_milestones(db, actor=user, organisation_id=startup_id),
    }, error)


@router.get("/startups/{startup_id}/milestones", name="cohorts.startup_milestones")
def startup_milestones(request: Request, startup_id: int, user: User = Depends(require_user),
                       db: Session = Depends(get_db)) -> Response:
    """The start-up's members (and staff): its milestones, each with a form to update it."""
    return _startup_page(request, db, user, startup_id)


@router.post("/startups/{startup_id}/milestones/{milestone_id}", name="cohorts.update_progress")
def update_progress(request: Request, startup_id: int, milestone_id: int, form: FormData = Depends(posted),
                    user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    values = text(form, "status", "note")
    return save(
        request, db,
        lambda: milestones.update_progress(db, actor=user, organisation_id=startup_id, milestone_id=milestone_id,
                                           status=values["status"], note=values["note"], now=clock.now()),
        lambda item: (f"/startups/{startup_id}/milestones", N_("Milestone {title} updated."),
                      {"title": item.milestone.title}),
        lambda error: _startup_page(request, db, user, startup_id, error),
    )


NEW_REPORT = {"month": "", "headcount": "", "revenue_eur": "", "funds_raised_eur": "", "customers": "", "notes": ""}


def _kpi_page(request: Request, db: Session, user: User, startup_id: int, values: dict[str, str] | None = None,
              error: DomainError | None = None) -> Response:
    startup = startups.get_startup(db, actor=user, organisation_id=startup_id)
    reports = kpis.list_reports(db, actor=user, organisation_id=startup_id)
    status = kpis.status_of(db, startup, clock.now())
    return page(request, "cohorts/startups/kpis.html", {
        "startup": startup, "reports": reports, "status": status,
        "due_month": format_date(status.due, "MMMM yyyy", locale=request.state.viewer.locale) if status.due else "",
        "values": values or {**NEW_REPORT, "month": status.to_report.strftime("%Y-%m")},
    }, error)


@router.get("/startups/{startup_id}/kpis", name="cohorts.startup_kpis")
def startup_kpis(request: Request, startup_id: int, user: User = Depends(require_user),
                 db: Session = Depends(get_db)) -> Response:
    """The start-up's members: the monthly KPI form; everyone who may read it: its KPI history."""
    return _kpi_page(request, db, user, startup_id)


def _figures(values: dict[str, str]) -> kpis.Figures:
    return kpis.Figures(kpis.parse_month(values["month"]),
                        *(whole(values[name], name) for name in kpis.FIGURES), notes=values["notes"])


@router.post("/startups/{startup_id}/kpis", name="cohorts.report_kpis")
def report_kpis(request: Request, startup_id: int, form: FormData = Depends(posted),
                user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    values = text(form, *NEW_REPORT)
    return save(
        request, db,
        lambda: kpis.save_report(db, actor=user, organisation_id=startup_id, figures=_figures(values),
                                 now=clock.now()),
        lambda report: (f"/startups/{startup_id}/kpis", N_("Figures for {month} saved."),
                        {"month": report.month.strftime("%Y-%m")}),
        lambda error: _kpi_page(request, db, user, startup_id, values, error),
    )


@router.get("/cohorts/{cohort_id}/kpis.csv", name="cohorts.kpis_csv")
def kpis_csv(cohort_id: int, actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    """Managers of the program: the cohort's KPIs as CSV, for funders."""
    return Response(kpis.as_csv(kpis.cohort_reports(db, actor=actor, cohort_id=cohort_id)),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="cohort-{cohort_id}-kpis.csv"'})
