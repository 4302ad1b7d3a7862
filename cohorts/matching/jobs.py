"""The weekly matching job: every Monday morning, open session requests are proposed to mentors."""
from datetime import datetime

from sqlalchemy.orm import Session

from cohorts.matching import service as matching
from totem.i18n import N_, said
from totem.identity.service import system_actor
from totem.jobs.registry import cron_job

HOUR = 3600


@cron_job(
    "cohorts.weekly_matching",
    day_of_week="mon",
    hour=7,
    minute=0,
    misfire_grace_seconds=12 * HOUR,
    description=N_("Match open session requests to mentors' free time and rooms of the coming week, as sessions "
                   "proposed to the mentors"),
)
def weekly_matching(db: Session, fire_time: datetime) -> str:
    run = matching.run_weekly(db, actor=system_actor(db, now=fire_time), now=fire_time)
    return said(N_("proposed {proposed} of {requests} requests (objective {objective}, gap {gap}, {seconds} s)"),
                proposed=run.proposed, requests=run.requests, objective=run.objective,
                gap=run.gap if run.gap is not None else "—", seconds=f"{run.solve_seconds:.1f}")
