"""`GET /api/v1/reports/occupancy`: a period's occupancy figures for managers, from the nightly roll-up; and
`GET /api/v1/reports/operators`: each operator's month for its funder."""
from datetime import date

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from spaces.occupancy import analytics
from spaces.occupancy import operators as operator_report
from spaces.occupancy.rollup import Figures
from totem import clock
from totem.api.deps import api_user
from totem.api.schemas import Day
from totem.identity.models import User
from totem.permissions import require
from totem.web import reports as _reports  # noqa: F401  (registers "reports.read")
from totem.web.context import get_db

router = APIRouter(tags=["reports"])


class HourOut(BaseModel):
    weekday: int  # 0 is Monday
    hour: int  # local
    utilisation: float | None
    used_rate: float | None
    check_in_rate: float | None
    no_show_rate: float | None
    capacity_minutes: int
    booked_minutes: int
    used_minutes: int
    bookings: int
    check_ins: int
    no_shows: int


class OccupancyOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    venue_id: int
    from_: date = Field(alias="from")
    to: date
    utilisation: float | None  # booked share of the open space-minutes
    used_rate: float | None  # share held by bookings that were checked in
    check_in_rate: float | None
    no_show_rate: float | None
    bookings: int
    by_hour: list[HourOut]


def _hour(figures: analytics.HourFigures) -> HourOut:
    return HourOut(weekday=figures.weekday, hour=figures.hour, **_rates(figures),
                   capacity_minutes=figures.capacity_minutes, booked_minutes=figures.booked_minutes,
                   used_minutes=figures.used_minutes, bookings=figures.bookings, check_ins=figures.check_ins,
                   no_shows=figures.no_shows)


def _rates(figures: Figures) -> dict[str, float | None]:
    return {"utilisation": figures.booked_rate, "used_rate": figures.used_rate,
            "check_in_rate": figures.check_in_rate, "no_show_rate": figures.no_show_rate}


@router.get("/reports/occupancy", response_model=OccupancyOut,
            responses={403: {"description": "Managers only"}, 422: {"description": "Bad period or venue"}})
def occupancy(
    from_: Day | None = Query(None, alias="from", description="First local day; default: 13 weeks before `to`"),
    to: Day | None = Query(None, description="Last local day, included; default: yesterday"),
    venue_id: int | None = Query(None, description="Default: the first venue"),
    floor_id: int | None = None, zone_id: int | None = None, kind: str | None = None,
    user: User = Depends(api_user), db: Session = Depends(get_db),
):
    """Utilisation, check-in and no-show rates of the period, and by weekday and local hour."""
    require(user, "reports.read")
    scope = analytics.parse_scope(db, venue_id=venue_id, first=from_.isoformat() if from_ else None,
                                last=to.isoformat() if to else None, floor_id=floor_id, zone_id=zone_id, kind=kind,
                                today=clock.now().date())
    report = analytics.occupancy_report(db, scope)
    return OccupancyOut(venue_id=scope.venue_id, from_=scope.first_day, to=scope.last_day, **_rates(report.total),
                        bookings=report.total.bookings, by_hour=[_hour(h) for h in report.by_hour])


class RoomUseOut(BaseModel):
    space_kind: str
    used_hours: float
    quota_hours: int | None = Field(description="None: no quota, no limit")


class OperatorMonthOut(BaseModel):
    operator_id: int
    name: str = Field(description="The name its start-ups and funders know it by")
    month: str = Field(description="YYYY-MM, on the venue's calendar")
    startups: int = Field(description="Start-ups holding rights through its programs on a day of the month")
    dedicated_desks: int
    desk_days: int
    hot_desk_hours: float
    rooms: list[RoomUseOut]
    events_held: int = Field(description="Its events over by now, not cancelled, that started in the month")
    registrations: int = Field(description="People holding a seat at those events")
    attended: int = Field(description="Of them, checked in at the door")
    no_shows: int


@router.get("/reports/operators", response_model=list[OperatorMonthOut],
            responses={403: {"description": "Managers only"}, 422: {"description": "Bad month"}})
def operators_month(month: str | None = Query(None, description="YYYY-MM; default: this month"),
                    user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Each operator's month (the admins: every operator; a manager: their own): rooms against quotas, desks and
    start-ups hosted."""
    require(user, "reports.read")
    first = operator_report.parse_month(month, today=operator_report.today_at_venue(db, clock.now()))
    building = operator_report.building_month(db, actor=user, month=first, now=clock.now())
    return [OperatorMonthOut(operator_id=row.operator.id, name=row.operator.display_name, month=f"{first:%Y-%m}",
                             startups=row.startups, dedicated_desks=row.dedicated_desks, desk_days=row.desk_days,
                             hot_desk_hours=round(row.hot_desk_hours, 2), events_held=row.events.events_held,
                             registrations=row.events.registrations, attended=row.events.attended,
                             no_shows=row.events.no_shows,
                             rooms=[RoomUseOut(space_kind=room.space_kind, used_hours=round(room.used_hours, 2),
                                               quota_hours=room.quota_hours) for room in row.rooms])
            for row in building.operators]
