"""Phases of a cohort, states of applications, enrolments and milestones, and start-up stages."""
from enum import StrEnum


class Phase(StrEnum):
    """A cohort's life, in order: each phase starts on its date (see `cohorts.phases`)."""

    DRAFT = "draft"
    APPLICATIONS_OPEN = "applications_open"
    SELECTION = "selection"
    RUNNING = "running"
    DEMO_DAY = "demo_day"
    ALUMNI = "alumni"


PHASE_ORDER = tuple(Phase)


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"  # at least one reviewer scored it
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"


# An application in these states awaits a decision (a waitlisted one may still be accepted).
UNDECIDED = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)
OPEN_TO_DECISION = (*UNDECIDED, ApplicationStatus.WAITLISTED)


class Decision(StrEnum):
    ACCEPT = "accept"
    WAITLIST = "waitlist"
    REJECT = "reject"


class EnrolmentStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"  # the cohort became alumni: space rights are gone


class MilestoneStatus(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Stage(StrEnum):
    IDEA = "idea"
    PROTOTYPE = "prototype"
    FIRST_CUSTOMERS = "first_customers"
    SEED = "seed"
    SERIES_A = "series_a"
    GROWTH = "growth"


class Criterion(StrEnum):
    """The review rubric: each criterion is scored from 1 to 5."""

    TEAM = "team"
    MARKET = "market"
    PRODUCT = "product"
    FIT = "fit"


def sql_list(values: tuple[str, ...] | type[StrEnum]) -> str:
    """`'a', 'b'` for a CHECK written in SQL."""
    return ", ".join(f"'{value}'" for value in values)
