"""The managers' review of applications: the cohorts taking them, a cohort's queue, one application with the
rubric's scoring form and the decision buttons."""
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cohorts.programs import permissions as _permissions  # noqa: F401  (registers "program.create")
from cohorts.programs import cohorts as cohort_service
from cohorts.programs import queries as program_queries
from cohorts.programs import service as programs
from cohorts.programs.labels import PHASE_LABELS
from cohorts.startups import applications, queries
from cohorts.startups.enums import OPEN_TO_DECISION, Criterion
from cohorts.startups.forms import QUESTIONS, countries
from cohorts.startups.labels import CRITERION_HINTS, CRITERION_LABELS, STAGE_LABELS, STATUS_LABELS
from totem import clock
from totem.errors import DomainError, Invalid
from totem.i18n import N_
from totem.identity.models import User
from totem.settings import Settings
from totem.web.context import get_db, get_settings_dep
from totem.web.forms import page, posted, requiring, save, text
from totem.web.pages import render

router = APIRouter()
staff = requiring("program.create")  # members and mentors get a 403 on the managers' pages
FILTERS = {"": N_("All"), "undecided": N_("To decide"), "waitlisted": N_("Waiting list"),
           "accepted": N_("Accepted"), "rejected": N_("Rejected")}
DECISION_DONE = {
    "accept": N_("{startup} is accepted: the founder is invited and the start-up enrolled."),
    "waitlist": N_("{startup} is on the waiting list; the founder is told by e-mail."),
    "reject": N_("{startup} is rejected; the founder is told by e-mail."),
}


@router.get("/applications", name="cohorts.applications")
def applications_index(request: Request, actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    cohorts = [cohort for cohort in program_queries.list_cohorts(db, phases=applications.DECIDING_PHASES)
               if programs.may_manage(actor, cohort.program)]
    return render(request, "cohorts/startups/applications_index.html", {
        "cohorts": cohorts, "counts": {c.id: queries.count_applications_by_status(db, c.id) for c in cohorts},
        "phases": PHASE_LABELS,
    })


@router.get("/cohorts/{cohort_id}/applications", name="cohorts.review_queue")
def review_queue(request: Request, cohort_id: int, status: str = "", actor: User = Depends(staff),
                 db: Session = Depends(get_db)) -> Response:
    cohort = cohort_service.get_managed_cohort(db, actor=actor, cohort_id=cohort_id)
    wanted = status if status in FILTERS else ""
    rows = applications.review_queue(db, actor=actor, cohort=cohort, status=wanted or None)
    return render(request, "cohorts/startups/review_queue.html", {
        "cohort": cohort, "rows": rows, "status": wanted, "filters": FILTERS,
        "counts": queries.count_applications_by_status(db, cohort.id),
        "enrolled": program_queries.count_active_enrolments(db, cohort.id),
        "statuses": STATUS_LABELS, "criteria": CRITERION_LABELS,
        "countries": dict(countries(request.state.viewer.locale)),
    })


def _application_page(request: Request, db: Session, actor: User, application_id: int,
                      values: dict[str, str] | None = None, error: DomainError | None = None) -> Response:
    application = applications.get_application(db, actor=actor, application_id=application_id)
    mine = next((r for r in application.reviews if r.reviewer_id == actor.id), None)
    cohort = application.cohort
    return page(request, "cohorts/startups/application.html", {
        "application": application, "cohort": cohort, "mine": mine,
        "reviewers": program_queries.user_names(db, [r.reviewer_id for r in application.reviews]),
        "decider": program_queries.user_names(db, [application.decided_by] if application.decided_by else []),
        "questions": QUESTIONS, "criteria": CRITERION_LABELS, "hints": CRITERION_HINTS, "stages": STAGE_LABELS,
        "statuses": STATUS_LABELS,
        "countries": dict(countries(request.state.viewer.locale)),
        "open": application.status in OPEN_TO_DECISION,
        "may_decide": application.status in OPEN_TO_DECISION and cohort.phase in applications.DECIDING_PHASES,
        "enrolled": program_queries.count_active_enrolments(db, cohort.id),
        "values": values or ({c.value: str(getattr(mine, c.value)) for c in Criterion} | {"comment": mine.comment}
                             if mine else {c.value: "" for c in Criterion} | {"comment": ""}),
    }, error)


@router.get("/applications/{application_id}", name="cohorts.application")
def application_page(request: Request, application_id: int, actor: User = Depends(staff),
                     db: Session = Depends(get_db)) -> Response:
    return _application_page(request, db, actor, application_id)


@router.post("/applications/{application_id}/review", name="cohorts.review")
def review(request: Request, application_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
           db: Session = Depends(get_db)) -> Response:
    values = text(form, *(c.value for c in Criterion), "comment")

    def change() -> object:
        scores = {}
        for criterion in Criterion:
            if not values[criterion.value].isdigit():
                raise Invalid("Score each criterion from 1 to 5.", field=criterion.value)
            scores[criterion.value] = int(values[criterion.value])
        return applications.review_application(db, actor=actor, application_id=application_id, scores=scores,
                                               comment=values["comment"], now=clock.now())

    return save(
        request, db, change,
        lambda review: (f"/applications/{application_id}", N_("Your review is saved."), {}),
        lambda error: _application_page(request, db, actor, application_id, values, error),
    )


@router.post("/applications/{application_id}/decision", name="cohorts.decide")
def decide(request: Request, application_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
           db: Session = Depends(get_db), settings: Settings = Depends(get_settings_dep)) -> Response:
    decision = text(form, "decision")["decision"]
    return save(
        request, db,
        lambda: applications.decide(db, actor=actor, application_id=application_id, decision=decision,
                                    settings=settings, now=clock.now()),
        lambda application: (f"/cohorts/{application.cohort_id}/applications", DECISION_DONE[decision],
                             {"startup": application.startup_name}),
        lambda error: _application_page(request, db, actor, application_id, error=error),
    )
