"""Setting up operators: their names, managers and quotas, and the venue's peak hours (the building's admins).

Services flush, never commit. An operator's managers run every program of the operator and book on its quota.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaces.operators import peak
from spaces.operators import permissions as _permissions  # noqa: F401  (registers the rules checked here)
from spaces.operators import queries
from spaces.operators.enums import OperatorKind, WhenExhausted
from spaces.operators.labels import WEEKDAY_LABELS, WHEN_EXHAUSTED_LABELS
from spaces.operators.models import Operator, OperatorManager, OperatorQuota
from spaces.venues.enums import SpaceKind
from spaces.venues.labels import KIND_LABELS
from spaces.venues.models import Venue
from totem import audit
from totem.errors import Conflict, Invalid, NotFound
from totem.i18n import N_, said
from totem.identity.enums import Role
from totem.identity.models import User, UserRole
from totem.permissions import can, require

NAME_MAX = 200
HOURS_MAX = 100_000  # far above a month of every room, far below what the column holds


@dataclass(frozen=True)
class OperatorData:
    name: str
    kind: str = OperatorKind.ACCELERATOR
    branding_name: str = ""

    def cleaned(self) -> "OperatorData":
        name, branding = self.name.strip(), self.branding_name.strip()
        if not name:
            raise Invalid("Enter the operator's name.", field="name")
        for field, value in (("name", name), ("branding_name", branding)):
            if len(value) > NAME_MAX:
                raise Invalid("Keep the name under {length} characters.", field=field, length=NAME_MAX + 1)
        if self.kind not in {kind.value for kind in OperatorKind}:
            raise Invalid("Choose the kind of operator.", field="kind")
        return OperatorData(name, self.kind, branding)


def list_operators(db: Session, *, actor: User) -> list[Operator]:
    """Every operator for the admins; for a manager, those they manage."""
    if can(actor, "operator.manage"):
        return queries.list_operators(db)
    return queries.list_operators(db, managed_by=actor.id)


def get_operator(db: Session, *, actor: User, operator_id: int) -> Operator:
    """The operator; NotFound for whoever may not read it (another operator's manager included)."""
    operator = queries.get_operator(db, operator_id)
    if operator is None or not can(actor, "operator.read", operator):
        raise NotFound("No such operator.")
    return operator


def create_operator(db: Session, *, actor: User, data: OperatorData, now: datetime) -> Operator:
    require(actor, "operator.manage")
    data = data.cleaned()
    _check_name(db, data.name)
    operator = Operator(name=data.name, kind=data.kind, branding_name=data.branding_name, created_at=now)
    db.add(operator)
    db.flush()
    audit.record(db, actor=actor, action="operator.create", obj=operator, now=now, summary=said(N_("created {operator}"), operator=data.name))
    return get_operator(db, actor=actor, operator_id=operator.id)


def update_operator(db: Session, *, actor: User, operator_id: int, data: OperatorData, now: datetime) -> Operator:
    operator = get_operator(db, actor=actor, operator_id=operator_id)
    require(actor, "operator.manage", operator)
    data = data.cleaned()
    _check_name(db, data.name, excluding=operator.id)
    operator.name, operator.kind, operator.branding_name = data.name, data.kind, data.branding_name
    db.flush()
    audit.record(db, actor=actor, action="operator.update", obj=operator, now=now, summary=said(N_("updated {operator}"), operator=data.name))
    return operator


def _check_name(db: Session, name: str, *, excluding: int | None = None) -> None:
    taken = queries.get_operator_by_name(db, name)
    if taken is not None and taken.id != excluding:
        raise Conflict("An operator already has this name.", field="name")


# -- managers -------------------------------------------------------------------------------------


def add_manager(db: Session, *, actor: User, operator_id: int, user_id: int, now: datetime) -> Operator:
    """Make a manager one of the operator's: they run its programs and book on its quota."""
    operator = get_operator(db, actor=actor, operator_id=operator_id)
    require(actor, "operator.manage", operator)
    user = db.get(User, user_id)
    if user is None or not user.is_active or user.is_system:
        raise Invalid("No such person.", field="user_id")
    if not user.has_role(Role.MANAGER):
        raise Invalid("Only managers can be an operator's managers.", field="user_id")
    if user.id not in operator.manager_ids:
        operator.managers.append(OperatorManager(user_id=user.id))
        db.flush()
        audit.record(db, actor=actor, action="operator.add_manager", obj=operator, now=now,
                     summary=said(N_("{operator}: {email}"), operator=operator.name, email=user.email))
    return operator


def remove_manager(db: Session, *, actor: User, operator_id: int, user_id: int, now: datetime) -> Operator:
    operator = get_operator(db, actor=actor, operator_id=operator_id)
    require(actor, "operator.manage", operator)
    kept = [manager for manager in operator.managers if manager.user_id != user_id]
    if len(kept) != len(operator.managers):
        operator.managers = kept
        db.flush()
        audit.record(db, actor=actor, action="operator.remove_manager", obj=operator, now=now,
                     summary=said(N_("{operator}: user #{user}"), operator=operator.name, user=user_id))
    return operator


def list_candidate_managers(db: Session, operator: Operator) -> list[User]:
    """Active managers who are not yet the operator's, whom the admin may add."""
    return [user for user in db.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                        .where(UserRole.role == Role.MANAGER, User.is_active).order_by(User.name))
            if user.id not in operator.manager_ids]


def list_managers(db: Session, operator: Operator) -> list[User]:
    ids = sorted(operator.manager_ids)
    return list(db.scalars(select(User).where(User.id.in_(ids)).order_by(User.name))) if ids else []


# -- quotas ---------------------------------------------------------------------------------------


def set_quota(
    db: Session, *, actor: User, operator_id: int, space_kind: str, monthly_hours: int | None, now: datetime,
    when_exhausted: str = WhenExhausted.REFUSE,
) -> Operator:
    """Set the operator's monthly hours of a kind of space; `None` removes the quota (no limit, no fair share)."""
    operator = get_operator(db, actor=actor, operator_id=operator_id)
    require(actor, "operator.manage", operator)
    if space_kind not in {kind.value for kind in SpaceKind}:
        raise Invalid("Unknown kind of space: {kinds}.", field="space_kind", kinds=space_kind)
    if when_exhausted not in {value.value for value in WhenExhausted}:
        raise Invalid("Choose what happens when the quota is spent.", field="when_exhausted")
    if monthly_hours is not None and not 0 <= monthly_hours <= HOURS_MAX:
        raise Invalid("Give between 0 and {most} hours a month.", field="monthly_hours", most=HOURS_MAX)
    quota = next((quota for quota in operator.quotas if quota.space_kind == space_kind), None)
    if monthly_hours is None:
        if quota is not None:
            operator.quotas.remove(quota)
    elif quota is None:
        operator.quotas.append(OperatorQuota(space_kind=space_kind, monthly_hours=monthly_hours,
                                             when_exhausted=when_exhausted))
    else:
        quota.monthly_hours, quota.when_exhausted = monthly_hours, when_exhausted
    db.flush()
    audit.record(db, actor=actor, action="operator.set_quota", obj=operator, now=now,
                 summary=said(N_("{operator}: {kind}, {hours} h a month ({when_exhausted})"), operator=operator.name,
                              kind=[KIND_LABELS[SpaceKind(space_kind)]], hours=monthly_hours if monthly_hours is not None else "—",
                              when_exhausted=[WHEN_EXHAUSTED_LABELS[WhenExhausted(when_exhausted)]]))
    return get_operator(db, actor=actor, operator_id=operator.id)


# -- peak hours -----------------------------------------------------------------------------------


def set_peak_hours(db: Session, *, actor: User, venue_id: int, weekdays: str, periods: str, now: datetime) -> Venue:
    """The venue's peak hours, at which no operator holds more than its fair share of the shared meeting rooms."""
    require(actor, "operator.manage")
    venue = db.get(Venue, venue_id)
    if venue is None:
        raise NotFound("No such venue.")
    venue.peak_weekdays = peak.format_weekdays(peak.parse_weekdays(weekdays))
    venue.peak_periods = peak.format_periods(peak.parse_periods(periods))
    db.flush()
    audit.record(db, actor=actor, action="venue.peak_hours", obj=venue, now=now,
                 summary=said(N_("{venue}: peak days {days}, hours {periods}"), venue=venue.name,
                              days=[WEEKDAY_LABELS[int(day)] for day in venue.peak_weekdays.split(",") if day.strip()],
                              periods=venue.peak_periods))
    return venue
