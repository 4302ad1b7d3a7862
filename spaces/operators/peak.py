"""Peak hours, on the venue's wall clock: when they are, and how many shared rooms an operator holds at once then.

A venue keeps them as two texts (`peak_weekdays` "0,1,2,3,4", Monday being 0, and `peak_periods`
"10:00-12:00,14:00-17:00"), edited by the building's admin; this module reads and checks them, and needs no
database.
"""
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from spaces.venues.models import Venue
from spaces.venues.rules import local_moment, local_time
from totem.errors import Invalid

DEFAULT_WEEKDAYS = "0,1,2,3,4"
DEFAULT_PERIODS = "10:00-12:00,14:00-17:00"

Period = tuple[time, time]
Window = tuple[datetime, datetime]


def parse_weekdays(text: str) -> tuple[int, ...]:
    try:
        days = {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        raise Invalid("Choose the weekdays of the peak hours.", field="peak_weekdays") from None
    if days - set(range(7)):
        raise Invalid("Choose the weekdays of the peak hours.", field="peak_weekdays")
    return tuple(sorted(days))


def parse_periods(text: str) -> tuple[Period, ...]:
    """"10:00-12:00, 14:00-17:00" as periods in order; refused when one is malformed, empty or overlaps another."""
    periods = []
    for part in (part.strip() for part in text.split(",")):
        if not part:
            continue
        try:
            start, end = (time.fromisoformat(value.strip()) for value in part.split("-"))
        except ValueError:
            raise Invalid("Write the peak periods as 10:00-12:00, 14:00-17:00.", field="peak_periods") from None
        if end <= start:
            raise Invalid("A peak period must end after it starts: {period}.", field="peak_periods", period=part)
        periods.append((start, end))
    periods.sort()
    for (_start, end), (next_start, _end) in zip(periods, periods[1:]):
        if next_start < end:
            raise Invalid("Peak periods must not overlap.", field="peak_periods")
    return tuple(periods)


def format_weekdays(days: Iterable[int]) -> str:
    return ",".join(str(day) for day in sorted(set(days)))


def format_periods(periods: Iterable[Period]) -> str:
    return ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in periods)


def peak_windows(venue: Venue, starts_at: datetime, ends_at: datetime) -> list[Window]:
    """The parts of `[starts_at, ends_at)` in the venue's peak hours, as instants."""
    weekdays = set(parse_weekdays(venue.peak_weekdays))
    periods = parse_periods(venue.peak_periods)
    windows = []
    day: date = local_time(starts_at, venue).date()
    while local_moment(day, time(0), venue) < ends_at:
        if day.weekday() in weekdays:
            for start, end in periods:
                low = max(starts_at, local_moment(day, start, venue))
                high = min(ends_at, local_moment(day, end, venue))
                if low < high:
                    windows.append((low, high))
        day += timedelta(days=1)
    return windows


def most_held_at_once(held: Iterable[Window], windows: Iterable[Window]) -> int:
    """The most of the `held` intervals that overlap at one instant inside any of the `windows`."""
    most = 0
    held = list(held)
    for low, high in windows:
        events = sorted([(max(start, low), 1) for start, end in held if start < high and end > low]
                        + [(min(end, high), -1) for start, end in held if start < high and end > low],
                        key=lambda event: (event[0], event[1]))  # an end before a start at the same instant
        count = 0
        for _moment, step in events:
            count += step
            most = max(most, count)
    return most


def fair_share_of_rooms(own_hours: int, all_hours: int, rooms: int) -> float:
    """How many of the `rooms` an operator may hold at once at peak: its quota's proportion of all quotas."""
    if all_hours <= 0:
        return float(rooms)
    return rooms * own_hours / all_hours
