"""Cohorts move through their phases by date, nightly."""
from datetime import datetime

from sqlalchemy.orm import Session

from cohorts.programs import cohorts as cohort_service
from totem.i18n import N_, said_n
from totem.jobs.registry import HOUR, cron_job


@cron_job(
    "cohorts.advance_phases",
    hour=0,
    minute=10,
    # Phases follow the calendar: a run late in the day still moves what is due, and a later one catches up.
    misfire_grace_seconds=23 * HOUR,
    description=N_("Move each cohort to the phase its dates give; alumni lose their space rights after the last day"),
)
def advance_phases(db: Session, fire_time: datetime) -> str:
    """Move the cohorts whose next phase has started by the fire time, on their venue's calendar."""
    moves = cohort_service.advance_phases(db, now=fire_time)
    details = ", ".join(f"{move.cohort.name}: {move.before} -> {move.after}" for move in moves)
    if not moves:
        return said_n("moved {n} cohort", "moved {n} cohorts", 0)
    return said_n("moved {n} cohort ({details})", "moved {n} cohorts ({details})", len(moves), details=details)


