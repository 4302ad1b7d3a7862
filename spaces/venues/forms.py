"""Typed fields of the managers' forms, in both domains: whole numbers, times of day and calendar days."""
from datetime import date, time

from totem.errors import Invalid


def whole(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise Invalid("Enter a whole number.", field=field) from None


def optional_whole(value: str, field: str) -> int | None:
    """Blank means "no limit"."""
    return whole(value, field) if value.strip() else None


def clock_time(value: str, field: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("Enter a time such as 09:00.", field=field) from None


def calendar_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("Enter a date such as 2026-12-24.", field=field) from None
