"""The states of applications and milestones, start-ups' stages and the review rubric's criteria."""
from enum import StrEnum


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
