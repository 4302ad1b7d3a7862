"""The managers' Jobs page: every job, its next fire, its runs and errors, and "Run now"."""
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from totem import clock
from totem.errors import NotFound
from totem.identity.models import User
from totem.jobs import runner
from totem.jobs.models import RUN_STATUS_LABELS
from totem.i18n import shown
from totem.jobs.registry import collect_jobs
from totem.jobs.schedules import describe_schedule
from totem.notifications.queries import count_pending, list_failed_messages
from totem.permissions import require
from totem.settings import Settings
from totem.web.context import check_csrf, get_db, get_settings_dep, require_user
from totem.web.nav import ADMINISTRATION, NavItem, register
from totem.web.pages import redirect, render

router = APIRouter(dependencies=[Depends(check_csrf)])
register(NavItem("Jobs", "totem.jobs", permission="jobs.manage", order=800, group=ADMINISTRATION))


def _staff(user: User = Depends(require_user)) -> User:
    require(user, "jobs.manage")
    return user


@router.get("/jobs", name="totem.jobs")
def jobs_page(request: Request, job: str | None = None, user: User = Depends(_staff), db: Session = Depends(get_db),
              settings: Settings = Depends(get_settings_dep)) -> Response:
    jobs = collect_jobs()
    locale = request.state.viewer.locale
    return render(request, "totem/jobs.html", {
        "schedules": {name: describe_schedule(job, locale) for name, job in jobs.items()},
        "statuses": runner.list_job_status(db, jobs, clock.now(), settings.tz),
        "runs": runner.list_runs(db, job_name=job if job in jobs else None, limit=100),
        "selected_job": job if job in jobs else None,
        "failed_messages": list_failed_messages(db, limit=50),
        "pending_messages": count_pending(db),
        "timezone": settings.timezone,
        "status_labels": RUN_STATUS_LABELS,
    })


@router.post("/jobs/{name}/run", name="totem.run_job")
def run_job(request: Request, name: str, user: User = Depends(_staff)) -> Response:
    jobs = collect_jobs()
    if name not in jobs:
        raise NotFound("No such job.")
    run = runner.run_now(request.app.state.session_factory, jobs[name], clock.now())
    if run.status == "succeeded":
        return redirect(request, "/jobs", "{job}: {summary}", job=name, summary=shown(run.summary, request.state.viewer.locale) or "ok")
    return redirect(request, f"/jobs?job={name}", "{job} failed; see its error below.", kind="error", job=name)
