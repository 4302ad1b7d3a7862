"""Input and output schemas of the core API."""
from datetime import time
from typing import Annotated

from pydantic import AfterValidator, BaseModel, EmailStr, WithJsonSchema


def _without_offset(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("a time on the venue's clock has no offset")
    return value


# A time of day on a venue's wall clock, "14:00" or "14:00:00". JSON Schema's `time` format is RFC 3339's
# full-time, whose offset is required: the API declares what it reads and writes instead.
WallClockTime = Annotated[time, AfterValidator(_without_offset), WithJsonSchema(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$", "examples": ["14:00"]})]


class TokenRequest(BaseModel):
    email: EmailStr
    password: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class StartupRef(BaseModel):
    id: int
    name: str


class MeOut(BaseModel):
    id: int
    email: str
    name: str
    locale: str
    roles: list[str]
    startups: list[StartupRef]
    calendar_url: str


class ErrorOut(BaseModel):
    detail: str
