"""The territory's actors as the API reads and writes them."""
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field

from cohorts.territory.enums import ActorKind, ActorSize, ActorStatus
from cohorts.territory.service import ABOUT_MAX, CITY_MAX, LANGUAGES, NAME_MAX, TAGS_MAX

Code = str  # a vocabulary word's code, as GET /territory/vocabulary lists them


class WordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name_fr: str
    name_en: str


class VocabularyOut(BaseModel):
    sectors: list[WordOut]
    tags: list[WordOut] = Field(description="What an actor offers and what it looks for")


class PublishedActorOut(BaseModel):
    """What the directory shows; a part the actor keeps to itself is null (or empty)."""

    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str
    kind: ActorKind
    sectors: list[WordOut]
    languages: list[str]
    city: str | None
    size: ActorSize | None
    about: str | None
    looking_for: str | None
    website: str | None
    offers: list[WordOut]
    needs: list[WordOut]


class DirectoryOut(BaseModel):
    total: int
    actors: list[PublishedActorOut]


class Shown(BaseModel):
    """Which parts the directory shows, once the actor is listed (all by default)."""

    city: bool = True
    size: bool = True
    about: bool = True
    tags: bool = True
    website: bool = True


class ActorIn(BaseModel):
    kind: ActorKind
    name: str = Field("", max_length=NAME_MAX,
                      description="An organisation of the territory's; ignored for the building's start-ups and operators")
    city: str = Field("", max_length=CITY_MAX)
    size: ActorSize | None = None
    about: str = Field("", max_length=ABOUT_MAX)
    looking_for: str = Field("", max_length=ABOUT_MAX)
    website: str = Field("", max_length=300)
    languages: list[Literal[LANGUAGES]] = Field([], max_length=len(LANGUAGES))  # type: ignore[valid-type]
    sectors: list[Code] = Field([], max_length=TAGS_MAX)
    offers: list[Code] = Field([], max_length=TAGS_MAX)
    needs: list[Code] = Field([], max_length=TAGS_MAX)
    listed: bool = Field(False, description="In the public directory: the actor's consent, recorded with who gave it")
    shown: Shown = Shown()


class ActorOut(PublishedActorOut):
    """An actor as the managers see it: every part, and what it publishes."""

    id: int
    status: ActorStatus
    listed: bool
    shown: Shown
    listing_consent_at: AwareDatetime | None
    updated_at: AwareDatetime


class SignUpIn(BaseModel):
    """An organisation signing itself up, without an account: it waits for a manager's approval."""

    organisation: ActorIn
    applicant_name: str = Field(min_length=1, max_length=NAME_MAX)
    applicant_email: EmailStr = Field(max_length=254, description="Told of the managers' decision")
    consent: bool = Field(description="The applicant may speak for the organisation and agrees to the listing")


class SignUpOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    status: ActorStatus
