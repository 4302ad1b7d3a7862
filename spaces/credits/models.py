"""Room credits: each start-up's account and the ledger of its movements."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from spaces.credits.enums import CreditReason
from spaces.venues.enums import sql_list
from totem.db import Base


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
