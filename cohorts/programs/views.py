"""The managers' pages for programs, their tracks and cohorts (a cohort's own page is its board, with the start-ups).

Every form posts, and on success commits and redirects (303); on bad input
(422) or a clash (409) the page is shown again with the message and what
was typed, nothing written.
"""
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cohorts.programs import permissions as _permissions  # noqa: F401  (registers "program.create")
from cohorts.programs import event_views, phase_rights, queries
from cohorts.programs import cohorts as cohort_service
from cohorts.programs import service as programs
from cohorts.programs.enums import RIGHTS_PHASES
from cohorts.programs.forms import COHORT_FIELDS, NEW_COHORT, cohort_data
from cohorts.programs.labels import PHASE_LABELS
from spaces.booking import availability
from spaces.operators import service as operators
from spaces.venues.forms import whole
from spaces.venues.labels import KIND_LABELS
from totem import clock
from totem.errors import DomainError, Invalid
from totem.i18n import N_
from totem.identity.models import User
from totem.web.context import check_csrf, get_db
from totem.web.forms import page, posted, requiring, save, text
from totem.web.nav import ACCELERATOR, NavItem, register

router = APIRouter(dependencies=[Depends(check_csrf)])
staff = requiring("program.create")  # members and mentors get a 403 on the managers' pages
router.include_router(event_views.router)
register(NavItem("Programs", "cohorts.programs", permission="program.create", order=600,
                 group=ACCELERATOR))
PROGRAM_FIELDS = ("name", "venue_id", "operator_id", "description", "monthly_credits", "desks_per_startup")
NEW_PROGRAM = {"name": "", "venue_id": "", "operator_id": "", "description": "", "monthly_credits": "0",
               "desks_per_startup": "0", "space_kinds": [], "manager_ids": []}


# -- programs -------------------------------------------------------------------------------------


def _venue_options(db: Session) -> list[tuple[int, str]]:
    return [(venue.id, venue.name) for venue in availability.list_venues(db)]


def _operator_options(db: Session, actor: User, program: Any = None) -> list[tuple[int, str]]:
    """The operators the actor may put a program under (the admins: any), and the program's own."""
    choices = {operator.id: operator.display_name for operator in operators.list_operators(db, actor=actor)}
    if program is not None:
        choices.setdefault(program.operator_id, program.operator.display_name)
    return sorted(choices.items(), key=lambda choice: choice[1].lower())


def _programs_page(request: Request, db: Session, actor: User, values: dict[str, Any] | None = None,
                   error: DomainError | None = None) -> Response:
    all_programs = programs.list_programs_run_by(db, actor=actor)
    cohorts = queries.list_cohorts(db)
    return page(request, "cohorts/programs/programs.html", {
        "programs": all_programs, "managers": queries.list_manager_names(db, all_programs),
        "cohorts": {p.id: [c for c in cohorts if c.program_id == p.id] for p in all_programs},
        "enrolled": queries.count_enrolments_by_cohort(db, [c.id for c in cohorts]),
        "mine": {p.id for p in all_programs if programs.may_manage(actor, p)},
        "venue_options": _venue_options(db), "operator_options": _operator_options(db, actor),
        "staff": queries.list_staff(db), "kinds": KIND_LABELS, "phases": PHASE_LABELS,
        "values": values or {**NEW_PROGRAM, "manager_ids": [str(actor.id)]},
    }, error)


@router.get("/programs", name="cohorts.programs")
def list_programs(request: Request, actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    return _programs_page(request, db, actor)


def _posted_program(form: FormData) -> dict[str, Any]:
    return {**text(form, *PROGRAM_FIELDS), "space_kinds": form.getlist("space_kinds"),
            "manager_ids": form.getlist("manager_ids")}


def _program_data(values: dict[str, Any]) -> programs.ProgramData:
    return programs.ProgramData(
        name=values["name"], venue_id=whole(values["venue_id"] or "0", "venue_id"), description=values["description"],
        monthly_credits=whole(values["monthly_credits"], "monthly_credits"),
        desks_per_startup=whole(values["desks_per_startup"], "desks_per_startup"),
        space_kinds=tuple(str(kind) for kind in values["space_kinds"]),
        manager_ids=tuple(int(v) for v in values["manager_ids"] if str(v).isdigit()),
        operator_id=whole(values["operator_id"], "operator_id") if values["operator_id"] else None,
    )


@router.post("/programs", name="cohorts.create_program")
def create_program(request: Request, form: FormData = Depends(posted), actor: User = Depends(staff),
                   db: Session = Depends(get_db)) -> Response:
    values = _posted_program(form)
    return save(
        request, db, lambda: programs.create_program(db, actor=actor, data=_program_data(values), now=clock.now()),
        lambda program: (f"/programs/{program.id}", N_("Program {name} created."), {"name": program.name}),
        lambda error: _programs_page(request, db, actor, values, error),
    )


def _program_values(program: Any) -> dict[str, Any]:
    return {"name": program.name, "venue_id": str(program.venue_id), "operator_id": str(program.operator_id),
            "description": program.description,
            "monthly_credits": str(program.monthly_credits), "desks_per_startup": str(program.desks_per_startup),
            "space_kinds": list(program.space_kinds), "manager_ids": [str(i) for i in program.listed_manager_ids]}


def _program_page(request: Request, db: Session, actor: User, program_id: int, values: dict[str, Any] | None = None,
                  cohort_values: dict[str, str] | None = None, error: DomainError | None = None,
                  rights_values: dict[str, Any] | None = None) -> Response:
    program, rights = phase_rights.list_phase_rights(db, actor=actor, program_id=program_id)
    cohorts = queries.list_cohorts(db, program_id=program.id)
    return page(request, "cohorts/programs/program.html", {
        "program": program, "cohorts": cohorts, "rights_phases": RIGHTS_PHASES,
        "rights_values": rights_values or _rights_values(rights),
        "enrolled": queries.count_enrolments_by_cohort(db, [c.id for c in cohorts]),
        "venue_options": _venue_options(db), "operator_options": _operator_options(db, actor, program),
        "staff": queries.list_staff(db), "kinds": KIND_LABELS, "phases": PHASE_LABELS,
        "values": values or _program_values(program), "cohort_values": cohort_values or NEW_COHORT,
    }, error)


@router.get("/programs/{program_id}", name="cohorts.program")
def program_page(request: Request, program_id: int, actor: User = Depends(staff),
                 db: Session = Depends(get_db)) -> Response:
    return _program_page(request, db, actor, program_id)


@router.post("/programs/{program_id}", name="cohorts.update_program")
def update_program(request: Request, program_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
                   db: Session = Depends(get_db)) -> Response:
    values = _posted_program(form)
    return save(
        request, db,
        lambda: programs.update_program(db, actor=actor, program_id=program_id, data=_program_data(values),
                                        now=clock.now()),
        lambda program: (f"/programs/{program.id}", N_("Program {name} saved."), {"name": program.name}),
        lambda error: _program_page(request, db, actor, program_id, values, error=error),
    )


# -- tracks ---------------------------------------------------------------------------------------


@router.post("/programs/{program_id}/tracks", name="cohorts.add_track")
def add_track(request: Request, program_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
              db: Session = Depends(get_db)) -> Response:
    values = text(form, "track_name", "track_description")
    return save(
        request, db,
        lambda: programs.add_track(db, actor=actor, program_id=program_id, name=values["track_name"],
                                   description=values["track_description"], now=clock.now()),
        lambda track: (f"/programs/{program_id}", N_("Track {name} added."), {"name": track.name}),
        lambda error: _program_page(request, db, actor, program_id, error=_on_field(error, "track_name")),
    )


@router.post("/tracks/{track_id}", name="cohorts.update_track")
def update_track(request: Request, track_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
                 db: Session = Depends(get_db)) -> Response:
    values = text(form, "name", "description", "program_id")
    program_id = int(values["program_id"]) if values["program_id"].isdigit() else 0
    return save(
        request, db,
        lambda: programs.update_track(db, actor=actor, track_id=track_id, name=values["name"],
                                      description=values["description"], now=clock.now()),
        lambda track: (f"/programs/{track.program_id}", N_("Track {name} saved."), {"name": track.name}),
        lambda error: _program_page(request, db, actor, program_id, error=_on_field(error, None)),
    )


@router.post("/tracks/{track_id}/delete", name="cohorts.delete_track")
def delete_track(request: Request, track_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
                 db: Session = Depends(get_db)) -> Response:
    values = text(form, "program_id")
    program_id = int(values["program_id"]) if values["program_id"].isdigit() else 0
    return save(
        request, db, lambda: programs.delete_track(db, actor=actor, track_id=track_id, now=clock.now()),
        lambda _none: (f"/programs/{program_id}", N_("Track removed."), {}),
        lambda error: _program_page(request, db, actor, program_id, error=_on_field(error, None)),
    )


def _on_field(error: DomainError, field: str | None) -> DomainError:
    """Show a track form's error beside that form (the page has several name fields)."""
    error.field = field
    return error


# -- cohorts --------------------------------------------------------------------------------------


@router.post("/programs/{program_id}/cohorts", name="cohorts.create_cohort")
def create_cohort(request: Request, program_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
                  db: Session = Depends(get_db)) -> Response:
    values = text(form, *COHORT_FIELDS)
    return save(
        request, db,
        lambda: cohort_service.create_cohort(db, actor=actor, program_id=program_id, data=cohort_data(values),
                                      now=clock.now()),
        lambda cohort: (f"/cohorts/{cohort.id}", N_("Cohort {name} created."), {"name": cohort.name}),
        lambda error: _program_page(request, db, actor, program_id, cohort_values=values, error=error),
    )




# -- credits and space rights per phase -----------------------------------------------------------


def _rights_values(rights: list[phase_rights.Rights | None]) -> dict[str, Any]:
    """The form's values: a phase without a setting shows blank credits (it follows the program's rules)."""
    values: dict[str, Any] = {}
    for phase, held in zip(RIGHTS_PHASES, rights):
        shown = held if held is not None and held.is_set else None
        values[f"{phase}_credits"] = str(shown.monthly_credits) if shown else ""
        values[f"{phase}_kinds"] = list(shown.space_kinds) if shown else []
    return values


def _posted_rights(form: FormData) -> dict[str, Any]:
    return {**text(form, *(f"{phase}_credits" for phase in RIGHTS_PHASES)),
            **{f"{phase}_kinds": form.getlist(f"{phase}_kinds") for phase in RIGHTS_PHASES}}


def _set_rights(db: Session, actor: User, program_id: int, values: dict[str, Any]) -> Any:
    """Each phase's setting in turn; an error names the field of its phase."""
    for phase in RIGHTS_PHASES:
        try:
            credits = values[f"{phase}_credits"]
            kinds = tuple(str(kind) for kind in values[f"{phase}_kinds"])
            data = (phase_rights.PhaseRightsData(whole(credits, "monthly_credits"), kinds) if credits.strip()
                    else None)
            if data is None and kinds:
                raise Invalid("Give the phase's credits a month (0 for none), or tick no kind of space.",
                              field="monthly_credits")
            phase_rights.set_phase_rights(db, actor=actor, program_id=program_id, phase=phase, data=data,
                                          now=clock.now())
        except DomainError as error:
            if error.field in ("monthly_credits", "space_kinds"):
                error.field = f"{phase}_{'credits' if error.field == 'monthly_credits' else 'kinds'}"
            raise
    return programs.get_managed_program(db, actor=actor, program_id=program_id)


@router.post("/programs/{program_id}/phases", name="cohorts.set_phase_rights")
def set_phase_rights(request: Request, program_id: int, form: FormData = Depends(posted),
                     actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    values = _posted_rights(form)
    return save(
        request, db, lambda: _set_rights(db, actor, program_id, values),
        lambda program: (f"/programs/{program.id}", N_("Credits per phase of {name} saved: they apply at the next "
                                                       "phase change."), {"name": program.name}),
        lambda error: _program_page(request, db, actor, program_id, rights_values=values, error=error),
    )
