"""The door as the API reads and writes it: a check-in by code, its answer, an event's attendance."""
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from spaces.events import checkin

State = Literal["checked_in", "registered", "no_show", "offered", "waitlisted", "cancelled"]


class CheckInIn(BaseModel):
    code: str = Field(min_length=1, max_length=200,
                      description="The 8 characters of the registration, or the whole URL its QR code holds")


class CheckInOut(BaseModel):
    registration_id: int
    name: str
    organisation: str
    checked_in_at: AwareDatetime
    already_checked_in: bool = Field(description="True: the person was already in; nothing changed")

    @classmethod
    def of(cls, done: checkin.CheckIn) -> "CheckInOut":
        registration = done.registration
        assert registration.checked_in_at is not None
        return cls(registration_id=registration.id, name=registration.name, organisation=registration.organisation,
                   checked_in_at=registration.checked_in_at, already_checked_in=done.already)


class AttendeeOut(BaseModel):
    registration_id: int
    name: str
    email: str
    organisation: str
    state: State
    checked_in_at: AwareDatetime | None = Field(description="On the venue's clock (its UTC offset)")


class AttendanceOut(BaseModel):
    event_id: int
    registered: int
    checked_in: int
    no_shows: int = Field(description="Registered and not checked in, once the event is over (0 before)")
    waitlisted: int
    cancelled: int
    is_over: bool
    attendees: list[AttendeeOut]
