"""Kinds and sizes of the territory's actors."""
from enum import StrEnum


class ActorKind(StrEnum):
    STARTUP = "startup"
    SME = "sme"
    CORPORATE = "corporate"
    INCUBATOR = "incubator"  # incubators and accelerators
    INVESTOR = "investor"
    CLUB = "club"  # business clubs and networks
    LAB = "lab"  # research labs and schools
    PUBLIC_BODY = "public_body"


class ActorSize(StrEnum):
    """Head count bands, as INSEE counts them."""

    MICRO = "micro"  # under 10
    SMALL = "small"  # 10 to 49
    MEDIUM = "medium"  # 50 to 249
    LARGE = "large"  # 250 and more


class ActorStatus(StrEnum):
    PENDING = "pending"  # signed up, waits for a manager
    APPROVED = "approved"
    DECLINED = "declined"


class TagSide(StrEnum):
    OFFERS = "offers"
    NEEDS = "needs"
