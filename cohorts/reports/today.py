"""Program figures for managers' home: what needs a manager today in the programs they run (one's own sessions
are in the core's "coming up", from the week sources)."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cohorts.mentoring.enums import RequestStatus
from cohorts.mentoring.models import SessionRequest
from cohorts.programs import queries as program_queries
from cohorts.programs import service as programs
from cohorts.programs.enrolment import today_at
from cohorts.programs.enums import Phase
from cohorts.programs.models import Cohort
from cohorts.startups import kpis, milestones
from cohorts.startups import queries as startup_queries
from cohorts.startups.applications import DECIDING_PHASES
from cohorts.startups.enums import MilestoneStatus
from totem.identity.models import User


RUNNING = (Phase.RUNNING, Phase.DEMO_DAY)


# -- what needs a manager today -------------------------------------------------------------------


@dataclass
class CohortAttention:
    cohort: Cohort
    undecided: int = 0
    overdue_milestones: int = 0
    missing_kpis: int = 0
    kpi_month: date | None = None


@dataclass
class Attention:
    cohorts: list[CohortAttention]
    open_requests: int

    @property
    def undecided(self) -> int:
        return sum(c.undecided for c in self.cohorts)

    @property
    def overdue_milestones(self) -> int:
        return sum(c.overdue_milestones for c in self.cohorts)

    @property
    def missing_kpis(self) -> int:
        return sum(c.missing_kpis for c in self.cohorts)


def attention(db: Session, *, actor: User, now: datetime) -> Attention:
    """In the cohorts the manager runs: applications to decide, overdue milestones, KPIs not reported; and the
    session requests no mentor has taken yet."""
    rows = []
    for cohort in program_queries.list_cohorts(db, phases=(*DECIDING_PHASES, Phase.DEMO_DAY)):
        if not programs.may_manage(actor, cohort.program):
            continue
        row = CohortAttention(cohort)
        if cohort.phase in DECIDING_PHASES:
            counts = startup_queries.count_applications_by_status(db, cohort.id)
            row.undecided = counts.get("submitted", 0) + counts.get("under_review", 0)
        if cohort.phase in RUNNING:
            today = today_at(cohort, now)
            row.overdue_milestones = sum(item.status != MilestoneStatus.DONE and item.due_on < today
                                         for item in milestones.cohort_milestones(db, cohort.id))
            row.kpi_month = kpis.month_due(cohort.starts_on, today)
            if row.kpi_month is not None:
                ids = [e.organisation_id for e in program_queries.list_active_enrolments(db, cohort.id)]
                row.missing_kpis = len(set(ids) - kpis.reported(db, ids, row.kpi_month)) if ids else 0
        if row.undecided or row.overdue_milestones or row.missing_kpis or cohort.phase in RUNNING:
            rows.append(row)
    open_requests = db.scalar(select(func.count()).select_from(SessionRequest)
                              .where(SessionRequest.status == RequestStatus.OPEN)) or 0
    return Attention(rows, open_requests)
