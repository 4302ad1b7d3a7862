"""Reading operators with their managers and quotas, and the quota row a booking locks."""
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from spaces.operators.models import Operator, OperatorManager, OperatorQuota

_LOADED = (selectinload(Operator.managers), selectinload(Operator.quotas))


def list_operators(db: Session, *, managed_by: int | None = None) -> list[Operator]:
    """By name, with managers and quotas; `managed_by`: only those this user manages."""
    query = select(Operator).options(*_LOADED).order_by(Operator.name)
    if managed_by is not None:
        query = query.where(Operator.id.in_(select(OperatorManager.operator_id)
                                            .where(OperatorManager.user_id == managed_by)))
    return list(db.scalars(query))


def get_operator(db: Session, operator_id: int) -> Operator | None:
    return db.scalar(select(Operator).where(Operator.id == operator_id).options(*_LOADED)
                     .execution_options(populate_existing=True))


def get_operator_by_name(db: Session, name: str) -> Operator | None:
    return db.scalar(select(Operator).where(func.lower(Operator.name) == name.strip().lower()).options(*_LOADED))


def first_operator_managed_by(db: Session, user_id: int) -> int | None:
    """The operator a manager books for when the booking is for no start-up (the first, if they have several)."""
    return db.scalar(select(OperatorManager.operator_id).where(OperatorManager.user_id == user_id)
                     .order_by(OperatorManager.operator_id).limit(1))


def lock_quota(db: Session, operator_id: int, space_kind: str) -> OperatorQuota | None:
    """The quota row, locked until the transaction ends (PostgreSQL; SQLite's writer already holds the database)."""
    return db.scalar(select(OperatorQuota).where(OperatorQuota.operator_id == operator_id,
                                                 OperatorQuota.space_kind == space_kind)
                     .with_for_update().execution_options(populate_existing=True))


def quota_hours_by_operator(db: Session, space_kind: str) -> dict[int, int]:
    """Every operator's monthly hours of this kind, for the fair share."""
    return dict(db.execute(select(OperatorQuota.operator_id, OperatorQuota.monthly_hours)
                           .where(OperatorQuota.space_kind == space_kind)).tuples().all())
