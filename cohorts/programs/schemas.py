"""What the cohorts API reads and writes; dates are ISO 8601 days on the venue's calendar."""
from datetime import date

from pydantic import BaseModel, Field

from cohorts.programs.enums import Phase
from cohorts.programs.models import Cohort, Program, Track
from spaces.venues.enums import SpaceKind


class TrackRef(BaseModel):
    id: int
    name: str


class TrackOut(TrackRef):
    program_id: int
    description: str

    @classmethod
    def of(cls, track: Track) -> "TrackOut":
        return cls(id=track.id, name=track.name, program_id=track.program_id, description=track.description)


class TrackIn(BaseModel):
    name: str = Field(max_length=100)
    description: str = ""


class ProgramIn(BaseModel):
    name: str = Field(max_length=200)
    venue_id: int
    description: str = ""
    monthly_credits: int = Field(0, ge=0, description="Room credits each enrolled start-up gets a month")
    space_kinds: list[SpaceKind] = Field(default=[], description="Kinds of space it may book; empty: every kind")
    desks_per_startup: int = Field(0, ge=0, description="Dedicated desks allocated to each enrolled start-up")
    manager_ids: list[int] = Field(default=[], description="Staff who run it, besides you and its operator's managers")
    operator_id: int | None = Field(None, description="The operator running it; default: yours (admins: the first)")


class ProgramOut(BaseModel):
    id: int
    name: str
    venue_id: int
    description: str
    monthly_credits: int
    space_kinds: list[str]
    desks_per_startup: int
    manager_ids: list[int]
    operator_id: int
    tracks: list[TrackRef]

    @classmethod
    def of(cls, program: Program) -> "ProgramOut":
        return cls(id=program.id, name=program.name, venue_id=program.venue_id, description=program.description,
                   monthly_credits=program.monthly_credits, space_kinds=list(program.space_kinds),
                   desks_per_startup=program.desks_per_startup, manager_ids=sorted(program.listed_manager_ids),
                   operator_id=program.operator_id,
                   tracks=[TrackRef(id=t.id, name=t.name) for t in program.tracks])


class PhaseRightsIn(BaseModel):
    monthly_credits: int = Field(ge=0, le=100_000, description="Room credits each enrolled start-up gets a month "
                                                                "during the phase")
    space_kinds: list[SpaceKind] = Field(default=[], description="Kinds of space it may book; empty: every kind")


class PhaseRightsOut(BaseModel):
    phase: Phase
    is_set: bool = Field(description="False: the phase follows the program's own credits and kinds (running, demo "
                                     "day) or gives nothing (selection)")
    holds_rights: bool = Field(description="Whether enrolled start-ups hold space rights during the phase")
    monthly_credits: int
    space_kinds: list[str]


class CohortIn(BaseModel):
    program_id: int
    name: str = Field(max_length=200)
    capacity: int = Field(ge=1)
    applications_open_on: date
    selection_on: date = Field(description="Applications close and the selection starts")
    starts_on: date
    demo_day_on: date
    ends_on: date = Field(description="The last day; the cohort is alumni the day after")


class PhaseIn(BaseModel):
    phase: Phase


class CohortOut(BaseModel):
    id: int
    name: str
    program: str = Field(description="The program's name")
    program_id: int
    phase: Phase
    starts_on: date
    ends_on: date
    applications_open_on: date
    selection_on: date
    demo_day_on: date
    capacity: int
    tracks: list[TrackRef]

    @classmethod
    def of(cls, cohort: Cohort) -> "CohortOut":
        return cls(id=cohort.id, name=cohort.name, program=cohort.program.name, program_id=cohort.program_id,
                   phase=Phase(cohort.phase), starts_on=cohort.starts_on, ends_on=cohort.ends_on,
                   applications_open_on=cohort.applications_open_on, selection_on=cohort.selection_on,
                   demo_day_on=cohort.demo_day_on, capacity=cohort.capacity,
                   tracks=[TrackRef(id=t.id, name=t.name) for t in cohort.program.tracks])


