"""One counted attempt: what was done (the bucket), by which client (the key), when."""
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from totem.db import Base


class ThrottleHit(Base):
    __tablename__ = "throttle_hit"
    __table_args__ = (Index("ix_throttle_hit_bucket_key_at", "bucket", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(50))
    # A client address, or its hash: never more than the limit needs.
    key: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
