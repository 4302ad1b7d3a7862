"""A program's report for a period, for its managers and funders: hours of mentoring per track, cohort and
mentor, sessions and ratings, milestones, KPIs and credits, one row per start-up."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from cohorts.mentoring import sessions
from cohorts.mentoring.enums import NoShow, SessionStatus, Side
from cohorts.mentoring.models import MentorSession, SessionFeedback
from cohorts.mentoring.sessions import MentorHours
from cohorts.programs import queries as program_queries
from cohorts.programs import service as programs
from cohorts.programs.models import Cohort, Enrolment, Program
from cohorts.startups import milestones
from cohorts.startups.enums import MilestoneStatus
from cohorts.startups.models import KpiReport, Milestone, MilestoneProgress, StartupProfile
from spaces.credits import service as spaces_credits
from spaces.credits.service import CreditUse
from spaces.venues.forms import report_period
from spaces.venues.rules import local_moment
from totem.identity.models import User


# -- a program's report for a period --------------------------------------------------------------
# Sessions belong to the program through their cohort (or, without one, their track); start-ups through
# enrolments in its cohorts running during the period.

HELD = (SessionStatus.COMPLETED, SessionStatus.AWAITING_ATTENDANCE)
MAX_DAYS = 400


@dataclass(frozen=True)
class Period:
    program: Program
    first_day: date
    last_day: date  # included

    @property
    def starts_at(self) -> datetime:
        return local_moment(self.first_day, time(), self.program.venue).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        return local_moment(self.last_day + timedelta(days=1), time(), self.program.venue).astimezone(UTC)

    def query(self) -> str:
        return f"from={self.first_day.isoformat()}&to={self.last_day.isoformat()}"


def parse_period(db: Session, *, actor: User, program_id: int, first: str | None, last: str | None,
                 today: date) -> Period:
    """The program if the actor runs it (Forbidden for other programs' managers) and the days asked for; by
    default the last 13 full weeks."""
    program = programs.get_managed_program(db, actor=actor, program_id=program_id)
    first_day, last_day = report_period(first, last, today=today, longest=MAX_DAYS)
    return Period(program, first_day, last_day)


@dataclass(frozen=True)
class Hours:
    """Mentor sessions held and their hours for one track, cohort or mentor."""

    name: str
    sessions: int
    minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class SessionFigures:
    held: int
    no_shows: int  # sessions one side (or both) missed
    startup_no_shows: int
    mentor_no_shows: int
    cancelled: int
    startup_rating: float | None  # the start-ups' average rating of their sessions, 1 to 5
    mentor_rating: float | None  # the mentors' average rating
    ratings: int

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / (self.held + self.no_shows) if self.held + self.no_shows else None


@dataclass(frozen=True)
class TrackMilestones:
    track: str
    due: int  # milestones of the track's start-ups due in the period
    done: int

    @property
    def rate(self) -> float | None:
        return self.done / self.due if self.due else None


@dataclass(frozen=True)
class CohortKpis:
    """A cohort's figures over the period, from each start-up's first and last monthly report in it."""

    cohort: str
    startups: int
    reporting: int
    headcount_start: int
    headcount_end: int
    revenue_eur: int  # the months' revenue added up
    funds_raised_eur: int
    revenue_first_month: int  # summed over the start-ups, each its first and last month reported
    revenue_last_month: int

    @property
    def jobs_created(self) -> int:
        return self.headcount_end - self.headcount_start

    @property
    def revenue_growth(self) -> float | None:
        if not self.revenue_first_month:
            return None
        return (self.revenue_last_month - self.revenue_first_month) / self.revenue_first_month


@dataclass(frozen=True)
class MonthKpis:
    """What the start-ups that reported for the month add up to: a start-up that has not reported yet is not in
    it, whereas a cohort's headcount runs from each start-up's first report of the period to its last."""
    month: date
    headcount: int
    revenue_eur: int
    funds_raised_eur: int
    reporting: int = 0  # the start-ups that reported for the month


@dataclass(frozen=True)
class StartupRow:
    organisation_id: int
    name: str
    cohort: str
    track: str
    sector: str
    sessions: int
    minutes: int
    milestones_due: int
    milestones_done: int
    headcount: int | None  # the last month reported in the period
    revenue_eur: int
    funds_raised_eur: int
    credits: CreditUse

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class ProgramReport:
    period: Period
    cohorts: list[Cohort]
    by_track: list[Hours]
    by_cohort: list[Hours]
    by_mentor: list[Hours]
    sessions: SessionFigures
    milestones: list[TrackMilestones]
    kpis: list[CohortKpis]
    months: list[MonthKpis]
    startups: list[StartupRow]

    @property
    def minutes(self) -> int:
        return sum(row.minutes for row in self.by_track)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def milestones_total(self) -> TrackMilestones:
        return TrackMilestones("", sum(m.due for m in self.milestones), sum(m.done for m in self.milestones))

    @property
    def kpis_total(self) -> CohortKpis:
        return CohortKpis("", *(sum(getattr(row, name) for row in self.kpis) for name in (
            "startups", "reporting", "headcount_start", "headcount_end", "revenue_eur", "funds_raised_eur",
            "revenue_first_month", "revenue_last_month")))

    @property
    def credits_total(self) -> CreditUse:
        rows = [row.credits for row in self.startups]
        return CreditUse(0, sum(r.given for r in rows), sum(r.used for r in rows), sum(r.expired for r in rows))


def program_report(db: Session, period: Period, *, actor: User) -> ProgramReport:
    """Mentor hours, sessions and feedback, milestones, KPIs and credits of the program's start-ups over the
    period: a dozen grouped queries whatever the program's size."""
    program = period.program
    cohorts = [c for c in program_queries.list_cohorts(db, program_id=program.id)
               if c.starts_on <= period.last_day and c.ends_on >= period.first_day]
    cohort_names = {c.id: c.name for c in cohorts}
    track_names = {t.id: t.name for t in program.tracks}
    enrolments = _enrolments(db, list(cohort_names))
    organisation_ids = sorted({e.organisation_id for e in enrolments})

    held = [row for row in sessions.mentor_hours(db, actor=actor, starts_after=period.starts_at,
                                                 starts_before=period.ends_at)
            if row.cohort_id in cohort_names or (row.cohort_id is None and row.track_id in track_names)]
    mentors = {u.id: u.name for u in program_queries.user_list(db, {row.mentor_id for row in held})}
    by_track = _hours(held, lambda r: track_names.get(r.track_id) if r.track_id else None)
    by_cohort = _hours(held, lambda r: cohort_names.get(r.cohort_id) if r.cohort_id else None)
    by_mentor = _hours(held, lambda r: mentors.get(r.mentor_id, ""))

    startup_hours = _startup_hours(db, period, list(cohort_names), list(track_names))
    done, due = _milestones(db, enrolments, {c.id: c.starts_on for c in cohorts}, period)
    reports = _kpi_reports(db, organisation_ids, period)
    credits = spaces_credits.credit_consumption(db, organisation_ids=organisation_ids, starts_at=period.starts_at,
                                                ends_at=period.ends_at)
    names = {o.id: o.name for o in program_queries.list_startups(db, organisation_ids=organisation_ids)}
    sectors = dict(db.execute(select(StartupProfile.organisation_id, StartupProfile.sector)
                              .where(StartupProfile.organisation_id.in_(organisation_ids))).tuples().all())

    milestone_rows = []
    for track_id, name in sorted(track_names.items(), key=lambda item: item[1].lower()):
        keys = [key for key in due if key[1] == track_id]
        milestone_rows.append(TrackMilestones(name, sum(due[k] for k in keys), sum(done.get(k, 0) for k in keys)))

    kpi_rows = []
    for cohort in cohorts:
        members = [e.organisation_id for e in enrolments if e.cohort_id == cohort.id]
        kpi_rows.append(_cohort_kpis(cohort.name, members, reports))
    months: dict[date, list[int]] = {}
    for report in (r for rows in reports.values() for r in rows):
        totals = months.setdefault(report.month, [0, 0, 0, 0])
        totals[0] += report.headcount
        totals[1] += report.revenue_eur
        totals[2] += report.funds_raised_eur
        totals[3] += 1

    rows = []
    for enrolment in enrolments:
        organisation_id = enrolment.organisation_id
        own = reports.get(organisation_id, [])
        sessions_held, minutes = startup_hours.get(organisation_id, (0, 0))
        rows.append(StartupRow(
            organisation_id, names.get(organisation_id, ""), cohort_names[enrolment.cohort_id],
            track_names.get(enrolment.track_id, "") if enrolment.track_id else "", sectors.get(organisation_id, ""),
            sessions_held, minutes, sum(n for (e, _), n in due.items() if e == enrolment.id),
            sum(n for (e, _), n in done.items() if e == enrolment.id), own[-1].headcount if own else None,
            sum(r.revenue_eur for r in own), sum(r.funds_raised_eur for r in own),
            credits.get(organisation_id, CreditUse(organisation_id))))
    rows.sort(key=lambda row: (row.name.lower(), row.cohort))
    return ProgramReport(period, cohorts, by_track, by_cohort, by_mentor,
                         _session_figures(db, period, list(cohort_names), list(track_names)), milestone_rows,
                         kpi_rows, [MonthKpis(month, *values) for month, values in sorted(months.items())], rows)


def _enrolments(db: Session, cohort_ids: list[int]) -> list[Enrolment]:
    if not cohort_ids:
        return []
    return list(db.scalars(select(Enrolment).where(Enrolment.cohort_id.in_(cohort_ids)).order_by(Enrolment.id)))


def _of_program(cohort_ids: list[int], track_ids: list[int]) -> Any:
    return or_(MentorSession.cohort_id.in_(cohort_ids),
               and_(MentorSession.cohort_id.is_(None), MentorSession.track_id.in_(track_ids)))


def _hours(held: list[MentorHours], name_of: Callable[[MentorHours], str | None]) -> list[Hours]:
    totals: dict[str, list[int]] = {}
    for row in held:
        sums = totals.setdefault(name_of(row) or "", [0, 0])
        sums[0] += row.sessions
        sums[1] += row.minutes
    return sorted((Hours(name, *sums) for name, sums in totals.items()), key=lambda h: (-h.minutes, h.name.lower()))


def _startup_hours(db: Session, period: Period, cohort_ids: list[int],
                   track_ids: list[int]) -> dict[int, tuple[int, int]]:
    totals: dict[int, tuple[int, int]] = {}
    for organisation_id, starts_at, ends_at in db.execute(
            select(MentorSession.organisation_id, MentorSession.starts_at, MentorSession.ends_at)
            .where(_of_program(cohort_ids, track_ids), MentorSession.status.in_(HELD),
                   MentorSession.starts_at >= period.starts_at, MentorSession.starts_at < period.ends_at)):
        count, minutes = totals.get(organisation_id, (0, 0))
        totals[organisation_id] = (count + 1, minutes + int((ends_at - starts_at).total_seconds() // 60))
    return totals


def _session_figures(db: Session, period: Period, cohort_ids: list[int], track_ids: list[int]) -> SessionFigures:
    """Sessions of the period by outcome, and the average rating each side gave the sessions held."""
    in_period = (_of_program(cohort_ids, track_ids), MentorSession.starts_at >= period.starts_at,
                 MentorSession.starts_at < period.ends_at)
    counts: dict[tuple[str, str | None], int] = {
        (status, no_show): count for status, no_show, count in db.execute(
            select(MentorSession.status, MentorSession.no_show, func.count()).where(*in_period)
            .group_by(MentorSession.status, MentorSession.no_show))}
    missed = {no_show: count for (status, no_show), count in counts.items() if status == SessionStatus.NO_SHOW}
    ratings = {side: (float(average), count) for side, average, count in db.execute(
        select(SessionFeedback.side, func.avg(SessionFeedback.rating), func.count())
        .join(MentorSession, MentorSession.id == SessionFeedback.session_id)
        .where(*in_period, MentorSession.status.in_(HELD)).group_by(SessionFeedback.side))}
    startup_rating, startup_count = ratings.get(Side.STARTUP, (None, 0))
    mentor_rating, mentor_count = ratings.get(Side.MENTOR, (None, 0))
    return SessionFigures(
        held=sum(count for (status, _), count in counts.items() if status in HELD),
        no_shows=sum(missed.values()),
        startup_no_shows=missed.get(NoShow.STARTUP, 0) + missed.get(NoShow.BOTH, 0),
        mentor_no_shows=missed.get(NoShow.MENTOR, 0) + missed.get(NoShow.BOTH, 0),
        cancelled=sum(count for (status, _), count in counts.items() if status == SessionStatus.CANCELLED),
        startup_rating=None if startup_rating is None else round(startup_rating, 2),
        mentor_rating=None if mentor_rating is None else round(mentor_rating, 2),
        ratings=startup_count + mentor_count)


def _milestones(db: Session, enrolments: list[Enrolment], starts_on: dict[int, date],
                period: Period) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """Per (enrolment, track): the milestones due in the period that are done, and all those due."""
    tracked = [e for e in enrolments if e.track_id is not None]
    if not tracked:
        return {}, {}
    milestones = list(db.scalars(select(Milestone).where(Milestone.track_id.in_({e.track_id for e in tracked}))))
    done_ids = set(db.execute(select(MilestoneProgress.enrolment_id, MilestoneProgress.milestone_id).where(
        MilestoneProgress.enrolment_id.in_([e.id for e in tracked]),
        MilestoneProgress.status == MilestoneStatus.DONE)).tuples().all())
    done: dict[tuple[int, int], int] = {}
    due: dict[tuple[int, int], int] = {}
    for enrolment in tracked:
        for milestone in milestones:
            day = starts_on[enrolment.cohort_id] + timedelta(days=milestone.due_offset_days)
            if milestone.track_id != enrolment.track_id or not period.first_day <= day <= period.last_day:
                continue
            key = (enrolment.id, milestone.track_id)
            due[key] = due.get(key, 0) + 1
            if (enrolment.id, milestone.id) in done_ids:
                done[key] = done.get(key, 0) + 1
    return done, due


def _kpi_reports(db: Session, organisation_ids: list[int], period: Period) -> dict[int, list[KpiReport]]:
    """Each start-up's monthly reports for the months the period touches, by month."""
    found: dict[int, list[KpiReport]] = {}
    if not organisation_ids:
        return found
    for report in db.scalars(select(KpiReport).where(
            KpiReport.organisation_id.in_(organisation_ids), KpiReport.month >= period.first_day.replace(day=1),
            KpiReport.month <= period.last_day).order_by(KpiReport.month)):
        found.setdefault(report.organisation_id, []).append(report)
    return found


def _cohort_kpis(name: str, organisation_ids: list[int], reports: dict[int, list[KpiReport]]) -> CohortKpis:
    reporting = [reports[o] for o in organisation_ids if reports.get(o)]
    return CohortKpis(
        name, len(organisation_ids), len(reporting),
        headcount_start=sum(rows[0].headcount for rows in reporting),
        headcount_end=sum(rows[-1].headcount for rows in reporting),
        revenue_eur=sum(r.revenue_eur for rows in reporting for r in rows),
        funds_raised_eur=sum(r.funds_raised_eur for rows in reporting for r in rows),
        revenue_first_month=sum(rows[0].revenue_eur for rows in reporting),
        revenue_last_month=sum(rows[-1].revenue_eur for rows in reporting))


def managed_programs(db: Session, *, actor: User) -> list[Program]:
    """The programs whose reports the actor may read: those they run (every one for admins)."""
    return [program for program in program_queries.list_programs(db) if programs.may_manage(actor, program)]
