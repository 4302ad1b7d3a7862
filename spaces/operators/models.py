"""Operators, their managers and their monthly quotas of room hours per kind of space."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spaces.operators.enums import OperatorKind, WhenExhausted
from spaces.venues.enums import SpaceKind, sql_list
from totem.db import Base

# Revision 0012 creates it, and puts the programs that existed before operators under it.
DEFAULT_OPERATOR_NAME = "Accélérateur M"


class Operator(Base):
    """An organisation that runs programs in the building: an accelerator, a corporate programme, a university..."""

    __tablename__ = "operator"
    __table_args__ = (CheckConstraint(f"kind in ({sql_list(OperatorKind)})", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default=OperatorKind.ACCELERATOR)
    # The name its start-ups and funders know it by, on its pages and reports (its legal name may differ).
    branding_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]

    managers: Mapped[list["OperatorManager"]] = relationship(lazy="raise", cascade="all, delete-orphan")
    quotas: Mapped[list["OperatorQuota"]] = relationship(lazy="raise", cascade="all, delete-orphan",
                                                         order_by="OperatorQuota.space_kind")

    @property
    def manager_ids(self) -> set[int]:
        return {manager.user_id for manager in self.managers}

    @property
    def display_name(self) -> str:
        return self.branding_name or self.name


class OperatorManager(Base):
    """A staff member of the operator: runs all its programs, and books on its quota."""

    __tablename__ = "operator_manager"

    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class OperatorQuota(Base):
    """Room hours a month of one kind of space for the operator's start-ups and staff, set by the building's admin.

    Its row is locked while a booking is checked against it, so that two bookings never both take the last hour.
    """

    __tablename__ = "operator_quota"
    __table_args__ = (
        UniqueConstraint("operator_id", "space_kind"),
        CheckConstraint(f"space_kind in ({sql_list(SpaceKind)})", name="space_kind_known"),
        CheckConstraint("monthly_hours >= 0", name="monthly_hours_positive"),
        CheckConstraint(f"when_exhausted in ({sql_list(WhenExhausted)})", name="when_exhausted_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id", ondelete="CASCADE"), index=True)
    space_kind: Mapped[str] = mapped_column(String(20))
    monthly_hours: Mapped[int]
    when_exhausted: Mapped[str] = mapped_column(String(20), default=WhenExhausted.REFUSE)
