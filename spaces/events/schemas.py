"""Events and registrations as the API reads and writes them."""
from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field, field_validator

from spaces.events.enums import Audience, EventKind, EventStatus, RegistrationStatus
from spaces.events.service import CAPACITY_MAX, DESCRIPTION_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX
from totem.api.schemas import Instant

ID = Field(ge=1, le=2**31 - 1)


class EventIn(BaseModel):
    """An event of an operator in one of the building's spaces, booked for it in the same request."""

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    kind: EventKind = EventKind.MEETUP
    audience: Audience = Field(Audience.PUBLIC, description="`members`: shown to signed-in members only")
    space_id: int = ID
    starts_at: Instant
    ends_at: Instant
    capacity: int = Field(ge=1, le=CAPACITY_MAX)
    description_fr: str = Field("", max_length=DESCRIPTION_MAX)
    description_en: str = Field("", max_length=DESCRIPTION_MAX)
    registration_opens_at: Instant | None = Field(None, description="None: open from now")
    registration_closes_at: Instant | None = Field(None, description="None: until the event starts")
    tags: list[str] = Field(default_factory=list, max_length=TAGS_MAX,
                            description="Topics; a program's track matches the tag of its name's slug")
    operator_id: int | None = Field(None, ge=1, le=2**31 - 1,
                                    description="Default: the first operator you manage; ignored on update")

    @field_validator("tags")
    @classmethod
    def _short_tags(cls, tags: list[str]) -> list[str]:
        if any(len(tag) > TAG_MAX for tag in tags):
            raise ValueError(f"a tag has at most {TAG_MAX} characters")
        return tags


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str = Field(description="In the public page's address: /events/{slug}")
    operator_id: int
    space_id: int
    booking_id: int | None
    kind: EventKind
    audience: Audience
    status: EventStatus
    title: str
    description_fr: str
    description_en: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    capacity: int
    seats_taken: int = Field(description="Registered, and seats offered to the waiting list")
    seats_left: int
    registration_opens_at: AwareDatetime | None
    registration_closes_at: AwareDatetime | None
    tag_slugs: list[str]


class RegistrationIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr = Field(max_length=254)
    organisation: str = Field("", max_length=200)
    consent: bool = Field(description="The person agrees that their registration is kept; must be true")
    locale: str = Field("fr", pattern="^(fr|en)$", description="The language of their e-mails")


class RegistrationReceipt(BaseModel):
    """What registering answers: no link nor code (those go by e-mail to the address's owner)."""

    event_id: int
    status: RegistrationStatus
    is_new: bool = Field(description="False: this e-mail was already registered or waiting; nothing changed")


class RegistrationOut(BaseModel):
    """A registration as the event's staff see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    name: str
    email: str
    organisation: str
    locale: str
    status: RegistrationStatus
    code: str = Field(description="The door code, also in the person's QR code")
    queued_at: AwareDatetime = Field(description="The waiting list's order")
    offered_at: AwareDatetime | None
    offer_expires_at: AwareDatetime | None
    checked_in_at: AwareDatetime | None
    cancelled_at: AwareDatetime | None
    created_at: AwareDatetime
