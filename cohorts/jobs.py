"""The cohorts package's periodic jobs, collected by the core's scheduler."""
from datetime import datetime

from sqlalchemy.orm import Session

from cohorts import kpis, milestones, service
from totem.jobs.registry import cron_job

HOUR = 3600


@cron_job(
    "cohorts.advance_phases",
    hour=0,
    minute=10,
    # Phases follow the calendar: a run late in the day still moves what is due, and a later one catches up.
    misfire_grace_seconds=23 * HOUR,
    description="Move each cohort to the phase its dates give; alumni lose their space rights after the last day",
)
def advance_phases(db: Session, fire_time: datetime) -> str:
    """Move the cohorts whose next phase has started by the fire time, on their venue's calendar."""
    moves = service.advance_phases(db, now=fire_time)
    if not moves:
        return "moved 0 cohorts"
    details = ", ".join(f"{move.cohort.name}: {move.before} -> {move.after}" for move in moves)
    return f"moved {len(moves)} cohort{'s' if len(moves) != 1 else ''} ({details})"[:500]


@cron_job(
    "cohorts.remind_milestones",
    hour=8,
    minute=0,
    misfire_grace_seconds=12 * HOUR,
    description="Remind start-ups of milestones due within a week, and tell them once one is overdue",
)
def remind_milestones(db: Session, fire_time: datetime) -> str:
    sent = milestones.send_reminders(db, now=fire_time)
    return f"sent {sent.reminders} reminders and {sent.overdue} overdue notices"


@cron_job(
    "cohorts.request_kpis",
    hour=9,
    minute=0,
    # Daily: the 1st asks for last month's figures, the later days remind those who have not reported.
    misfire_grace_seconds=12 * HOUR,
    description="Ask each start-up for last month's KPIs on the 1st, and remind it weekly until it reports",
)
def request_kpis(db: Session, fire_time: datetime) -> str:
    asked = kpis.request_reports(db, now=fire_time)
    return f"sent {asked.requests} KPI requests and {asked.reminders} reminders"


# Declared beside the availability service; importing the job here lets the registry, which reads this module, find it.
from cohorts.availability_jobs import materialise_office_hours  # noqa: E402,F401  (registers its jobs)
from cohorts.mentor_jobs import (  # noqa: E402,F401  (registers its jobs, as above)
    close_past_sessions_job,
    flag_no_shows,
    send_session_reminders_job,
)
from cohorts.matching_jobs import weekly_matching  # noqa: E402,F401  (registers its job, as above)
from cohorts.retention import purge_retention  # noqa: E402,F401  (registers its job, as above)
