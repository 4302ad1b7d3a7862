"""The waitlist: someone waiting for a taken slot of a space."""
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spaces.booking.waitlist.enums import WaitlistStatus
from spaces.venues.enums import sql_list
from totem.db import Base

if TYPE_CHECKING:
    from spaces.booking.models import Booking
    from spaces.venues.models import Space


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

    space: Mapped["Space"] = relationship(lazy="raise")
    booking: Mapped["Booking | None"] = relationship(lazy="raise")
