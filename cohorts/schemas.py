"""What the cohorts API reads and writes; dates are ISO 8601 days on the venue's calendar."""
from datetime import date

from pydantic import AwareDatetime, BaseModel, Field

from cohorts.enums import ApplicationStatus, Decision, Phase, Stage
from cohorts.forms import ApplicationForm, ProfileForm
from cohorts.models import Application, Cohort, Program, StartupProfile, Track
from cohorts.startups import Startup
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
    manager_ids: list[int] = Field(default=[], description="Staff who run it, besides you")


class ProgramOut(BaseModel):
    id: int
    name: str
    venue_id: int
    description: str
    monthly_credits: int
    space_kinds: list[str]
    desks_per_startup: int
    manager_ids: list[int]
    tracks: list[TrackRef]

    @classmethod
    def of(cls, program: Program) -> "ProgramOut":
        return cls(id=program.id, name=program.name, venue_id=program.venue_id, description=program.description,
                   monthly_credits=program.monthly_credits, space_kinds=list(program.space_kinds),
                   desks_per_startup=program.desks_per_startup, manager_ids=sorted(program.manager_ids),
                   tracks=[TrackRef(id=t.id, name=t.name) for t in program.tracks])


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


class ApplicationIn(BaseModel):
    startup_name: str
    founder_name: str
    founder_email: str
    country: str = Field(description="ISO 3166-1 alpha-2 code, such as FR or SN")
    stage: Stage
    pitch: str = Field(description="What the start-up does, in a few words")
    website: str = ""
    sector: str = ""
    team_size: int | None = None
    track_id: int | None = None
    answers: dict[str, str] = Field(default={}, description="Answers by question: problem, traction, expectations")
    locale: str = Field("fr", description="The language of the e-mails: fr or en")

    def form(self) -> ApplicationForm:
        return ApplicationForm(
            startup_name=self.startup_name, founder_name=self.founder_name, founder_email=self.founder_email,
            website=self.website, country=self.country, stage=self.stage.value, sector=self.sector,
            team_size="" if self.team_size is None else str(self.team_size),
            track_id="" if self.track_id is None else str(self.track_id), pitch=self.pitch, answers=self.answers,
            locale=self.locale,
        )


class ApplicationReceipt(BaseModel):
    """What the applicant gets back: no more than they sent."""

    id: int
    cohort_id: int
    status: ApplicationStatus
    created_at: AwareDatetime


class ReviewIn(BaseModel):
    team: int = Field(ge=1, le=5)
    market: int = Field(ge=1, le=5)
    product: int = Field(ge=1, le=5)
    fit: int = Field(ge=1, le=5)
    comment: str = ""


class ReviewOut(BaseModel):
    reviewer_id: int
    team: int
    market: int
    product: int
    fit: int
    total: int
    comment: str


class DecisionIn(BaseModel):
    decision: Decision


class ApplicationOut(BaseModel):
    id: int
    cohort_id: int
    track_id: int | None
    startup_name: str
    founder_name: str
    founder_email: str
    website: str
    country: str | None
    stage: str | None
    sector: str
    team_size: int | None
    pitch: str
    answers: dict[str, str]
    status: ApplicationStatus
    created_at: AwareDatetime
    decided_at: AwareDatetime | None
    startup_id: int | None = Field(description="The start-up enrolled on acceptance")
    reviews: list[ReviewOut]
    average: float | None = Field(description="The reviewers' mean total, out of 20")

    @classmethod
    def of(cls, application: Application) -> "ApplicationOut":
        reviews = [ReviewOut(reviewer_id=r.reviewer_id, team=r.team, market=r.market, product=r.product, fit=r.fit,
                             total=r.total, comment=r.comment) for r in application.reviews]
        average = round(sum(r.total for r in reviews) / len(reviews), 1) if reviews else None
        return cls(id=application.id, cohort_id=application.cohort_id, track_id=application.track_id,
                   startup_name=application.startup_name, founder_name=application.founder_name,
                   founder_email=application.founder_email, website=application.website, country=application.country,
                   stage=application.stage, sector=application.sector, team_size=application.team_size,
                   pitch=application.pitch, answers=dict(application.answers),
                   status=ApplicationStatus(application.status), created_at=application.created_at,
                   decided_at=application.decided_at, startup_id=application.organisation_id, reviews=reviews,
                   average=average)


class EnrolmentOut(BaseModel):
    cohort_id: int
    cohort: str
    program: str
    track: TrackRef | None
    status: str
    enrolled_on: date
    ended_on: date | None


class StartupOut(BaseModel):
    id: int
    name: str
    track: str | None = Field(description="The track of its current (or latest) enrolment")
    cohort: str | None = Field(description="The cohort of its current (or latest) enrolment")
    stage: str | None
    sector: str
    website: str
    description: str
    team_size: int | None
    country: str | None
    members: int
    enrolments: list[EnrolmentOut]

    @classmethod
    def of(cls, startup: Startup) -> "StartupOut":
        profile, current = startup.profile, startup.current
        return cls(
            id=startup.organisation.id, name=startup.organisation.name,
            track=current.track.name if current and current.track else None,
            cohort=current.cohort.name if current else None,
            stage=profile.stage if profile else None, sector=profile.sector if profile else "",
            website=profile.website if profile else "", description=profile.description if profile else "",
            team_size=profile.team_size if profile else None, country=profile.country if profile else None,
            members=startup.members,
            enrolments=[EnrolmentOut(
                cohort_id=e.cohort_id, cohort=e.cohort.name, program=e.cohort.program.name,
                track=TrackRef(id=e.track.id, name=e.track.name) if e.track else None, status=e.status,
                enrolled_on=e.enrolled_on, ended_on=e.ended_on) for e in startup.enrolments],
        )


class StartupProfileIn(BaseModel):
    """Only the fields sent change; null (or "") clears one."""

    stage: Stage | None = None
    sector: str | None = None
    website: str | None = Field(None, description="Such as https://example.com; https:// is added when missing")
    description: str | None = None
    team_size: int | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code, such as FR or SN")

    def form(self, profile: StartupProfile | None) -> ProfileForm:
        """The profile as it is, with the fields sent replaced, for the same checks as the page's form."""
        current = ProfileForm.of(profile)
        sent = {name: "" if value is None else str(value)
                for name, value in self.model_dump(mode="json").items() if name in self.model_fields_set}
        return ProfileForm(**{**current.__dict__, **sent})
