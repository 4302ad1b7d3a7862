"""Start-ups and their progress: profiles, applications and their reviews, milestones, monthly KPIs."""
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohorts.programs.enums import sql_list
from cohorts.startups.enums import UNDECIDED, ApplicationStatus, MilestoneStatus, Stage
from totem.db import Base

if TYPE_CHECKING:
    from cohorts.programs.models import Cohort, Track

SCORE_RANGE = "between 1 and 5"
COUNTRY_CHECK = "country is null or (length(country) = 2 and country = upper(country))"
STAGE_CHECK = f"stage is null or stage in ({sql_list(Stage)})"


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
    # The form's other questions, by key (see `cohorts.startups.applications.QUESTIONS`).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(5), default="fr")  # the language the e-mails are written in
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The start-up created or found on acceptance.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))

    cohort: Mapped["Cohort"] = relationship(lazy="raise")
    track: Mapped["Track | None"] = relationship(lazy="raise")
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

    track: Mapped["Track"] = relationship(lazy="raise")


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
