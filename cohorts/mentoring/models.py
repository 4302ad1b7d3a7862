"""Mentors and their sessions: profiles and expertise, office hours, session requests, sessions, feedback, reliability.

A session's meeting room is a booking made through `spaces.booking.hosted` and only
linked here. Times are UTC; office hours are written on the venue's wall clock.
"""
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohorts.mentoring.enums import (
    BUSY_SESSIONS,
    MentorMode,
    NoShow,
    ReliabilityKind,
    RequestStatus,
    SessionMode,
    SessionStatus,
    Side,
    Urgency,
)
from cohorts.programs.enums import sql_list
from spaces.venues.models import Venue
from totem.db import Base
from totem.identity.models import User

if TYPE_CHECKING:
    from cohorts.programs.models import Track
    from spaces.venues.models import Venue

LANGUAGE_CHECK = "language is null or (length(language) = 2 and language = lower(language))"

expertise_tag_track = Table(
    "expertise_tag_track",
    Base.metadata,
    Column("tag_id", ForeignKey("expertise_tag.id", ondelete="CASCADE"), primary_key=True),
    Column("track_id", ForeignKey("track.id", ondelete="CASCADE"), primary_key=True, index=True),
)

mentor_expertise = Table(
    "mentor_expertise",
    Base.metadata,
    Column("mentor_id", ForeignKey("mentor_profile.user_id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("expertise_tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)

session_request_expertise = Table(
    "session_request_expertise",
    Base.metadata,
    Column("request_id", ForeignKey("session_request.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("expertise_tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ExpertiseTag(Base):
    """A field of expertise ("maritime logistics", "fundraising"), mapped to the tracks it serves."""

    __tablename__ = "expertise_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    tracks: Mapped[list["Track"]] = relationship(secondary=expertise_tag_track, lazy="raise", order_by="Track.name")


class MentorProfile(Base):
    """What a user with the role `mentor` offers: expertise, languages, hours per month, how they meet."""

    __tablename__ = "mentor_profile"
    __table_args__ = (
        CheckConstraint("monthly_capacity_hours >= 0", name="capacity_positive"),
        CheckConstraint(f"mode in ({sql_list(MentorMode)})", name="mode_known"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    # The venue whose clock rules their office hours and whose rooms their sessions use.
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"), index=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1 codes
    monthly_capacity_hours: Mapped[int] = mapped_column(default=4)
    mode: Mapped[str] = mapped_column(String(20), default=MentorMode.EITHER)
    online_url: Mapped[str] = mapped_column(String(300), default="")  # their video link for online sessions
    # The mentor's default for their feedback notes: readable by managers only.
    notes_private: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="raise")
    venue: Mapped["Venue"] = relationship(lazy="raise")
    expertise: Mapped[list[ExpertiseTag]] = relationship(secondary=mentor_expertise, lazy="raise",
                                                         order_by=ExpertiseTag.name)


class OfficeHours(Base):
    """A mentor's recurring availability: `rule` is an RFC 5545 RRULE (weekly), times on the venue's wall clock."""

    __tablename__ = "office_hours"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("last_day is null or last_day >= first_day", name="last_after_first"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profile.user_id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(200))  # e.g. FREQ=WEEKLY;BYDAY=TU,TH
    starts_at: Mapped[time] = mapped_column(Time())
    ends_at: Mapped[time] = mapped_column(Time())
    first_day: Mapped[date] = mapped_column(Date())
    last_day: Mapped[date | None] = mapped_column(Date())
    created_at: Mapped[datetime]


class OfficeHoursSlot(Base):
    """One occurrence of office hours, materialised over a rolling horizon; exceptions remove them."""

    __tablename__ = "office_hours_slot"
    __table_args__ = (
        UniqueConstraint("office_hours_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_office_hours_slot_mentor_id_starts_at", "mentor_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_hours_id: Mapped[int] = mapped_column(ForeignKey("office_hours.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profile.user_id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]


class AvailabilityException(Base):
    """Days a mentor is away (holidays, blocked days): no office hours and no session then."""

    __tablename__ = "availability_exception"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="last_after_first"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profile.user_id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column(Date())
    last_day: Mapped[date] = mapped_column(Date())
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class SessionRequest(Base):
    """A start-up asks for a session on a topic, with a named mentor or with anyone who fits."""

    __tablename__ = "session_request"
    __table_args__ = (
        CheckConstraint(f"status in ({sql_list(RequestStatus)})", name="status_known"),
        CheckConstraint(f"urgency in ({sql_list(Urgency)})", name="urgency_known"),
        CheckConstraint(f"mode in ({sql_list(MentorMode)})", name="mode_known"),
        CheckConstraint("duration_minutes between 15 and 240", name="duration_in_range"),
        CheckConstraint(LANGUAGE_CHECK, name="language_iso"),
        Index("ix_session_request_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    topic: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    track_id: Mapped[int | None] = mapped_column(ForeignKey("track.id", ondelete="SET NULL"))
    # None: anyone who fits.
    preferred_mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentor_profile.user_id", ondelete="SET NULL"), index=True)
    urgency: Mapped[str] = mapped_column(String(10), default=Urgency.NORMAL)
    mode: Mapped[str] = mapped_column(String(20), default=MentorMode.EITHER)
    language: Mapped[str | None] = mapped_column(String(2))  # wanted; None: any
    duration_minutes: Mapped[int] = mapped_column(default=60)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.OPEN)
    # Times a mentor proposed instead (ISO 8601, UTC), for the start-up to pick one.
    proposed_times: Mapped[list[str]] = mapped_column(JSON, default=list)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    expertise: Mapped[list[ExpertiseTag]] = relationship(secondary=session_request_expertise, lazy="raise",
                                                         order_by=ExpertiseTag.name)
    declines: Mapped[list["SessionDecline"]] = relationship(lazy="raise", order_by="SessionDecline.created_at")


class SessionDecline(Base):
    """A mentor declined a request, with a reason; an "anyone who fits" request stays open for the others."""

    __tablename__ = "session_decline"

    request_id: Mapped[int] = mapped_column(ForeignKey("session_request.id", ondelete="CASCADE"), primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profile.user_id", ondelete="CASCADE"),
                                           primary_key=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]


class MentorSession(Base):
    """A mentor meets a start-up: in a booked room of the venue or at the mentor's online link."""

    __tablename__ = "mentor_session"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"status in ({sql_list(SessionStatus)})", name="status_known"),
        CheckConstraint(f"mode in ({sql_list(SessionMode)})", name="mode_known"),
        CheckConstraint(f"no_show is null or no_show in ({sql_list(NoShow)})", name="no_show_known"),
        CheckConstraint("(status = 'no_show') = (no_show is not null)", name="no_show_when_no_show"),
        Index("ix_mentor_session_mentor_id_starts_at", "mentor_id", "starts_at"),
        Index("ix_mentor_session_organisation_id_starts_at", "organisation_id", "starts_at"),
        Index("ix_mentor_session_status_starts_at", "status", "starts_at"),
        # Neither a mentor nor a start-up is in two sessions at once; SQLite relies on the service's check
        # inside its write-locked transaction.
        ExcludeConstraint(
            ("mentor_id", "="),
            (func.tstzrange(literal_column("starts_at"), literal_column("ends_at"), text("'[)'")), "&&"),
            name="ex_mentor_session_mentor_busy",
            using="gist",
            where=text(f"status in ({sql_list(BUSY_SESSIONS)})"),
        ).ddl_if(dialect="postgresql"),
        ExcludeConstraint(
            ("organisation_id", "="),
            (func.tstzrange(literal_column("starts_at"), literal_column("ends_at"), text("'[)'")), "&&"),
            name="ex_mentor_session_startup_busy",
            using="gist",
            where=text(f"status in ({sql_list(BUSY_SESSIONS)})"),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("session_request.id", ondelete="SET NULL"),
                                                   index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profile.user_id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    # The member who comes (the one who asked, by default).
    attendee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The start-up's cohort and track when the session was made: mentor hours are reported by them.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), index=True)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("track.id", ondelete="SET NULL"), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    mode: Mapped[str] = mapped_column(String(20))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"), unique=True)
    online_url: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20))
    no_show: Mapped[str | None] = mapped_column(String(10))
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    # Jobs record what they did, so that a repeated run does nothing more.
    reminded_24h_at: Mapped[datetime | None]
    reminded_1h_at: Mapped[datetime | None]
    feedback_requested_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The weekly matching run that proposed it, if one did.
    matching_run_id: Mapped[int | None] = mapped_column(ForeignKey("matching_run.id", ondelete="SET NULL"),
                                                        index=True)
    # 'request' (asked for, or proposed by the matching) or 'speed_meeting' (published from a speed-meeting day).
    kind: Mapped[str] = mapped_column(
        String(20), CheckConstraint("kind in ('request', 'speed_meeting')", name="kind_known"), default="request",
        server_default="request")

    mentor: Mapped[MentorProfile] = relationship(lazy="raise")
    feedback: Mapped[list["SessionFeedback"]] = relationship(lazy="raise", order_by="SessionFeedback.side")

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SessionFeedback(Base):
    """One side's rating (1 to 5) and notes on a session; a mentor's notes may be for managers only."""

    __tablename__ = "session_feedback"
    __table_args__ = (
        UniqueConstraint("session_id", "side"),
        CheckConstraint("rating between 1 and 5", name="rating_in_range"),
        CheckConstraint(f"side in ({sql_list(Side)})", name="side_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mentor_session.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    rating: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")
    private: Mapped[bool] = mapped_column(default=False)  # notes readable by managers only
    created_at: Mapped[datetime]


class ReliabilityEntry(Base):
    """A missed room check-in or a session no-show, in the person's reliability record."""

    __tablename__ = "reliability_entry"
    __table_args__ = (
        CheckConstraint(f"kind in ({sql_list(ReliabilityKind)})", name="kind_known"),
        CheckConstraint("(booking_id is null) != (session_id is null)", name="one_source"),
        UniqueConstraint("session_id", "user_id"),
        Index("ix_reliability_entry_user_id_occurred_at", "user_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), unique=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("mentor_session.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]


class ReliabilityAlert(Base):
    """Managers were told that a person missed too often; one alert per person and period."""

    __tablename__ = "reliability_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    misses: Mapped[int]
    sent_at: Mapped[datetime]
