"""Visitors' pages: a host's guests and the form to expect more, the front desk's list of today's with
check-in and walk-ins, and the guest's own page with their QR code (no account needed: the link is the key)."""
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from spaces.frontdesk.service import qr_svg
from spaces.venues.forms import calendar_day, clock_time
from spaces.visitors import mail
from spaces.visitors import service as visitors
from totem import clock
from totem.errors import DomainError
from totem.i18n import N_
from totem.identity.models import User
from totem.permissions import is_staff
from totem.web.context import Viewer, check_csrf, get_db, get_viewer, require_user
from totem.web.forms import act, page, posted, requiring, save, text
from totem.web.nav import BUILDING, NavItem, register
from totem.web.pages import render

router = APIRouter(dependencies=[Depends(check_csrf)])
register(
    NavItem("Visitors", "spaces.visitors", order=245, group=BUILDING),
    NavItem("Front desk", "spaces.front_desk", permission="visitors.front_desk", order=246,
             group=BUILDING),
)
DEFAULT_TIME = "09:30"
front_desk_staff = requiring("visitors.front_desk")


# -- a host's guests ----------------------------------------------------------------------------


@router.get("/visitors", name="spaces.visitors")
def my_visitors(request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    return _my_visitors_page(request, db, user, {}, None)


@router.post("/visitors", name="spaces.register_visitors")
async def register_visitors(request: Request, user: User = Depends(require_user),
                            db: Session = Depends(get_db)) -> Response:
    values = text(await posted(request), "guests", "day", "time", "reason", "host")
    now = clock.now()

    def change() -> list:
        return visitors.register_guests(
            db, actor=user, host=visitors.host_named(db, actor=user, email=values["host"]), guests=visitors.parse_guest_lines(values["guests"]),
            day=calendar_day(values["day"], "day"), at=clock_time(values["time"], "time"), reason=values["reason"],
            now=now)

    return save(request, db, change,
                lambda guests: ("/visitors", N_("{count} guest(s) expected; each gets an e-mail with a QR code."),
                                {"count": len(guests)}),
                lambda error: _my_visitors_page(request, db, user, values, error))


@router.post("/visitors/{visitor_id}/cancel", name="spaces.cancel_visitor")
def cancel_visitor(request: Request, visitor_id: int, user: User = Depends(require_user),
                   db: Session = Depends(get_db)) -> Response:
    visitor = visitors.get_visitor(db, actor=user, visitor_id=visitor_id)
    back = "/front-desk/visitors" if is_staff(user) and visitor.host_id != user.id else "/visitors"
    name = visitor.name
    return act(request, db, lambda: visitors.cancel(db, actor=user, visitor=visitor, now=clock.now()),
               lambda _: (back, N_("{name} is not expected any more."), {"name": name}), back)


def _my_visitors_page(request: Request, db: Session, user: User, values: dict[str, str],
                      error: DomainError | None) -> Response:
    now = clock.now()
    return page(request, "spaces/visitors/my_visitors.html", {
        "visitors": visitors.hosted_by(db, actor=user, now=now),
        "values": {"day": visitors.local_today(db, now).isoformat(), "time": DEFAULT_TIME, **values},
        "may_choose_host": is_staff(user), "max_guests": visitors.MAX_GUESTS_AT_ONCE,
    }, error)


# -- the front desk -----------------------------------------------------------------------------


@router.get("/front-desk/visitors", name="spaces.front_desk")
def front_desk(request: Request, q: str = "", user: User = Depends(front_desk_staff),
               db: Session = Depends(get_db)) -> Response:
    return _front_desk_page(request, db, user, q, {}, None)


@router.post("/front-desk/visitors/{visitor_id}/check-in", name="spaces.check_in_visitor")
def check_in_visitor(request: Request, visitor_id: int, user: User = Depends(front_desk_staff),
                     db: Session = Depends(get_db)) -> Response:
    visitor = visitors.get_visitor(db, actor=user, visitor_id=visitor_id)
    return _check_in(request, db, user, visitor)


@router.get("/front-desk/visitors/check-in", name="spaces.visitor_by_code")
def visitor_by_code(request: Request, code: str = "", user: User = Depends(front_desk_staff),
                    db: Session = Depends(get_db)) -> Response:
    """What the guest's QR code opens on the desk's phone: the visit, to check in with one tap."""
    try:
        visitor = visitors.find_by_code(db, actor=user, code=code)
    except DomainError as error:
        return _front_desk_page(request, db, user, "", {"code": code}, error)
    return render(request, "spaces/visitors/visitor_check_in.html", {"visitor": visitor})


@router.post("/front-desk/visitors/check-in", name="spaces.check_in_by_code")
async def check_in_by_code(request: Request, user: User = Depends(front_desk_staff),
                           db: Session = Depends(get_db)) -> Response:
    code = text(await posted(request), "code")["code"]
    try:
        visitor = visitors.find_by_code(db, actor=user, code=code)
    except DomainError as error:
        return _front_desk_page(request, db, user, "", {"code": code}, error)
    return _check_in(request, db, user, visitor)


@router.post("/front-desk/visitors/walk-in", name="spaces.walk_in_visitor")
async def walk_in(request: Request, user: User = Depends(front_desk_staff), db: Session = Depends(get_db)) -> Response:
    values = text(await posted(request), "name", "organisation", "reason", "host")

    def change() -> object:
        return visitors.add_walk_in(db, actor=user, host=visitors.visited_person(db, email=values["host"]),
                                    name=values["name"],
                                    organisation=values["organisation"], reason=values["reason"], now=clock.now())

    return save(request, db, change,
                lambda visitor: ("/front-desk/visitors", N_("{name} is checked in; their host is told."),
                                 {"name": visitor.name}),
                lambda error: _front_desk_page(request, db, user, "", values, error))


def _check_in(request: Request, db: Session, user: User, visitor: visitors.Visitor) -> Response:
    name = visitor.name
    return save(request, db, lambda: visitors.check_in(db, actor=user, visitor=visitor, now=clock.now()),
                lambda _: ("/front-desk/visitors", N_("{name} is checked in; their host is told."), {"name": name}),
                lambda error: _front_desk_page(request, db, user, "", {}, error))


def _front_desk_page(request: Request, db: Session, user: User, search: str, values: dict[str, str],
                     error: DomainError | None) -> Response:
    venue, day, expected = visitors.expected_on(db, actor=user, now=clock.now(), search=search)
    return page(request, "spaces/visitors/front_desk.html", {
        "visitors": expected, "q": search, "values": values, "venue": venue, "day": day,
        "arrived": sum(1 for visitor in expected if visitor.checked_in_at), "expected": len(expected),
    }, error)


# -- the guest's own page -----------------------------------------------------------------------


@router.get("/visit/{token}", name="spaces.visit")
def visit(request: Request, token: str, viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db)) -> Response:
    visitor = visitors.get_by_page_token(db, token)
    return render(request, "spaces/visitors/visit.html", {
        "visitor": visitor, "venue": visitors.venue_of(db, visitor),
        # The SVG is drawn by the qrcode package from a URL we built: markup of ours, not user input.
        "qr": Markup(qr_svg(mail.desk_url(visitor))),
    })
