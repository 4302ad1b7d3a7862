"""Room credits: each start-up's account, and the ledger every movement is written to.

A booking debits its cost when it is made; a cancellation early enough, or a
refusal by a manager, refunds what it was charged. On the first of each month
what is left expires and the month's allowance (from the start-up's access
grants) is credited.
"""
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spaces.credits.enums import CreditReason
from spaces.credits.models import CreditAccount, CreditEntry
from spaces.venues import access
from spaces.venues.rules import Policy
from totem import audit
from totem.errors import VALUE_OUT_OF_RANGE, Conflict, Invalid, NotFound, error_code
from totem.i18n import N_, said
from totem.identity.models import Organisation, User
from totem.permissions import is_staff, require, rule

NOTE_MAX_LENGTH = 200

CREDITS_EXHAUSTED = error_code("credits_exhausted", "The start-up has too few credits left for this booking.")
STARTUP_REQUIRED = error_code(
    "startup_required", "The booking costs credits: name the start-up (`startup_id`) whose credits pay for it.")


@rule("credits.adjust")
def _adjust_credits(user: User, _obj: Any) -> bool:
    """Add or remove credits by hand, and see every start-up's account."""
    return is_staff(user)


class Charged(Protocol):
    """What the ledger needs of a booking: its id, the start-up it is for, and when it starts."""

    id: int
    organisation_id: int | None
    starts_at: datetime


@dataclass(frozen=True)
class AccountOverview:
    organisation_id: int
    startup: str
    allowance: int
    balance: int
    used_this_month: int


def booking_cost(policy: Policy, starts_at: datetime, ends_at: datetime) -> int:
    """Credits for the booking: the rule's rate per hour, pro rata, rounded up."""
    minutes = (ends_at - starts_at) / timedelta(minutes=1)
    return math.ceil(policy.credits_per_hour * minutes / 60)


def account_for(db: Session, organisation_id: int, *, lock: bool = False) -> CreditAccount:
    """The start-up's account, opened empty on first use; `lock` serialises changes to its balance."""
    query = select(CreditAccount).where(CreditAccount.organisation_id == organisation_id)
    account = db.scalar(query.with_for_update() if lock else query)
    if account is None:
        account = CreditAccount(organisation_id=organisation_id, balance=0, allowance=0)
        db.add(account)
        db.flush()
    return account


def charged_for(db: Session, booking_id: int) -> int:
    """What the booking costs its start-up so far: its debits less its refunds."""
    return -(db.scalar(select(func.coalesce(func.sum(CreditEntry.amount), 0))
                       .where(CreditEntry.booking_id == booking_id)) or 0)


def charge_booking(db: Session, *, booking: Charged, cost: int, now: datetime) -> None:
    """Bring what the booking is charged to `cost`: debit more, or refund the difference after a move."""
    if booking.organisation_id is None:
        if cost:
            raise Invalid("Choose the start-up whose credits pay for this booking.", field="startup_id", code=STARTUP_REQUIRED)
        return
    difference = cost - charged_for(db, booking.id)
    if difference == 0:
        return
    account = account_for(db, booking.organisation_id, lock=True)
    if difference > account.balance:
        startup = db.get(Organisation, booking.organisation_id)
        raise Conflict("{startup} has {balance} credits left; this booking needs {cost}.", field="space_id",
                       code=CREDITS_EXHAUSTED,
                       startup=startup.name if startup else "?", balance=account.balance, cost=difference)
    reason = CreditReason.BOOKING if difference > 0 else CreditReason.REFUND
    _post(db, account, -difference, reason, now, booking_id=booking.id)


def refund_booking(db: Session, *, booking: Charged, now: datetime) -> int:
    """Give back everything the booking was charged; returns the credits refunded."""
    charged = charged_for(db, booking.id)
    if charged > 0 and booking.organisation_id is not None:
        _post(db, account_for(db, booking.organisation_id, lock=True), charged, CreditReason.REFUND, now,
              booking_id=booking.id)
    return max(charged, 0)


def refund_is_due(policy: Policy, booking: Charged, now: datetime) -> bool:
    """A cancellation is timely when it comes at least the rule's notice before the start."""
    return booking.starts_at - now >= timedelta(hours=policy.refund_notice_hours)


def adjust(db: Session, *, actor: User, organisation_id: int, amount: int, note: str, now: datetime) -> CreditEntry:
    """A manager's correction of a balance, with the reason written in the ledger."""
    require(actor, "credits.adjust")
    note = note.strip()
    if not note:
        raise Invalid("Say why the balance changes.", field="note")
    if len(note) > NOTE_MAX_LENGTH:
        raise Invalid("Keep the note under {length} characters.", field="note", code=VALUE_OUT_OF_RANGE,
                      length=NOTE_MAX_LENGTH + 1)
    if amount == 0:
        raise Invalid("Enter a number of credits other than zero.", field="amount")
    if db.get(Organisation, organisation_id) is None:
        raise NotFound("No such start-up.")
    account = account_for(db, organisation_id, lock=True)
    if account.balance + amount < 0:
        raise Invalid("The balance is {balance}: it cannot go below zero.", field="amount", balance=account.balance)
    entry = _post(db, account, amount, CreditReason.ADJUSTMENT, now, actor_id=actor.id, note=note)
    audit.record(db, actor=actor, action="credits.adjust", obj=entry, now=now,
                 summary=said(N_("start-up #{organisation}: {amount} ({note})"), organisation=organisation_id, amount=f"{amount:+d}",
                              note=note))
    return entry


def reset_month(db: Session, *, month_start: date, now: datetime) -> int:
    """Expire last month's credits and give each start-up its allowance; returns the accounts reset.

    An account already reset for this month is left alone, so running it
    twice changes nothing.
    """
    allowances = access.monthly_allowances(db, on=month_start)
    holders = set(allowances) | set(db.scalars(select(CreditAccount.organisation_id)))
    reset = 0
    for organisation_id in sorted(holders):
        account = account_for(db, organisation_id, lock=True)
        if account.period_start is not None and account.period_start >= month_start:
            continue
        if account.balance:
            _post(db, account, -account.balance, CreditReason.EXPIRY, now)
        allowance = allowances.get(organisation_id, 0)
        if allowance:
            _post(db, account, allowance, CreditReason.ALLOWANCE, now)
        account.allowance, account.period_start = allowance, month_start
        reset += 1
    db.flush()
    return reset


def list_accounts(db: Session, *, actor: User, since: datetime) -> list[AccountOverview]:
    """Every start-up's account, with what its bookings used since `since` (refunds deducted)."""
    require(actor, "credits.adjust")
    used = dict(db.execute(
        select(CreditEntry.account_id, -func.sum(CreditEntry.amount))
        .where(CreditEntry.at >= since, CreditEntry.reason.in_((CreditReason.BOOKING, CreditReason.REFUND)))
        .group_by(CreditEntry.account_id)
    ).tuples().all())
    rows = db.execute(select(CreditAccount, Organisation.name)
                      .join(Organisation, Organisation.id == CreditAccount.organisation_id)
                      .order_by(Organisation.name))
    return [AccountOverview(account.organisation_id, name, account.allowance, account.balance,
                            int(used.get(account.id, 0))) for account, name in rows]


def statement(db: Session, *, actor: User, organisation_id: int) -> tuple[CreditAccount, list[CreditEntry]]:
    """The start-up's account and its movements, newest first (memberships of `actor` loaded)."""
    entries = ledger(db, actor=actor, organisation_id=organisation_id)
    return account_for(db, organisation_id), entries


def ledger(db: Session, *, actor: User, organisation_id: int, since: datetime | None = None) -> list[CreditEntry]:
    """The start-up's movements, newest first: its members and staff may read it (memberships loaded)."""
    organisation = db.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such start-up.")
    require(actor, "organisation.read", organisation)
    query = (select(CreditEntry).join(CreditAccount, CreditAccount.id == CreditEntry.account_id)
             .where(CreditAccount.organisation_id == organisation_id))
    if since is not None:
        query = query.where(CreditEntry.at >= since)
    return list(db.scalars(query.order_by(CreditEntry.at.desc(), CreditEntry.id.desc())))


def balance_of(db: Session, organisation_id: int) -> int:
    return db.scalar(select(CreditAccount.balance).where(CreditAccount.organisation_id == organisation_id)) or 0


def _post(
    db: Session, account: CreditAccount, amount: int, reason: CreditReason, now: datetime, *,
    booking_id: int | None = None, actor_id: int | None = None, note: str = "",
) -> CreditEntry:
    account.balance += amount
    entry = CreditEntry(account_id=account.id, at=now, amount=amount, reason=reason, booking_id=booking_id,
                        actor_id=actor_id, note=note)
    db.add(entry)
    db.flush()
    return entry


@dataclass(frozen=True)
class CreditUse:
    """A start-up's room credits over a period: given (allowances and top-ups), used (bookings less refunds),
    expired (left over at a monthly reset)."""

    organisation_id: int
    given: int = 0
    used: int = 0
    expired: int = 0

    @property
    def used_share(self) -> float | None:
        return self.used / self.given if self.given else None


def credit_consumption(db: Session, *, organisation_ids: Iterable[int], starts_at: datetime,
                       ends_at: datetime) -> dict[int, CreditUse]:
    """The start-ups' ledger movements in [starts_at, ends_at), summed by kind: one grouped query."""
    ids = list(organisation_ids)
    if not ids:
        return {}
    sums: dict[int, list[int]] = {organisation_id: [0, 0, 0] for organisation_id in ids}
    for organisation_id, reason, amount in db.execute(
            select(CreditAccount.organisation_id, CreditEntry.reason, func.sum(CreditEntry.amount))
            .join(CreditAccount, CreditAccount.id == CreditEntry.account_id)
            .where(CreditAccount.organisation_id.in_(ids), CreditEntry.at >= starts_at, CreditEntry.at < ends_at)
            .group_by(CreditAccount.organisation_id, CreditEntry.reason)):
        amount = int(amount or 0)
        if reason in (CreditReason.BOOKING, CreditReason.REFUND):
            sums[organisation_id][1] -= amount
        elif reason == CreditReason.EXPIRY:
            sums[organisation_id][2] -= amount
        else:  # allowances and a manager's adjustments (a negative top-up lowers what was given)
            sums[organisation_id][0] += amount
    return {organisation_id: CreditUse(organisation_id, *values) for organisation_id, values in sums.items()}
