"""What each run of the weekly matching proved about its proposals, and why requests stayed open."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from totem.db import Base


class MatchingRun(Base):
    """One run of the weekly matching: what the solver proved about its proposals, and why requests stayed open."""

    __tablename__ = "matching_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"), index=True)
    starts_at: Mapped[datetime]  # the week matched, [starts_at, ends_at)
    ends_at: Mapped[datetime]
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))  # None: the job
    status: Mapped[str] = mapped_column(String(20))  # the solver's: optimal, feasible, greedy, no_solution
    requests: Mapped[int]
    proposed: Mapped[int]
    objective: Mapped[int]
    bound: Mapped[float | None]
    gap: Mapped[float | None]
    solve_seconds: Mapped[float]
    greedy_objective: Mapped[int | None]  # the greedy baseline's score on the same data, for comparison
    # [{"request_id", "code", "params"}]: see `cohorts.matching.week.REASONS`.
    unmatched: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
