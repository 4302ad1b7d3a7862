"""The JSON shapes of mentors' availability: office hours, days away and free slots."""
from datetime import date
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, Field

from cohorts import availability
from cohorts.availability import MAX_EVERY_WEEKS, REASON_MAX, Slot
from cohorts.models import AvailabilityException, OfficeHours
from totem.api.schemas import WallClockTime


class OfficeHoursIn(BaseModel):
    weekdays: list[int] = Field(min_length=1, max_length=7, description="0 is Monday, 6 is Sunday")
    starts_at: WallClockTime = Field(description="The venue's wall clock, e.g. 14:00")
    ends_at: WallClockTime = Field(description="The venue's wall clock, e.g. 17:00")
    first_day: date
    last_day: date | None = Field(default=None, description="Included; none: until removed")
    every_weeks: int = Field(default=1, ge=1, le=MAX_EVERY_WEEKS)

    def data(self) -> availability.OfficeHoursData:
        return availability.OfficeHoursData(weekdays=self.weekdays, starts_at=self.starts_at, ends_at=self.ends_at,
                                            first_day=self.first_day, last_day=self.last_day,
                                            every_weeks=self.every_weeks)


class OfficeHoursOut(BaseModel):
    id: int
    mentor_id: int
    weekdays: list[int] = Field(description="0 is Monday")
    starts_at: WallClockTime = Field(description="The venue's wall clock")
    ends_at: WallClockTime = Field(description="The venue's wall clock")
    first_day: date
    last_day: date | None
    every_weeks: int
    rrule: str = Field(description="RFC 5545 RRULE, on the venue's wall clock")
    timezone: str = Field(description="The venue's time zone (IANA)")

    @classmethod
    def of(cls, office_hours: OfficeHours, timezone: str) -> "OfficeHoursOut":
        return cls(id=office_hours.id, mentor_id=office_hours.mentor_id,
                   weekdays=availability.weekdays(office_hours), starts_at=office_hours.starts_at,
                   ends_at=office_hours.ends_at, first_day=office_hours.first_day, last_day=office_hours.last_day,
                   every_weeks=availability.every_weeks(office_hours), rrule=office_hours.rule, timezone=timezone)


class ExceptionIn(BaseModel):
    first_day: date
    last_day: date = Field(description="Included")
    reason: str = Field(default="", max_length=REASON_MAX)


class ExceptionOut(BaseModel):
    id: int
    mentor_id: int
    first_day: date
    last_day: date
    reason: str

    @classmethod
    def of(cls, exception: AvailabilityException) -> "ExceptionOut":
        return cls(id=exception.id, mentor_id=exception.mentor_id, first_day=exception.first_day,
                   last_day=exception.last_day, reason=exception.reason)


class SlotOut(BaseModel):
    starts_at: AwareDatetime = Field(description="With the venue's offset")
    ends_at: AwareDatetime

    @classmethod
    def of(cls, slot: Slot, timezone: str) -> "SlotOut":
        zone = ZoneInfo(timezone)
        return cls(starts_at=slot.starts_at.astimezone(zone), ends_at=slot.ends_at.astimezone(zone))

