"""Reading programs, cohorts, applications, enrolments and start-ups, with what the callers use loaded."""
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from cohorts.programs.enums import EnrolmentStatus
from cohorts.programs.models import Cohort, Enrolment, Program, ProgramPhaseRights, Track
from spaces.credits.enums import CreditReason
from spaces.credits.models import CreditAccount, CreditEntry
from spaces.operators.models import Operator
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Floor, Space
from totem.identity.enums import STAFF_ROLES
from totem.identity.models import Organisation, User, UserRole


def _program_options() -> list[ExecutableOption]:
    return [joinedload(Program.venue), selectinload(Program.tracks), *running_options()]


def running_options(path: Any = None) -> list[ExecutableOption]:
    """What `Program.manager_ids` reads, through `path` (the loader option reaching the program) or from it."""
    if path is None:
        return [selectinload(Program.managers), joinedload(Program.operator).selectinload(Operator.managers)]
    return [path.selectinload(Program.managers), path.joinedload(Program.operator).selectinload(Operator.managers)]


def _cohort_options() -> list[ExecutableOption]:
    return [joinedload(Cohort.program).joinedload(Program.venue),
            *running_options(joinedload(Cohort.program)),
            joinedload(Cohort.program).selectinload(Program.tracks)]


# -- programs and tracks --------------------------------------------------------------------------


def list_programs(db: Session) -> list[Program]:
    """Every program, by name, with its venue, managers and tracks."""
    return list(db.scalars(select(Program).options(*_program_options()).order_by(Program.name)))


def get_program(db: Session, program_id: int, *, lock: bool = False) -> Program | None:
    # Fresh: its tracks and managers as they are now, even if the program was loaded before they changed.
    query = (select(Program).where(Program.id == program_id).options(*_program_options())
             .execution_options(populate_existing=True))
    if lock:
        query = query.with_for_update(of=Program)
    return db.scalar(query)


def get_track(db: Session, track_id: int) -> Track | None:
    return db.scalar(select(Track).where(Track.id == track_id)
                     .options(*running_options(joinedload(Track.program))))


def track_name_taken(db: Session, program_id: int, name: str, *, excluding: int | None = None) -> bool:
    query = select(Track.id).where(Track.program_id == program_id, func.lower(Track.name) == name.lower())
    if excluding is not None:
        query = query.where(Track.id != excluding)
    return db.scalar(query) is not None


def list_manager_names(db: Session, programs: Iterable[Program]) -> dict[int, list[str]]:
    """Each program's managers' names, in one query."""
    ids = {manager.user_id for program in programs for manager in program.managers}
    names = dict(db.execute(select(User.id, User.name).where(User.id.in_(ids))).tuples().all()) if ids else {}
    return {program.id: sorted(names[m.user_id] for m in program.managers if m.user_id in names)
            for program in programs}


def list_staff(db: Session) -> list[User]:
    """Active managers and admins, who may be named a program's managers."""
    return list(db.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                           .where(UserRole.role.in_(list(STAFF_ROLES)), User.is_active)
                           .distinct().order_by(User.name)))


def user_list(db: Session, user_ids: Iterable[int]) -> list[User]:
    ids = list(user_ids)
    return list(db.scalars(select(User).where(User.id.in_(ids)).order_by(User.id))) if ids else []


# -- cohorts --------------------------------------------------------------------------------------


def list_cohorts(db: Session, *, program_id: int | None = None, phases: Iterable[str] | None = None) -> list[Cohort]:
    """Cohorts by start (latest first), with their program, its venue, managers and tracks."""
    query = select(Cohort).options(*_cohort_options())
    if program_id is not None:
        query = query.where(Cohort.program_id == program_id)
    if phases is not None:
        query = query.where(Cohort.phase.in_(list(phases)))
    return list(db.scalars(query.order_by(Cohort.starts_on.desc(), Cohort.id)))


def get_cohort(db: Session, cohort_id: int, *, lock: bool = False) -> Cohort | None:
    """The cohort with its program; `lock` serialises enrolments into it (PostgreSQL's row lock)."""
    query = (select(Cohort).where(Cohort.id == cohort_id).options(*_cohort_options())
             .execution_options(populate_existing=True))
    if lock:
        query = query.with_for_update(of=Cohort)
    return db.scalar(query)


def lock_cohort(db: Session, cohort_id: int) -> tuple[str, int]:
    """Lock the cohort's row until the end of the transaction; its phase and capacity as they are then."""
    phase, capacity = db.execute(select(Cohort.phase, Cohort.capacity).where(Cohort.id == cohort_id)
                                 .with_for_update()).one()
    return phase, capacity


def cohort_name_taken(db: Session, program_id: int, name: str, *, excluding: int | None = None) -> bool:
    query = select(Cohort.id).where(Cohort.program_id == program_id, func.lower(Cohort.name) == name.lower())
    if excluding is not None:
        query = query.where(Cohort.id != excluding)
    return db.scalar(query) is not None


def count_active_enrolments(db: Session, cohort_id: int) -> int:
    return db.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ACTIVE)) or 0


def count_enrolments_by_cohort(db: Session, cohort_ids: Iterable[int]) -> dict[int, int]:
    return dict(db.execute(select(Enrolment.cohort_id, func.count()).where(
        Enrolment.cohort_id.in_(list(cohort_ids))).group_by(Enrolment.cohort_id)).tuples().all())


# -- applications ---------------------------------------------------------------------------------


def user_names(db: Session, user_ids: Iterable[int]) -> dict[int, str]:
    ids = set(user_ids)
    if not ids:
        return {}
    return dict(db.execute(select(User.id, User.name).where(User.id.in_(ids))).tuples().all())


# -- enrolments and start-ups ---------------------------------------------------------------------


def list_enrolments(db: Session, *, cohort_id: int | None = None, organisation_ids: Iterable[int] | None = None,
                    status: str | None = None) -> list[Enrolment]:
    """Enrolments with their cohort (and program) and track, latest cohort first."""
    query = select(Enrolment).join(Cohort, Cohort.id == Enrolment.cohort_id).options(
        joinedload(Enrolment.cohort).joinedload(Cohort.program).joinedload(Program.venue),
        joinedload(Enrolment.track),
    )
    if cohort_id is not None:
        query = query.where(Enrolment.cohort_id == cohort_id)
    if organisation_ids is not None:
        query = query.where(Enrolment.organisation_id.in_(list(organisation_ids)))
    if status is not None:
        query = query.where(Enrolment.status == status)
    return list(db.scalars(query.order_by(Cohort.starts_on.desc(), Enrolment.id)))


def list_active_enrolments(db: Session, cohort_id: int) -> list[Enrolment]:
    return list(db.scalars(select(Enrolment).where(Enrolment.cohort_id == cohort_id,
                                                   Enrolment.status == EnrolmentStatus.ACTIVE)
                           .order_by(Enrolment.id)))


def get_enrolment(db: Session, cohort_id: int, organisation_id: int) -> Enrolment | None:
    return db.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort_id,
                                             Enrolment.organisation_id == organisation_id))


def list_startups(db: Session, *, organisation_ids: Iterable[int] | None = None) -> list[Organisation]:
    """Start-ups (organisations of kind `startup`) by name."""
    query = select(Organisation).where(Organisation.kind == "startup")
    if organisation_ids is not None:
        query = query.where(Organisation.id.in_(list(organisation_ids)))
    return list(db.scalars(query.order_by(func.lower(Organisation.name), Organisation.id)))


def get_organisation(db: Session, organisation_id: int) -> Organisation | None:
    return db.get(Organisation, organisation_id)


def find_organisation(db: Session, name: str) -> Organisation | None:
    return db.scalar(select(Organisation).where(func.lower(Organisation.name) == name.strip().lower()))


def list_dedicated_desk_ids(db: Session, venue_id: int) -> list[int]:
    """The venue's active dedicated desks, by floor and name."""
    return list(db.scalars(select(Space.id).join(Floor, Floor.id == Space.floor_id).where(
        Floor.venue_id == venue_id, Space.kind == SpaceKind.DEDICATED_DESK, Space.is_active)
        .order_by(Floor.level, Space.name)))


def credit_period_start(db: Session, organisation_id: int) -> date | None:
    """The month of the start-up's last monthly reset, if it has an account."""
    return db.scalar(select(CreditAccount.period_start).where(CreditAccount.organisation_id == organisation_id))


def has_allowance_since(db: Session, organisation_id: int, since: datetime) -> bool:
    """Whether a monthly reset credited the start-up an allowance at or after `since`."""
    return db.scalar(select(CreditEntry.id).join(CreditAccount, CreditAccount.id == CreditEntry.account_id).where(
        CreditAccount.organisation_id == organisation_id, CreditEntry.reason == CreditReason.ALLOWANCE,
        CreditEntry.at >= since).limit(1)) is not None


def list_phase_rights(db: Session, program_id: int) -> dict[str, ProgramPhaseRights]:
    """The program's settings per phase, by phase (a phase without one follows the program's rules)."""
    rows = db.scalars(select(ProgramPhaseRights).where(ProgramPhaseRights.program_id == program_id)
                      .execution_options(populate_existing=True))
    return {row.phase: row for row in rows}
