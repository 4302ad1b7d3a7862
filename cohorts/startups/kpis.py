"""Monthly KPIs: each start-up reports its figures for a month once (re-sending updates them); funders get a CSV."""
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.programs import cohorts as cohort_service
from cohorts.programs import queries as program_queries
from cohorts.programs.enums import EnrolmentStatus, Phase
from cohorts.startups import queries
from cohorts.startups import service as startups
from cohorts.startups.models import KpiReport, KpiRequest
from spaces.venues.rules import local_time
from totem import audit
from totem.errors import Invalid, error_code
from totem.i18n import N_, said
from totem.identity.models import User
from totem.notifications.service import queue_mail
from totem.text import bounded

FIGURES = ("headcount", "revenue_eur", "funds_raised_eur", "customers")
CSV_COLUMNS = ("startup", "track", "month", *FIGURES, "notes")
COHORTS_AT_WORK = (Phase.RUNNING, Phase.DEMO_DAY)
REMIND_EVERY = timedelta(days=7)
REMINDERS_MAX = 3
NOTES_MAX = 2000

MONTH_NOT_BEGUN = error_code("month_not_begun", "Figures are reported for a month that has begun, not one to come.")
REQUEST_SUBJECT = N_("Your figures for {month}")
REMINDER_SUBJECT = N_("Reminder: your figures for {month}")


@dataclass(frozen=True)
class Figures:
    """A month's figures as the form or the API gives them; amounts in whole euros."""

    month: date
    headcount: int
    revenue_eur: int
    funds_raised_eur: int
    customers: int
    notes: str = ""


def parse_month(value: str) -> date:
    """`2026-11` (an HTML month field) or any day of the month; the month is its first day."""
    value = value.strip()
    try:
        day = date.fromisoformat(value if len(value) > 7 else f"{value}-01")
    except ValueError:
        raise Invalid("Enter a month such as 2026-11.", field="month") from None
    return day.replace(day=1)


def _this_month(startup: startups.Startup, now: datetime) -> date:
    """The month it is at the venue of the start-up's program (UTC without an enrolment)."""
    enrolment = startup.current
    today = local_time(now, enrolment.cohort.program.venue).date() if enrolment else now.date()
    return today.replace(day=1)


def save_report(db: Session, *, actor: User, organisation_id: int, figures: Figures, now: datetime) -> KpiReport:
    """The start-up's report for the month, created or updated; a month still to come is refused."""
    startup = startups.get_followed_startup(db, actor=actor, organisation_id=organisation_id)
    month = figures.month.replace(day=1)
    if month > _this_month(startup, now):
        raise Invalid("You can only report a month that has begun.", field="month", code=MONTH_NOT_BEGUN)
    for name in FIGURES:
        if getattr(figures, name) < 0:
            raise Invalid("Figures cannot be negative.", field=name)
    notes = bounded(figures.notes, field="notes", longest=NOTES_MAX)
    report = db.scalar(select(KpiReport).where(KpiReport.organisation_id == organisation_id,
                                               KpiReport.month == month))
    if report is None:
        report = KpiReport(organisation_id=organisation_id, month=month)
        db.add(report)
    for name in FIGURES:
        setattr(report, name, getattr(figures, name))
    report.notes, report.submitted_at, report.submitted_by = notes, now, actor.id
    db.flush()
    audit.record(db, actor=actor, action="kpi.report", obj=report, now=now,
                 summary=said(N_("{startup}, {month}"), startup=startup.organisation.name, month=f"{month:%m/%Y}"))
    return report


@dataclass(frozen=True)
class Status:
    """Where a start-up stands with its monthly figures, for its page and its form."""

    due: date | None  # the month its program asks for now (last month), None before its cohort has run one
    reported: bool  # the due month is reported
    to_report: date  # the month the form offers: the due month until it is reported, then this month


def status_of(db: Session, startup: startups.Startup, now: datetime) -> Status:
    this_month = _this_month(startup, now)
    enrolment = startup.current
    active = enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE
    due = month_due(enrolment.cohort.starts_on, this_month) if active else None
    reported_due = due is not None and _reported(db, startup.organisation.id, due)
    return Status(due, reported_due, due if due is not None and not reported_due else this_month)


def list_reports(db: Session, *, actor: User, organisation_id: int) -> list[KpiReport]:
    """The start-up's reports, latest month first; NotFound for members of other start-ups."""
    startups.get_followed_startup(db, actor=actor, organisation_id=organisation_id)
    return reports_of(db, [organisation_id])


def reports_of(db: Session, organisation_ids: list[int]) -> list[KpiReport]:
    return list(db.scalars(select(KpiReport).where(KpiReport.organisation_id.in_(organisation_ids))
                           .order_by(KpiReport.month.desc(), KpiReport.organisation_id)))


@dataclass(frozen=True)
class TeamSize:
    people: int
    month: date | None  # the month of the figures it comes from; None: as the profile declares it


def team_size(db: Session, startup: startups.Startup, *, with_figures: bool) -> TeamSize | None:
    """The team as the latest monthly figures count it (the headcount the program's reports add up), else as the
    profile declares it: the one figure of a team that the start-up's page and the reports share. Without
    `with_figures` (a reader the figures are not for), as the profile declares it."""
    if with_figures:
        latest = db.scalars(select(KpiReport).where(KpiReport.organisation_id == startup.organisation.id)
                            .order_by(KpiReport.month.desc()).limit(1)).first()
        if latest is not None:
            return TeamSize(latest.headcount, latest.month)
    declared = startup.profile.team_size if startup.profile else None
    return TeamSize(declared, None) if declared else None


@dataclass(frozen=True)
class CohortRow:
    startup: str
    track: str
    report: KpiReport


def cohort_reports(db: Session, *, actor: User, cohort_id: int) -> list[CohortRow]:
    """Managers of the program: every enrolled start-up's reports, by start-up then month."""
    cohort = cohort_service.get_managed_cohort(db, actor=actor, cohort_id=cohort_id)
    enrolments = {e.organisation_id: e for e in program_queries.list_enrolments(db, cohort_id=cohort.id)}
    names = {o.id: o.name for o in program_queries.list_startups(db, organisation_ids=list(enrolments))}
    rows = [CohortRow(names.get(r.organisation_id, ""), (enrolments[r.organisation_id].track.name
                                                          if enrolments[r.organisation_id].track else ""), r)
            for r in reports_of(db, list(enrolments))]
    return sorted(rows, key=lambda row: (row.startup.lower(), row.report.month))


def as_csv(rows: list[CohortRow]) -> str:
    """Plain figures (no thousands separators) so that a spreadsheet reads them as numbers."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row.startup, row.track, row.report.month.strftime("%Y-%m"),
                         *(getattr(row.report, name) for name in FIGURES), row.report.notes])
    return out.getvalue()


@dataclass(frozen=True)
class Asked:
    requests: int
    reminders: int


def previous_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def request_reports(db: Session, *, now: datetime) -> Asked:
    """Ask each working start-up for last month's figures once, then remind it weekly (three times at most).

    The month is the venue's; months before the cohort's start are never asked for.
    """
    requests = reminders = 0
    asked: set[int] = set()  # a start-up in two cohorts is asked once
    for cohort in program_queries.list_cohorts(db, phases=COHORTS_AT_WORK):
        month = previous_month(local_time(now, cohort.program.venue).date())
        if month < cohort.starts_on.replace(day=1):
            continue
        for enrolment in program_queries.list_enrolments(db, cohort_id=cohort.id, status=EnrolmentStatus.ACTIVE):
            organisation_id = enrolment.organisation_id
            if organisation_id in asked or _reported(db, organisation_id, month):
                continue
            asked.add(organisation_id)
            request = db.scalar(select(KpiRequest).where(KpiRequest.organisation_id == organisation_id,
                                                         KpiRequest.month == month))
            if request is None:
                db.add(KpiRequest(organisation_id=organisation_id, month=month, requested_at=now, reminders=0))
                requests += _mail_members(db, organisation_id, month, REQUEST_SUBJECT, "kpi_request", now)
            elif request.reminders < REMINDERS_MAX and now - (request.reminded_at or request.requested_at) >= \
                    REMIND_EVERY - timedelta(hours=1):  # a weekly run a little early still reminds
                request.reminded_at, request.reminders = now, request.reminders + 1
                reminders += _mail_members(db, organisation_id, month, REMINDER_SUBJECT, "kpi_reminder", now)
    db.flush()
    return Asked(requests, reminders)


def _reported(db: Session, organisation_id: int, month: date) -> bool:
    return db.scalar(select(KpiReport.id).where(KpiReport.organisation_id == organisation_id,
                                                KpiReport.month == month)) is not None


def _mail_members(db: Session, organisation_id: int, month: date, subject: str, template: str, now: datetime) -> int:
    members = queries.list_members(db, organisation_id)
    for member in members:
        queue_mail(db, to=member, subject=subject, template=f"cohorts/startups/emails/{template}", now=now,
                   month=format_date(month, format="MMMM yyyy", locale=member.locale),
                   link=f"/startups/{organisation_id}/kpis")
    return len(members)


def reported(db: Session, organisation_ids: list[int], month: date) -> set[int]:
    """Those of the start-ups that reported the month."""
    return set(db.scalars(select(KpiReport.organisation_id).where(KpiReport.organisation_id.in_(organisation_ids),
                                                                 KpiReport.month == month)))


def month_due(cohort_starts_on: date, today: date) -> date | None:
    """The month start-ups should have reported by today: last month, once the cohort has run through one."""
    month = previous_month(today)
    return month if month >= cohort_starts_on.replace(day=1) else None
