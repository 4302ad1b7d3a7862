"""The start-ups' rights on the campus: access grants, dedicated desks allocated, and room credits with their ledger.

The ledger replays the year: each month's allowance (what was left expires),
a debit when a charged booking was made, a refund when it was cancelled in
time, and a manager's top-up where a start-up would have run short. Every
balance is then the sum of its ledger, as `spaces.credits.service` keeps it.
"""
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select

from bench.campus import MENTOR_ROOMS_LEVEL, TIMEZONE, Campus
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.credits.enums import CreditReason
from spaces.credits.models import CreditAccount, CreditEntry
from spaces.demo import KIND_RULES, MENTOR_ZONE_RULE
from spaces.venues.enums import SpaceKind
from spaces.venues.models import AccessGrant, DeskAllocation

MONTHLY_CREDITS = 150
SOURCE_KEY = "bench:campus"
REFUND_NOTICE = timedelta(hours=24)  # the rules' default refund notice
CREDITS = 6  # index of the credits per hour in the demo's rule tuples


@dataclass(frozen=True)
class Movement:
    at: datetime
    order: int  # at one instant: expiry, then allowance, then the rest
    amount: int
    reason: str
    booking_id: int | None = None


def grant_rights(conn: Connection, campus: Campus, *, now: datetime, first_day: date, last_day: date) -> None:
    """A grant to every start-up for the whole year, and each dedicated desk allocated to its start-up."""
    manager = campus.staff_ids[0]
    conn.execute(insert(AccessGrant.__table__), [
        {"organisation_id": startup_id, "venue_id": campus.venue_id, "space_kinds": [], "starts_on": first_day,
         "ends_on": last_day, "monthly_credits": MONTHLY_CREDITS, "source_key": SOURCE_KEY,
         "label": "Résidence Campus", "created_at": now}
        for startup_id in campus.members
    ])
    conn.execute(insert(DeskAllocation.__table__), [
        {"space_id": desk.id, "organisation_id": desk.owner_id, "starts_on": first_day, "ends_on": last_day,
         "source_key": SOURCE_KEY, "created_at": now, "created_by": manager}
        for desk in campus.of_kind(SpaceKind.DEDICATED_DESK)
    ])


def write_credits(conn: Connection, campus: Campus, *, now: datetime, first_day: date) -> int:
    """Open every start-up's account and write its ledger up to `now`; returns the ledger's length."""
    rates = _rates(campus)
    movements: dict[int, list[Movement]] = defaultdict(list)
    query = select(Booking.id, Booking.space_id, Booking.organisation_id, Booking.starts_at, Booking.ends_at,
                   Booking.created_at, Booking.status, Booking.cancelled_at).where(Booking.space_id.in_(list(rates)))
    for booking_id, space_id, startup_id, starts_at, ends_at, created_at, status, cancelled_at in conn.execute(query):
        cost = math.ceil(rates[space_id] * (ends_at - starts_at) / timedelta(hours=1))
        if startup_id is None or cost == 0:
            continue
        movements[startup_id].append(Movement(created_at, 2, -cost, CreditReason.BOOKING, booking_id))
        if status == BookingStatus.CANCELLED and cancelled_at and starts_at - cancelled_at >= REFUND_NOTICE:
            movements[startup_id].append(Movement(cancelled_at, 2, cost, CreditReason.REFUND, booking_id))
    months = _month_starts(first_day, now)
    account_ids = _open_accounts(conn, list(campus.members), months[-1])
    entries, balances = [], {}
    for startup_id, account_id in account_ids.items():
        ledger, balances[account_id] = _replay(movements[startup_id], months)
        entries += [{"account_id": account_id, "at": m.at, "amount": m.amount, "reason": m.reason,
                     "booking_id": m.booking_id, "actor_id": campus.staff_ids[0] if m.reason == CreditReason.ADJUSTMENT
                     else None, "note": "Recharge" if m.reason == CreditReason.ADJUSTMENT else ""} for m in ledger]
    for start in range(0, len(entries), 10_000):
        conn.execute(insert(CreditEntry.__table__), entries[start:start + 10_000])
    for account_id, balance in balances.items():
        conn.execute(CreditAccount.__table__.update().where(CreditAccount.id == account_id).values(balance=balance))
    return len(entries)


def _rates(campus: Campus) -> dict[int, int]:
    """Credits per hour of each charged space, by the demo's rules (the mentors' lounges are free)."""
    rates = {}
    for space in campus.spaces:
        rule = KIND_RULES.get(SpaceKind(space.kind))
        rate = rule[CREDITS] if rule else 0
        if space.kind == SpaceKind.MEETING_ROOM and space.level == MENTOR_ROOMS_LEVEL:
            rate = MENTOR_ZONE_RULE[CREDITS]
        if rate:
            rates[space.id] = rate
    return rates


def _month_starts(first_day: date, now: datetime) -> list[datetime]:
    zone = ZoneInfo(TIMEZONE)
    month, starts = first_day.replace(day=1), []
    while (start := datetime.combine(month, time(0), tzinfo=zone).astimezone(UTC)) <= now:
        starts.append(start)
        month = (month + timedelta(days=32)).replace(day=1)
    return starts


def _open_accounts(conn: Connection, startup_ids: list[int], period: datetime) -> dict[int, int]:
    period_start = period.astimezone(ZoneInfo(TIMEZONE)).date()
    table = CreditAccount.__table__
    ids = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), [
        {"organisation_id": startup_id, "balance": 0, "allowance": MONTHLY_CREDITS, "period_start": period_start}
        for startup_id in startup_ids
    ]).scalars()
    return dict(zip(startup_ids, ids, strict=True))


def _replay(movements: list[Movement], months: list[datetime]) -> tuple[list[Movement], int]:
    """The account's ledger in time order, and its final balance, never below zero."""
    events = sorted(movements + [Movement(start, 1, MONTHLY_CREDITS, CreditReason.ALLOWANCE) for start in months],
                    key=lambda m: (m.at, m.order))
    ledger, balance = [], 0
    for movement in events:
        if movement.reason == CreditReason.ALLOWANCE and balance:
            ledger.append(Movement(movement.at, 0, -balance, CreditReason.EXPIRY))
            balance = 0
        if balance + movement.amount < 0:
            top_up = -(balance + movement.amount)
            ledger.append(Movement(movement.at, 1, top_up, CreditReason.ADJUSTMENT))
            balance += top_up
        ledger.append(movement)
        balance += movement.amount
    return ledger, balance
