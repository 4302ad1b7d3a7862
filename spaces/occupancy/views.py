"""Managers' occupancy pages: the analytics of a period with its charts and CSV exports, and today's lists."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from spaces.booking.labels import STATUS_LABELS
from spaces.occupancy import analytics, operator_views
from spaces.occupancy import today as building_today
from spaces.occupancy.analytics import OccupancyReport, Scope
from spaces.venues.labels import KIND_LABELS
from totem import clock
from totem.errors import DomainError
from totem.i18n import N_, translate
from totem.identity.models import User
from totem.web import charts
from totem.web.context import check_csrf, get_db
from totem.web.nav import NavItem, register
from totem.web.pages import render, translated_labels
from totem.web.reports import percent, reader

router = APIRouter(prefix="/admin/reports", dependencies=[Depends(check_csrf)])
register(NavItem("Reports", "spaces.occupancy_report", permission="reports.read", order=650))
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
CHARTS = ("heatmap", "weeks", "spaces")
TODAY_TITLES = {"checked_in": N_("Checked in today"), "released": N_("No-shows today"),
                "expected": N_("Still expected today")}


def _scope(request: Request, db: Session) -> Scope:
    params = request.query_params

    def number(name: str) -> int | None:
        value = params.get(name, "").strip()
        return int(value) if value.isdigit() else None

    return analytics.parse_scope(db, venue_id=number("venue_id"), first=params.get("from") or None,
                               last=params.get("to") or None, floor_id=number("floor_id"),
                               zone_id=number("zone_id"), kind=params.get("kind") or None,
                               today=clock.now().date())


@router.get("/occupancy", name="spaces.occupancy_report")
def occupancy_page(request: Request, actor: User = Depends(reader), db: Session = Depends(get_db)) -> Response:
    locale = request.state.viewer.locale
    try:
        scope = _scope(request, db)
        report = analytics.occupancy_report(db, scope)
    except DomainError as error:
        return render(request, "spaces/occupancy/occupancy.html", {
            "report": None, "error": translate(locale, error.message, **error.params), "values": request.query_params,
            "choices": None, "kinds": translated_labels(request, KIND_LABELS), "query": ""}, status_code=422)
    query = "&".join(f"{key}={value}" for key, value in scope.query().items())
    return render(request, "spaces/occupancy/occupancy.html", {
        "report": report, "error": None, "values": scope.query(), "query": query,
        "choices": analytics.list_choices(db, scope.venue_id), "kinds": translated_labels(request, KIND_LABELS),
        "weekdays": [translate(locale, day) for day in WEEKDAYS], "pct": percent(locale),
    })


@router.get("/occupancy/{chart}.svg", name="spaces.occupancy_chart")
def occupancy_chart(request: Request, chart: str, actor: User = Depends(reader),
                    db: Session = Depends(get_db)) -> Response:
    if chart not in CHARTS:
        return Response(status_code=404)
    locale = request.state.viewer.locale
    report = analytics.occupancy_report(db, _scope(request, db))
    return charts.svg_response(_draw(report, chart, locale))


def _draw(report: OccupancyReport, chart: str, locale: str) -> str:
    if chart == "heatmap":
        return charts.heat_map(report.heat(), [translate(locale, day) for day in WEEKDAYS],
                               [f"{hour}h" for hour in report.hours_shown], legend=translate(locale, "Utilisation"))
    if chart == "weeks":
        return charts.lines([week.week.strftime("%d/%m") for week in report.weeks], {
            translate(locale, "Booked"): [week.booked_rate for week in report.weeks],
            translate(locale, "Used (checked in)"): [week.used_rate for week in report.weeks],
        })
    shown = report.most_used + report.least_used
    return charts.bars([space.name for space in shown], [round((space.booked_rate or 0) * 100, 1) for space in shown],
                       unit=" %")


@router.get("/occupancy.csv", name="spaces.occupancy_csv")
def occupancy_csv(request: Request, table: str = "summary", actor: User = Depends(reader),
                  db: Session = Depends(get_db)) -> Response:
    report = analytics.occupancy_report(db, _scope(request, db))
    body = analytics.as_csv(report, table)
    name = f"occupancy-{table}-{report.scope.first_day}-{report.scope.last_day}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/today", name="spaces.today_report")
def today_list(request: Request, status: str = "checked_in", actor: User = Depends(reader),
               db: Session = Depends(get_db)) -> Response:
    now = clock.now()
    rows = building_today.list_today(db, now=now, which=status)
    return render(request, "spaces/occupancy/today.html", {
        "rows": rows, "title": TODAY_TITLES[status], "status": status, "lists": TODAY_TITLES,
        "statuses": translated_labels(request, STATUS_LABELS),
    })


router.include_router(operator_views.router)  # /admin/reports/operators: each operator's month, side by side
