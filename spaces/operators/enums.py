"""Kinds of operator, and what a spent quota does to the next booking."""
from enum import StrEnum


class OperatorKind(StrEnum):
    ACCELERATOR = "accelerator"
    CORPORATE_PROGRAMME = "corporate_programme"
    UNIVERSITY = "university"
    FRENCH_TECH_OFFICE = "french_tech_office"


class WhenExhausted(StrEnum):
    REFUSE = "refuse"  # the booking is refused
    APPROVAL = "approval"  # the booking waits for an admin's approval
