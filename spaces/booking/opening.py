"""When the building is open: the next opening slot from a moment, and why a window falls outside the hours.

The Book page and the floor plan start from the same slot, so that at 02:54 or on a Sunday both show the
building as it will be when it opens, not a closed building as if it were empty.
"""
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from spaces.venues import queries as venue_queries
from spaces.venues.models import ClosureDay, OpeningHours, Venue
from spaces.venues.rules import check_open, local_moment, local_time
from totem.errors import Invalid

# Two weeks covers the longest closure the French calendar makes (Christmas to New Year and a weekend).
LOOKAHEAD_DAYS = 14
SLOT = timedelta(hours=1)


def next_opening_slot(db: Session, venue: Venue, now: datetime, *, day: date | None = None
                      ) -> tuple[datetime, datetime] | None:
    """The first whole hour after `now` during which the venue is open, within two weeks; None if it never opens.

    With `day`, the first such hour of that local day only (from its opening, or from `now` if it is today).
    """
    local_now = local_time(now, venue)
    earliest = (local_now + SLOT).replace(minute=0, second=0, microsecond=0)
    first_day = day or local_now.date()
    days = [first_day] if day else [first_day + timedelta(days=n) for n in range(LOOKAHEAD_DAYS + 1)]
    closures = {closure.day: closure for closure in venue_queries.list_closures(db, [venue.id], days)}
    for candidate in days:
        hours = venue_queries.get_opening_hours(db, venue.id, candidate.weekday())
        if hours is None:
            continue
        opens, closes = local_moment(candidate, hours.opens_at, venue), local_moment(candidate, hours.closes_at, venue)
        start = max(opens, earliest) if candidate == local_now.date() else opens
        end = min(start + SLOT, closes)
        if start < end and closed_reason_for(venue, start, end, hours, closures.get(candidate)) is None:
            return start, end
    return None


def closed_reason(db: Session, venue: Venue, starts_at: datetime, ends_at: datetime) -> Invalid | None:
    """Why the venue is not open for the whole window (closed that day, a holiday, outside its hours), or None."""
    day = local_time(starts_at, venue).date()
    hours = venue_queries.get_opening_hours(db, venue.id, day.weekday())
    return closed_reason_for(venue, starts_at, ends_at, hours, venue_queries.get_closure(db, venue.id, day))


def closed_reason_for(venue: Venue, starts_at: datetime, ends_at: datetime, hours: OpeningHours | None,
                      closure: ClosureDay | None) -> Invalid | None:
    try:
        check_open(venue, starts_at, ends_at, hours, closure)
    except Invalid as error:
        return error
    return None


def default_day_slot(venue: Venue, day: date) -> tuple[datetime, datetime]:
    """A closed day's search still needs times: 09:00–10:00 there."""
    start = local_moment(day, time(9), venue)
    return start, start + SLOT
