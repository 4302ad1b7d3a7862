"""Start-ups are reminded of milestones due and of the monthly KPIs they owe."""
from datetime import datetime

from sqlalchemy.orm import Session

from cohorts.startups import kpis, milestones
from totem.jobs.registry import HOUR, cron_job


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
