"""Programs and their tracks, cohorts, start-up profiles, applications, enrolments, milestones and KPIs.

Cohorts never write `spaces`' tables: an enrolment's space rights are an
access grant made through `spaces.access`, keyed by `cohort-<id>`; the
calendar template's bookings are made through `spaces.service` and only
linked here.
"""
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohorts.enums import UNDECIDED, ApplicationStatus, EnrolmentStatus, MilestoneStatus, Phase, Stage, sql_list
from spaces.venues.models import Venue
from totem.db import Base

SCORE_RANGE = "between 1 and 5"
COUNTRY_CHECK = "country is null or (length(country) = 2 and country = upper(country))"
STAGE_CHECK = f"stage is null or stage in ({sql_list(Stage)})"


class Program(Base):
    """An accelerator program of a venue; its rules say what an enrolled start-up gets."""

    __tablename__ = "program"
    __table_args__ = (
        UniqueConstraint("venue_id", "name"),
        CheckConstraint("monthly_credits >= 0", name="monthly_credits_positive"),
        CheckConstraint("desks_per_startup >= 0", name="desks_per_startup_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Given to each enrolled start-up for the cohort's duration, through an access grant.
    monthly_credits: Mapped[int] = mapped_column(default=0)
    space_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every kind
    desks_per_startup: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]

    venue: Mapped[Venue] = relationship(lazy="raise")
    managers: Mapped[list["ProgramManager"]] = relationship(lazy="raise", cascade="all, delete-orphan")
    tracks: Mapped[list["Track"]] = relationship(back_populates="program", lazy="raise", order_by="Track.name")

    @property
    def manager_ids(self) -> set[int]:
        return {manager.user_id for manager in self.managers}


class ProgramManager(Base):
    """A staff member who runs the program: its cohorts, applications and start-ups."""

    __tablename__ = "program_manager"

    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class Track(Base):
    """A sector track of a program (Mer, Industries créatives...); milestones are set per track."""

    __tablename__ = "track"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")

    program: Mapped[Program] = relationship(back_populates="tracks", lazy="raise")


class Cohort(Base):
    """A class of start-ups of a program, through its phases; each phase starts on its date.

    The job moves the phase forward by date; a manager may force it, and a
    transition whose date is not after that day is then left alone.
    """

    __tablename__ = "cohort"
    __table_args__ = (
        UniqueConstraint("program_id", "name"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint(f"phase in ({sql_list(Phase)})", name="phase_known"),
        CheckConstraint(
            "applications_open_on < selection_on and selection_on <= starts_on and starts_on <= demo_day_on "
            "and demo_day_on <= ends_on",
            name="phase_dates_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int]  # start-ups enrolled at most
    phase: Mapped[str] = mapped_column(String(20), default=Phase.DRAFT)
    applications_open_on: Mapped[date] = mapped_column(Date())
    selection_on: Mapped[date] = mapped_column(Date())  # applications close
    starts_on: Mapped[date] = mapped_column(Date())  # running
    demo_day_on: Mapped[date] = mapped_column(Date())
    ends_on: Mapped[date] = mapped_column(Date())  # the last day; alumni the day after
    # The venue's day a manager last forced the phase.
    phase_forced_on: Mapped[date | None] = mapped_column(Date())
    created_at: Mapped[datetime]

    program: Mapped[Program] = relationship(lazy="raise")


class StartupProfile(Base):
    """What a start-up (an organisation) tells about itself; its track is its enrolment's."""

    __tablename__ = "startup_profile"
    __table_args__ = (
        CheckConstraint(STAGE_CHECK, name="stage_known"),
        CheckConstraint(COUNTRY_CHECK, name="country_iso"),
        CheckConstraint("team_size is null or team_size > 0", name="team_size_positive"),
    )

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    stage: Mapped[str | None] = mapped_column(String(20))
    sector: Mapped[str] = mapped_column(String(100), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    team_size: Mapped[int | None]
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    updated_at: Mapped[datetime]


class Application(Base):
    """A start-up's application to a cohort, sent from the public form without an account."""

    __tablename__ = "application"
    __table_args__ = (
        # One application per founder and cohort: sending the form twice is refused.
        UniqueConstraint("cohort_id", "founder_email"),
        Index("ix_application_cohort_id_status", "cohort_id", "status"),
        CheckConstraint(f"status in ({sql_list(ApplicationStatus)})", name="status_known"),
        CheckConstraint(f"(status in ({sql_list(UNDECIDED)})) = (decided_at is null)", name="decided_when_decided"),
        CheckConstraint("founder_email = lower(founder_email)", name="email_lowercase"),
        CheckConstraint(STAGE_CHECK, name="stage_known"),
        CheckConstraint(COUNTRY_CHECK, name="country_iso"),
        CheckConstraint("team_size is null or team_size > 0", name="team_size_positive"),
        CheckConstraint("locale in ('fr', 'en')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("track.id", ondelete="SET NULL"))
    startup_name: Mapped[str] = mapped_column(String(200))
    founder_name: Mapped[str] = mapped_column(String(200))
    founder_email: Mapped[str] = mapped_column(String(254))
    website: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    stage: Mapped[str | None] = mapped_column(String(20))
    sector: Mapped[str] = mapped_column(String(100), default="")
    team_size: Mapped[int | None]
    pitch: Mapped[str] = mapped_column(Text, default="")
    # The form's other questions, by key (see `cohorts.applications.QUESTIONS`).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(5), default="fr")  # the language the e-mails are written in
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The start-up created or found on acceptance.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))

    cohort: Mapped[Cohort] = relationship(lazy="raise")
    track: Mapped[Track | None] = relationship(lazy="raise")
    reviews: Mapped[list["ApplicationReview"]] = relationship(
        back_populates="application", lazy="raise", order_by="ApplicationReview.created_at"
    )


class ApplicationReview(Base):
    """One reviewer's scores on the rubric (1 to 5 per criterion) and comment; one per reviewer."""

    __tablename__ = "application_review"
    __table_args__ = (
        UniqueConstraint("application_id", "reviewer_id"),
        CheckConstraint(
            f"team {SCORE_RANGE} and market {SCORE_RANGE} and product {SCORE_RANGE} and fit {SCORE_RANGE}",
            name="scores_in_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    team: Mapped[int]
    market: Mapped[int]
    product: Mapped[int]
    fit: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    application: Mapped[Application] = relationship(back_populates="reviews", lazy="raise")

    @property
    def total(self) -> int:
        return self.team + self.market + self.product + self.fit


class Enrolment(Base):
    """A start-up in a cohort, in one of its program's tracks; it holds the access grant `cohort-<id>`."""

    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("cohort_id", "organisation_id"),
        CheckConstraint(f"status in ({sql_list(EnrolmentStatus)})", name="status_known"),
        CheckConstraint("(status = 'ended') = (ended_on is not null)", name="ended_when_ended"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("track.id", ondelete="SET NULL"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id", ondelete="SET NULL"),
                                                       unique=True)
    status: Mapped[str] = mapped_column(String(20), default=EnrolmentStatus.ACTIVE)
    enrolled_on: Mapped[date] = mapped_column(Date())
    ended_on: Mapped[date | None] = mapped_column(Date())  # the last day of its space rights
    # When the first month's credits were given (the monthly reset gives the later ones).
    first_credits_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    cohort: Mapped[Cohort] = relationship(lazy="raise")
    track: Mapped[Track | None] = relationship(lazy="raise")


class Milestone(Base):
    """A step every start-up of a track should reach, due some days after its cohort's start."""

    __tablename__ = "milestone"
    __table_args__ = (
        UniqueConstraint("track_id", "title"),
        CheckConstraint("due_offset_days >= 0", name="due_offset_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("track.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    due_offset_days: Mapped[int]
    created_at: Mapped[datetime]

    track: Mapped[Track] = relationship(lazy="raise")


class MilestoneProgress(Base):
    """Where an enrolled start-up stands on a milestone (no row: still to do)."""

    __tablename__ = "milestone_progress"
    __table_args__ = (
        UniqueConstraint("milestone_id", "enrolment_id"),
        CheckConstraint(f"status in ({sql_list(MilestoneStatus)})", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=MilestoneStatus.TODO)
    note: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Jobs record what they sent, so that a repeated run sends nothing more.
    reminder_sent_at: Mapped[datetime | None]
    overdue_notified_at: Mapped[datetime | None]

    milestone: Mapped[Milestone] = relationship(lazy="raise")


class KpiReport(Base):
    """A start-up's figures for one month (`month` is its first day); amounts in whole euros."""

    __tablename__ = "kpi_report"
    __table_args__ = (
        UniqueConstraint("organisation_id", "month"),
        CheckConstraint(
            "headcount >= 0 and revenue_eur >= 0 and funds_raised_eur >= 0 and customers >= 0",
            name="figures_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date())
    headcount: Mapped[int]
    revenue_eur: Mapped[int] = mapped_column(BigInteger)
    funds_raised_eur: Mapped[int] = mapped_column(BigInteger)
    customers: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime]
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class KpiRequest(Base):
    """That a start-up was asked for a month's KPIs, and reminded: the job's record, so it never asks twice."""

    __tablename__ = "kpi_request"
    __table_args__ = (
        UniqueConstraint("organisation_id", "month"),
        CheckConstraint("reminders >= 0", name="reminders_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date())
    requested_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    reminders: Mapped[int] = mapped_column(default=0)


class CohortEvent(Base):
    """A recurring event of the cohort's calendar template (a weekly track meeting, a workshop).

    At kick-off a manager books its occurrences, from `first_day` (default:
    the cohort's start) through `last_day` (default: its end), as room bookings.
    """

    __tablename__ = "cohort_event"
    __table_args__ = (
        CheckConstraint("weekday between 0 and 6", name="weekday_known"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("every_weeks >= 1", name="every_weeks_positive"),
        CheckConstraint("first_day is null or last_day is null or last_day >= first_day", name="last_after_first"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("track.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"))
    weekday: Mapped[int]  # 0 is Monday
    start_time: Mapped[time] = mapped_column(Time())  # on the venue's wall clock
    duration_minutes: Mapped[int]
    every_weeks: Mapped[int] = mapped_column(default=1)
    first_day: Mapped[date | None] = mapped_column(Date())
    last_day: Mapped[date | None] = mapped_column(Date())
    created_at: Mapped[datetime]


class CohortEventBooking(Base):
    """The room booking made for one occurrence of a template event; released when the cohort ends."""

    __tablename__ = "cohort_event_booking"
    __table_args__ = (UniqueConstraint("cohort_event_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_event_id: Mapped[int] = mapped_column(ForeignKey("cohort_event.id", ondelete="CASCADE"))
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), unique=True)
    day: Mapped[date] = mapped_column(Date())


# The mentor side lives in its own module; importing it here registers its tables with the models.
from cohorts.mentor_models import (  # noqa: E402,F401
    AvailabilityException,
    ExpertiseTag,
    MatchingRun,
    MentorProfile,
    MentorSession,
    OfficeHours,
    OfficeHoursSlot,
    ReliabilityAlert,
    ReliabilityEntry,
    SessionDecline,
    SessionFeedback,
    SessionRequest,
)
from cohorts.speed_meeting_models import (  # noqa: E402,F401
    SpeedMeeting,
    SpeedMeetingDay,
    SpeedMeetingMentor,
    SpeedMeetingPlan,
    SpeedMeetingPreference,
    SpeedMeetingRemoval,
)
