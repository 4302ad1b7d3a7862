"""A year of bookings of the campus: nine months past and three ahead, never two active ones overlapping on a space.

Candidates are drawn day by day and space by space (each space's day is a
sequence of disjoint slots), then a uniform sample keeps exactly the number
asked for, which cannot create an overlap. Statuses follow from `now`: the
past was mostly checked in, some released (no-shows) or cancelled; the future
is confirmed; a handful of today's bookings are still `confirmed` past their
grace period, for the no-show job to release.
"""
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bench.campus import OPENING_HOURS, TIMEZONE, Campus, PlacedSpace
from spaces.booking.enums import BookingStatus
from spaces.booking.service import NO_SHOW_LOOKBACK
from spaces.venues.enums import SpaceKind
from spaces.venues.rules import public_holiday

PAST_DAYS = 273  # nine months
FUTURE_DAYS = 92  # three months
GRACE = timedelta(minutes=15)  # the campus's check-in grace period
NO_SHOWS_LEFT = 30  # today's confirmed bookings past their grace period
# Busier mid-week; Saturday is quiet.
WEEKDAY_LOAD = {0: 0.85, 1: 1.0, 2: 1.0, 3: 1.0, 4: 0.75, 5: 0.15}
HOT_DESK_OCCUPANCY = 0.6  # of the hot desks, on a busy day
HALF_DAYS = 0.4  # of the used hot desks, booked as a morning and an afternoon
DEDICATED_ATTENDANCE = 0.9
# Advance windows in which people book: further out, fewer bookings exist yet (days).
HORIZON = {SpaceKind.HOT_DESK: 14, SpaceKind.MEETING_ROOM: 30, SpaceKind.PHONE_BOOTH: 7}
ROOM_MINUTES, ROOM_GAPS = (30, 60, 60, 90, 120), (15, 30, 30, 60, 90, 120)
BOOTH_MINUTES, BOOTH_GAPS = (15, 30, 30, 45, 60), (15, 30, 60, 90, 120)
ROOM_TITLES = ("Point d'équipe", "Sprint review", "Entretien candidat", "Call investisseurs", "Atelier produit",
               "Comité de pilotage", "Démo client", "Rétrospective", "Mentorat", "")
EVENT_TITLES = ("Afterwork", "Meetup", "Demo day — répétition", "Conférence", "Pitch night")

COLUMNS = ("space_id", "user_id", "organisation_id", "starts_at", "ends_at", "status", "title", "created_at",
           "created_by", "checked_in_at", "cancelled_at", "reminder_sent_at")
REMINDER_AHEAD = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Candidate:
    space_id: int
    day: date
    start: int  # minutes from local midnight
    end: int
    user_id: int
    startup_id: int
    kind: str


@dataclass(frozen=True)
class Year:
    """The sampled bookings, ready to be written as rows of `COLUMNS`."""

    candidates: list[Candidate]
    drawn: int  # candidates drawn before sampling
    no_shows: frozenset[int]  # indexes left confirmed past their grace period
    base: dict[date, datetime]  # per day: the UTC instant of its local 08:00, minus 8 hours


def plan_year(campus: Campus, rng: random.Random, *, now: datetime, local_today: date, closures: set[date],
              bookings: int) -> Year:
    """Draw candidates over the year and keep `bookings` of them."""
    days = [local_today + timedelta(days=offset) for offset in range(-PAST_DAYS, FUTURE_DAYS + 1)]
    open_days = [day for day in days
                 if day.weekday() in OPENING_HOURS and day not in closures and not public_holiday(day)]
    people = [(user_id, startup_id) for startup_id, users in campus.members.items() for user_id in users]
    candidates: list[Candidate] = []
    for day in open_days:
        candidates += _day(campus, rng, day, (day - local_today).days, people)
    if len(candidates) < bookings:
        raise SystemExit(f"the campus holds at most about {len(candidates)} bookings a year; ask for fewer")
    kept = sorted(rng.sample(range(len(candidates)), bookings))
    chosen = [candidates[index] for index in kept]
    base = {day: _base(day) for day in open_days}
    return Year(chosen, len(candidates), _pick_no_shows(chosen, base, rng, now), base)


def _base(day: date) -> datetime:
    # No daylight-saving change happens between 03:00 and midnight: the offset of 08:00 holds all day long.
    from_eight = datetime.combine(day, time(8), tzinfo=ZoneInfo(TIMEZONE)).astimezone(UTC)
    return from_eight - timedelta(hours=8)


def _day(campus: Campus, rng: random.Random, day: date, ahead: int, people: list[tuple[int, int]]) -> list[Candidate]:
    opens, closes = (t.hour * 60 + t.minute for t in OPENING_HOURS[day.weekday()])
    load = WEEKDAY_LOAD[day.weekday()]
    found: list[Candidate] = []
    if day.weekday() < 5:
        for desk in campus.of_kind(SpaceKind.DEDICATED_DESK):
            owner = desk.owner_id or 0  # every dedicated desk of the campus has one
            found.append(Candidate(desk.id, day, 8 * 60 + 30, 19 * 60, rng.choice(campus.members[owner]), owner,
                                   desk.kind))
    hot = _horizon(SpaceKind.HOT_DESK, ahead) * load * HOT_DESK_OCCUPANCY
    for desk in campus.of_kind(SpaceKind.HOT_DESK):
        if rng.random() >= hot:
            continue
        if rng.random() < HALF_DAYS:
            halves = ((opens + 30, 12 * 60 + 30), (13 * 60 + 30, closes - 90))
            found += [_candidate(desk, day, start, end, rng.choice(people)) for start, end in halves]
        else:
            found.append(_candidate(desk, day, opens + rng.choice((30, 60, 90)), closes - rng.choice((60, 120, 150)),
                                    rng.choice(people)))
    for kind, minutes, gaps in ((SpaceKind.MEETING_ROOM, ROOM_MINUTES, ROOM_GAPS),
                                (SpaceKind.PHONE_BOOTH, BOOTH_MINUTES, BOOTH_GAPS)):
        keep = _horizon(kind, ahead) * load
        for space in campus.of_kind(kind):
            found += [_candidate(space, day, start, end, rng.choice(people))
                      for start, end in _sequence(rng, opens, closes, minutes, gaps) if rng.random() < keep]
    if day.weekday() < 5 and rng.random() < 0.2:
        for space in campus.of_kind(SpaceKind.EVENT_SPACE):
            found.append(_candidate(space, day, 14 * 60, 18 * 60, rng.choice(people)))
    return found


def _horizon(kind: str, ahead: int) -> float:
    """Of the bookings a day ends up with, the share already made `ahead` days before it."""
    if ahead <= 0:
        return 1.0
    window = HORIZON[kind]
    return max(0.0, 1 - ahead / (window * 1.3)) if ahead <= window else 0.0


def _sequence(rng: random.Random, opens: int, closes: int, minutes: tuple[int, ...],
              gaps: tuple[int, ...]) -> Iterator[tuple[int, int]]:
    """Disjoint slots from opening to closing, at least 15 minutes apart (rooms keep a 10-minute buffer)."""
    cursor = opens + rng.choice((0, 30, 60))
    while True:
        end = cursor + rng.choice(minutes)
        if end > closes:
            return
        yield cursor, end
        cursor = end + rng.choice(gaps)


def _candidate(space: PlacedSpace, day: date, start: int, end: int, person: tuple[int, int]) -> Candidate:
    return Candidate(space.id, day, start, end, person[0], person[1], space.kind)


def _pick_no_shows(chosen: list[Candidate], base: dict[date, datetime], rng: random.Random,
                   now: datetime) -> frozenset[int]:
    late = [index for index, candidate in enumerate(chosen)
            if now - NO_SHOW_LOOKBACK < _at(base, candidate.day, candidate.start) <= now - GRACE]
    return frozenset(rng.sample(late, min(NO_SHOWS_LEFT, len(late))))


def _at(base: dict[date, datetime], day: date, minutes: int) -> datetime:
    return base[day] + timedelta(minutes=minutes)


def rows(year: Year, rng: random.Random, *, now: datetime) -> Iterator[tuple]:
    """The bookings as tuples of `COLUMNS`, statuses and timestamps drawn as of `now`."""
    for index, candidate in enumerate(year.candidates):
        starts_at = _at(year.base, candidate.day, candidate.start)
        ends_at = _at(year.base, candidate.day, candidate.end)
        status, checked_in_at, cancelled_at = _fate(rng, candidate, starts_at, now, index in year.no_shows)
        booked_ahead = timedelta(minutes=rng.randint(10, 60 * 24 * (HORIZON.get(candidate.kind, 60))))
        created_at = min(starts_at - booked_ahead if candidate.kind != SpaceKind.DEDICATED_DESK
                         else starts_at - timedelta(days=90), now)
        if cancelled_at is not None:
            cancelled_at = created_at + (min(starts_at, now) - created_at) * rng.random()
        title = (rng.choice(ROOM_TITLES) if candidate.kind == SpaceKind.MEETING_ROOM
                 else rng.choice(EVENT_TITLES) if candidate.kind == SpaceKind.EVENT_SPACE else "")
        # Reminders went out for what was still on the day before; a job must not send them again.
        reminded = (max(created_at, starts_at - REMINDER_AHEAD)
                    if starts_at - REMINDER_AHEAD <= now and status != BookingStatus.CANCELLED else None)
        yield (candidate.space_id, candidate.user_id, candidate.startup_id, starts_at, ends_at, status, title,
               created_at, candidate.user_id, checked_in_at, cancelled_at, reminded)


def _fate(rng: random.Random, candidate: Candidate, starts_at: datetime, now: datetime,
          no_show: bool) -> tuple[str, datetime | None, datetime | None]:
    """(status, checked_in_at, cancelled_at) of a booking as of `now`."""
    draw = rng.random()
    if no_show:
        return BookingStatus.CONFIRMED, None, None
    if starts_at > now:
        if draw < 0.05:
            return BookingStatus.CANCELLED, None, now
        if candidate.kind == SpaceKind.EVENT_SPACE and draw < 0.3:
            return BookingStatus.PENDING, None, None
        return BookingStatus.CONFIRMED, None, None
    checked_in_at = starts_at + timedelta(minutes=rng.randint(-15, 10))
    if starts_at > now - GRACE:  # its holder may still come
        return ((BookingStatus.CHECKED_IN, min(checked_in_at, now), None) if draw < 0.5
                else (BookingStatus.CONFIRMED, None, None))
    attendance = DEDICATED_ATTENDANCE if candidate.kind == SpaceKind.DEDICATED_DESK else 0.93
    if draw < 0.06:
        return BookingStatus.CANCELLED, None, now  # the cancellation time is drawn by the caller
    if draw < attendance:
        return BookingStatus.CHECKED_IN, checked_in_at, None
    return BookingStatus.RELEASED, None, None
