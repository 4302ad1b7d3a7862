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
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spaces.enums import ACTIVE_STATUSES, BookingStatus, SpaceKind, sql_list
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


class Booking(Base):
    """One space held for `[starts_at, ends_at)`, by a user, for a start-up where credits apply."""

    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"status in ({sql_list(BookingStatus)})", name="status_known"),
        Index("ix_booking_space_id_starts_at", "space_id", "starts_at"),
        Index("ix_booking_user_id_starts_at", "user_id", "starts_at"),
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

    space: Mapped[Space] = relationship(lazy="raise")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


# The exclusion constraint compares integers with GiST: PostgreSQL needs
# btree_gist for that. Alembic's revision creates it too; this covers
# `metadata.create_all`, which some tests use.
event.listen(
    Booking.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
