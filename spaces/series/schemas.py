"""What the API reads and writes for recurring series; times are ISO 8601 with an offset, answered in UTC."""
from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from spaces.booking.models import Booking
from spaces.booking.schemas import BookingOut
from spaces.series.enums import SeriesSkip
from spaces.series.models import BookingSeries
from spaces.series.occurrences import SkippedDay
from totem.api.schemas import WallClockTime
from totem.i18n import translate

Scope = Literal["one", "following", "all", "range"]


class SeriesIn(BaseModel):
    space_id: int
    # The first occurrence; the series starts on the rule's first day on or after it.
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    rrule: str = Field(max_length=200, description="An RFC 5545 weekly rule: FREQ=WEEKLY with BYDAY, INTERVAL, "
                                                   "COUNT or UNTIL; neither COUNT nor UNTIL: until cancelled",
                       examples=["FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10"])
    title: str = Field(default="", max_length=200)
    startup_id: int | None = None
    user_id: int | None = Field(default=None, description="Book for a colleague (staff: for anyone)")
    on_conflict: Literal["fail", "skip"] = Field(
        default="fail", description="fail: book nothing if a date is not available; skip: book the others")


class SeriesCancelIn(BaseModel):
    scope: Scope
    day: date | None = Field(default=None, description="The date (one), the first date (following, range)")
    until: date | None = Field(default=None, description="The last date of the period (range)")


class SeriesEditIn(SeriesCancelIn):
    start_time: WallClockTime | None = Field(default=None, description="The new start, on the venue's clock")
    duration_minutes: int | None = Field(default=None, gt=0)
    space_id: int | None = None


class SkippedOut(BaseModel):
    day: date
    reason: SeriesSkip
    message: str

    @classmethod
    def of(cls, skipped: SkippedDay, locale: str) -> "SkippedOut":
        return cls(day=skipped.day, reason=skipped.reason, message=translate(locale, skipped.message, **skipped.params))


class SeriesOut(BaseModel):
    id: int
    space_id: int
    user_id: int
    startup_id: int | None
    title: str
    rrule: str
    first_day: date
    until_day: date | None = Field(description="The last date; null: until cancelled")
    start_time: WallClockTime = Field(description="On the venue's clock, whatever the season")
    duration_minutes: int
    timezone: str
    booked_through: date = Field(description="Later dates are booked by a job as they come within reach")
    cancelled_at: AwareDatetime | None
    bookings: list[BookingOut]
    skipped: list[SkippedOut]

    @classmethod
    def of(cls, series: BookingSeries, bookings: list[Booking], skipped: list[SkippedDay], locale: str) -> "SeriesOut":
        return cls(
            id=series.id, space_id=series.space_id, user_id=series.user_id, startup_id=series.organisation_id,
            title=series.title, rrule=series.rrule, first_day=series.first_day, until_day=series.until_day,
            start_time=series.start_time, duration_minutes=series.duration_minutes,
            timezone=series.space.floor.venue.timezone, booked_through=series.materialised_until,
            cancelled_at=series.cancelled_at, bookings=[BookingOut.of(booking) for booking in bookings],
            skipped=[SkippedOut.of(skip, locale) for skip in skipped],
        )


class ConflictOut(BaseModel):
    """A 409 for a series: the dates that could not be booked or moved, and why."""

    detail: str
    code: Literal["series_conflict"]
    dates: list[SkippedOut]
