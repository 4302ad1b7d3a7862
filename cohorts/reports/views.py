"""Managers' program reports: mentor hours, sessions and feedback, milestones, KPIs and credits for a period,
with their charts and CSV exports, and the funders' one-page report printed on A4."""
from babel.numbers import format_currency, format_decimal
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cohorts.reports import exports
from cohorts.reports import program_report as reports
from cohorts.reports.program_report import Period, ProgramReport
from totem import clock
from totem.errors import Invalid
from totem.i18n import translate
from totem.identity.models import User
from totem.web import charts
from totem.web.context import check_csrf, get_db
from totem.web.pages import render
from totem.web.reports import percent, reader

router = APIRouter(prefix="/admin/reports/programs", dependencies=[Depends(check_csrf)])
CHARTS = ("tracks", "mentors", "milestones", "months", "credits")
SHOWN = 12  # bars in the mentors' and start-ups' charts; the tables and CSV have them all


def _period(request: Request, db: Session, actor: User, program_id: int) -> Period:
    params = request.query_params
    return reports.parse_period(db, actor=actor, program_id=program_id, first=params.get("from") or None,
                                last=params.get("to") or None, today=clock.now().date())


def _formats(locale: str) -> dict[str, object]:
    return {
        "pct": percent(locale),
        "num": lambda value: "—" if value is None else format_decimal(value, locale=locale),
        "eur": lambda value: format_currency(value, "EUR", locale=locale, format="#,##0 ¤", currency_digits=False),
    }


@router.get("", name="cohorts.program_reports")
def program_list(request: Request, actor: User = Depends(reader), db: Session = Depends(get_db)) -> Response:
    return render(request, "cohorts/reports/programs.html", {"programs": reports.managed_programs(db, actor=actor)})


def _report_page(request: Request, db: Session, actor: User, program_id: int, template: str) -> Response:
    locale = request.state.viewer.locale
    try:
        period = _period(request, db, actor, program_id)
    except Invalid as error:
        period = reports.parse_period(db, actor=actor, program_id=program_id, first=None, last=None,
                                      today=clock.now().date())
        return render(request, template, {
            "report": None, "period": period, "error": translate(locale, error.message, **error.params),
            "values": request.query_params, "query": period.query(), **_formats(locale)}, status_code=422)
    report = reports.program_report(db, period, actor=actor)
    return render(request, template, {
        "report": report, "period": period, "error": None, "query": period.query(),
        "values": {"from": period.first_day.isoformat(), "to": period.last_day.isoformat()},
        "generated_on": clock.now(), **_formats(locale)})


@router.get("/{program_id}", name="cohorts.program_report")
def program_page(request: Request, program_id: int, actor: User = Depends(reader),
                 db: Session = Depends(get_db)) -> Response:
    return _report_page(request, db, actor, program_id, "cohorts/reports/program.html")


@router.get("/{program_id}/funders", name="cohorts.funders_report")
def funders_page(request: Request, program_id: int, actor: User = Depends(reader),
                 db: Session = Depends(get_db)) -> Response:
    return _report_page(request, db, actor, program_id, "cohorts/reports/funders.html")


@router.get("/{program_id}/charts/{chart}.svg", name="cohorts.program_chart")
def program_chart(request: Request, program_id: int, chart: str, actor: User = Depends(reader),
                  db: Session = Depends(get_db)) -> Response:
    if chart not in CHARTS:
        return Response(status_code=404)
    report = reports.program_report(db, _period(request, db, actor, program_id), actor=actor)
    # The funders' page sets two charts side by side on A4: drawn narrower, their text keeps its size in print.
    width = 4.0 if request.query_params.get("size") == "half" else 8.2
    return charts.svg_response(_draw(report, chart, request.state.viewer.locale, width))


def _draw(report: ProgramReport, chart: str, locale: str, width: float) -> str:
    none = translate(locale, "No track")
    if chart == "tracks":
        return charts.bars([row.name or none for row in report.by_track], [row.hours for row in report.by_track],
                           unit=" h", width=width)
    if chart == "mentors":
        shown = report.by_mentor[:SHOWN]
        return charts.bars([row.name for row in shown], [row.hours for row in shown], unit=" h", width=width)
    if chart == "milestones":
        return charts.bars([row.track for row in report.milestones],
                           [round((row.rate or 0) * 100, 1) for row in report.milestones], unit=" %", width=width)
    if chart == "months":
        return charts.lines([row.month.strftime("%m/%Y") for row in report.months],
                            {translate(locale, "Headcount"): [row.headcount for row in report.months]},
                            percent=False, width=width)
    shown = sorted(report.startups, key=lambda row: -row.credits.used)[:SHOWN]
    return charts.bars([row.name for row in shown], [row.credits.used for row in shown], width=width)


@router.get("/{program_id}/report.csv", name="cohorts.program_csv")
def program_csv(request: Request, program_id: int, table: str = "startups", actor: User = Depends(reader),
                db: Session = Depends(get_db)) -> Response:
    period = _period(request, db, actor, program_id)
    body = exports.program_csv(reports.program_report(db, period, actor=actor), table)
    name = f"program-{program_id}-{table}-{period.first_day}-{period.last_day}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
