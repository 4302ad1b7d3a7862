"""Booking creation over HTTP: concurrent clients book free desks and rooms, some of them the same slot on purpose.

The slots are planned from the database first (free in the generated year),
so that every refusal is one of the deliberate conflicts; afterwards a SQL
self-join proves that no two active bookings of a space overlap.
"""
import random
import threading
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock_time, timedelta

import httpx
from sqlalchemy import Connection, and_, func, select
from sqlalchemy.orm import Session, aliased

from bench.campus import PASSWORD
from spaces.booking.enums import ACTIVE_STATUSES
from spaces.booking.models import Booking
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import BookingRule, Space, Venue
from spaces.venues.rules import free_intervals, is_open_for, local_moment, local_time
from totem.identity.enums import Role
from totem.identity.models import User, UserRole

DESK_SHARE = 0.85  # of the attempts; the rest book meeting rooms
DESK_SLOTS = ((clock_time(9), clock_time(12)), (clock_time(13), clock_time(17)))
ROOM_MINUTES = 60
DAYS_AHEAD = 13  # within every kind's advance window (hot desks: 14 days)
# Members each client logs in as. Few: a login verifies an argon2 hash (about 250 ms here), and on SQLite
# it holds the write lock meanwhile, so that dozens of logins at once queue past the 10 s busy timeout.
MEMBERS_PER_CLIENT = 4


@dataclass(frozen=True)
class Attempt:
    space_id: int
    starts_at: datetime
    ends_at: datetime
    duplicate: bool = False  # the same slot as an attempt of another client

    def overlaps(self, other: "Attempt") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


@dataclass
class Plan:
    queues: list[list[tuple[str, Attempt]]]  # per client: (e-mail of the booker, attempt)
    first_day: datetime
    last_day: datetime

    @property
    def emails(self) -> set[str]:
        return {email for queue in self.queues for email, _ in queue}

    def in_turn(self) -> list[tuple[str, "Attempt"]]:
        """Every client's attempts, the clients taking turns: for one sequential client."""
        longest = max(map(len, self.queues), default=0)
        return [queue[n] for n in range(longest) for queue in self.queues if n < len(queue)]

    @property
    def duplicates(self) -> int:
        return sum(attempt.duplicate for queue in self.queues for _, attempt in queue)


@dataclass
class Outcome:
    seconds: float
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    surprises: list[str] = field(default_factory=list)  # answers other than 201 and 409, first few
    # 409s for slots that no other client asked for, first few: a planning or an app error
    stray_conflicts: list[str] = field(default_factory=list)


def plan_bookings(db: Session, rng: random.Random, *, now: datetime, attempts: int, clients: int,
                  conflict_share: float) -> Plan:
    """Free slots of the coming days, shared out between the clients, plus deliberate duplicates."""
    venue = venue_queries.list_venues(db)[0]
    days = _open_days(db, venue, now)
    busy = _busy(db, local_moment(days[0], clock_time(0), venue), local_moment(days[-1], clock_time(23), venue), venue)
    duplicates = round(attempts * conflict_share)
    unique = attempts - duplicates
    desks = _desk_slots(db, venue, days, busy)
    rooms = _room_slots(db, venue, days, busy)
    wanted_desks = min(len(desks), round(unique * DESK_SHARE))
    chosen = rng.sample(desks, wanted_desks) + rng.sample(rooms, min(len(rooms), unique - wanted_desks))
    rng.shuffle(chosen)
    queues: list[list[Attempt]] = [chosen[n::clients] for n in range(clients)]
    for attempt_index in rng.sample(range(len(chosen)), duplicates):
        owner, position = attempt_index % clients, attempt_index // clients
        other = (owner + rng.randrange(1, clients)) % clients
        original = chosen[attempt_index]
        queues[other].insert(min(position, len(queues[other])),
                             Attempt(original.space_id, original.starts_at, original.ends_at, duplicate=True))
    emails = _members(db, rng, clients * MEMBERS_PER_CLIENT)
    pools = [emails[n::clients] for n in range(clients)]
    return Plan([_assign(queue, pool) for queue, pool in zip(queues, pools, strict=True)],
                local_moment(days[0], clock_time(0), venue), local_moment(days[-1], clock_time(23), venue))


def _open_days(db: Session, venue: Venue, now: datetime) -> list[date]:
    today = local_time(now, venue).date()
    hours = {h.weekday: h for h in venue.opening_hours}
    days = []
    for offset in range(1, DAYS_AHEAD + 1):
        day = today + timedelta(days=offset)
        opening = hours.get(day.weekday())
        if day.weekday() < 5 and opening and is_open_for(
                venue, local_moment(day, opening.opens_at, venue), local_moment(day, opening.closes_at, venue),
                opening, venue_queries.get_closure(db, venue.id, day)):
            days.append(day)
    return days


def _busy(db: Session, starts: datetime, ends: datetime, venue: Venue) -> dict[tuple[int, date], list]:
    found: dict[tuple[int, date], list] = {}
    for space_id, start, end in db.execute(
        select(Booking.space_id, Booking.starts_at, Booking.ends_at)
        .where(Booking.status.in_(ACTIVE_STATUSES), Booking.starts_at >= starts, Booking.starts_at < ends)
    ):
        found.setdefault((space_id, local_time(start, venue).date()), []).append((start, end))
    return found


def _space_ids(db: Session, kind: str) -> list[int]:
    return list(db.scalars(select(Space.id).where(Space.kind == kind, Space.is_active).order_by(Space.id)))


def _desk_slots(db: Session, venue: Venue, days: list[date], busy: dict) -> list[Attempt]:
    """Desks free all day, booked a morning and an afternoon."""
    desks = _space_ids(db, SpaceKind.HOT_DESK)
    return [Attempt(desk, local_moment(day, start, venue), local_moment(day, end, venue))
            for day in days for desk in desks if (desk, day) not in busy for start, end in DESK_SLOTS]


def _room_slots(db: Session, venue: Venue, days: list[date], busy: dict) -> list[Attempt]:
    """Hour-long slots in the rooms' free stretches, the rooms' buffer kept on both sides."""
    buffer = timedelta(minutes=db.scalar(select(BookingRule.buffer_minutes).where(
        BookingRule.venue_id == venue.id, BookingRule.space_kind == SpaceKind.MEETING_ROOM)) or 0)
    hours = {h.weekday: h for h in venue.opening_hours}
    rooms, slots = _space_ids(db, SpaceKind.MEETING_ROOM), []
    for day in days:
        opens, closes = (local_moment(day, hours[day.weekday()].opens_at, venue),
                         local_moment(day, hours[day.weekday()].closes_at, venue))
        for room in rooms:
            taken = [(start - buffer, end + buffer) for start, end in busy.get((room, day), [])]
            for free_start, free_end in free_intervals(opens, closes, taken):
                start = _next_quarter(free_start)
                while start + timedelta(minutes=ROOM_MINUTES) <= free_end:
                    slots.append(Attempt(room, start, start + timedelta(minutes=ROOM_MINUTES)))
                    start = _next_quarter(start + timedelta(minutes=ROOM_MINUTES) + buffer)
    return slots


def _next_quarter(moment: datetime) -> datetime:
    return moment + timedelta(minutes=-moment.minute % 15) if moment.minute % 15 else moment


def _members(db: Session, rng: random.Random, count: int) -> list[str]:
    emails = list(db.scalars(select(User.email).join(UserRole, UserRole.user_id == User.id)
                             .where(UserRole.role == Role.MEMBER, User.is_active).order_by(User.id)))
    return rng.sample(emails, count)


def _assign(queue: list[Attempt], pool: list[str]) -> list[tuple[str, Attempt]]:
    """Give each attempt to a member of the client's pool, one who holds nothing at that time where possible."""
    held: dict[str, list[Attempt]] = {email: [] for email in pool}
    assigned = []
    for n, attempt in enumerate(queue):
        for k in range(len(pool)):
            email = pool[(n + k) % len(pool)]
            if not any(attempt.overlaps(other) for other in held[email]):
                break
        held[email].append(attempt)
        assigned.append((email, attempt))
    return assigned


# -- running --------------------------------------------------------------------------------------


def log_in(base_url: str, emails: Iterable[str], *, parallel: int) -> dict[str, str]:
    """Bearer tokens from `POST /api/v1/auth/token`, fetched `parallel` at a time."""
    def token(email: str) -> tuple[str, str]:
        response = httpx.post(f"{base_url}/api/v1/auth/token", json={"email": email, "password": PASSWORD},
                              timeout=60)
        response.raise_for_status()
        return email, response.json()["access_token"]

    with ThreadPoolExecutor(parallel) as pool:
        return dict(pool.map(token, sorted(emails)))


def run_bookings(base_url: str, plan: Plan, tokens: dict[str, str]) -> Outcome:
    """Every client posts its queue as fast as the server answers; all start together."""
    outcome = Outcome(seconds=0)
    asked = Counter((attempt.space_id, attempt.starts_at) for queue in plan.queues for _, attempt in queue)
    lock = threading.Lock()
    gate = threading.Barrier(len(plan.queues) + 1)

    def client(queue: list[tuple[str, Attempt]]) -> None:
        with httpx.Client(base_url=base_url, timeout=60) as http:
            gate.wait()
            for email, attempt in queue:
                started = time.perf_counter()
                response = http.post("/api/v1/bookings", headers={"Authorization": f"Bearer {tokens[email]}"},
                                     json={"space_id": attempt.space_id, "starts_at": attempt.starts_at.isoformat(),
                                           "ends_at": attempt.ends_at.isoformat(), "title": "bench"})
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    outcome.latencies.append(elapsed)
                    outcome.statuses[response.status_code] += 1
                    if response.status_code == 201:
                        outcome.created.append(response.json()["id"])
                    elif response.status_code != 409 and len(outcome.surprises) < 5:
                        outcome.surprises.append(f"{response.status_code} {response.text[:200]}")
                    elif asked[attempt.space_id, attempt.starts_at] == 1 and len(outcome.stray_conflicts) < 5:
                        outcome.stray_conflicts.append(response.text[:200])

    threads = [threading.Thread(target=client, args=(queue,)) for queue in plan.queues]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    outcome.seconds = time.perf_counter() - started
    return outcome


def count_overlaps(conn: Connection, starts: datetime, ends: datetime) -> int:
    """Pairs of active bookings of one space that share an instant, among those starting in the window."""
    other = aliased(Booking)
    query = (
        select(func.count())
        .select_from(Booking)
        .join(other, and_(other.space_id == Booking.space_id, other.id > Booking.id,
                          other.starts_at < Booking.ends_at, other.ends_at > Booking.starts_at))
        .where(Booking.status.in_(ACTIVE_STATUSES), other.status.in_(ACTIVE_STATUSES),
               Booking.starts_at >= starts - timedelta(days=1), Booking.starts_at < ends,
               other.starts_at >= starts - timedelta(days=1), other.starts_at < ends)
    )
    return conn.scalar(query) or 0
