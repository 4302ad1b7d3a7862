"""What the mentors, session requests and sessions API reads and writes; times are ISO 8601 with offset."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, Field

from cohorts.mentoring import availability, session_requests, sessions
from cohorts.mentoring.availability import MAX_EVERY_WEEKS, REASON_MAX, Slot
from cohorts.mentoring.enums import MentorMode, NoShow, RequestStatus, SessionMode, SessionStatus, Side, Urgency
from cohorts.mentoring.mentors import ProfileData
from cohorts.mentoring.models import (
    AvailabilityException,
    ExpertiseTag,
    MentorProfile,
    MentorSession,
    OfficeHours,
    SessionRequest,
)
from cohorts.programs.schemas import TrackRef
from totem.api.schemas import WallClockTime


class TagOut(BaseModel):
    id: int
    name: str
    tracks: list[TrackRef]

    @classmethod
    def of(cls, tag: ExpertiseTag) -> "TagOut":
        return cls(id=tag.id, name=tag.name, tracks=[TrackRef(id=t.id, name=t.name) for t in tag.tracks])


class TagIn(BaseModel):
    name: str = Field(max_length=100)
    track_ids: list[int] = []


class MentorOut(BaseModel):
    id: int = Field(description="The mentor's user id")
    name: str
    company: str
    bio: str
    expertise: list[str]
    tracks: list[TrackRef] = Field(description="The tracks their expertise serves")
    languages: list[str]
    monthly_capacity_hours: int
    mode: MentorMode
    active: bool

    @classmethod
    def of(cls, profile: MentorProfile) -> "MentorOut":
        tracks = {t.id: t for tag in profile.expertise for t in tag.tracks}
        return cls(id=profile.user_id, name=profile.user.name, company=profile.company, bio=profile.bio,
                   expertise=[tag.name for tag in profile.expertise],
                   tracks=[TrackRef(id=t.id, name=t.name) for t in sorted(tracks.values(), key=lambda t: t.name)],
                   languages=profile.languages, monthly_capacity_hours=profile.monthly_capacity_hours,
                   mode=MentorMode(profile.mode), active=profile.is_active)


class MentorIn(BaseModel):
    venue_id: int
    bio: str = ""
    company: str = Field("", max_length=200)
    expertise: list[str] = Field(default=[], description="Expertise tags, by name")
    languages: list[str] = Field(default=["fr"], description="ISO 639-1 codes")
    monthly_capacity_hours: int = Field(4, ge=0, le=200)
    mode: MentorMode = MentorMode.EITHER
    online_url: str = Field("", max_length=300, description="Their video link for online sessions")
    notes_private: bool = Field(False, description="Their feedback notes are for managers only, by default")
    active: bool = True

    def data(self) -> ProfileData:
        return ProfileData(venue_id=self.venue_id, bio=self.bio, company=self.company, expertise=tuple(self.expertise),
                           languages=tuple(self.languages), monthly_capacity_hours=self.monthly_capacity_hours,
                           mode=self.mode, online_url=self.online_url, notes_private=self.notes_private,
                           is_active=self.active)


class MentorCreate(MentorIn):
    user_id: int = Field(description="The person who becomes a mentor")


class RequestIn(BaseModel):
    topic: str = Field(max_length=200)
    startup_id: int | None = Field(None, description="Your start-up; needed only if you belong to several")
    details: str = ""
    expertise: list[str] = Field(default=[], description="Expertise tags wanted, by name")
    track_id: int | None = Field(None, description="By default your start-up's track in its current cohort")
    mentor_id: int | None = Field(None, description="The mentor you would like; none: anyone who fits")
    urgency: Urgency = Urgency.NORMAL
    mode: MentorMode = MentorMode.EITHER
    language: str | None = Field(None, min_length=2, max_length=2)
    duration_minutes: int = Field(60, ge=15, le=240, multiple_of=15)

    def data(self) -> session_requests.RequestData:
        return session_requests.RequestData(
            topic=self.topic, organisation_id=self.startup_id, details=self.details, expertise=tuple(self.expertise),
            track_id=self.track_id, preferred_mentor_id=self.mentor_id, urgency=self.urgency, mode=self.mode,
            language=self.language, duration_minutes=self.duration_minutes)


class DeclineOut(BaseModel):
    mentor_id: int
    reason: str
    at: datetime


class RequestOut(BaseModel):
    id: int
    startup_id: int
    requested_by: int | None
    topic: str
    details: str
    expertise: list[str]
    track_id: int | None
    mentor_id: int | None = Field(description="The mentor asked for; null: anyone who fits")
    urgency: Urgency
    mode: MentorMode
    language: str | None
    duration_minutes: int
    status: RequestStatus
    proposed_times: list[datetime]
    declines: list[DeclineOut]
    created_at: datetime

    @classmethod
    def of(cls, request: SessionRequest) -> "RequestOut":
        return cls(
            id=request.id, startup_id=request.organisation_id, requested_by=request.requested_by, topic=request.topic,
            details=request.details, expertise=[tag.name for tag in request.expertise], track_id=request.track_id,
            mentor_id=request.preferred_mentor_id, urgency=Urgency(request.urgency), mode=MentorMode(request.mode),
            language=request.language, duration_minutes=request.duration_minutes,
            status=RequestStatus(request.status),
            proposed_times=[datetime.fromisoformat(moment) for moment in request.proposed_times],
            declines=[DeclineOut(mentor_id=d.mentor_id, reason=d.reason, at=d.created_at) for d in request.declines],
            created_at=request.created_at)


class AcceptIn(BaseModel):
    starts_at: AwareDatetime = Field(description="One of your free slots")
    mode: SessionMode | None = Field(None, description="By default in person when both sides may")


class DeclineIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class ProposeIn(BaseModel):
    times: list[AwareDatetime] = Field(min_length=1, max_length=3)


class PickIn(BaseModel):
    starts_at: AwareDatetime = Field(description="One of the times the mentor proposed")


class SessionProposalIn(BaseModel):
    request_id: int
    mentor_id: int
    starts_at: AwareDatetime
    mode: SessionMode | None = None


class FeedbackOut(BaseModel):
    side: Side
    rating: int
    notes: str | None = Field(description="Null when the mentor keeps them for managers")
    private: bool
    at: datetime


class SessionOut(BaseModel):
    id: int
    request_id: int | None
    mentor_id: int
    mentor_name: str
    startup_id: int
    attendee_id: int | None
    topic: str
    starts_at: datetime
    ends_at: datetime
    mode: SessionMode
    booking_id: int | None = Field(description="The meeting room's booking, in person")
    online_url: str
    status: SessionStatus
    no_show: NoShow | None
    cancel_reason: str

    @classmethod
    def of(cls, session: MentorSession) -> "SessionOut":
        return cls(
            id=session.id, request_id=session.request_id, mentor_id=session.mentor_id,
            mentor_name=session.mentor.user.name, startup_id=session.organisation_id, attendee_id=session.attendee_id,
            topic=session.topic, starts_at=session.starts_at, ends_at=session.ends_at, mode=SessionMode(session.mode),
            booking_id=session.booking_id, online_url=session.online_url, status=SessionStatus(session.status),
            no_show=NoShow(session.no_show) if session.no_show else None, cancel_reason=session.cancel_reason)


class SessionDetailOut(SessionOut):
    feedback: list[FeedbackOut]


class CancelIn(BaseModel):
    reason: str = Field("", max_length=500)


class AttendanceIn(BaseModel):
    startup_came: bool
    mentor_came: bool


class FeedbackIn(BaseModel):
    rating: int = Field(ge=1, le=5)
    notes: str = Field("", max_length=5000)
    private: bool | None = Field(None, description="Mentors: notes for managers only (default: your profile's)")


class MentorHoursOut(BaseModel):
    track_id: int | None
    cohort_id: int | None
    mentor_id: int
    sessions: int
    hours: float


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
