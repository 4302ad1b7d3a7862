"""Home panels of the core: the user's organisations, and the admin's overview."""
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from totem.identity.models import Organisation, User
from totem.identity.service import load_memberships
from totem.web.home import HomePanel, register_panel


def _my_organisations(db: Session, user: User, now: datetime) -> dict[str, Any]:
    return {"organisations": [m.organisation for m in load_memberships(db, user).memberships]}


def _admin_overview(db: Session, user: User, now: datetime) -> dict[str, Any]:
    return {
        "active_users": db.scalar(select(func.count()).select_from(User).where(User.is_active)) or 0,
        "inactive_users": db.scalar(select(func.count()).select_from(User).where(User.is_active.is_(False))) or 0,
        "organisations": db.scalar(select(func.count()).select_from(Organisation)) or 0,
    }


register_panel(HomePanel("totem/_panel_admin.html", frozenset({"admin"}), _admin_overview, order=10))
register_panel(HomePanel("totem/_panel_my_organisations.html", frozenset({"member"}), _my_organisations, order=20))
