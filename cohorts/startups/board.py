"""A cohort's board: its start-ups by track, with their profile, team, credits, milestones and KPIs at a glance."""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from cohorts.programs import queries as program_queries
from cohorts.programs.enrolment import today_at
from cohorts.programs.enums import PHASE_ORDER, Phase
from cohorts.programs.models import Cohort, Enrolment, Track
from cohorts.programs.phases import first_day
from cohorts.startups import kpis, milestones, queries
from cohorts.startups.enums import MilestoneStatus
from cohorts.startups.models import StartupProfile
from totem.identity.models import Organisation


@dataclass(frozen=True)
class BoardCard:
    enrolment: Enrolment
    organisation: Organisation
    profile: StartupProfile | None
    members: int
    credits: int
    milestones_done: int = 0
    milestones_total: int = 0
    milestones_overdue: int = 0
    kpis_reported: bool | None = None  # None: no month is due yet


@dataclass
class BoardColumn:
    track: Track | None
    cards: list[BoardCard] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    columns: list[BoardColumn]
    enrolled: int
    applications: dict[str, int]
    days_to_next_phase: int | None
    kpi_month: date | None = None  # the month whose KPIs are due

    @property
    def undecided(self) -> int:
        return self.applications.get("submitted", 0) + self.applications.get("under_review", 0)


def cohort_board(db: Session, cohort: Cohort, *, now: datetime) -> Board:
    """Every track of the program as a column, even an empty one; start-ups without a track in a last column."""
    enrolments = program_queries.list_enrolments(db, cohort_id=cohort.id)
    ids = [e.organisation_id for e in enrolments]
    organisations = {o.id: o for o in program_queries.list_startups(db, organisation_ids=ids)} if ids else {}
    profiles, members, balances = queries.profiles_of(db, ids), queries.members_count(db, ids), \
        queries.credit_balances(db, ids)
    today = today_at(cohort, now)
    progress = _milestone_counts(db, cohort, today)
    kpi_month = kpis.month_due(cohort.starts_on, today) if cohort.phase != Phase.ALUMNI else None
    reported = kpis.reported(db, ids, kpi_month) if kpi_month and ids else set()
    columns = {track.id: BoardColumn(track) for track in cohort.program.tracks}
    untracked = BoardColumn(None)
    for enrolment in sorted(enrolments, key=lambda e: organisations[e.organisation_id].name.lower()):
        card = BoardCard(enrolment, organisations[enrolment.organisation_id], profiles.get(enrolment.organisation_id),
                         members.get(enrolment.organisation_id, 0), balances.get(enrolment.organisation_id, 0),
                         *progress.get(enrolment.id, (0, 0, 0)),
                         kpis_reported=(enrolment.organisation_id in reported) if kpi_month else None)
        columns.get(enrolment.track_id or 0, untracked).cards.append(card)
    return Board(
        columns=[*columns.values(), *([untracked] if untracked.cards else [])],
        enrolled=sum(1 for e in enrolments if e.status == "active"),
        applications=queries.count_applications_by_status(db, cohort.id),
        days_to_next_phase=_days_to_next_phase(cohort, now),
        kpi_month=kpi_month,
    )


def _milestone_counts(db: Session, cohort: Cohort, today: date) -> dict[int, tuple[int, int, int]]:
    """Per enrolment: milestones done, in all, and overdue (past their due day and not done)."""
    counts: dict[int, tuple[int, int, int]] = {}
    for item in milestones.cohort_milestones(db, cohort.id):
        done, total, overdue = counts.get(item.enrolment.id, (0, 0, 0))
        is_done = item.status == MilestoneStatus.DONE
        counts[item.enrolment.id] = (done + is_done, total + 1, overdue + (not is_done and item.due_on < today))
    return counts


def _days_to_next_phase(cohort: Cohort, now: datetime) -> int | None:
    index = PHASE_ORDER.index(Phase(cohort.phase))
    if index + 1 >= len(PHASE_ORDER):
        return None
    start = first_day(cohort, PHASE_ORDER[index + 1])
    today = today_at(cohort, now)
    return (start - today).days if start is not None and start > today else None
