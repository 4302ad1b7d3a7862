"""Programs and their tracks, cohorts, start-up profiles, applications, enrolments, milestones and KPIs.

Cohorts never write `spaces`' tables: an enrolment's space rights are an
access grant made through `spaces.venues.access`, keyed by `cohort-<id>`; the
calendar template's bookings are made through `spaces.booking.service` and only
linked here.
"""
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohorts.programs.enums import RIGHTS_PHASES, EnrolmentStatus, Phase, sql_list
from totem.db import Base

if TYPE_CHECKING:
    from spaces.operators.models import Operator
    from spaces.venues.models import Venue



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
    # The organisation of the building that runs it: its managers run the program too.
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Given to each enrolled start-up for the cohort's duration, through an access grant.
    monthly_credits: Mapped[int] = mapped_column(default=0)
    space_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every kind
    desks_per_startup: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]

    venue: Mapped["Venue"] = relationship(lazy="raise")
    operator: Mapped["Operator"] = relationship(lazy="raise")
    managers: Mapped[list["ProgramManager"]] = relationship(lazy="raise", cascade="all, delete-orphan")
    tracks: Mapped[list["Track"]] = relationship(back_populates="program", lazy="raise", order_by="Track.name")

    @property
    def manager_ids(self) -> set[int]:
        """Who runs it: the managers it lists and its operator's (both loaded)."""
        return self.listed_manager_ids | self.operator.manager_ids

    @property
    def listed_manager_ids(self) -> set[int]:
        """The managers named on the program itself, besides its operator's."""
        return {manager.user_id for manager in self.managers}


class ProgramPhaseRights(Base):
    """What a program gives its enrolled start-ups during one phase of their cohort, instead of its own rules.

    Without a row, the running and demo-day phases follow the program's `monthly_credits` and `space_kinds`, and
    the selection gives nothing (rights begin with the cohort). The phase job applies a row when the phase starts.
    """

    __tablename__ = "program_phase_rights"
    __table_args__ = (
        CheckConstraint(f"phase in ({sql_list(RIGHTS_PHASES)})", name="phase_known"),
        CheckConstraint("monthly_credits >= 0", name="monthly_credits_positive"),
    )

    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"), primary_key=True)
    phase: Mapped[str] = mapped_column(String(20), primary_key=True)
    monthly_credits: Mapped[int] = mapped_column(default=0)
    space_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every kind


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
    # Read only, to ask whether start-ups applied to the track: applications are the start-ups part's, named
    # here by their class so that this part needs nothing of that one (the database sets them to no track).
    applications = relationship("Application", viewonly=True, lazy="raise")


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
