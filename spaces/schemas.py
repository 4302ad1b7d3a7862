"""What the API reads and writes; times are ISO 8601 with an offset, answered in UTC."""
from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from spaces.enums import BookingStatus, CreditReason, SpaceKind
from spaces.models import Booking, DeskAllocation
from totem.api.schemas import WallClockTime


class OpeningHoursOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    weekday: int = Field(description="0 is Monday")
    opens_at: WallClockTime
    closes_at: WallClockTime


class VenueOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    timezone: str
    observes_public_holidays: bool
    check_in_grace_minutes: int
    opening_hours: list[OpeningHoursOut]


class SpaceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: SpaceKind
    capacity: int
    floor_id: int
    zone_id: int | None
    amenities: list[str]


class SlotOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    starts_at: AwareDatetime
    ends_at: AwareDatetime


class FreeSlotsOut(BaseModel):
    space_id: int
    day: date
    slots: list[SlotOut]


class BookingIn(BaseModel):
    space_id: int
    # Aware datetimes only: a time without an offset is ambiguous, so refused (422).
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    title: str = Field(default="", max_length=200)
    startup_id: int | None = None
    user_id: int | None = Field(default=None, description="Book for a colleague of your start-up (staff: anyone)")


class BookingMoveIn(BaseModel):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    space_id: int | None = Field(default=None, description="Another space; by default the same")


class BookingOut(BaseModel):
    id: int
    space_id: int
    user_id: int
    startup_id: int | None
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    status: BookingStatus
    title: str
    created_at: AwareDatetime
    checked_in_at: AwareDatetime | None
    cancelled_at: AwareDatetime | None
    series_id: int | None

    @classmethod
    def of(cls, booking: Booking) -> "BookingOut":
        return cls(
            id=booking.id, space_id=booking.space_id, user_id=booking.user_id, startup_id=booking.organisation_id,
            starts_at=booking.starts_at, ends_at=booking.ends_at, status=BookingStatus(booking.status),
            title=booking.title, created_at=booking.created_at, checked_in_at=booking.checked_in_at,
            cancelled_at=booking.cancelled_at, series_id=booking.series_id,
        )


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


class DeskAllocationIn(BaseModel):
    space_id: int
    startup_id: int
    starts_on: date
    ends_on: date = Field(description="The last day, included")


class DeskAllocationOut(BaseModel):
    id: int
    space_id: int
    startup_id: int
    starts_on: date
    ends_on: date

    @classmethod
    def of(cls, allocation: DeskAllocation) -> "DeskAllocationOut":
        return cls(id=allocation.id, space_id=allocation.space_id, startup_id=allocation.organisation_id,
                   starts_on=allocation.starts_on, ends_on=allocation.ends_on)
