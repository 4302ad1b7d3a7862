"""Start-ups are reminded of milestones due and of the monthly KPIs they owe."""
from datetime import datetime

from sqlalchemy.orm import Session

from cohorts.startups import kpis, milestones
from totem.i18n import N_, said
from totem.jobs.registry import HOUR, cron_job


@cron_job(
    "cohorts.remind_milestones",
    hour=8,
    minute=0,
    misfire_grace_seconds=12 * HOUR,
    description=N_("Remind start-ups of milestones due within a week, and tell them once one is overdue"),
)
def remind_milestones(db: Session, fire_time: datetime) -> str:
    sent = milestones.send_reminders(db, now=fire_time)
    return said(N_("sent {reminders} reminders and {overdue} overdue notices"), reminders=sent.reminders,
                overdue=sent.overdue)


@cron_job(
    "cohorts.request_kpis",
    hour=9,
    minute=0,
    # Daily: the 1st asks for last month's figures, the later days remind those who have not reported.
    misfire_grace_seconds=12 * HOUR,
    description=N_("Ask each start-up for last month's KPIs on the 1st, and remind it weekly until it reports"),
)
def request_kpis(db: Session, fire_time: datetime) -> str:
    asked = kpis.request_reports(db, now=fire_time)
    return said(N_("sent {requests} KPI requests and {reminders} reminders"), requests=asked.requests,
                reminders=asked.reminders)
