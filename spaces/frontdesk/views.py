"""Front desk pages: check in from a space's QR code, print the codes, the lobby screen, rooms' calendar feeds."""
from urllib.parse import urlencode

from babel.dates import format_date
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from spaces.booking import plan, room_feed
from spaces.booking.labels import STATUS_LABELS
from spaces.frontdesk import service as frontdesk
from spaces.venues.labels import KIND_LABELS
from totem import clock
from totem.i18n import N_
from totem.identity.models import User
from totem.permissions import is_staff
from totem.settings import Settings
from totem.web.context import check_csrf, get_db, get_settings_dep, require_user
from totem.web.forms import act
from totem.web.nav import BUILDING, NavItem, register
from totem.web.pages import render

router = APIRouter(dependencies=[Depends(check_csrf)])
register(
    NavItem("Who's in", "spaces.lobby", order=240, group=BUILDING),
)
# The lobby screen reloads itself this often (seconds), without JavaScript.
LOBBY_REFRESH_SECONDS = 120


@router.get("/spaces/{space_id}/check-in", name="spaces.check_in_page")
def check_in_page(request: Request, space_id: int, user: User = Depends(require_user),
                  db: Session = Depends(get_db)) -> Response:
    view = frontdesk.check_in_view(db, actor=user, space_id=space_id, now=clock.now())
    return render(request, "spaces/frontdesk/check_in.html", {
        "view": view, "kinds": KIND_LABELS, "statuses": STATUS_LABELS,
        "walk_in_url": f"/book?{urlencode(view.walk_in)}" if view.walk_in else None,
    })


@router.post("/spaces/{space_id}/check-in", name="spaces.check_in_here")
def check_in_here(request: Request, space_id: int, booking_id: int = Form(...), user: User = Depends(require_user),
                  db: Session = Depends(get_db)) -> Response:
    page = request.app.url_path_for("spaces.check_in_page", space_id=space_id)

    def check_in() -> object:
        return frontdesk.check_in_here(db, actor=user, space_id=space_id, booking_id=booking_id, now=clock.now())

    return act(request, db, check_in, lambda _: (page, N_("You are checked in. Have a good day!"), {}), page)


@router.get("/check-in-codes", name="spaces.check_in_codes_first")
def first_floor_codes(request: Request, user: User = Depends(require_user), db: Session = Depends(get_db),
                      settings: Settings = Depends(get_settings_dep)) -> Response:
    floors = plan.list_floors(db)
    if not floors:
        return render(request, "spaces/frontdesk/check_in_codes.html", {"floors": [], "floor": None, "cards": []})
    return check_in_codes(request, floors[0].id, user=user, db=db, settings=settings)


@router.get("/floors/{floor_id}/check-in-codes", name="spaces.check_in_codes")
def check_in_codes(request: Request, floor_id: int, user: User = Depends(require_user),
                   db: Session = Depends(get_db), settings: Settings = Depends(get_settings_dep)) -> Response:
    floor, cards = frontdesk.check_in_codes(db, actor=user, floor_id=floor_id, base_url=settings.base_url)
    return render(request, "spaces/frontdesk/check_in_codes.html", {
        "floors": plan.list_floors(db), "floor": floor, "kinds": KIND_LABELS,
        # The SVG is drawn by the qrcode package from a URL we built: markup of ours, not user input.
        "cards": [(card, Markup(card.svg)) for card in cards],
    })


@router.get("/lobby", name="spaces.lobby")
def lobby(request: Request, venue_id: int | None = None, user: User = Depends(require_user),
          db: Session = Depends(get_db)) -> Response:
    today = frontdesk.lobby(db, viewer=user, venue_id=venue_id, now=clock.now())
    return render(request, "spaces/frontdesk/lobby.html", {
        "lobby": today, "refresh_seconds": LOBBY_REFRESH_SECONDS,
        "day_label": format_date(today.day, format="full", locale=user.locale) if today else "",
    })


@router.get("/rooms/{space_id}/calendar", name="spaces.room_calendar")
def room_calendar(request: Request, space_id: int, user: User = Depends(require_user), db: Session = Depends(get_db),
                  settings: Settings = Depends(get_settings_dep)) -> Response:
    room = room_feed.get_room(db, space_id)
    url = room_feed.room_feed_url(settings.base_url, settings.secret_key, room.id, user)
    return render(request, "spaces/frontdesk/room_calendar.html", {
        "room": room, "rooms": room_feed.list_rooms(db), "kinds": KIND_LABELS, "feed_url": url,
        # Calendar apps open webcal:// links as a subscription.
        "webcal_url": "webcal://" + url.split("://", 1)[1], "detailed": is_staff(user),
    })


@router.get("/rooms/{space_id}/calendar/{key}.ics", name="spaces.room_feed")
def room_calendar_feed(space_id: int, key: str, db: Session = Depends(get_db),
                       settings: Settings = Depends(get_settings_dep)) -> Response:
    subscriber = room_feed.get_subscriber(db, settings.secret_key, space_id, key)
    room = room_feed.get_room(db, space_id)
    return Response(room_feed.build_room_feed(db, space=room, subscriber=subscriber, now=clock.now()),
                    media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, max-age=300"})
