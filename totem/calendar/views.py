"""The private feed URL: anyone holding it reads the feed, so it is a long random token."""
from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session

from totem import clock
from totem.calendar.feed import build_feed, get_user_by_calendar_token
from totem.errors import NotFound
from totem.web.context import get_db

router = APIRouter()


@router.get("/calendar/{token}.ics", name="totem.calendar_feed")
def calendar_feed(token: str, db: Session = Depends(get_db)) -> Response:
    user = get_user_by_calendar_token(db, token)
    if user is None:
        raise NotFound("No such calendar.")
    return Response(build_feed(db, user, clock.now()), media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300"})
