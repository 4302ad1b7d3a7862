"""An operator's use of its quotas over a venue-local month."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from spaces.booking import quotas
from spaces.operators import service as operators
from spaces.operators.models import Operator
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.rules import local_time
from totem.identity.models import User


@dataclass(frozen=True)
class KindUsage:
    space_kind: str
    used_hours: float
    quota_hours: int | None  # None: no quota, no limit
    when_exhausted: str | None

    @property
    def left_hours(self) -> float | None:
        return None if self.quota_hours is None else max(self.quota_hours - self.used_hours, 0.0)

    @property
    def percent_used(self) -> int | None:
        if not self.quota_hours:
            return None
        return round(100 * self.used_hours / self.quota_hours)


@dataclass(frozen=True)
class Usage:
    operator: Operator
    month: date  # its first day
    kinds: list[KindUsage]


def operator_usage(db: Session, *, actor: User, operator_id: int, now: datetime, month: date | None = None) -> Usage:
    """Hours booked per kind of space in the month (default: this one, on the venue's clock) against each quota.

    For the building's admins and the operator's own managers; NotFound for anyone else.
    """
    operator = operators.get_operator(db, actor=actor, operator_id=operator_id)
    venues = venue_queries.list_venues(db)
    if not venues:
        return Usage(operator, (month or now.date()).replace(day=1), [])
    first = (month or local_time(now, venues[0]).date()).replace(day=1)
    starts_at, ends_at = quotas.month_window(first, venues[0])
    used = quotas.hours_booked_by_kind(db, operator_id=operator.id, starts_at=starts_at, ends_at=ends_at)
    by_kind = {quota.space_kind: quota for quota in operator.quotas}
    kinds = [KindUsage(kind.value, used.get(kind, 0.0), by_kind[kind].monthly_hours if kind in by_kind else None,
                       by_kind[kind].when_exhausted if kind in by_kind else None)
             for kind in SpaceKind if kind in by_kind or kind in used]
    return Usage(operator, first, kinds)
