"""Visitors as the API reads and writes them."""
from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field

from totem.api.schemas import Day, WallClockTime


class GuestIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr = Field(max_length=254)
    organisation: str = Field("", max_length=200)


class VisitorsIn(BaseModel):
    """Guests expected for one host at one moment: one by one, or a whole mentor day or event at once."""

    guests: list[GuestIn] = Field(min_length=1, max_length=100)
    day: Day = Field(description="The venue's local day")
    time: WallClockTime = Field(description="On the venue's clock")
    reason: str = Field("", max_length=300)
    host_id: int | None = Field(None, ge=1, le=2**31 - 1,
                                description="Staff only: register the guests for someone else; default yourself")


class WalkInIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    organisation: str = Field("", max_length=200)
    reason: str = Field("", max_length=300)
    host_id: int = Field(ge=1, le=2**31 - 1)


class VisitorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str | None
    organisation: str
    reason: str
    host_id: int
    expected_at: AwareDatetime
    walk_in: bool
    code: str = Field(description="Typed at the front desk, or read from the guest's QR code")
    checked_in_at: AwareDatetime | None
    cancelled_at: AwareDatetime | None
