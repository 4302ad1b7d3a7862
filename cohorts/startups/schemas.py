"""Applications, reviews, start-ups and their progress as the API reads and writes them."""
from datetime import date

from pydantic import AwareDatetime, BaseModel, Field

from cohorts.programs.schemas import TrackRef
from cohorts.startups import milestones
from cohorts.startups.enums import ApplicationStatus, Decision, MilestoneStatus, Stage
from cohorts.startups.forms import ApplicationForm, ProfileForm
from cohorts.startups.models import Application, KpiReport, Milestone, StartupProfile
from cohorts.startups.service import Startup


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


class MilestoneIn(BaseModel):
    title: str = Field(max_length=200)
    description: str = ""
    due_offset_days: int = Field(ge=0, description="Days after the cohort's start")


class MilestoneChange(BaseModel):
    """Only the fields sent change."""

    title: str | None = Field(default=None, max_length=200)
    description: str | None = None
    due_offset_days: int | None = Field(default=None, ge=0, description="Days after the cohort's start")


class MilestoneOut(BaseModel):
    id: int
    track_id: int
    title: str
    description: str
    due_offset_days: int

    @classmethod
    def of(cls, milestone: Milestone) -> "MilestoneOut":
        return cls(id=milestone.id, track_id=milestone.track_id, title=milestone.title,
                   description=milestone.description, due_offset_days=milestone.due_offset_days)


class ProgressIn(BaseModel):
    status: MilestoneStatus
    note: str = Field(default="", max_length=500)


class ProgressOut(BaseModel):
    milestone: MilestoneOut
    cohort_id: int
    due_on: date = Field(description="The venue's day")
    status: MilestoneStatus
    note: str

    @classmethod
    def of(cls, item: milestones.StartupMilestone) -> "ProgressOut":
        return cls(milestone=MilestoneOut.of(item.milestone), cohort_id=item.enrolment.cohort_id, due_on=item.due_on,
                   status=MilestoneStatus(item.status), note=item.note)


class KpiIn(BaseModel):
    headcount: int = Field(ge=0)
    revenue_eur: int = Field(ge=0, description="Whole euros")
    funds_raised_eur: int = Field(ge=0, description="Whole euros")
    customers: int = Field(ge=0)
    notes: str = ""


class KpiOut(BaseModel):
    month: date = Field(description="The month's first day")
    headcount: int
    revenue_eur: int
    funds_raised_eur: int
    customers: int
    notes: str

    @classmethod
    def of(cls, report: KpiReport) -> "KpiOut":
        return cls(month=report.month, headcount=report.headcount, revenue_eur=report.revenue_eur,
                   funds_raised_eur=report.funds_raised_eur, customers=report.customers, notes=report.notes)
