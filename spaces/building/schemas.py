"""Operators, their quotas and usage, and a venue's peak hours, as the API reads and writes them."""
from datetime import date

from pydantic import BaseModel, Field

from spaces.operators.enums import OperatorKind, WhenExhausted
from spaces.operators.models import Operator
from spaces.venues.enums import SpaceKind


class OperatorIn(BaseModel):
    name: str = Field(max_length=200)
    kind: OperatorKind = OperatorKind.ACCELERATOR
    branding_name: str = Field("", max_length=200, description="The name its start-ups and funders know it by")


class QuotaOut(BaseModel):
    space_kind: SpaceKind
    monthly_hours: int
    when_exhausted: WhenExhausted


class OperatorOut(BaseModel):
    id: int
    name: str
    kind: OperatorKind
    branding_name: str
    manager_ids: list[int]
    quotas: list[QuotaOut]

    @classmethod
    def of(cls, operator: Operator) -> "OperatorOut":
        return cls(id=operator.id, name=operator.name, kind=OperatorKind(operator.kind),
                   branding_name=operator.branding_name, manager_ids=sorted(operator.manager_ids),
                   quotas=[QuotaOut(space_kind=SpaceKind(q.space_kind), monthly_hours=q.monthly_hours,
                                    when_exhausted=WhenExhausted(q.when_exhausted)) for q in operator.quotas])


class ManagerIn(BaseModel):
    user_id: int


class QuotaIn(BaseModel):
    monthly_hours: int = Field(ge=0, le=100_000, description="Room hours a month of this kind of space")
    when_exhausted: WhenExhausted = Field(WhenExhausted.REFUSE,
                                          description="Once spent: refuse the booking, or send it to approval")


class KindUsageOut(BaseModel):
    space_kind: SpaceKind
    used_hours: float
    quota_hours: int | None = Field(description="None: no quota for this kind")
    left_hours: float | None
    when_exhausted: WhenExhausted | None


class UsageOut(BaseModel):
    operator_id: int
    month: date = Field(description="The month's first day, on the venue's clock")
    kinds: list[KindUsageOut]


class PeakHoursIn(BaseModel):
    weekdays: list[int] = Field(description="0 is Monday", max_length=7)
    periods: str = Field(max_length=200, examples=["10:00-12:00,14:00-17:00"],
                         description="On the venue's clock; empty: no peak hours")


class PeakHoursOut(BaseModel):
    venue_id: int
    weekdays: list[int]
    periods: str
