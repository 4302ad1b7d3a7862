"""The audit log's filters as the page's form sends them, read into an `AuditFilter`."""
from datetime import date, datetime, time, timedelta, tzinfo

from totem.audit.service import AuditFilter
from totem.i18n import N_

# The form's fields, and the pager's key.
AUDIT_FILTERS = ("person", "action", "object", "id", "from", "to", "q", "before")


def audit_filter(values: dict[str, str], tz: tzinfo, errors: dict[str, str]) -> AuditFilter:
    """The filter for the form's `values`; a day that is not one is left out and its message put in `errors`.

    The period is of whole days on the venue's clock, both ends included.
    """
    first = _day(values.get("from", ""), "from", errors)
    last = _day(values.get("to", ""), "to", errors)
    if first and last and last < first:
        errors["to"] = N_("The end of the period is before its start.")
        first = last = None
    return AuditFilter(
        person=values.get("person", ""),
        action=values.get("action", ""),
        object_type=values.get("object", ""),
        object_id=values.get("id", ""),
        starts_at=_start_of(first, tz) if first else None,
        ends_at=_start_of(last + timedelta(days=1), tz) if last else None,
        text=values.get("q", ""),
    )


def _day(text: str, field: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors[field] = N_("Enter a date such as 2026-12-08.")
        return None
    if not 2000 <= day.year <= 2100:
        errors[field] = N_("Enter a date such as 2026-12-08.")
        return None
    return day


def _start_of(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)
