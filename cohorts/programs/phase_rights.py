"""Credits and space rights per phase: what a program's enrolled start-ups hold during selection, running and demo day.

A phase without a setting follows the program's own `monthly_credits` and `space_kinds` while the cohort runs
(running, demo day); the selection then gives nothing, as rights begin with the cohort. A change of setting applies
at the next phase change (the phase job, or a manager's move) and to later enrolments.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from cohorts.programs import queries
from cohorts.programs import service as programs
from cohorts.programs.enums import RIGHTS_PHASES, Phase
from cohorts.programs.labels import PHASE_LABELS
from cohorts.programs.models import Program, ProgramPhaseRights
from spaces.venues.enums import SpaceKind
from totem import audit
from totem.errors import Invalid
from totem.i18n import said
from totem.identity.models import User

CREDITS_MOST = 100_000  # far above any program's month, far below what the column holds


@dataclass(frozen=True)
class PhaseRightsData:
    """A phase's setting as a form or the API gives it."""

    monthly_credits: int
    space_kinds: tuple[str, ...] = ()

    def cleaned(self) -> "PhaseRightsData":
        if not 0 <= self.monthly_credits <= CREDITS_MOST:
            raise Invalid("Give between 0 and {most} credits a month.", field="monthly_credits", most=CREDITS_MOST)
        kinds = tuple(sorted(set(self.space_kinds)))
        if set(kinds) - {kind.value for kind in SpaceKind}:
            raise Invalid("Unknown kind of space.", field="space_kinds")
        return PhaseRightsData(self.monthly_credits, kinds)


@dataclass(frozen=True)
class Rights:
    """What the enrolled start-ups hold during a phase; `is_set`: the program's setting, else its own rules."""

    phase: Phase
    monthly_credits: int
    space_kinds: tuple[str, ...]  # empty: every kind
    is_set: bool


def rights_in(program: Program, phase: Phase | str, settings: dict[str, ProgramPhaseRights]) -> Rights | None:
    """The rights of `phase`: its setting, else the program's while the cohort runs; None when nothing is held."""
    phase = Phase(phase)
    if phase not in RIGHTS_PHASES:
        return None
    row = settings.get(phase)
    if row is not None:
        return Rights(phase, row.monthly_credits, tuple(sorted(row.space_kinds)), True)
    if phase == Phase.SELECTION:
        return None
    return Rights(phase, program.monthly_credits, tuple(sorted(program.space_kinds)), False)


def phase_rights(db: Session, program: Program, phase: Phase | str) -> Rights | None:
    return rights_in(program, phase, queries.list_phase_rights(db, program.id))


def has_selection_rights(db: Session, program: Program) -> bool:
    """Whether the program gives rights from the selection on (its start-ups' grants then begin with it)."""
    return Phase.SELECTION in queries.list_phase_rights(db, program.id)


def list_phase_rights(db: Session, *, actor: User, program_id: int) -> tuple[Program, list[Rights | None]]:
    """The program (if the actor runs it) and the rights of each of its phases, selection first."""
    program = programs.get_managed_program(db, actor=actor, program_id=program_id)
    settings = queries.list_phase_rights(db, program.id)
    return program, [rights_in(program, phase, settings) for phase in RIGHTS_PHASES]


def set_phase_rights(
    db: Session, *, actor: User, program_id: int, phase: str, data: PhaseRightsData | None, now: datetime,
) -> Rights | None:
    """Set a phase's credits and kinds of space, or with `None` make it follow the program's rules again.

    Recorded in the audit log when it changes; applied at the next phase change.
    """
    program = programs.get_managed_program(db, actor=actor, program_id=program_id)
    try:
        wanted = Phase(phase)
    except ValueError:
        raise Invalid("Unknown phase.", field="phase") from None
    if wanted not in RIGHTS_PHASES:
        raise Invalid("Rights are set for the selection, the running phase and the demo day only.", field="phase")
    settings = queries.list_phase_rights(db, program.id)
    row = settings.get(wanted)
    if data is None:
        if row is None:
            return rights_in(program, wanted, settings)
        db.delete(row)
        summary = said("{program}, {phase}: the program's rules", program=program.name, phase=[PHASE_LABELS[wanted]])
    else:
        data = data.cleaned()
        if row is not None and (row.monthly_credits, tuple(sorted(row.space_kinds))) == (data.monthly_credits,
                                                                                        data.space_kinds):
            return rights_in(program, wanted, settings)
        if row is None:
            row = ProgramPhaseRights(program_id=program.id, phase=wanted)
            db.add(row)
        row.monthly_credits, row.space_kinds = data.monthly_credits, list(data.space_kinds)
        summary = said("{program}, {phase}: {credits} credits a month, {kinds}", program=program.name,
                       phase=[PHASE_LABELS[wanted]], credits=data.monthly_credits,
                       kinds=", ".join(data.space_kinds) or "*")
    db.flush()
    audit.record(db, actor=actor, action="program.phase_rights", obj=program, now=now, summary=summary)
    return phase_rights(db, program, wanted)
