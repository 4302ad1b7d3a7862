"""The states of a waitlist entry."""
from enum import StrEnum


class WaitlistStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"  # a freed slot is held for them until `offer_expires_at`
    BOOKED = "booked"
    EXPIRED = "expired"  # the offer ran out, or the wanted time passed
    WITHDRAWN = "withdrawn"
