"""Managers' pages of people's reliability: who missed room check-ins or mentor sessions lately, and each record."""
from datetime import datetime, timedelta

from babel.dates import format_date
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cohorts.mentoring import reliability
from cohorts.mentoring.enums import ReliabilityKind
from totem import clock
from totem.i18n import N_
from totem.identity.models import User
from totem.settings import get_settings
from totem.web.context import check_csrf, get_db, require_user
from totem.web.pages import render

router = APIRouter(dependencies=[Depends(check_csrf)])
# The page looks a quarter back: long enough to see a pattern, short enough that old misses fade.
PAGE_WINDOW = timedelta(days=90)
KIND_LABELS = {ReliabilityKind.MISSED_CHECK_IN: N_("Room booking not checked in"),
               ReliabilityKind.SESSION_NO_SHOW: N_("Mentor session not attended")}


def _day(moment: datetime | None, locale: str) -> str:
    """The venue's day of an instant, in words ("30 nov. 2026")."""
    if moment is None:
        return ""
    return format_date(moment.astimezone(get_settings().tz).date(), format="medium", locale=locale)


@router.get("/admin/reliability", name="cohorts.reliability")
def reliability_index(request: Request, actor: User = Depends(require_user),
                      db: Session = Depends(get_db)) -> Response:
    """Staff: the people with misses in the last 90 days, the most first."""
    rows = reliability.list_unreliable(db, actor=actor, since=clock.now() - PAGE_WINDOW)
    return render(request, "cohorts/mentoring/reliability.html", {
        "rows": rows, "days": PAGE_WINDOW.days, "threshold": reliability.ALERT_THRESHOLD,
        "alert_days": reliability.ALERT_WINDOW.days,
        "last_days": {row.user.id: _day(row.last_at, actor.locale) for row in rows},
        "alerted_days": {row.user.id: _day(row.alerted_at, actor.locale) for row in rows},
    })


@router.get("/admin/reliability/{user_id}", name="cohorts.reliability_record")
def reliability_record(request: Request, user_id: int, actor: User = Depends(require_user),
                       db: Session = Depends(get_db)) -> Response:
    """Staff: every missed check-in and session no-show of one person, the latest first."""
    entries = reliability.record_of(db, actor=actor, user_id=user_id)
    return render(request, "cohorts/mentoring/reliability_record.html", {
        "person": db.get_one(User, user_id), "lines": reliability.describe_record(db, entries),
        "kinds": KIND_LABELS, "days": {entry.id: _day(entry.occurred_at, actor.locale) for entry in entries},
    })
