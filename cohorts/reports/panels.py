"""Home panels of cohorts: what needs a manager in the programs they run; one's mentor sessions of the day."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.reports import today
from spaces.venues.models import Venue
from totem.identity.models import User
from totem.identity.service import load_memberships
from totem.permissions import member_organisation_ids
from totem.web.home import HomePanel, register_panel


def _programs_attention(db: Session, user: User, now: datetime) -> dict[str, Any]:
    return {"attention": today.attention(db, actor=user, now=now)}


def _my_sessions(db: Session, user: User, now: datetime) -> dict[str, Any]:
    # The building's clock: a campus has one venue, or venues in one time zone.
    timezone = db.scalar(select(Venue.timezone).order_by(Venue.id).limit(1)) or "Europe/Paris"
    organisation_ids = member_organisation_ids(load_memberships(db, user))
    return {"sessions": today.my_sessions_today(db, user=user, organisation_ids=organisation_ids, now=now,
                                                timezone=timezone)}


register_panel(HomePanel("cohorts/reports/_panel_programs.html", frozenset({"admin", "manager"}),
                         _programs_attention, order=16))
register_panel(HomePanel("cohorts/reports/_panel_my_sessions.html", frozenset({"member", "mentor"}),
                         _my_sessions, order=6))
