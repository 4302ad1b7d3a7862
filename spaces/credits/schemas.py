"""A start-up's credits as the API answers them."""
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from spaces.credits.enums import CreditReason


class CreditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: AwareDatetime
    amount: int = Field(description="Positive: credited; negative: debited")
    reason: CreditReason
    booking_id: int | None
    note: str


class CreditsOut(BaseModel):
    startup_id: int
    balance: int
    allowance: int = Field(description="Credits given at the last monthly reset")
    entries: list[CreditEntryOut]
