"""Programs, their managers and their sector tracks: what staff set up before running cohorts."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from cohorts.programs import permissions as _permissions  # noqa: F401  (registers the rules checked here)
from cohorts.programs import queries
from cohorts.programs.models import Cohort, Enrolment, Program, ProgramManager, Track
from spaces.operators import permissions as _operator_permissions  # noqa: F401  (registers "operator.manage")
from spaces.operators import queries as operator_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Venue
from totem import audit
from totem.errors import Conflict, Forbidden, Invalid, NotFound
from totem.i18n import N_, said
from totem.identity.models import User
from totem.permissions import can, is_staff, require
from totem.text import bounded

NAME_MAX = 200
TRACK_NAME_MAX = 100
DESCRIPTION_MAX = 2000


@dataclass(frozen=True)
class ProgramData:
    """A program's fields as a form or the API gives them."""

    name: str
    venue_id: int
    description: str = ""
    monthly_credits: int = 0
    space_kinds: tuple[str, ...] = ()
    desks_per_startup: int = 0
    manager_ids: tuple[int, ...] = field(default=())
    operator_id: int | None = None  # None: the creator's operator (or the building's first); on edit, unchanged

    def cleaned(self) -> "ProgramData":
        name = self.name.strip()
        if not name:
            raise Invalid("Enter the program's name.", field="name")
        if len(name) > NAME_MAX:
            raise Invalid("Keep the name under {length} characters.", field="name", length=NAME_MAX + 1)
        if self.monthly_credits < 0:
            raise Invalid("Monthly credits cannot be negative.", field="monthly_credits")
        if self.desks_per_startup < 0:
            raise Invalid("The number of desks cannot be negative.", field="desks_per_startup")
        kinds = tuple(sorted(set(self.space_kinds)))
        if set(kinds) - {kind.value for kind in SpaceKind}:
            raise Invalid("Unknown kind of space.", field="space_kinds")
        description = bounded(self.description, field="description", longest=DESCRIPTION_MAX)
        return ProgramData(name, self.venue_id, description, self.monthly_credits, kinds,
                           self.desks_per_startup, tuple(sorted(set(self.manager_ids))), self.operator_id)


def get_program(db: Session, program_id: int) -> Program:
    program = queries.get_program(db, program_id)
    if program is None:
        raise NotFound("No such program.")
    return program


def get_managed_program(db: Session, *, actor: User, program_id: int) -> Program:
    """The program if the actor runs it; NotFound for members, Forbidden for other programs' managers."""
    program = queries.get_program(db, program_id)
    if program is None or not is_staff(actor):
        raise NotFound("No such program.")
    require(actor, "program.manage", program)
    return program


def list_programs(db: Session) -> list[Program]:
    return queries.list_programs(db)


def list_programs_run_by(db: Session, *, actor: User) -> list[Program]:
    """Every program for the building's admins; for a manager, those they run (their operator's and their own)."""
    return [program for program in queries.list_programs(db) if may_manage(actor, program)]


def may_manage(actor: User, program: Program) -> bool:
    return can(actor, "program.manage", program)


def create_program(db: Session, *, actor: User, data: ProgramData, now: datetime) -> Program:
    """A new program; its creator runs it, with the managers chosen."""
    require(actor, "program.create")
    data = data.cleaned()
    _check_venue_and_name(db, data)
    program = Program(name=data.name, venue_id=data.venue_id, operator_id=_operator_for_new(db, actor, data),
                      description=data.description,
                      monthly_credits=data.monthly_credits, space_kinds=list(data.space_kinds),
                      desks_per_startup=data.desks_per_startup, created_at=now)
    program.managers = [ProgramManager(user_id=user_id) for user_id in _manager_ids(db, data, actor)]
    db.add(program)
    db.flush()
    audit.record(db, actor=actor, action="program.create", obj=program, summary=said(N_("created {name}"), name=program.name), now=now)
    return get_program(db, program.id)


def update_program(db: Session, *, actor: User, program_id: int, data: ProgramData, now: datetime) -> Program:
    """Change the program's name, description, rules and managers (the rules apply to later enrolments)."""
    program = get_managed_program(db, actor=actor, program_id=program_id)
    data = data.cleaned()
    _check_venue_and_name(db, data, excluding=program.id)
    if data.venue_id != program.venue_id and db.scalar(select(Cohort.id).where(Cohort.program_id == program.id)):
        raise Conflict("A program with cohorts cannot move to another venue.", field="venue_id")
    program.name, program.venue_id, program.description = data.name, data.venue_id, data.description
    program.monthly_credits, program.space_kinds = data.monthly_credits, list(data.space_kinds)
    program.desks_per_startup = data.desks_per_startup
    if data.operator_id is not None and data.operator_id != program.operator_id:
        require(actor, "operator.manage")  # only the building's admins move a program to another operator
        program.operator_id = _existing_operator(db, data.operator_id)
    wanted = set(_manager_ids(db, data, None))
    if not wanted:
        raise Invalid("A program needs at least one manager.", field="manager_ids")
    program.managers = [m for m in program.managers if m.user_id in wanted] + [
        ProgramManager(user_id=user_id) for user_id in sorted(wanted - program.listed_manager_ids)]
    db.flush()
    audit.record(db, actor=actor, action="program.update", obj=program, summary=said(N_("updated {name}"), name=program.name), now=now)
    return get_program(db, program.id)


def _check_venue_and_name(db: Session, data: ProgramData, *, excluding: int | None = None) -> None:
    if db.get(Venue, data.venue_id) is None:
        raise Invalid("No such venue.", field="venue_id")
    query = select(Program.id).where(Program.venue_id == data.venue_id, Program.name == data.name)
    if excluding is not None:
        query = query.where(Program.id != excluding)
    if db.scalar(query) is not None:
        raise Conflict("A program of this venue already has this name.", field="name")


def _operator_for_new(db: Session, actor: User, data: ProgramData) -> int:
    """The operator chosen (a manager may choose only one of theirs), else the creator's, else the building's first."""
    own = operator_queries.list_operators(db, managed_by=actor.id)
    if data.operator_id is not None:
        if not can(actor, "operator.manage") and data.operator_id not in {operator.id for operator in own}:
            raise Forbidden("You may create programs for your own operator only.")
        return _existing_operator(db, data.operator_id)
    if own:
        return own[0].id
    first = operator_queries.list_operators(db)
    if not first:
        raise Invalid("Create the program's operator first.", field="operator_id")
    return first[0].id


def _existing_operator(db: Session, operator_id: int) -> int:
    if operator_queries.get_operator(db, operator_id) is None:
        raise Invalid("No such operator.", field="operator_id")
    return operator_id


def _manager_ids(db: Session, data: ProgramData, creator: User | None) -> list[int]:
    """The chosen managers, who must be staff; the creator is always one."""
    ids = set(data.manager_ids) | ({creator.id} if creator else set())
    staff = {user.id for user in queries.list_staff(db)}
    if ids - staff:
        raise Invalid("Only managers and admins can run a program.", field="manager_ids")
    return sorted(ids)


# -- tracks ---------------------------------------------------------------------------------------


def add_track(db: Session, *, actor: User, program_id: int, name: str, description: str, now: datetime) -> Track:
    program = get_managed_program(db, actor=actor, program_id=program_id)
    name = _track_name(db, program.id, name)
    description = bounded(description, field="description", longest=DESCRIPTION_MAX)
    track = Track(program_id=program.id, name=name, description=description)
    db.add(track)
    db.flush()
    audit.record(db, actor=actor, action="track.create", obj=track, now=now,
                 summary=said(N_("{program}: track {track}"), program=program.name, track=name))
    return track


def update_track(db: Session, *, actor: User, track_id: int, name: str, description: str, now: datetime) -> Track:
    track = _managed_track(db, actor, track_id)
    description = bounded(description, field="description", longest=DESCRIPTION_MAX)
    track.name = _track_name(db, track.program_id, name, excluding=track.id)
    track.description = description
    db.flush()
    audit.record(db, actor=actor, action="track.update", obj=track, summary=said(N_("renamed {name}"), name=track.name), now=now)
    return track


def delete_track(db: Session, *, actor: User, track_id: int, now: datetime) -> None:
    """Remove a track nobody applied or enrolled in."""
    track = _managed_track(db, actor, track_id)
    used = db.scalar(select(exists().where(Enrolment.track_id == track.id))) or db.scalar(
        select(Track.applications.any()).where(Track.id == track.id))
    if used:
        raise Conflict("Start-ups applied or enrolled in this track: it cannot be removed.")
    db.delete(track)
    db.flush()
    audit.record(db, actor=actor, action="track.delete", obj=track, summary=said(N_("removed {name}"), name=track.name), now=now)


def _managed_track(db: Session, actor: User, track_id: int) -> Track:
    track = queries.get_track(db, track_id)
    if track is None or not is_staff(actor):
        raise NotFound("No such track.")
    require(actor, "program.manage", track.program)
    return track


def _track_name(db: Session, program_id: int, name: str, *, excluding: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise Invalid("Enter the track's name.", field="name")
    if len(name) > TRACK_NAME_MAX:
        raise Invalid("Keep the name under {length} characters.", field="name", length=TRACK_NAME_MAX + 1)
    if queries.track_name_taken(db, program_id, name, excluding=excluding):
        raise Conflict("This program already has a track of this name.", field="name")
    return name


def track_of(program: Program, track_id: int | None) -> Track | None:
    """The program's track with this id; Invalid if it belongs to another program."""
    if track_id is None:
        return None
    track = next((t for t in program.tracks if t.id == track_id), None)
    if track is None:
        raise Invalid("Choose one of the program's tracks.", field="track_id")
    return track

