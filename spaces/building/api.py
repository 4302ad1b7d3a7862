"""Operators, their managers, quotas and usage, and the venues' peak hours in the JSON API: thin routes over the
services. The building's admins change them; an operator's managers read their own."""
from datetime import date

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from spaces.building import service
from spaces.building.schemas import (
    KindUsageOut,
    ManagerIn,
    OperatorIn,
    OperatorOut,
    PeakHoursIn,
    PeakHoursOut,
    QuotaIn,
    QuotaOut,
    UsageOut,
)
from spaces.operators import peak
from spaces.operators import service as operators
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Venue
from totem import clock
from totem.api.answers import committed
from totem.api.deps import api_user
from totem.errors import NotFound
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter(tags=["operators"])

READ = {404: {"description": "No such operator, or not yours"}}
CHANGE = {**READ, 403: {"description": "Only the building's admins"}, 409: {"description": "The name is taken"},
          422: {"description": "Bad input"}}


@router.get("/operators", response_model=list[OperatorOut])
def list_operators(user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Every operator for the building's admins; a manager's own for a manager; none for others."""
    return [OperatorOut.of(operator) for operator in operators.list_operators(db, actor=user)]


@router.post("/operators", response_model=OperatorOut, status_code=201, responses=CHANGE)
def create_operator(body: OperatorIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    operator = operators.create_operator(db, actor=user, now=clock.now(), data=_data(body))
    return committed(db, operator, OperatorOut.of)


@router.get("/operators/{operator_id}", response_model=OperatorOut, responses=READ)
def get_operator(operator_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return OperatorOut.of(operators.get_operator(db, actor=user, operator_id=operator_id))


@router.put("/operators/{operator_id}", response_model=OperatorOut, responses=CHANGE)
def update_operator(operator_id: int, body: OperatorIn, user: User = Depends(api_user),
                    db: Session = Depends(get_db)):
    operator = operators.update_operator(db, actor=user, operator_id=operator_id, now=clock.now(), data=_data(body))
    return committed(db, operator, OperatorOut.of)


@router.post("/operators/{operator_id}/managers", response_model=OperatorOut, responses=CHANGE)
def add_manager(operator_id: int, body: ManagerIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Make a manager one of the operator's: they run its programs and book on its quotas."""
    operator = operators.add_manager(db, actor=user, operator_id=operator_id, user_id=body.user_id, now=clock.now())
    return committed(db, operator, OperatorOut.of)


@router.delete("/operators/{operator_id}/managers/{user_id}", response_model=OperatorOut, responses=CHANGE)
def remove_manager(operator_id: int, user_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    operator = operators.remove_manager(db, actor=user, operator_id=operator_id, user_id=user_id, now=clock.now())
    return committed(db, operator, OperatorOut.of)


@router.get("/operators/{operator_id}/quotas", response_model=list[QuotaOut], responses=READ)
def list_quotas(operator_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return OperatorOut.of(operators.get_operator(db, actor=user, operator_id=operator_id)).quotas


@router.put("/operators/{operator_id}/quotas/{space_kind}", response_model=list[QuotaOut], responses=CHANGE)
def set_quota(operator_id: int, space_kind: SpaceKind, body: QuotaIn, user: User = Depends(api_user),
              db: Session = Depends(get_db)):
    """Set the operator's monthly hours of a kind of space, and what a booking does once they are spent."""
    operator = operators.set_quota(db, actor=user, operator_id=operator_id, space_kind=space_kind,
                                   monthly_hours=body.monthly_hours, when_exhausted=body.when_exhausted,
                                   now=clock.now())
    return committed(db, operator, lambda row: OperatorOut.of(row).quotas)


@router.delete("/operators/{operator_id}/quotas/{space_kind}", status_code=204, responses=CHANGE)
def remove_quota(operator_id: int, space_kind: SpaceKind, user: User = Depends(api_user),
                 db: Session = Depends(get_db)) -> Response:
    """No quota for this kind: no limit, and no fair share at peak hours."""
    operators.set_quota(db, actor=user, operator_id=operator_id, space_kind=space_kind, monthly_hours=None,
                        now=clock.now())
    db.commit()
    return Response(status_code=204)


@router.get("/operators/{operator_id}/usage", response_model=UsageOut, responses=READ)
def get_usage(operator_id: int, month: date | None = Query(None, description="A day of the month; default: this one"),
              user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Hours booked per kind of space in the month, on the venue's clock, against the operator's quotas."""
    usage = service.operator_usage(db, actor=user, operator_id=operator_id, now=clock.now(), month=month)
    return UsageOut(operator_id=usage.operator.id, month=usage.month, kinds=[
        KindUsageOut(space_kind=SpaceKind(kind.space_kind), used_hours=round(kind.used_hours, 2),
                     quota_hours=kind.quota_hours, left_hours=kind.left_hours, when_exhausted=kind.when_exhausted)
        for kind in usage.kinds])


@router.get("/venues/{venue_id}/peak-hours", response_model=PeakHoursOut,
            responses={404: {"description": "No such venue"}})
def get_peak_hours(venue_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """When the shared meeting rooms are shared fairly between operators, on the venue's clock."""
    venue = db.get(Venue, venue_id)
    if venue is None:
        raise NotFound("No such venue.")
    return _peak_out(venue)


@router.put("/venues/{venue_id}/peak-hours", response_model=PeakHoursOut, responses=CHANGE)
def set_peak_hours(venue_id: int, body: PeakHoursIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    venue = operators.set_peak_hours(db, actor=user, venue_id=venue_id, now=clock.now(),
                                     weekdays=peak.format_weekdays(body.weekdays), periods=body.periods)
    return committed(db, venue, _peak_out)


def _data(body: OperatorIn) -> operators.OperatorData:
    return operators.OperatorData(name=body.name, kind=body.kind.value, branding_name=body.branding_name)


def _peak_out(venue: Venue) -> PeakHoursOut:
    return PeakHoursOut(venue_id=venue.id, weekdays=list(peak.parse_weekdays(venue.peak_weekdays)),
                        periods=venue.peak_periods)
