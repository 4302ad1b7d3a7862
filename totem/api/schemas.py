"""Input and output schemas of the core API, and the types of days and instants every API reads."""
from datetime import date, time
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, EmailStr, Field, WithJsonSchema

from totem.i18n import N_

WRITTEN_OUT = N_("write the date out, such as 2026-12-24 or 2026-12-24T09:00:00+01:00, not a number.")


def _written_out(value: object) -> object:
    # Pydantic reads a number, or a text of digits, as a Unix time: `?to=0` would be 1 January 1970.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(WRITTEN_OUT)
    if isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit():
        raise ValueError(WRITTEN_OUT)
    return value


# A day on the venue's calendar, "2026-12-24"; and an instant with its offset, "2026-12-24T09:00:00+01:00".
Day = Annotated[date, BeforeValidator(_written_out)]
Instant = Annotated[AwareDatetime, BeforeValidator(_written_out)]


ON_THE_VENUE_CLOCK = N_("a time on the venue's clock has no offset, such as 14:00.")


def _without_offset(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError(ON_THE_VENUE_CLOCK)
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
    """Every refusal: what went wrong in the reader's language, and a code that never changes with it."""

    detail: str = Field(description="What went wrong, in the request's Accept-Language, else the person's "
                                    "language, else the venue's")
    code: str = Field(description="A stable, language-independent code; the list is in this schema's enum "
                                  "and in the README")
    field: str | None = Field(None, description="The field at fault, when it is one")
