"""Outbox queries for the delivery job and the managers' Jobs page."""
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from totem.notifications.models import OutboxMessage


def list_due_messages(db: Session, now: datetime, limit: int) -> Sequence[OutboxMessage]:
    """Pending messages due by `now`, oldest first, locked against other senders.

    On PostgreSQL, rows another process is sending are skipped rather than
    waited for; SQLite renders no FOR UPDATE, its write lock already
    serialises the job's transactions.
    """
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return db.scalars(query).all()


def list_failed_messages(db: Session, limit: int = 50) -> Sequence[OutboxMessage]:
    """Messages given up on, newest first."""
    query = select(OutboxMessage).where(OutboxMessage.status == "failed").order_by(OutboxMessage.id.desc()).limit(limit)
    return db.scalars(query).all()


def count_pending(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")) or 0
