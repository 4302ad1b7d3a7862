"""The only place that reads the wall clock; everything else is given `now`."""
from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
