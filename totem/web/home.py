"""The role-specific home page, made of panels that packages register, and /healthz.

The core registers its own panels here (failed jobs); the domains register
theirs from their `panels` modules, so the core names no domain.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from totem import clock
from totem.identity.models import User
from totem.jobs.models import JobRun
from totem.web.context import Viewer, get_db, get_viewer
from totem.web.pages import render

router = APIRouter()


@dataclass(frozen=True)
class HomePanel:
    template: str
    roles: frozenset[str]
    context: Callable[[Session, User, datetime], dict[str, Any]]
    order: int = 100


_PANELS: list[HomePanel] = []


def register_panel(panel: HomePanel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels_for(db: Session, user: User, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    chosen = sorted((p for p in _PANELS if p.roles & user.role_names), key=lambda p: p.order)
    return [(p.template, p.context(db, user, now)) for p in chosen]


def _failing_jobs(db: Session, user: User, now: datetime) -> dict[str, Any]:
    """Jobs whose latest run failed: they stay counted until a run succeeds."""
    latest = (select(JobRun.job, func.max(JobRun.fire_time).label("fire_time")).group_by(JobRun.job)
              .subquery())
    failing = list(db.scalars(select(JobRun.job).join(latest, (JobRun.job == latest.c.job)
                                                       & (JobRun.fire_time == latest.c.fire_time))
                              .where(JobRun.status == "failed").order_by(JobRun.job)))
    return {"failing": failing}


register_panel(HomePanel("totem/_panel_jobs.html", frozenset({"admin", "manager"}), _failing_jobs, order=13))


@router.get("/", name="totem.home")
def home(request: Request, viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db)) -> Response:
    if viewer.user is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "totem/home.html", {"panels": panels_for(db, viewer.user, clock.now())})


@router.get("/healthz", name="totem.healthz", include_in_schema=False)
def healthz(db: Session = Depends(get_db)) -> Response:
    try:
        db.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means "unhealthy"
        return JSONResponse({"status": "error", "database": str(exc)[:200]}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
