"""The booking rules that need no database: opening hours, holidays, durations, advance window.

Every check works on the venue's wall-clock time, so that "09:00 on Monday"
means 09:00 in Marseille on both sides of a daylight-saving change.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from spaces.venues.models import BookingRule, ClosureDay, OpeningHours, Venue
from totem.errors import Invalid, error_code
from totem.identity.enums import Role

OUTSIDE_OPENING_HOURS = error_code(
    "outside_opening_hours", "The booking starts before the venue opens, ends after it closes, or spans two days.")
CLOSURE_DAY = error_code(
    "closure_day", "The venue is closed that day: a closure day, a public holiday or a weekday without opening hours.")
ADVANCE_WINDOW = error_code(
    "advance_window", "The booking starts in the past, or further ahead than the space's rule allows.")
BOOKING_TOO_SHORT = error_code("booking_too_short", "The booking is shorter than the space's rule allows.")
BOOKING_TOO_LONG = error_code("booking_too_long", "The booking is longer than the space's rule allows.")


@dataclass(frozen=True)
class Policy:
    """The booking rule that applies to one space, with the defaults filled in."""

    allowed_roles: frozenset[str]
    min_minutes: int | None = None
    max_minutes: int | None = None
    max_days_ahead: int | None = None
    buffer_minutes: int = 0
    requires_approval: bool = False
    credits_per_hour: int = 0
    refund_notice_hours: int = 24
    open_to_grant_holders: bool = False


# A space that no rule covers may be booked by residents and mentors, without limits.
DEFAULT_POLICY = Policy(allowed_roles=frozenset({Role.MEMBER, Role.MENTOR}))


def policy_from(rule: BookingRule | None) -> Policy:
    if rule is None:
        return DEFAULT_POLICY
    return Policy(
        allowed_roles=frozenset(rule.allowed_roles),
        min_minutes=rule.min_minutes,
        max_minutes=rule.max_minutes,
        max_days_ahead=rule.max_days_ahead,
        buffer_minutes=rule.buffer_minutes,
        requires_approval=rule.requires_approval,
        credits_per_hour=rule.credits_per_hour,
        refund_notice_hours=rule.refund_notice_hours,
        open_to_grant_holders=rule.open_to_grant_holders,
    )


def venue_zone(venue: Venue) -> ZoneInfo:
    return ZoneInfo(venue.timezone)


def local_time(moment: datetime, venue: Venue) -> datetime:
    return moment.astimezone(venue_zone(venue))


def local_moment(day: date, at: time, venue: Venue) -> datetime:
    """The instant the venue's clocks show `at` on `day`."""
    return datetime.combine(day, at, tzinfo=venue_zone(venue))


@lru_cache(maxsize=32)
def _french_holidays(year: int) -> holidays.HolidayBase:
    return holidays.France(years=year, language="fr")  # not the server locale's names


def public_holiday(day: date) -> str | None:
    """The name of the French public holiday on `day`, if it is one."""
    return _french_holidays(day.year).get(day)


def check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise Invalid("The end must be after the start.", field="ends_at")
    if starts_at < now:
        raise Invalid("The start must be in the future.", field="starts_at", code=ADVANCE_WINDOW)


def check_open(
    venue: Venue,
    starts_at: datetime,
    ends_at: datetime,
    hours: OpeningHours | None,
    closure: ClosureDay | None,
) -> None:
    """The booking lies within the opening hours of one local day on which the venue is open.

    `hours` are those of the local start's weekday; `closure` the closure day
    on the local start's date, if any.
    """
    start, end = local_time(starts_at, venue), local_time(ends_at, venue)
    day = start.date()
    if end.date() != day:
        raise Invalid("A booking must start and end on the same day.", field="ends_at", code=OUTSIDE_OPENING_HOURS)
    if closure is not None:
        raise Invalid("{venue} is closed on {day} ({reason}).", field="starts_at", code=CLOSURE_DAY,
                      venue=venue.name, day=day.isoformat(), reason=closure.reason)
    holiday = public_holiday(day) if venue.observes_public_holidays else None
    if holiday is not None:
        # The holiday's name is left out: it would stay in one language inside a translated sentence.
        raise Invalid("{venue} is closed on {day}, a public holiday.", field="starts_at", code=CLOSURE_DAY,
                      venue=venue.name, day=day.isoformat())
    if hours is None:
        raise Invalid("{venue} is closed on {day}.", field="starts_at", code=CLOSURE_DAY, venue=venue.name,
                      day=day.isoformat())
    opens, closes = local_moment(day, hours.opens_at, venue), local_moment(day, hours.closes_at, venue)
    if start < opens or end > closes:
        raise Invalid("On {day}, {venue} is open from {opens} to {closes}.",
                      field="starts_at" if start < opens else "ends_at", code=OUTSIDE_OPENING_HOURS, venue=venue.name,
                      day=day.isoformat(), opens=f"{hours.opens_at:%H:%M}", closes=f"{hours.closes_at:%H:%M}")


def check_duration(policy: Policy, starts_at: datetime, ends_at: datetime) -> None:
    minutes = (ends_at - starts_at) / timedelta(minutes=1)
    if policy.min_minutes is not None and minutes < policy.min_minutes:
        raise Invalid("A booking of this space lasts at least {minutes} minutes.", field="ends_at",
                      code=BOOKING_TOO_SHORT, minutes=policy.min_minutes)
    if policy.max_minutes is not None and minutes > policy.max_minutes:
        raise Invalid("A booking of this space lasts at most {minutes} minutes.", field="ends_at",
                      code=BOOKING_TOO_LONG, minutes=policy.max_minutes)


def check_advance(policy: Policy, venue: Venue, starts_at: datetime, now: datetime) -> None:
    """Counted in the venue's days: "14 days ahead" allows any hour of the 14th day."""
    if policy.max_days_ahead is None:
        return
    days_ahead = (local_time(starts_at, venue).date() - local_time(now, venue).date()).days
    if days_ahead > policy.max_days_ahead:
        raise Invalid("This space can be booked at most {days} days ahead.", field="starts_at", code=ADVANCE_WINDOW,
                      days=policy.max_days_ahead)


def free_intervals(
    opens: datetime, closes: datetime, busy: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """What is left of `[opens, closes)` once the busy intervals are taken out."""
    free, cursor = [], opens
    for busy_start, busy_end in sorted(busy):
        if busy_start > cursor:
            free.append((cursor, min(busy_start, closes)))
        cursor = max(cursor, busy_end)
        if cursor >= closes:
            break
    if cursor < closes:
        free.append((cursor, closes))
    return [(start, end) for start, end in free if end > start]


def is_open_for(
    venue: Venue,
    starts_at: datetime,
    ends_at: datetime,
    hours: OpeningHours | None,
    closure: ClosureDay | None,
) -> bool:
    try:
        check_open(venue, starts_at, ends_at, hours, closure)
    except Invalid:
        return False
    return True
