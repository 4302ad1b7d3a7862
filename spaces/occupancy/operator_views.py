"""The operators' monthly report pages: every operator the viewer may read side by side (the building's admins: all;
a manager: their own), with a chart and a CSV export, and one operator's printable month for its funder."""
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from spaces.occupancy import operators as report
from spaces.occupancy.operators import BuildingMonth
from spaces.venues.labels import KIND_LABELS
from totem import clock
from totem.errors import Invalid
from totem.i18n import N_, translate
from totem.identity.models import User
from totem.web import charts
from totem.web.context import get_db
from totem.web.pages import render, translated_labels
from totem.web.reports import percent, reader

router = APIRouter(prefix="/operators")
CSV_HEADINGS = {
    "operator": N_("Operator"), "month": N_("Month"), "startups": N_("Start-ups hosted"),
    "dedicated_desks": N_("Dedicated desks"), "desk_days": N_("Desk-days"), "hot_desk_hours": N_("Hot-desk hours"),
    "used": N_("hours used"), "quota": N_("monthly quota (h)"), "events_held": N_("Events held"),
    "registrations": N_("Registered at the events"), "attended": N_("Came"), "no_shows": N_("No-shows"),
}


def _month(request: Request, db: Session) -> date:
    return report.parse_month(request.query_params.get("month"), today=report.today_at_venue(db, clock.now()))


def _context(request: Request, month: date) -> dict[str, object]:
    return {"kinds": translated_labels(request, KIND_LABELS), "pct": percent(request.state.viewer.locale),
            "month": month, "month_value": f"{month:%Y-%m}",
            "previous": f"{(month - date.resolution).replace(day=1):%Y-%m}",
            "following": f"{(month.replace(day=28) + 4 * date.resolution).replace(day=1):%Y-%m}"}


@router.get("", name="spaces.operator_reports")
def side_by_side(request: Request, actor: User = Depends(reader), db: Session = Depends(get_db)) -> Response:
    """Each operator's rooms against its quotas, desks and start-ups for a month, one row per operator."""
    try:
        month = _month(request, db)
    except Invalid as error:
        month = report.parse_month(None, today=report.today_at_venue(db, clock.now()))
        return render(request, "spaces/occupancy/operators.html", {
            **_context(request, month), "building": None, "month_value": request.query_params.get("month", ""),
            "error": translate(request.state.viewer.locale, error.message, **error.params)}, status_code=422)
    return render(request, "spaces/occupancy/operators.html", {
        **_context(request, month), "building": report.building_month(db, actor=actor, month=month, now=clock.now()),
        "error": None})


@router.get("/rooms.svg", name="spaces.operator_reports_chart")
def rooms_chart(request: Request, actor: User = Depends(reader), db: Session = Depends(get_db)) -> Response:
    """Share of each quota used, one bar per operator and kind of room that has a quota."""
    building = report.building_month(db, actor=actor, month=_month(request, db), now=clock.now())
    return charts.svg_response(_draw(building, translated_labels(request, KIND_LABELS)))


def _draw(building: BuildingMonth, kinds: dict[str, str]) -> str:
    labels, values = [], []
    for month in building.operators:
        for room in month.rooms:
            if room.share_used is not None:
                labels.append(f"{month.operator.display_name} · {kinds[room.space_kind]}")
                values.append(round(room.share_used * 100))  # as the table writes it: "48 %", not "48.3 %"
    return charts.bars(labels, values, unit=" %")


@router.get("/report.csv", name="spaces.operator_reports_csv")
def side_by_side_csv(request: Request, actor: User = Depends(reader), db: Session = Depends(get_db)) -> Response:
    month = _month(request, db)
    building = report.building_month(db, actor=actor, month=month, now=clock.now())
    body = report.as_csv(building, translated_labels(request, KIND_LABELS),
                         translated_labels(request, CSV_HEADINGS))
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="operators-{month:%Y-%m}.csv"'})


@router.get("/{operator_id}", name="spaces.operator_report")
def one_operator(request: Request, operator_id: int, actor: User = Depends(reader),
                 db: Session = Depends(get_db)) -> Response:
    """One operator's month for its funder: its admins and managers only (NotFound for another operator's)."""
    error, status = None, 200
    try:
        month = _month(request, db)
    except Invalid as invalid:
        month = report.parse_month(None, today=report.today_at_venue(db, clock.now()))
        error, status = translate(request.state.viewer.locale, invalid.message, **invalid.params), 422
    figures = report.operator_month(db, actor=actor, operator_id=operator_id, month=month, now=clock.now())
    return render(request, "spaces/occupancy/operator_report.html", {
        **_context(request, month), "report": figures, "error": error,
        "generated_on": report.today_at_venue(db, clock.now())}, status_code=status)
