"""The managers' home panel: the applications waiting for a decision in the cohorts they run."""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cohorts import programs, queries
from cohorts.applications import DECIDING_PHASES
from totem.identity.models import User
from totem.web.home import HomePanel, register_panel


def _applications_to_decide(db: Session, user: User, now: datetime) -> dict[str, Any]:
    rows = []
    for cohort in queries.list_cohorts(db, phases=DECIDING_PHASES):
        if programs.may_manage(user, cohort.program):
            counts = queries.count_applications_by_status(db, cohort.id)
            undecided = counts.get("submitted", 0) + counts.get("under_review", 0)
            if undecided:
                rows.append((cohort, undecided))
    return {"cohorts": rows}


register_panel(HomePanel("cohorts/_panel_applications.html", frozenset({"admin", "manager"}),
                         _applications_to_decide, order=30))
