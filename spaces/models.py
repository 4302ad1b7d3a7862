"""Venues, their floors, zones and spaces, the rules for booking them, and bookings."""
from datetime import date, datetime, time

from sqlalchemy import (
    DDL,
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Time,
    UniqueConstraint,
    event,
    false,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spaces.enums import ACTIVE_STATUSES, BookingStatus, CreditReason, SeriesSkip, SpaceKind, WaitlistStatus, sql_list
from totem.db import Base

KIND_CHECK = f"in ({sql_list(SpaceKind)})"


class Venue(Base):
    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Opening hours, closure days and bookings' wall-clock times are in this zone.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    observes_public_holidays: Mapped[bool] = mapped_column(default=True)
    # How long after its start a booking may still be checked in.
    check_in_grace_minutes: Mapped[int] = mapped_column(default=15)

    opening_hours: Mapped[list["OpeningHours"]] = relationship(
        back_populates="venue", lazy="raise", cascade="all, delete-orphan", order_by="OpeningHours.weekday"
    )
    floors: Mapped[list["Floor"]] = relationship(back_populates="venue", lazy="raise", order_by="Floor.level")


class OpeningHours(Base):
    """The hours of one weekday; a weekday without a row is closed."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        UniqueConstraint("venue_id", "weekday"),
        CheckConstraint("weekday between 0 and 6", name="weekday_known"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    weekday: Mapped[int]  # 0 is Monday, as date.weekday()
    opens_at: Mapped[time] = mapped_column(Time())
    closes_at: Mapped[time] = mapped_column(Time())

    venue: Mapped[Venue] = relationship(back_populates="opening_hours", lazy="raise")


class ClosureDay(Base):
    """A day the venue is closed besides weekends and public holidays."""

    __tablename__ = "closure_day"
    __table_args__ = (UniqueConstraint("venue_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date())
    reason: Mapped[str] = mapped_column(String(200), default="")


class Floor(Base):
    __tablename__ = "floor"
    __table_args__ = (
        UniqueConstraint("venue_id", "name"),
        CheckConstraint("plan_width > 0 and plan_height > 0", name="plan_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int]
    # The floor plan's size, in the units of the spaces' x/y/width/height.
    plan_width: Mapped[int]
    plan_height: Mapped[int]

    venue: Mapped[Venue] = relationship(back_populates="floors", lazy="raise")
    zones: Mapped[list["Zone"]] = relationship(back_populates="floor", lazy="raise", order_by="Zone.name")


class Zone(Base):
    __tablename__ = "zone"
    __table_args__ = (UniqueConstraint("floor_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    floor: Mapped[Floor] = relationship(back_populates="zones", lazy="raise")


class Space(Base):
    __tablename__ = "space"
    __table_args__ = (
        UniqueConstraint("floor_id", "name"),
        CheckConstraint(f"kind {KIND_CHECK}", name="kind_known"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("width > 0 and height > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id", ondelete="CASCADE"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    capacity: Mapped[int] = mapped_column(default=1)
    amenities: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Where the space is drawn on its floor's plan.
    x: Mapped[int] = mapped_column(default=0)
    y: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column(default=1)
    height: Mapped[int] = mapped_column(default=1)
    is_active: Mapped[bool] = mapped_column(default=True)

    floor: Mapped[Floor] = relationship(lazy="raise")
    zone: Mapped[Zone | None] = relationship(lazy="raise")


class BookingRule(Base):
    """How a kind of space, or every space of a zone, may be booked in a venue.

    A zone's rule wins over its kind's rule; a space without either follows
    the defaults of `spaces.rules.DEFAULT_POLICY`.
    """

    __tablename__ = "booking_rule"
    __table_args__ = (
        # One rule per kind and one per zone, so that the rule of a space is never ambiguous.
        UniqueConstraint("venue_id", "space_kind"),
        UniqueConstraint("venue_id", "zone_id"),
        CheckConstraint("(space_kind is null) <> (zone_id is null)", name="kind_or_zone"),
        CheckConstraint(f"space_kind {KIND_CHECK}", name="space_kind_known"),
        CheckConstraint("min_minutes is null or min_minutes > 0", name="min_minutes_positive"),
        CheckConstraint("max_minutes is null or max_minutes >= coalesce(min_minutes, 1)", name="max_minutes_above_min"),
        CheckConstraint("max_days_ahead is null or max_days_ahead >= 0", name="max_days_ahead_positive"),
        CheckConstraint("buffer_minutes >= 0 and credits_per_hour >= 0", name="amounts_positive"),
        CheckConstraint("refund_notice_hours >= 0", name="refund_notice_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"), index=True)
    space_kind: Mapped[str | None] = mapped_column(String(20))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="CASCADE"))
    # Roles that may book (staff always may).
    allowed_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_minutes: Mapped[int | None]
    max_minutes: Mapped[int | None]
    max_days_ahead: Mapped[int | None]
    # Minutes to keep free between two bookings of one space (cleaning, changeover).
    buffer_minutes: Mapped[int] = mapped_column(default=0)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    credits_per_hour: Mapped[int] = mapped_column(default=0)
    # A cancellation at least this long before the start gets its credits back.
    refund_notice_hours: Mapped[int] = mapped_column(default=24)
    # Besides those roles, members of a start-up holding an access grant for this kind of space.
    open_to_grant_holders: Mapped[bool] = mapped_column(default=False)


class Booking(Base):
    """One space held for `[starts_at, ends_at)`, by a user, for a start-up where credits apply."""

    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"status in ({sql_list(BookingStatus)})", name="status_known"),
        Index("ix_booking_space_id_starts_at", "space_id", "starts_at"),
        Index("ix_booking_user_id_starts_at", "user_id", "starts_at"),
        Index("ix_booking_status_starts_at", "status", "starts_at"),
        # One booking per occurrence of a series, so materialising twice adds nothing.
        UniqueConstraint("series_id", "series_day"),
        # The database, not only the service, refuses two active bookings of
        # one space that overlap. SQLite has no such constraint: there the
        # service's check runs in a transaction that holds the write lock.
        ExcludeConstraint(
            ("space_id", "="),
            (func.tstzrange(literal_column("starts_at"), literal_column("ends_at"), text("'[)'")), "&&"),
            name="ex_booking_no_overlap",
            using="gist",
            where=text(f"status in ({sql_list(ACTIVE_STATUSES)})"),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # The start-up the booking is for (and whose credits it uses).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=BookingStatus.CONFIRMED)
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    checked_in_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    # An occurrence of a series: the series and the local day it stands for, even once moved.
    series_id: Mapped[int | None] = mapped_column(ForeignKey("booking_series.id"), index=True)
    series_day: Mapped[date | None] = mapped_column(Date())
    # Booked for another domain's event (a mentor session, a cohort event): its host records who came, so
    # it is never released for want of a check-in.
    hosted: Mapped[bool] = mapped_column(default=False, server_default=false())

    space: Mapped[Space] = relationship(lazy="raise")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class BookingSeries(Base):
    """A weekly recurring booking: the rule, stored beside one `Booking` row per occurrence.

    The occurrences are `rrule` from `first_day` at `start_time` on the venue's
    wall clock, through `until_day` (inclusive) or, for an open series, over a
    rolling horizon that a job extends (`materialised_until`).
    """

    __tablename__ = "booking_series"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("until_day is null or until_day >= first_day", name="until_after_first_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200), default="")
    # An RFC 5545 RRULE with FREQ=WEEKLY, without COUNT or UNTIL (those become `until_day`).
    rrule: Mapped[str] = mapped_column(String(200))
    first_day: Mapped[date] = mapped_column(Date())
    start_time: Mapped[time] = mapped_column(Time())
    duration_minutes: Mapped[int]
    until_day: Mapped[date | None] = mapped_column(Date())
    materialised_until: Mapped[date] = mapped_column(Date())
    # On a conflict: skip the date (True) or refuse the whole series (False, at creation).
    skip_conflicts: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None]

    space: Mapped[Space] = relationship(lazy="raise")
    skipped: Mapped[list["SeriesException"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="SeriesException.day"
    )


class SeriesException(Base):
    """An occurrence of a series that has no booking, and why."""

    __tablename__ = "series_exception"
    __table_args__ = (
        UniqueConstraint("series_id", "day"),
        CheckConstraint(f"reason in ({sql_list(SeriesSkip)})", name="reason_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("booking_series.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date())
    reason: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(300), default="")


class WaitlistEntry(Base):
    """Someone waiting for a space to free up for `[starts_at, ends_at)`; the first in line gets the offer."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"status in ({sql_list(WaitlistStatus)})", name="status_known"),
        Index("ix_waitlist_entry_space_id_status_starts_at", "space_id", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=WaitlistStatus.WAITING)
    created_at: Mapped[datetime]
    offered_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None]
    # The booking that holds the offered slot (status `offered`), confirmed when they accept.
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"))

    space: Mapped[Space] = relationship(lazy="raise")
    booking: Mapped[Booking | None] = relationship(lazy="raise")


class AccessGrant(Base):
    """A start-up's right to book a venue's spaces for a period, with a monthly credit allowance.

    Programs give them on enrolment (through `spaces.access`), keyed by
    `source_key` so that ending the enrolment ends the grant.
    """

    __tablename__ = "access_grant"
    __table_args__ = (
        UniqueConstraint("organisation_id", "source_key"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("monthly_credits >= 0", name="monthly_credits_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    # The kinds of space it opens; empty: every kind.
    space_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_on: Mapped[date] = mapped_column(Date())
    ends_on: Mapped[date] = mapped_column(Date())  # the last day, included
    monthly_credits: Mapped[int] = mapped_column(default=0)
    source_key: Mapped[str | None] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class DeskAllocation(Base):
    """A dedicated desk given to one start-up from `starts_on` through `ends_on`."""

    __tablename__ = "desk_allocation"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        Index("ix_desk_allocation_space_id_starts_on", "space_id", "starts_on"),
        # One start-up per desk at a time, in the database too (SQLite: the service's check under the write lock).
        ExcludeConstraint(
            ("space_id", "="),
            (func.daterange(literal_column("starts_on"), literal_column("ends_on"), text("'[]'")), "&&"),
            name="ex_desk_allocation_no_overlap",
            using="gist",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date())
    ends_on: Mapped[date] = mapped_column(Date())  # the last day, included
    source_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    space: Mapped[Space] = relationship(lazy="raise")


class CreditAccount(Base):
    """A start-up's room credits; `balance` is the sum of its ledger, kept beside it to lock and check."""

    __tablename__ = "credit_account"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), unique=True)
    balance: Mapped[int] = mapped_column(default=0)
    # The allowance given at the last monthly reset, and the month it was for (its first day).
    allowance: Mapped[int] = mapped_column(default=0)
    period_start: Mapped[date | None] = mapped_column(Date())


class CreditEntry(Base):
    """One movement of a credit account: never changed, never deleted."""

    __tablename__ = "credit_entry"
    __table_args__ = (
        CheckConstraint(f"reason in ({sql_list(CreditReason)})", name="reason_known"),
        Index("ix_credit_entry_account_id_at", "account_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("credit_account.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    amount: Mapped[int]  # positive: credited; negative: debited
    reason: Mapped[str] = mapped_column(String(20))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(200), default="")


class OccupancyHour(Base):
    """What one space saw in one local hour of one day: written by the nightly roll-up, read by the reports.

    Only hours with a booking have a row; the reports take the capacity from
    the spaces and the opening hours.
    """

    __tablename__ = "occupancy_hour"
    __table_args__ = (
        UniqueConstraint("space_id", "starts_at"),
        Index("ix_occupancy_hour_venue_id_day", "venue_id", "day"),
        CheckConstraint("hour between 0 and 23 and weekday between 0 and 6", name="hour_and_weekday_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id", ondelete="CASCADE"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="SET NULL"))
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime]  # the hour's start, UTC
    day: Mapped[date] = mapped_column(Date())  # local
    hour: Mapped[int]  # local, 0-23
    weekday: Mapped[int]  # local, 0 is Monday
    booked_minutes: Mapped[int] = mapped_column(default=0)
    used_minutes: Mapped[int] = mapped_column(default=0)  # of bookings checked in
    bookings: Mapped[int] = mapped_column(default=0)  # bookings starting in this hour
    check_ins: Mapped[int] = mapped_column(default=0)
    no_shows: Mapped[int] = mapped_column(default=0)


class OccupancyDayHour(Base):
    """The hourly rows of one local day and hour summed per floor, zone and kind: the reports' hours and weeks.

    Written beside `occupancy_hour` by the nightly roll-up, so a quarter's
    heat map and weekly trend read a few thousand rows instead of a million.
    The floor, zone and kind are the spaces' when the day was rolled up.
    """

    __tablename__ = "occupancy_day_hour"
    __table_args__ = (
        Index("ix_occupancy_day_hour_venue_id_day", "venue_id", "day"),
        CheckConstraint("hour between 0 and 23", name="hour_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id", ondelete="CASCADE"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date())  # local
    hour: Mapped[int]  # local, 0-23; the two 02:00 of a fall-back day are one row
    booked_minutes: Mapped[int] = mapped_column(default=0)
    used_minutes: Mapped[int] = mapped_column(default=0)
    bookings: Mapped[int] = mapped_column(default=0)
    check_ins: Mapped[int] = mapped_column(default=0)
    no_shows: Mapped[int] = mapped_column(default=0)


class OccupancySpaceDay(Base):
    """The hourly rows of one space and local day summed: the reports' most and least used spaces."""

    __tablename__ = "occupancy_space_day"
    __table_args__ = (
        UniqueConstraint("space_id", "day"),
        Index("ix_occupancy_space_day_venue_id_day", "venue_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id", ondelete="CASCADE"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="SET NULL"))
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date())  # local
    booked_minutes: Mapped[int] = mapped_column(default=0)
    used_minutes: Mapped[int] = mapped_column(default=0)
    bookings: Mapped[int] = mapped_column(default=0)
    check_ins: Mapped[int] = mapped_column(default=0)
    no_shows: Mapped[int] = mapped_column(default=0)


# The exclusion constraint compares integers with GiST: PostgreSQL needs
# btree_gist for that. Alembic's revision creates it too; this covers
# `metadata.create_all`, which some tests use.
event.listen(
    Booking.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
event.listen(
    DeskAllocation.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
