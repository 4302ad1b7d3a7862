"""Typed fields of the managers' forms, in both domains: whole numbers, times of day, calendar days and the
period of a report."""
from datetime import date, time, timedelta

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


def report_period(first: str | None, last: str | None, *, today: date, longest: int) -> tuple[date, date]:
    """A report's first and last days (ISO, both included), at most `longest` days; by default the 13 full
    weeks before today."""
    try:
        last_day = date.fromisoformat(last) if last else today - timedelta(days=1)
        first_day = date.fromisoformat(first) if first else last_day - timedelta(weeks=13) + timedelta(days=1)
    except ValueError:
        raise Invalid("Enter dates such as 2026-09-30.", field="from") from None
    if last_day < first_day:
        raise Invalid("The last day must not be before the first.", field="to")
    if (last_day - first_day).days >= longest:
        raise Invalid("Choose a period of at most {days} days.", field="from", days=longest)
    return first_day, last_day
