"""Home panels of spaces: the building now and today's arrivals for managers (one's own bookings are in the
core's "coming up", from the week sources)."""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from spaces.booking import queries as booking_queries
from spaces.occupancy import today as building_today
from totem.identity.models import User
from totem.web.home import HomePanel, register_panel

STAFF = frozenset({"admin", "manager"})


def _building_now(db: Session, user: User, now: datetime) -> dict[str, Any]:
    return {"floors": building_today.occupancy_now(db, now=now)}


def _today(db: Session, user: User, now: datetime) -> dict[str, Any]:
    return {"today": building_today.today(db, now=now), "approvals": booking_queries.count_pending(db, now=now)}


register_panel(HomePanel("spaces/occupancy/_panel_today.html", STAFF, _today, order=12))
register_panel(HomePanel("spaces/occupancy/_panel_building.html", STAFF, _building_now, order=14))
