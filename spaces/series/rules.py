"""Weekly recurrence rules (RFC 5545 RRULE) read on the venue's wall clock: no database here.

A rule is expanded from a naive local start, so that "every Sunday at 09:00"
stays 09:00 in Paris on both sides of a daylight-saving change; each
occurrence is turned into UTC only once its local day is known.
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

from dateutil.rrule import rrule, rrulestr

from spaces.venues.models import Venue
from spaces.venues.rules import venue_zone
from totem.errors import Invalid
from totem.i18n import N_

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # as date.weekday()
# The parts of a weekly rule we accept; COUNT and UNTIL become the series' last day.
RULE_PARTS = ("FREQ", "INTERVAL", "BYDAY", "WKST", "COUNT", "UNTIL")
KEPT_PARTS = ("FREQ", "INTERVAL", "BYDAY", "WKST")
MAX_INTERVAL = 52
# A series with an end lasts at most this long; an open one runs over a rolling horizon instead.
MAX_SPAN_DAYS = 366
MAX_COUNT = 7 * 53
WEEKLY_ONLY = N_("Only weekly rules are accepted: FREQ=WEEKLY, with BYDAY, INTERVAL, COUNT or UNTIL.")


@dataclass(frozen=True)
class WeeklyRule:
    rule: str  # normalised, without COUNT or UNTIL
    first_day: date  # the rule's first occurrence on or after the start
    until_day: date | None  # the last day included; None: open-ended


def parse_weekly(text: str, *, start: datetime) -> WeeklyRule:
    """Read a weekly RRULE from `start` (naive, the venue's wall clock); Invalid for anything else."""
    parts = _split(text)
    if parts.get("FREQ") != "WEEKLY":
        raise Invalid(WEEKLY_ONLY, field="rrule")
    if "COUNT" in parts and "UNTIL" in parts:
        raise Invalid("Give COUNT or UNTIL, not both.", field="rrule")
    _check_parts(parts)
    rule_text = ";".join(f"{key}={parts[key]}" for key in KEPT_PARTS if key in parts)
    rule = _expand(rule_text, start)
    first = rule.after(start, inc=True)
    if first is None:
        raise Invalid("This rule gives no date.", field="rrule")
    until_day = None
    if "COUNT" in parts:
        count = _whole(parts["COUNT"], low=1, high=MAX_COUNT)
        until_day = list(islice(rule, count))[-1].date()
    elif "UNTIL" in parts:
        until_day = _until_day(parts["UNTIL"])
    first_day = first.date()
    if until_day is not None:
        if until_day < first_day:
            raise Invalid("The series ends before its first date, {day}.", field="rrule", day=first_day.isoformat())
        check_span(first_day, until_day)
    return WeeklyRule(rule=rule_text, first_day=first_day, until_day=until_day)


def check_span(first_day: date, last_day: date) -> None:
    if (last_day - first_day).days > MAX_SPAN_DAYS:
        raise Invalid("A series lasts at most a year: end it by {day}.", field="rrule",
                      day=(first_day + timedelta(days=MAX_SPAN_DAYS)).isoformat())


def weekly_rule(weekdays: list[int], *, interval: int = 1, until_day: date | None = None) -> str:
    """The RRULE for "every `interval` weeks on these weekdays (0 is Monday), through `until_day`"."""
    parts = ["FREQ=WEEKLY"]
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    parts.append("BYDAY=" + ",".join(WEEKDAY_CODES[day] for day in sorted(set(weekdays))))
    if until_day is not None:
        parts.append(f"UNTIL={until_day:%Y%m%d}")
    return ";".join(parts)


def days_between(rule_text: str, *, first_day: date, start_time: time, since: date, through: date) -> list[date]:
    """The local days of the rule (anchored on `first_day`) from `since` through `through`, both included."""
    if through < since:
        return []
    rule = _expand(rule_text, datetime.combine(first_day, start_time))
    return [moment.date() for moment in
            rule.between(datetime.combine(since, time.min), datetime.combine(through, time.max), inc=True)]


def is_occurrence(rule_text: str, *, first_day: date, start_time: time, day: date) -> bool:
    return days_between(rule_text, first_day=first_day, start_time=start_time, since=day, through=day) == [day]


def occurrence_window(day: date, start_time: time, duration_minutes: int, venue: Venue) -> tuple[datetime, datetime]:
    """The occurrence's `[starts_at, ends_at)` in UTC: wall-clock start and end on `day` at the venue."""
    zone = venue_zone(venue)
    start = datetime.combine(day, start_time)
    end = start + timedelta(minutes=duration_minutes)
    return start.replace(tzinfo=zone).astimezone(UTC), end.replace(tzinfo=zone).astimezone(UTC)


def _split(text: str) -> dict[str, str]:
    text = text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:"):]
    parts: dict[str, str] = {}
    for item in filter(None, (piece.strip() for piece in text.split(";"))):
        key, equals, value = item.partition("=")
        key = key.strip().upper()
        if not equals or not value.strip() or key in parts:
            raise Invalid("This is not a valid recurrence rule.", field="rrule")
        if key not in RULE_PARTS:
            raise Invalid(WEEKLY_ONLY, field="rrule")
        parts[key] = value.strip().upper()
    return parts


def _check_parts(parts: dict[str, str]) -> None:
    if "INTERVAL" in parts:
        parts["INTERVAL"] = str(_whole(parts["INTERVAL"], low=1, high=MAX_INTERVAL))
    if "BYDAY" in parts:
        days = parts["BYDAY"].split(",")
        # Ordinals ("1MO") belong to monthly rules.
        if not all(day in WEEKDAY_CODES for day in days):
            raise Invalid("Name the weekdays as MO, TU, WE, TH, FR, SA, SU.", field="rrule")
        parts["BYDAY"] = ",".join(sorted(set(days), key=WEEKDAY_CODES.index))
    if "WKST" in parts and parts["WKST"] not in WEEKDAY_CODES:
        raise Invalid("Name the weekdays as MO, TU, WE, TH, FR, SA, SU.", field="rrule")


def _expand(rule_text: str, start: datetime) -> rrule:
    try:
        rule = rrulestr(rule_text, dtstart=start)
    except (ValueError, TypeError):
        raise Invalid("This is not a valid recurrence rule.", field="rrule") from None
    if not isinstance(rule, rrule):  # a set: _split already refuses RDATE and EXDATE
        raise Invalid("This is not a valid recurrence rule.", field="rrule")
    return rule


def _whole(value: str, *, low: int, high: int) -> int:
    if not value.isdigit() or not low <= int(value) <= high:
        raise Invalid("This is not a valid recurrence rule.", field="rrule")
    return int(value)


def _until_day(value: str) -> date:
    # A date (20270411) or a date-time (20270411T220000Z): the day is what the series means.
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        raise Invalid("This is not a valid recurrence rule.", field="rrule") from None


def weekdays_of(rule_text: str, first_day: date) -> list[int]:
    """The rule's weekdays (0 is Monday); a rule without BYDAY repeats its first day's."""
    parts = dict(part.split("=", 1) for part in rule_text.split(";") if "=" in part)
    if "BYDAY" not in parts:
        return [first_day.weekday()]
    return [WEEKDAY_CODES.index(code) for code in parts["BYDAY"].split(",")]


def interval_of(rule_text: str) -> int:
    parts = dict(part.split("=", 1) for part in rule_text.split(";") if "=" in part)
    return int(parts.get("INTERVAL", "1"))
