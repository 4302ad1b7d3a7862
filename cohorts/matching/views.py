"""Managers' weekly matching page: propose now, and what each run proposed, its score, its gap, and why
requests stayed open."""
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cohorts.matching import service as matching
from cohorts.matching.models import MatchingRun
from cohorts.mentoring import forms as shown
from cohorts.programs import permissions as _permissions  # noqa: F401  (registers "program.create")
from cohorts.programs.labels import SOLVER_STATUS_LABELS
from totem import clock
from totem.errors import DomainError
from totem.i18n import N_, translate
from totem.identity.models import User
from totem.web.context import check_csrf, get_db
from totem.web.forms import requiring, save
from totem.web.pages import render

router = APIRouter(dependencies=[Depends(check_csrf)])
staff = requiring("program.create")  # members and mentors get a 403 on the managers' pages


def _page(request: Request, db: Session, actor: User, run: MatchingRun | None,
          error: DomainError | None = None) -> Response:
    locale = actor.locale
    runs = matching.list_runs(db, actor=actor)
    venue = shown.first_venue(db)
    context = {
        "runs": [{"run": r, "when": shown.when(r.created_at, venue, locale)} for r in runs] if venue else [],
        "run": run, "proposed": [], "unmatched": [], "solver_labels": SOLVER_STATUS_LABELS,
    }
    if run is not None:
        context["week"] = (shown.when(run.starts_at, venue, locale), shown.when(run.ends_at, venue, locale))
        context["proposed"] = shown.session_rows(db, matching.proposed_sessions(db, run), locale)
        left = matching.left_open(db, run, locale)
        startups = shown.organisation_names(db, (item.request.organisation_id for item in left if item.request))
        context["unmatched"] = [{
            "topic": item.request.topic if item.request else "",
            "startup": startups.get(item.request.organisation_id, "") if item.request else "",
            "reason": item.reason,
        } for item in left]
    if error is not None:
        context["errors"] = {"__all__": translate(locale, error.message, **error.params)}
    return render(request, "cohorts/matching/matching.html", context, status_code=error.status_code if error else 200)


@router.get("/admin/matching", name="cohorts.matching")
def matching_page(request: Request, actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    """Managers: the latest weekly matching run and the button to run it now."""
    runs = matching.list_runs(db, actor=actor, limit=1)
    return _page(request, db, actor, runs[0] if runs else None)


@router.get("/admin/matching/{run_id:int}", name="cohorts.matching_run")
def matching_run(request: Request, run_id: int, actor: User = Depends(staff),
                 db: Session = Depends(get_db)) -> Response:
    return _page(request, db, actor, matching.get_run(db, actor=actor, run_id=run_id))


@router.post("/admin/matching/run", name="cohorts.run_matching")
def run_matching(request: Request, actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    """Propose sessions for the open requests now; mentors confirm them in one click."""
    return save(request, db, lambda: matching.run_weekly(db, actor=actor, now=clock.now()),
                lambda run: (f"/admin/matching/{run.id}", N_("Sessions proposed: {count}."), {"count": run.proposed}),
                lambda error: _page(request, db, actor, None, error))
