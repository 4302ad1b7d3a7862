"""The building: venues, their opening hours and closure days, floors, zones and spaces, the rules for
booking them, start-ups' access grants and dedicated desks."""
from datetime import date, datetime, time

from sqlalchemy import (
    DDL,
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Time,
    UniqueConstraint,
    event,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spaces.venues.enums import SpaceKind, sql_list
from totem.db import Base

KIND_CHECK = f"in ({sql_list(SpaceKind)})"


DEFAULT_PEAK_WEEKDAYS = "0,1,2,3,4"
DEFAULT_PEAK_PERIODS = "10:00-12:00,14:00-17:00"


class Venue(Base):
    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Opening hours, closure days and bookings' wall-clock times are in this zone.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    observes_public_holidays: Mapped[bool] = mapped_column(default=True)
    # How long after its start a booking may still be checked in.
    check_in_grace_minutes: Mapped[int] = mapped_column(default=15)
    # Peak hours on the venue's clock (weekdays, Monday 0; periods): the shared meeting rooms are then shared
    # fairly between operators (`spaces.operators.peak` reads them).
    peak_weekdays: Mapped[str] = mapped_column(String(20), default=DEFAULT_PEAK_WEEKDAYS,
                                               server_default=DEFAULT_PEAK_WEEKDAYS)
    peak_periods: Mapped[str] = mapped_column(String(200), default=DEFAULT_PEAK_PERIODS,
                                              server_default=DEFAULT_PEAK_PERIODS)
    # The postal address, as visitors' invitations give it.
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")

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
    the defaults of `spaces.venues.rules.DEFAULT_POLICY`.
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


class AccessGrant(Base):
    """A start-up's right to book a venue's spaces for a period, with a monthly credit allowance.

    Programs give them on enrolment (through `spaces.venues.access`), keyed by
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
    # The operator whose program gave it: the start-up's bookings then count against that operator's quotas.
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id", ondelete="SET NULL"))
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


def needs_btree_gist(table: Table) -> None:
    """An exclusion constraint that compares integers with GiST needs PostgreSQL's btree_gist. Alembic's
    revision creates it too; this covers `metadata.create_all`, which some tests use."""
    event.listen(table, "before_create",
                 DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"))


needs_btree_gist(DeskAllocation.__table__)
