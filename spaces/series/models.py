"""Weekly recurring bookings: the rule, and the occurrences that have no booking."""
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spaces.series.enums import SeriesSkip
from spaces.venues.enums import sql_list
from totem.db import Base

if TYPE_CHECKING:
    from spaces.venues.models import Space


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

    space: Mapped["Space"] = relationship(lazy="raise")
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
