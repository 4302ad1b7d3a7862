"""A cohort's board: its start-ups by track, with their profile, team and credits at a glance."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from cohorts import queries
from cohorts.enrolment import today_at
from cohorts.enums import PHASE_ORDER, Phase
from cohorts.models import Cohort, Enrolment, StartupProfile, Track
from cohorts.phases import first_day
from totem.identity.models import Organisation


@dataclass(frozen=True)
class BoardCard:
    enrolment: Enrolment
    organisation: Organisation
    profile: StartupProfile | None
    members: int
    credits: int


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

    @property
    def undecided(self) -> int:
        return self.applications.get("submitted", 0) + self.applications.get("under_review", 0)


def cohort_board(db: Session, cohort: Cohort, *, now: datetime) -> Board:
    """Every track of the program as a column, even an empty one; start-ups without a track in a last column."""
    enrolments = queries.list_enrolments(db, cohort_id=cohort.id)
    ids = [e.organisation_id for e in enrolments]
    organisations = {o.id: o for o in queries.list_startups(db, organisation_ids=ids)} if ids else {}
    profiles, members, balances = queries.profiles_of(db, ids), queries.members_count(db, ids), \
        queries.credit_balances(db, ids)
    columns = {track.id: BoardColumn(track) for track in cohort.program.tracks}
    untracked = BoardColumn(None)
    for enrolment in sorted(enrolments, key=lambda e: organisations[e.organisation_id].name.lower()):
        card = BoardCard(enrolment, organisations[enrolment.organisation_id], profiles.get(enrolment.organisation_id),
                         members.get(enrolment.organisation_id, 0), balances.get(enrolment.organisation_id, 0))
        columns.get(enrolment.track_id or 0, untracked).cards.append(card)
    return Board(
        columns=[*columns.values(), *([untracked] if untracked.cards else [])],
        enrolled=sum(1 for e in enrolments if e.status == "active"),
        applications=queries.count_applications_by_status(db, cohort.id),
        days_to_next_phase=_days_to_next_phase(cohort, now),
    )


def _days_to_next_phase(cohort: Cohort, now: datetime) -> int | None:
    index = PHASE_ORDER.index(Phase(cohort.phase))
    if index + 1 >= len(PHASE_ORDER):
        return None
    start = first_day(cohort, PHASE_ORDER[index + 1])
    today = today_at(cohort, now)
    return (start - today).days if start is not None and start > today else None
