"""Bookings: one space held for a half-open interval, by a user, for a start-up where credits apply."""
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spaces.booking.enums import ACTIVE_STATUSES, BookingStatus
from spaces.venues.enums import sql_list
from spaces.venues.models import needs_btree_gist
from totem.db import Base

if TYPE_CHECKING:
    from spaces.venues.models import Space


class Booking(Base):
    """One space held for `[starts_at, ends_at)`, by a user, for a start-up where credits apply."""

    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"status in ({sql_list(BookingStatus)})", name="status_known"),
        Index("ix_booking_space_id_starts_at", "space_id", "starts_at"),
        Index("ix_booking_user_id_starts_at", "user_id", "starts_at"),
        Index("ix_booking_status_starts_at", "status", "starts_at"),
        Index("ix_booking_operator_id_starts_at", "operator_id", "starts_at"),
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
    # The operator whose quota it counts against (its start-up's program's, or its manager's), set when booked.
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id", ondelete="SET NULL"))
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

    space: Mapped["Space"] = relationship(lazy="raise")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


needs_btree_gist(Booking.__table__)
