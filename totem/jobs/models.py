"""One row per fire of a periodic job; its unique key is how a fire is claimed."""
from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from totem.db import Base
from totem.i18n import N_

# What the Jobs page calls each run status.
RUN_STATUS_LABELS = {
    "running": N_("Running"), "succeeded": N_("Succeeded"), "failed": N_("Failed"), "skipped": N_("Skipped"),
}


class JobRun(Base):
    __tablename__ = "job_runs"
    __table_args__ = (
        UniqueConstraint("job", "fire_time"),
        CheckConstraint("status in ('running', 'succeeded', 'failed', 'skipped')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(80))
    fire_time: Mapped[datetime]
    host: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(10), index=True)
    summary: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
