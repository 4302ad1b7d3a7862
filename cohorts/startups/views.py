"""Pages: the public application form of each open cohort, start-ups' pages, and a cohort's board; the review
queue and the progress pages are included from their own modules."""
from datetime import timedelta

from babel.dates import format_date
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cohorts.programs import permissions as _permissions  # noqa: F401  (registers "program.create")
from cohorts.programs import cohorts as cohort_service
from cohorts.programs.enums import PHASE_ORDER
from cohorts.programs.forms import COHORT_FIELDS, cohort_data, cohort_values
from cohorts.programs.labels import ENROLMENT_LABELS, PHASE_LABELS, long_dates
from cohorts.programs.phases import first_day
from cohorts.startups import applications, kpis, milestones, progress_views, queries, review_views
from cohorts.startups import service as startups
from cohorts.startups.board import cohort_board
from cohorts.startups.forms import PROFILE_FIELDS, QUESTIONS, ApplicationForm, ProfileForm, countries
from cohorts.startups.labels import STAGE_LABELS
from spaces.booking.labels import STATUS_LABELS as BOOKING_LABELS
from spaces.venues import access
from spaces.venues.labels import KIND_LABELS
from spaces.venues.rules import local_time
from totem import clock
from totem.errors import Conflict, DomainError, TooManyAttempts
from totem.i18n import N_, translate
from totem.identity.models import User
from totem.permissions import is_staff
from totem.web.context import Viewer, check_csrf, get_db, get_viewer, require_user
from totem.web.forms import page, posted, requiring, save, text
from totem.web.nav import ACCELERATOR, NavItem, register
from totem.web.pages import form_error, redirect, render

router = APIRouter(dependencies=[Depends(check_csrf)])
staff = requiring("program.create")  # members and mentors get a 403 on the managers' pages
router.include_router(review_views.router)
router.include_router(progress_views.router)
register(
    NavItem("Start-ups", "cohorts.startups", order=612, group=ACCELERATOR),
    NavItem("Applications", "cohorts.applications", permission="program.create", order=610,
            group=ACCELERATOR),
)
APPLICATION_FIELDS = ("startup_name", "founder_name", "founder_email", "website", "country", "stage", "sector",
                      "team_size", "track_id", "pitch")
BOOKINGS_SHOWN = 8
HONEYPOT = "homepage"  # a field hidden from people, that form-filling robots fill


# -- the public application form ------------------------------------------------------------------


@router.get("/apply", name="cohorts.open_cohorts")
def open_cohorts(request: Request, viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db)) -> Response:
    """Anyone: the cohorts taking applications."""
    cohorts = cohort_service.list_open_cohorts(db)
    return render(request, "cohorts/startups/open_cohorts.html", {
        "cohorts": cohorts, "dates": {c.id: long_dates(c, viewer.locale) for c in cohorts}})


def _form_page(request: Request, cohort_id: int, db: Session, values: dict, error: DomainError | None = None,
               ) -> Response:
    try:
        cohort = applications.get_open_cohort(db, cohort_id)
    except Conflict as closed:
        return render(request, "cohorts/startups/apply_closed.html", {"cohort": cohort_service.get_cohort(db, cohort_id),
                                                             "message": closed}, status_code=409)
    locale = request.state.viewer.locale
    context = {"cohort": cohort, "questions": QUESTIONS, "countries": countries(locale), "values": values,
               "dates": long_dates(cohort, locale), "phases": PHASE_LABELS,
               "stage_options": [(stage, translate(locale, label)) for stage, label in STAGE_LABELS.items()],
               "track_options": [(track.id, track.name) for track in cohort.program.tracks]}
    return form_error(request, "cohorts/startups/apply.html", error, context) if error else render(
        request, "cohorts/startups/apply.html", context)


@router.get("/apply/{cohort_id}", name="cohorts.apply")
def apply_form(request: Request, cohort_id: int, viewer: Viewer = Depends(get_viewer),
               db: Session = Depends(get_db)) -> Response:
    """Anyone, without an account: the cohort's application form."""
    return _form_page(request, cohort_id, db, {"answers": {}, "country": "FR"})


@router.post("/apply/{cohort_id}", name="cohorts.apply_submit")
def apply(request: Request, cohort_id: int, form: FormData = Depends(posted), viewer: Viewer = Depends(get_viewer),
          db: Session = Depends(get_db)) -> Response:
    """Anyone: send the application; a few per client and ten minutes (429 beyond), and a honeypot for robots."""
    values = text(form, *APPLICATION_FIELDS) | {"answers": text(form, *QUESTIONS)}
    client, now = _client(request), clock.now()
    try:
        applications.check_submission_limit(db, channel="form", client=client, now=now)
    except TooManyAttempts as error:
        response = _form_page(request, cohort_id, db, values, error)
        response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response
    if str(form.get(HONEYPOT, "")).strip():
        # Only robots fill the hidden field: they are thanked like people, so they do not adapt, and nothing is kept.
        applications.count_submission(db, channel="form", client=client, now=now)
        db.commit()
        return redirect(request, f"/apply/{cohort_id}/thanks", N_("Your application is sent."))
    try:
        applications.submit_application(db, cohort_id=cohort_id, now=now,
                                        form=ApplicationForm(**values, locale=viewer.locale))
    except DomainError as error:
        if error.status_code == 404:
            raise
        db.rollback()
        return _form_page(request, cohort_id, db, values, error)
    applications.count_submission(db, channel="form", client=client, now=now)
    db.commit()
    return redirect(request, f"/apply/{cohort_id}/thanks", N_("Your application is sent."))


def _client(request: Request) -> str:
    """The client's address (uvicorn puts the forwarded one here behind a trusted proxy)."""
    return request.client.host if request.client else "unknown"


@router.get("/apply/{cohort_id}/thanks", name="cohorts.apply_thanks")
def thanks(request: Request, cohort_id: int, viewer: Viewer = Depends(get_viewer),
           db: Session = Depends(get_db)) -> Response:
    return render(request, "cohorts/startups/apply_thanks.html", {"cohort": cohort_service.get_cohort(db, cohort_id)})


# -- start-ups ------------------------------------------------------------------------------------


@router.get("/startups", name="cohorts.startups")
def list_startups(request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    """Staff: every start-up; members: their own (one start-up: straight to its page)."""
    found = startups.list_startups(db, actor=user)
    if len(found) == 1 and not is_staff(user):
        return redirect(request, f"/startups/{found[0].organisation.id}")
    return render(request, "cohorts/startups/startups.html", {
        "startups": found, "stages": STAGE_LABELS, "countries": dict(countries(request.state.viewer.locale)),
        "phases": PHASE_LABELS,
    })


@router.get("/startups/{startup_id}", name="cohorts.startup")
def startup_page(request: Request, startup_id: int, user: User = Depends(require_user),
                 db: Session = Depends(get_db)) -> Response:
    startup = startups.get_startup(db, actor=user, organisation_id=startup_id)
    now, locale = clock.now(), request.state.viewer.locale
    # Milestones and figures are for the start-up and its own programs' managers, not every manager.
    follows = startups.can_edit_profile(db, actor=user, startup=startup)
    status = kpis.status_of(db, startup, now) if follows else None
    bookings = queries.list_startup_bookings(db, startup_id, since=now, limit=BOOKINGS_SHOWN)
    return render(request, "cohorts/startups/startup.html", {
        "startup": startup, "members": queries.list_members(db, startup_id),
        "grants": [g for g in access.list_grants(db, organisation_id=startup_id) if g.ends_on >= now.date()],
        "balance": queries.credit_balances(db, [startup_id]).get(startup_id, 0),
        "bookings": [(b, local_time(b.starts_at, b.space.floor.venue), local_time(b.ends_at, b.space.floor.venue))
                     for b in bookings],
        "past_month": queries.count_startup_bookings(db, startup_id, since=now - timedelta(days=30), until=now),
        "stages": STAGE_LABELS, "countries": dict(countries(request.state.viewer.locale)),
        "enrolment_labels": ENROLMENT_LABELS, "phases": PHASE_LABELS,
        "kinds": KIND_LABELS, "booking_labels": BOOKING_LABELS, "is_staff": is_staff(user),
        "can_edit": follows,
        "milestones": milestones.summarise(milestones.startup_milestones(db, actor=user, organisation_id=startup_id),
                                           now) if follows else None,
        "kpis": status,
        # The headcount is a figure for the start-up and its programs' managers; others see the declared team.
        "team": kpis.team_size(db, startup, with_figures=follows),
        "kpi_month": format_date(status.due, "MMMM yyyy", locale=locale) if status and status.due else "",
        "milestone_labels": progress_views.STATUS_LABELS,
    })


def _profile_page(request: Request, db: Session, user: User, startup_id: int, values: dict[str, str] | None = None,
                  error: DomainError | None = None) -> Response:
    startup = startups.get_startup(db, actor=user, organisation_id=startup_id)
    startups.require_profile_editor(db, actor=user, startup=startup)
    locale = request.state.viewer.locale
    return page(request, "cohorts/startups/startup_profile.html", {
        "startup": startup, "values": values or ProfileForm.of(startup.profile).__dict__,
        "countries": countries(locale),
        "stage_options": [(stage, translate(locale, label)) for stage, label in STAGE_LABELS.items()],
    }, error)


@router.get("/startups/{startup_id}/profile", name="cohorts.startup_profile")
def profile_form(request: Request, startup_id: int, user: User = Depends(require_user),
                 db: Session = Depends(get_db)) -> Response:
    """The start-up's members (and its programs' managers): the form of its profile."""
    return _profile_page(request, db, user, startup_id)


@router.post("/startups/{startup_id}/profile", name="cohorts.edit_profile")
def edit_profile(request: Request, startup_id: int, form: FormData = Depends(posted),
                 user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    values = text(form, *PROFILE_FIELDS)
    return save(
        request, db,
        lambda: startups.edit_profile(db, actor=user, organisation_id=startup_id, form=ProfileForm(**values),
                                      now=clock.now()),
        lambda startup: (f"/startups/{startup_id}", N_("The profile of {startup} is saved."),
                         {"startup": startup.organisation.name}),
        lambda error: _profile_page(request, db, user, startup_id, values, error),
    )


# -- a cohort's board, with its dates and phase control -------------------------------------------


def _board_page(request: Request, db: Session, actor: User, cohort_id: int, values: dict[str, str] | None = None,
                error: DomainError | None = None) -> Response:
    cohort = cohort_service.get_managed_cohort(db, actor=actor, cohort_id=cohort_id)
    return page(request, "cohorts/startups/cohort_board.html", {
        "cohort": cohort, "board": cohort_board(db, cohort, now=clock.now()),
        "timeline": [(phase, first_day(cohort, phase)) for phase in PHASE_ORDER],
        "phases": PHASE_LABELS, "stages": STAGE_LABELS,
        "values": values or cohort_values(cohort),
    }, error)


@router.get("/cohorts/{cohort_id}", name="cohorts.board")
def board(request: Request, cohort_id: int, actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    return _board_page(request, db, actor, cohort_id)


@router.post("/cohorts/{cohort_id}", name="cohorts.update_cohort")
def update_cohort(request: Request, cohort_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
                  db: Session = Depends(get_db)) -> Response:
    values = text(form, *COHORT_FIELDS)
    return save(
        request, db,
        lambda: cohort_service.update_cohort(db, actor=actor, cohort_id=cohort_id, data=cohort_data(values),
                                      now=clock.now()),
        lambda cohort: (f"/cohorts/{cohort.id}", N_("Cohort {name} saved."), {"name": cohort.name}),
        lambda error: _board_page(request, db, actor, cohort_id, values, error),
    )


@router.post("/cohorts/{cohort_id}/phase", name="cohorts.force_phase")
def force_phase(request: Request, cohort_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
                db: Session = Depends(get_db)) -> Response:
    values = text(form, "phase")
    return save(
        request, db,
        lambda: cohort_service.force_phase(db, actor=actor, cohort_id=cohort_id, phase=values["phase"], now=clock.now()),
        lambda move: (f"/cohorts/{cohort_id}", N_("{cohort} moved to the phase “{phase}”."),
                      {"cohort": move.cohort.name,
                       "phase": translate(request.state.viewer.locale, PHASE_LABELS[move.after])}),
        lambda error: _board_page(request, db, actor, cohort_id, error=error),
    )
