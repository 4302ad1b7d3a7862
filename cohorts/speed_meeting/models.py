"""A cohort's speed-meeting day ("mentor madness"): its plan, the mentors taking part and their hours, both
sides' preferences, the timetable's meetings and the pairs a manager removed.

Times of day are on the venue's wall clock; a meeting's `starts_at`/`ends_at`
are UTC. The unique constraints on `speed_meeting` keep anyone (and any room)
out of two meetings in one slot, whatever the code does.
"""
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, ForeignKeyConstraint, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cohorts.programs.enums import sql_list
from totem.db import Base


PLAN_STATUSES = ("draft", "published")
SIDES = ("startup", "mentor")


class SpeedMeetingPlan(Base):
    """The speed-meeting day(s) of a cohort: slot length, change-over, hours, rooms, and the last solve's figures."""

    __tablename__ = "speed_meeting_plan"
    __table_args__ = (
        CheckConstraint("slot_minutes between 5 and 120", name="slot_minutes_in_range"),
        CheckConstraint("changeover_minutes between 0 and 60", name="changeover_in_range"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"status in ({sql_list(PLAN_STATUSES)})", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), unique=True)
    slot_minutes: Mapped[int] = mapped_column(default=20)
    changeover_minutes: Mapped[int] = mapped_column(default=5)
    starts_at: Mapped[time] = mapped_column(Time())  # each day's first slot, on the venue's clock
    ends_at: Mapped[time] = mapped_column(Time())  # no slot ends after it
    room_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # the meeting rooms used (space ids)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # The last solve: what the solver proved, and the problems it met ([{"code", "params"}], in words when shown).
    solve_status: Mapped[str | None] = mapped_column(String(20))
    objective: Mapped[int | None]
    bound: Mapped[float | None]
    gap: Mapped[float | None]
    solve_seconds: Mapped[float | None]
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    solved_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class SpeedMeetingDay(Base):
    """One day of the plan (one to three)."""

    __tablename__ = "speed_meeting_day"

    plan_id: Mapped[int] = mapped_column(ForeignKey("speed_meeting_plan.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date(), primary_key=True)


class SpeedMeetingMentor(Base):
    """A mentor taking part, and their hours on one day of the plan (venue's clock); no hours: not there that day."""

    __tablename__ = "speed_meeting_mentor"
    __table_args__ = (
        CheckConstraint("(starts_at is null) = (ends_at is null) and (starts_at is null or ends_at > starts_at)",
                        name="hours_in_order"),
        ForeignKeyConstraint(["plan_id", "day"], ["speed_meeting_day.plan_id", "speed_meeting_day.day"],
                             ondelete="CASCADE"),
    )

    plan_id: Mapped[int] = mapped_column(ForeignKey("speed_meeting_plan.id", ondelete="CASCADE"), primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profile.user_id", ondelete="CASCADE"),
                                           primary_key=True, index=True)
    day: Mapped[date] = mapped_column(Date(), primary_key=True)
    starts_at: Mapped[time | None] = mapped_column(Time())
    ends_at: Mapped[time | None] = mapped_column(Time())


class SpeedMeetingPreference(Base):
    """One side's wish about a pair: its rank in the ranker's list (1 is the first choice) and/or a must-meet.

    `side` says who wished it: the start-up ranks mentors, the mentor ranks start-ups.
    """

    __tablename__ = "speed_meeting_preference"
    __table_args__ = (
        CheckConstraint(f"side in ({sql_list(SIDES)})", name="side_known"),
        CheckConstraint("rank is null or rank >= 1", name="rank_positive"),
        CheckConstraint("rank is not null or must_meet", name="ranked_or_must_meet"),
    )

    plan_id: Mapped[int] = mapped_column(ForeignKey("speed_meeting_plan.id", ondelete="CASCADE"), primary_key=True)
    side: Mapped[str] = mapped_column(String(10), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profile.user_id", ondelete="CASCADE"),
                                           primary_key=True, index=True)
    rank: Mapped[int | None]
    must_meet: Mapped[bool] = mapped_column(default=False)


class SpeedMeeting(Base):
    """A start-up meets a mentor in one slot of one day, in one room; once published, as a mentor session."""

    __tablename__ = "speed_meeting"
    __table_args__ = (
        UniqueConstraint("plan_id", "organisation_id", "mentor_id", name="uq_speed_meeting_pair"),
        UniqueConstraint("plan_id", "day", "slot", "room_id", name="uq_speed_meeting_room_slot"),
        UniqueConstraint("plan_id", "day", "slot", "mentor_id", name="uq_speed_meeting_mentor_slot"),
        UniqueConstraint("plan_id", "day", "slot", "organisation_id", name="uq_speed_meeting_startup_slot"),
        CheckConstraint("slot >= 0", name="slot_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        ForeignKeyConstraint(["plan_id", "day"], ["speed_meeting_day.plan_id", "speed_meeting_day.day"],
                             ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("speed_meeting_plan.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profile.user_id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date())
    slot: Mapped[int]  # index in the day, from 0
    room_id: Mapped[int] = mapped_column(ForeignKey("space.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    pinned: Mapped[bool] = mapped_column(default=False)  # kept as it is when the timetable is solved again
    session_id: Mapped[int | None] = mapped_column(ForeignKey("mentor_session.id", ondelete="SET NULL"),
                                                   unique=True)


class SpeedMeetingRemoval(Base):
    """A pair a manager took out of the timetable: it is not put back when solving again."""

    __tablename__ = "speed_meeting_removal"

    plan_id: Mapped[int] = mapped_column(ForeignKey("speed_meeting_plan.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profile.user_id", ondelete="CASCADE"),
                                           primary_key=True)
