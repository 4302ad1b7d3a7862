"""A program's report as CSV, one table at a time, for funders' spreadsheets."""
import csv
from io import StringIO

from cohorts.reports.program_report import ProgramReport
from totem.errors import Invalid


# -- exports --------------------------------------------------------------------------------------

CSV_TABLES = ("tracks", "cohorts", "mentors", "sessions", "milestones", "kpis", "months", "credits", "startups")


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def program_csv(report: ProgramReport, table: str) -> str:
    """One of the report's tables, or the data behind a chart, as CSV: plain numbers, ISO dates."""
    out = StringIO()
    writer = csv.writer(out)
    if table in ("tracks", "cohorts", "mentors"):
        rows = {"tracks": report.by_track, "cohorts": report.by_cohort, "mentors": report.by_mentor}[table]
        writer.writerow([table.removesuffix("s"), "sessions", "minutes", "hours"])
        writer.writerows([row.name, row.sessions, row.minutes, row.hours] for row in rows)
    elif table == "sessions":
        figures = report.sessions
        writer.writerow(["program", "from", "to", "held", "mentor_hours", "no_shows", "startup_no_shows",
                         "mentor_no_shows", "no_show_rate", "cancelled", "startup_rating", "mentor_rating", "ratings"])
        writer.writerow([report.period.program.name, report.period.first_day, report.period.last_day, figures.held,
                         report.hours, figures.no_shows, figures.startup_no_shows, figures.mentor_no_shows,
                         _ratio(figures.no_show_rate), figures.cancelled, figures.startup_rating or "",
                         figures.mentor_rating or "", figures.ratings])
    elif table == "milestones":
        writer.writerow(["track", "due", "done", "completion"])
        writer.writerows([row.track, row.due, row.done, _ratio(row.rate)] for row in report.milestones)
    elif table == "kpis":
        writer.writerow(["cohort", "startups", "reporting", "headcount_start", "headcount_end", "jobs_created",
                         "revenue_eur", "funds_raised_eur", "revenue_growth"])
        writer.writerows([row.cohort, row.startups, row.reporting, row.headcount_start, row.headcount_end,
                          row.jobs_created, row.revenue_eur, row.funds_raised_eur, _ratio(row.revenue_growth)]
                         for row in report.kpis)
    elif table == "months":
        writer.writerow(["month", "headcount", "revenue_eur", "funds_raised_eur"])
        writer.writerows([row.month.isoformat(), row.headcount, row.revenue_eur, row.funds_raised_eur]
                         for row in report.months)
    elif table == "credits":
        writer.writerow(["startup", "cohort", "credits_given", "credits_used", "credits_expired", "used_share"])
        writer.writerows([row.name, row.cohort, row.credits.given, row.credits.used, row.credits.expired,
                          _ratio(row.credits.used_share)] for row in report.startups)
    elif table == "startups":
        writer.writerow(["startup", "cohort", "track", "sector", "sessions", "mentor_minutes", "milestones_due",
                         "milestones_done", "headcount", "revenue_eur", "funds_raised_eur", "credits_used"])
        writer.writerows([row.name, row.cohort, row.track, row.sector, row.sessions, row.minutes, row.milestones_due,
                          row.milestones_done, "" if row.headcount is None else row.headcount, row.revenue_eur,
                          row.funds_raised_eur, row.credits.used] for row in report.startups)
    else:
        raise Invalid("Unknown table.", field="table")
    return out.getvalue()
