"""Why a credit account moved."""
from enum import StrEnum


class CreditReason(StrEnum):
    ALLOWANCE = "allowance"  # the month's allowance, at the monthly reset
    EXPIRY = "expiry"  # what was left of last month's, at the monthly reset
    BOOKING = "booking"
    REFUND = "refund"  # a booking cancelled in time
    ADJUSTMENT = "adjustment"  # by a manager, with a note
