"""What the waitlist's API reads and writes; times are ISO 8601 with an offset, answered in UTC."""
from pydantic import AwareDatetime, BaseModel, Field

from spaces.booking.waitlist.enums import WaitlistStatus
from spaces.booking.waitlist.models import WaitlistEntry


class WaitlistEntryIn(BaseModel):
    space_id: int
    # Aware datetimes only: a time without an offset is ambiguous, so refused (422).
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    title: str = Field(default="", max_length=200)
    startup_id: int | None = None


class WaitlistEntryOut(BaseModel):
    id: int
    space_id: int
    user_id: int
    startup_id: int | None
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    title: str
    status: WaitlistStatus
    created_at: AwareDatetime
    offered_at: AwareDatetime | None
    offer_expires_at: AwareDatetime | None = Field(description="Accept the offer before this time")
    booking_id: int | None = Field(description="The booking that holds the offered slot, then the one made")

    @classmethod
    def of(cls, entry: WaitlistEntry) -> "WaitlistEntryOut":
        return cls(
            id=entry.id, space_id=entry.space_id, user_id=entry.user_id, startup_id=entry.organisation_id,
            starts_at=entry.starts_at, ends_at=entry.ends_at, title=entry.title, status=WaitlistStatus(entry.status),
            created_at=entry.created_at, offered_at=entry.offered_at, offer_expires_at=entry.offer_expires_at,
            booking_id=entry.booking_id,
        )
