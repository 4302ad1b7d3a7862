"""Visitors: guests a member, mentor or manager expects at the front desk, and walk-ins the desk adds."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from totem.db import Base
from totem.identity.models import User


class Visitor(Base):
    """One person expected (or come) at one moment; their name and e-mail are personal data, purged after the
    retention period (`TOTEM_RETENTION_VISITORS_DAYS`)."""

    __tablename__ = "visitor"
    __table_args__ = (
        Index("ix_visitor_venue_expected", "venue_id", "expected_at"),
        CheckConstraint("cancelled_at is null or checked_in_at is null", name="cancelled_or_checked_in"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    host_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    name: Mapped[str] = mapped_column(String(200))
    # A walk-in may come without one; a pre-registered guest gets their invitation there.
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(300), default="")
    # The language of the guest's e-mail and page: the host's.
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    expected_at: Mapped[datetime]
    walk_in: Mapped[bool] = mapped_column(default=False)
    # Typed at the desk or read from the QR code; the page link carries a longer secret.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    page_token: Mapped[str] = mapped_column(String(43), unique=True)
    created_at: Mapped[datetime]
    checked_in_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    host: Mapped[User] = relationship(foreign_keys=[host_id], lazy="raise")
