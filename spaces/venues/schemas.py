"""Venues, spaces and dedicated desks as the API reads and writes them."""
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from spaces.venues.enums import SpaceKind
from spaces.venues.models import DeskAllocation
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
