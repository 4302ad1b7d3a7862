"""What the API reads and writes; times are ISO 8601 with an offset, answered in UTC."""
from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking


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


