"""The private feed URL, and a person's week as a page: anyone holding the feed's URL reads the feed, so it is a
long random token; the week page is the signed-in person's own."""
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from totem import clock
from totem.calendar.feed import build_feed, get_user_by_calendar_token
from totem.calendar.week import build_week, coming_up
from totem.errors import NotFound
from totem.identity.models import User
from totem.settings import get_settings
from totem.web.context import get_db, require_user
from totem.web.home import HomePanel, register_panel
from totem.web.pages import render

router = APIRouter()


@router.get("/calendar/{token}.ics", name="totem.calendar_feed")
def calendar_feed(token: str, db: Session = Depends(get_db)) -> Response:
    user = get_user_by_calendar_token(db, token)
    if user is None:
        raise NotFound("No such calendar.")
    return Response(build_feed(db, user, clock.now()), media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300"})


@router.get("/week", name="totem.week")
def week_page(request: Request, day: str = "", user: User = Depends(require_user),
              db: Session = Depends(get_db)) -> Response:
    """Monday to Sunday on the venue's clock; a day that is not one shows this week."""
    now, zone = clock.now(), get_settings().tz
    try:
        chosen = date.fromisoformat(day) if day else now.astimezone(zone).date()
    except ValueError:
        chosen = now.astimezone(zone).date()
    return render(request, "totem/week.html", {"week": build_week(db, user, day=chosen, zone=zone, now=now)})


def _coming_up(db: Session, user: User, now: datetime) -> dict[str, Any]:
    return {"days": coming_up(db, user, zone=get_settings().tz, now=now)}


register_panel(HomePanel("totem/_panel_coming_up.html", frozenset({"member", "mentor"}), _coming_up, order=5))
