"""Home panels of cohorts: what needs a manager in the programs they run (one's sessions are in the core's
"coming up", from the week sources)."""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cohorts.reports import today
from totem.identity.models import User
from totem.web.home import HomePanel, register_panel


def _programs_attention(db: Session, user: User, now: datetime) -> dict[str, Any]:
    return {"attention": today.attention(db, actor=user, now=now)}


register_panel(HomePanel("cohorts/reports/_panel_programs.html", frozenset({"admin", "manager"}),
                         _programs_attention, order=16))
