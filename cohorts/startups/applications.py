"""Applying to a cohort without an account, reviewing applications on the rubric, and deciding.

Accepting creates (or finds) the start-up and its profile, the founder's
account invited by e-mail, and the enrolment with its space rights, all in
the caller's transaction: a refusal on the way (the cohort is full) leaves
nothing behind once the caller rolls back.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import mean

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cohorts.programs import permissions as _permissions  # noqa: F401  (registers the rules checked here)
from cohorts.programs import enrolment
from cohorts.programs import queries as program_queries
from cohorts.programs.enums import Phase
from cohorts.programs.models import Cohort
from cohorts.startups import mail, queries
from cohorts.startups import service as startups
from cohorts.startups.enums import OPEN_TO_DECISION, UNDECIDED, ApplicationStatus, Criterion, Decision
from cohorts.startups.forms import ApplicationForm
from cohorts.startups.labels import STATUS_LABELS
from cohorts.startups.models import Application, ApplicationReview
from totem import audit
from totem.auth import service as auth
from totem.errors import VALUE_OUT_OF_RANGE, Conflict, Invalid, NotFound, TooManyAttempts, error_code
from totem.i18n import N_, said
from totem.identity import service as identity
from totem.identity.models import User
from totem.permissions import is_staff, require
from totem.settings import Settings
from totem.throttle import service as throttle

COMMENT_MAX = 4000
DECIDING_PHASES = (Phase.APPLICATIONS_OPEN, Phase.SELECTION, Phase.RUNNING)

APPLICATIONS_CLOSED = error_code("applications_closed", "The cohort does not take applications in its current phase.")
ALREADY_APPLIED = error_code("already_applied", "This founder's e-mail has applied to the cohort already.")
APPLICATION_DECIDED = error_code(
    "application_decided", "The application has been decided: it takes no more reviews or decisions.")
DECISIONS_CLOSED = error_code(
    "decisions_closed", "The cohort's phase takes no decisions: only while applications are open, the selection "
    "and the running cohort do.")
STARTUP_NAME_TAKEN = error_code(
    "startup_name_taken", "A start-up of this name exists and the founder is not one of its members.")
# The queue shows the undecided first, then the waiting list, then the decided.
QUEUE_ORDER = {ApplicationStatus.SUBMITTED: 0, ApplicationStatus.UNDER_REVIEW: 0, ApplicationStatus.WAITLISTED: 1,
               ApplicationStatus.ACCEPTED: 2, ApplicationStatus.REJECTED: 3}


@dataclass(frozen=True)
class QueueRow:
    application: Application
    reviews: int
    average: float | None  # of the reviewers' totals, out of 20
    criteria: dict[str, float]  # each criterion's average, out of 5
    mine: ApplicationReview | None


# -- applying -------------------------------------------------------------------------------------


def get_open_cohort(db: Session, cohort_id: int) -> Cohort:
    """The cohort of a public form: NotFound if it does not exist or is still a draft, Conflict if closed."""
    cohort = program_queries.get_cohort(db, cohort_id)
    if cohort is None or cohort.phase == Phase.DRAFT:
        raise NotFound("No such cohort.")
    if cohort.phase != Phase.APPLICATIONS_OPEN:
        raise Conflict("Applications to {cohort} are closed.", code=APPLICATIONS_CLOSED, cohort=cohort.name)
    return cohort


def submit_application(
    db: Session, *, cohort_id: int, form: ApplicationForm, now: datetime, acknowledge: bool = True,
) -> Application:
    """Record an application from the public form and acknowledge it by e-mail; one per founder and cohort.

    `acknowledge=False` sends no e-mail (the demo's applicants do not exist).
    """
    cohort = get_open_cohort(db, cohort_id)
    data = form.cleaned(cohort.program)
    if queries.has_applied(db, cohort.id, data.founder_email):
        raise Conflict("An application from {email} to this cohort already exists.", field="founder_email",
                       code=ALREADY_APPLIED, email=data.founder_email)
    application = Application(
        cohort_id=cohort.id, track_id=data.track_id, startup_name=data.startup_name, founder_name=data.founder_name,
        founder_email=data.founder_email, website=data.website, country=data.country, stage=data.stage,
        sector=data.sector, team_size=data.team_size, pitch=data.pitch, answers=data.answers, locale=data.locale,
        status=ApplicationStatus.SUBMITTED, created_at=now,
    )
    try:
        with db.begin_nested():
            db.add(application)
            db.flush()
    except IntegrityError:  # the same founder sent the form twice at once
        raise Conflict("An application from {email} to this cohort already exists.", field="founder_email",
                       code=ALREADY_APPLIED, email=data.founder_email) from None
    audit.record(db, actor=None, action="application.submit", obj=application, now=now,
                 summary=said(N_("{startup} ({email}) to {cohort}"), startup=data.startup_name, email=data.founder_email,
                              cohort=cohort.name))
    if acknowledge:
        mail.queue_application_received(db, application, cohort, now)
    return application


APPLICATIONS_PER_WINDOW = 5
APPLICATION_WINDOW = timedelta(minutes=10)


def check_submission_limit(db: Session, *, channel: str, client: str, now: datetime) -> None:
    """TooManyAttempts when the client (an IP address) has sent the most applications allowed within the window.

    Counted in the database, so every web process behind a load balancer shares it; the form and the API
    (`channel`) count apart, as a person and a script do not share a connection's habits.
    """
    seconds = throttle.seconds_to_wait(db, bucket=f"application.{channel}", key=client,
                                       limit=APPLICATIONS_PER_WINDOW, window=APPLICATION_WINDOW, now=now)
    if seconds:
        raise TooManyAttempts("Too many applications were sent from your connection. Try again in {minutes} min.",
                              retry_after_seconds=seconds, minutes=-(-seconds // 60))


def count_submission(db: Session, *, channel: str, client: str, now: datetime) -> None:
    """Count an application sent, in the transaction that keeps it: a refused one counts nothing."""
    throttle.record(db, bucket=f"application.{channel}", key=client, window=APPLICATION_WINDOW, now=now)


# -- reviewing ------------------------------------------------------------------------------------


def get_application(db: Session, *, actor: User, application_id: int, lock: bool = False) -> Application:
    """The application if the actor runs its program: NotFound for others who are not staff."""
    application = queries.get_application(db, application_id, lock=lock)
    if application is None or not is_staff(actor):
        raise NotFound("No such application.")
    require(actor, "program.manage", application.cohort.program)
    return application


def review_queue(db: Session, *, actor: User, cohort: Cohort, status: str | None = None) -> list[QueueRow]:
    """The cohort's applications with their scores: undecided first, the best scored first."""
    require(actor, "program.manage", cohort.program)
    statuses = None
    if status == "undecided":
        statuses = list(UNDECIDED)
    elif status:
        statuses = [ApplicationStatus(status)]
    rows = [_row(application, actor) for application in
            queries.list_applications(db, cohort_id=cohort.id, statuses=statuses)]
    return sorted(rows, key=lambda r: (QUEUE_ORDER[ApplicationStatus(r.application.status)],
                                       -(r.average or 0), r.application.created_at))


def _row(application: Application, actor: User) -> QueueRow:
    reviews = application.reviews
    criteria = {c.value: _average(getattr(r, c.value) for r in reviews) for c in Criterion} if reviews else {}
    return QueueRow(application, len(reviews), _average(r.total for r in reviews) if reviews else None,
                    criteria, next((r for r in reviews if r.reviewer_id == actor.id), None))


def _average(values: Iterable[int]) -> float:
    return round(float(mean(values)), 1)


def review_application(
    db: Session, *, actor: User, application_id: int, scores: dict[str, int], comment: str, now: datetime,
) -> ApplicationReview:
    """Score the application on each criterion from 1 to 5; a reviewer scoring again replaces their review."""
    application = get_application(db, actor=actor, application_id=application_id)
    if application.status not in OPEN_TO_DECISION:
        raise Conflict("This application has been decided: reviews are closed.", code=APPLICATION_DECIDED)
    values = {}
    for criterion in Criterion:
        value = scores.get(criterion.value)
        if value is None or not 1 <= value <= 5:
            raise Invalid("Score each criterion from 1 to 5.", field=criterion.value)
        values[criterion.value] = value
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise Invalid("Keep the comment under {length} characters.", field="comment", code=VALUE_OUT_OF_RANGE,
                      length=COMMENT_MAX + 1)
    review = queries.get_review(db, application.id, actor.id)
    if review is None:
        review = ApplicationReview(application_id=application.id, reviewer_id=actor.id, created_at=now, **values)
        db.add(review)
    else:
        for name, value in values.items():
            setattr(review, name, value)
    review.comment, review.updated_at = comment, now
    if application.status == ApplicationStatus.SUBMITTED:
        application.status = ApplicationStatus.UNDER_REVIEW
    db.flush()
    audit.record(db, actor=actor, action="application.review", obj=application, now=now,
                 summary=said(N_("{startup}: {score}/20"), startup=application.startup_name, score=sum(values.values())))
    return review


# -- deciding -------------------------------------------------------------------------------------


def decide(
    db: Session, *, actor: User, application_id: int, decision: str, settings: Settings, now: datetime,
) -> Application:
    """Accept, waitlist or reject, and tell the founder by e-mail; a waitlisted application may still be accepted."""
    try:
        wanted = Decision(decision)
    except ValueError:
        raise Invalid("Unknown decision.", field="decision") from None
    application = get_application(db, actor=actor, application_id=application_id, lock=True)
    cohort = application.cohort
    allowed = UNDECIDED if wanted == Decision.WAITLIST else OPEN_TO_DECISION
    if application.status not in allowed:
        raise Conflict("This application has already been decided.", code=APPLICATION_DECIDED)
    if cohort.phase not in DECIDING_PHASES:
        raise Conflict("Decisions are taken while applications are open, during the selection and while the "
                       "cohort runs.", code=DECISIONS_CLOSED)
    if wanted == Decision.ACCEPT:
        _accept(db, actor=actor, application=application, settings=settings, now=now)
    else:
        application.status = (ApplicationStatus.WAITLISTED if wanted == Decision.WAITLIST
                               else ApplicationStatus.REJECTED)
        _mark_decided(application, actor, now)
        (mail.queue_waitlisted if wanted == Decision.WAITLIST else mail.queue_rejected)(db, application, cohort, now)
    db.flush()
    audit.record(db, actor=actor, action=f"application.{wanted.value}", obj=application, now=now,
                 summary=said(N_("{startup} to {cohort}: {status}"), startup=application.startup_name, cohort=cohort.name,
                              status=[STATUS_LABELS[ApplicationStatus(application.status)]]))
    return application


def _mark_decided(application: Application, actor: User, now: datetime) -> None:
    application.decided_at, application.decided_by = now, actor.id


def _accept(db: Session, *, actor: User, application: Application, settings: Settings, now: datetime) -> None:
    cohort = application.cohort
    founder = identity.get_user_by_email(db, application.founder_email)
    organisation = program_queries.find_organisation(db, application.startup_name)
    if organisation is not None and (founder is None or founder.id not in
                                     {m.id for m in queries.list_members(db, organisation.id)}):
        raise Conflict("A start-up named {startup} already exists, and {email} is not one of its members.",
                       code=STARTUP_NAME_TAKEN, startup=organisation.name, email=application.founder_email)
    if organisation is None:
        organisation = identity.get_or_create_organisation(db, actor=actor, name=application.startup_name, now=now)
    if founder is None:
        founder = identity.create_user(db, actor=None, email=application.founder_email,
                                       name=application.founder_name, roles=["member"], now=now,
                                       locale=application.locale)
    identity.add_membership(db, actor=actor, user=founder, organisation=organisation, now=now)
    startups.save_profile_from(db, organisation_id=organisation.id, application=application, now=now)
    enrolment.enrol_startup(db, actor=actor, cohort=cohort, organisation=organisation,
                            track=application.track, application_id=application.id, now=now)
    application.status, application.organisation_id = ApplicationStatus.ACCEPTED, organisation.id
    _mark_decided(application, actor, now)
    # Someone who never chose a password gets the invitation; someone who did logs in as usual.
    invited = founder.password_hash is None
    mail.queue_accepted(db, founder, application, cohort, now, invited=invited)
    if invited:
        auth.invite_user(db, actor=actor, user=founder, settings=settings, now=now)
