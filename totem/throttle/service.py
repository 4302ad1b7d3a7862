"""At most `limit` attempts per client and bucket within a sliding window, shared by every web process.

The caller checks before acting and records the attempt in the same
transaction as what it did, so that a refused or failed attempt counts
nothing. Two processes may both let a client's last attempt through at the
same instant: a limit against floods, not an exact quota.
"""
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from totem.throttle.models import ThrottleHit


def seconds_to_wait(db: Session, *, bucket: str, key: str, limit: int, window: timedelta, now: datetime) -> int:
    """0 when the client may go on; else how long until its oldest counted attempt leaves the window."""
    recent = list(db.scalars(
        select(ThrottleHit.at).where(ThrottleHit.bucket == bucket, ThrottleHit.key == key[:100],
                                     ThrottleHit.at > now - window)
        .order_by(ThrottleHit.at.desc()).limit(limit)))
    if len(recent) < limit:
        return 0
    # The attempt stops counting the instant it is `window` old: waiting that long, rounded up, is enough.
    return max(1, math.ceil((recent[-1] + window - now).total_seconds()))


def record(db: Session, *, bucket: str, key: str, window: timedelta, now: datetime) -> None:
    """Count one attempt; the bucket's attempts past the window are dropped on the way."""
    db.execute(delete(ThrottleHit).where(ThrottleHit.bucket == bucket, ThrottleHit.at <= now - window))
    db.add(ThrottleHit(bucket=bucket, key=key[:100], at=now))
    db.flush()
