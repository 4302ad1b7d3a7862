"""Phases of a cohort, states of applications, enrolments and milestones, and start-up stages."""
from enum import StrEnum


class Phase(StrEnum):
    """A cohort's life, in order: each phase starts on its date (see `cohorts.programs.phases`)."""

    DRAFT = "draft"
    APPLICATIONS_OPEN = "applications_open"
    SELECTION = "selection"
    RUNNING = "running"
    DEMO_DAY = "demo_day"
    ALUMNI = "alumni"


PHASE_ORDER = tuple(Phase)
# The phases in which enrolled start-ups may hold space rights and credits, each settable per program.
RIGHTS_PHASES = (Phase.SELECTION, Phase.RUNNING, Phase.DEMO_DAY)


class EnrolmentStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"  # the cohort became alumni: space rights are gone


def sql_list(values: tuple[str, ...] | type[StrEnum]) -> str:
    """`'a', 'b'` for a CHECK written in SQL."""
    return ", ".join(f"'{value}'" for value in values)
