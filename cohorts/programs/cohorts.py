"""Cohorts: creating and editing them, and moving them through their phases by date or by a manager's hand.

Entering `selection`, `running` or `demo_day` gives the enrolled start-ups the
rights and credits of that phase (`enrolment.follow_phase`): the first month's
credits, or a top-up of this month's to the new phase's allowance; entering
`alumni` ends their space rights and desks after the cohort's last day (or
today, when a manager ends it early) and releases the calendar template's
future bookings.
"""
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from cohorts.programs import enrolment, events, queries
from cohorts.programs import service as programs
from cohorts.programs.enums import RIGHTS_PHASES, Phase
from cohorts.programs.labels import PHASE_LABELS
from cohorts.programs.models import Cohort
from cohorts.programs.phases import PhaseDates, due_phase
from totem import audit
from totem.errors import Conflict, Invalid, NotFound
from totem.i18n import N_, said
from totem.identity.models import User
from totem.identity.service import system_actor
from totem.permissions import is_staff, require

log = logging.getLogger(__name__)
NAME_MAX = 200


@dataclass(frozen=True)
class CohortData:
    name: str
    capacity: int
    dates: PhaseDates

    def cleaned(self) -> "CohortData":
        name = self.name.strip()
        if not name:
            raise Invalid("Enter the cohort's name.", field="name")
        if len(name) > NAME_MAX:
            raise Invalid("Keep the name under {length} characters.", field="name", length=NAME_MAX + 1)
        if self.capacity < 1:
            raise Invalid("A cohort takes one start-up at least.", field="capacity")
        self.dates.check()
        return CohortData(name, self.capacity, self.dates)


@dataclass(frozen=True)
class PhaseMove:
    cohort: Cohort
    before: Phase
    after: Phase


def list_cohorts(db: Session, *, program_id: int | None = None) -> list[Cohort]:
    return queries.list_cohorts(db, program_id=program_id)


def list_open_cohorts(db: Session) -> list[Cohort]:
    """Cohorts taking applications, for the public."""
    return queries.list_cohorts(db, phases=[Phase.APPLICATIONS_OPEN])


def get_cohort(db: Session, cohort_id: int) -> Cohort:
    cohort = queries.get_cohort(db, cohort_id)
    if cohort is None:
        raise NotFound("No such cohort.")
    return cohort


def get_managed_cohort(db: Session, *, actor: User, cohort_id: int) -> Cohort:
    """The cohort if the actor runs its program: NotFound for non-staff, Forbidden for other programs' managers."""
    cohort = queries.get_cohort(db, cohort_id)
    if cohort is None or not is_staff(actor):
        raise NotFound("No such cohort.")
    require(actor, "program.manage", cohort.program)
    return cohort


def create_cohort(db: Session, *, actor: User, program_id: int, data: CohortData, now: datetime) -> Cohort:
    """A new cohort, whose phase is at once the one its dates give."""
    program = programs.get_managed_program(db, actor=actor, program_id=program_id)
    data = data.cleaned()
    if queries.cohort_name_taken(db, program.id, data.name):
        raise Conflict("This program already has a cohort of this name.", field="name")
    dates = data.dates
    cohort = Cohort(program_id=program.id, name=data.name, capacity=data.capacity, phase=Phase.DRAFT,
                    applications_open_on=dates.applications_open_on, selection_on=dates.selection_on,
                    starts_on=dates.starts_on, demo_day_on=dates.demo_day_on, ends_on=dates.ends_on, created_at=now)
    db.add(cohort)
    db.flush()
    audit.record(db, actor=actor, action="cohort.create", obj=cohort, now=now,
                 summary=said(N_("{program}: {cohort}, {first} to {last}"), program=program.name, cohort=cohort.name,
                              first=dates.starts_on, last=dates.ends_on))
    cohort = get_cohort(db, cohort.id)
    _follow_dates(db, cohort, actor=actor, now=now)
    return cohort


def update_cohort(db: Session, *, actor: User, cohort_id: int, data: CohortData, now: datetime) -> Cohort:
    """Change the name, capacity and dates; a cohort that is over keeps its dates."""
    cohort = get_managed_cohort(db, actor=actor, cohort_id=cohort_id)
    data = data.cleaned()
    if queries.cohort_name_taken(db, cohort.program_id, data.name, excluding=cohort.id):
        raise Conflict("This program already has a cohort of this name.", field="name")
    enrolled = queries.count_active_enrolments(db, cohort.id)
    if data.capacity < enrolled:
        raise Conflict("Enrolled start-ups: {n}. The capacity cannot be lower.", field="capacity", n=enrolled)
    dates = data.dates
    if cohort.phase == Phase.ALUMNI and (dates.starts_on, dates.ends_on) != (cohort.starts_on, cohort.ends_on):
        raise Conflict("This cohort is over: its dates can no longer change.", field="starts_on")
    if enrolled and (dates.starts_on, dates.ends_on) != (cohort.starts_on, cohort.ends_on):
        raise Conflict("Start-ups are enrolled with rights for the cohort's dates: its start and end can no longer "
                       "change.", field="starts_on")
    cohort.name, cohort.capacity = data.name, data.capacity
    cohort.applications_open_on, cohort.selection_on = dates.applications_open_on, dates.selection_on
    cohort.starts_on, cohort.demo_day_on, cohort.ends_on = dates.starts_on, dates.demo_day_on, dates.ends_on
    db.flush()
    audit.record(db, actor=actor, action="cohort.update", obj=cohort, now=now, summary=said(N_("updated {name}"), name=cohort.name))
    _follow_dates(db, cohort, actor=actor, now=now)
    return cohort


def _follow_dates(db: Session, cohort: Cohort, *, actor: User, now: datetime) -> None:
    target = due_phase(cohort, enrolment.today_at(cohort, now))
    if target is not None:
        _enter(db, cohort, target, actor=actor, now=now)


# -- phases ---------------------------------------------------------------------------------------


def force_phase(db: Session, *, actor: User, cohort_id: int, phase: str, now: datetime) -> PhaseMove:
    """A manager moves the cohort to any phase; the job then leaves the transitions dated up to today alone."""
    cohort = get_managed_cohort(db, actor=actor, cohort_id=cohort_id)
    try:
        wanted = Phase(phase)
    except ValueError:
        raise Invalid("Unknown phase.", field="phase") from None
    before = Phase(cohort.phase)
    if before == Phase.ALUMNI and wanted != Phase.ALUMNI:
        raise Conflict("This cohort is over: its start-ups have lost their rights, it cannot go back.")
    cohort.phase_forced_on = enrolment.today_at(cohort, now)
    if wanted != before:
        _enter(db, cohort, wanted, actor=actor, now=now)
    return PhaseMove(cohort, before, wanted)


def advance_phases(db: Session, *, now: datetime) -> list[PhaseMove]:
    """Move every cohort to the phase its dates give today, forward only; each cohort in its own savepoint.

    Running it again the same day finds nothing to move.
    """
    moves, actor = [], system_actor(db, now=now)
    for cohort in queries.list_cohorts(db, phases=[phase for phase in Phase if phase != Phase.ALUMNI]):
        target = due_phase(cohort, enrolment.today_at(cohort, now))
        if target is None:
            continue
        before = Phase(cohort.phase)
        try:
            with db.begin_nested():
                _enter(db, cohort, target, actor=actor, now=now)
        except Exception:
            log.exception("cohort %s: could not move from %s to %s", cohort.id, before, target)
            continue
        moves.append(PhaseMove(cohort, before, target))
    return moves


def _enter(db: Session, cohort: Cohort, phase: Phase, *, actor: User, now: datetime) -> None:
    """Set the phase and do what entering it means for the enrolled start-ups."""
    before = Phase(cohort.phase)
    cohort.phase = phase
    db.flush()
    audit.record(db, actor=actor, action="cohort.phase", obj=cohort, now=now,
                 summary=said("{cohort}: {before} → {after}", cohort=cohort.name, before=[PHASE_LABELS[before]],
                              after=[PHASE_LABELS[phase]]))
    if phase in RIGHTS_PHASES:
        for row in queries.list_enrolments(db, cohort_id=cohort.id, status="active"):
            enrolment.follow_phase(db, actor=actor, cohort=cohort, enrolment=row, now=now)
    if phase == Phase.ALUMNI:
        last_day = min(cohort.ends_on, enrolment.today_at(cohort, now))
        enrolment.end_enrolments(db, actor=actor, cohort=cohort, last_day=last_day, now=now)
        events.release_future_bookings(db, actor=actor, cohort=cohort, now=now)
