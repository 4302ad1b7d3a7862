"""The building's admin pages for operators: the list with the peak hours, an operator's name, managers and quotas,
and its use of them this month (which its own managers see too).

Every form posts, and on success commits and redirects (303); on bad input (422) or a clash (409) the page is
shown again with the message and what was typed, nothing written.
"""
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from spaces.building import service
from spaces.operators import peak
from spaces.operators import permissions as _permissions  # noqa: F401  (registers "operator.list")
from spaces.operators import service as operators
from spaces.operators.labels import OPERATOR_KIND_LABELS, WEEKDAY_LABELS, WHEN_EXHAUSTED_LABELS
from spaces.operators.models import Operator
from spaces.venues import queries as venue_queries
from spaces.venues.forms import optional_whole, whole
from spaces.venues.labels import KIND_LABELS
from totem import clock
from totem.errors import DomainError, Invalid
from totem.i18n import N_
from totem.identity.models import User
from totem.permissions import can
from totem.web.context import check_csrf, get_db
from totem.web.forms import page, posted, requiring, save, text
from totem.web.nav import ADMINISTRATION, NavItem, register

router = APIRouter(prefix="/admin/operators", dependencies=[Depends(check_csrf)])
staff = requiring("operator.list")  # admins change everything; managers read their own operators
register(NavItem("Operators", "spaces.operators", permission="operator.list", order=690,
                 group=ADMINISTRATION))
OPERATOR_FIELDS = ("name", "kind", "branding_name")
NEW_OPERATOR = {"name": "", "kind": "accelerator", "branding_name": ""}


def _labels() -> dict[str, Any]:
    return {"operator_kinds": OPERATOR_KIND_LABELS, "space_kinds": KIND_LABELS,
            "when_exhausted": WHEN_EXHAUSTED_LABELS, "weekdays": WEEKDAY_LABELS}


# -- the list, and the peak hours -----------------------------------------------------------------


def _list_page(request: Request, db: Session, actor: User, values: dict[str, Any] | None = None,
               error: DomainError | None = None) -> Response:
    venues = venue_queries.list_venues(db)
    return page(request, "spaces/building/operators.html", {
        **_labels(), "operators": operators.list_operators(db, actor=actor),
        "is_admin": can(actor, "operator.manage"), "values": values or NEW_OPERATOR,
        "venues": [(venue, set(peak.parse_weekdays(venue.peak_weekdays))) for venue in venues],
    }, error)


@router.get("", name="spaces.operators")
def list_operators(request: Request, actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    return _list_page(request, db, actor)


@router.post("", name="spaces.create_operator")
def create_operator(request: Request, form: FormData = Depends(posted), actor: User = Depends(staff),
                    db: Session = Depends(get_db)) -> Response:
    values = text(form, *OPERATOR_FIELDS)
    return save(
        request, db, lambda: operators.create_operator(db, actor=actor, data=_data(values), now=clock.now()),
        lambda operator: (f"/admin/operators/{operator.id}", N_("Operator {name} created."), {"name": operator.name}),
        lambda error: _list_page(request, db, actor, values, error),
    )


@router.post("/peak-hours", name="spaces.set_peak_hours")
def set_peak_hours(request: Request, form: FormData = Depends(posted), actor: User = Depends(staff),
                   db: Session = Depends(get_db)) -> Response:
    def change() -> Any:
        return operators.set_peak_hours(db, actor=actor, venue_id=whole(str(form.get("venue_id", "")), "venue_id"),
                                        weekdays=",".join(str(day) for day in form.getlist("weekdays")),
                                        periods=str(form.get("periods", "")), now=clock.now())

    return save(request, db, change,
                lambda venue: ("/admin/operators", N_("Peak hours of {venue} saved."), {"venue": venue.name}),
                lambda error: _list_page(request, db, actor, None, error))


# -- one operator ---------------------------------------------------------------------------------


def _operator_page(request: Request, db: Session, actor: User, operator_id: int,
                   values: dict[str, Any] | None = None, error: DomainError | None = None) -> Response:
    operator = operators.get_operator(db, actor=actor, operator_id=operator_id)
    return page(request, "spaces/building/operator.html", {
        **_labels(), "operator": operator, "is_admin": can(actor, "operator.manage"),
        "managers": operators.list_managers(db, operator),
        "candidates": operators.list_candidate_managers(db, operator),
        "quotas": {quota.space_kind: quota for quota in operator.quotas},
        "values": values or _values(operator),
    }, error)


def _values(operator: Operator) -> dict[str, str]:
    return {"name": operator.name, "kind": operator.kind, "branding_name": operator.branding_name}


@router.get("/{operator_id}", name="spaces.operator")
def operator_page(request: Request, operator_id: int, actor: User = Depends(staff),
                  db: Session = Depends(get_db)) -> Response:
    return _operator_page(request, db, actor, operator_id)


@router.post("/{operator_id}", name="spaces.update_operator")
def update_operator(request: Request, operator_id: int, form: FormData = Depends(posted),
                    actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    values = text(form, *OPERATOR_FIELDS)
    return _save_operator(request, db, actor, operator_id, values, lambda: operators.update_operator(
        db, actor=actor, operator_id=operator_id, data=_data(values), now=clock.now()), N_("Operator {name} saved."))


@router.post("/{operator_id}/managers", name="spaces.add_operator_manager")
def add_manager(request: Request, operator_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
                db: Session = Depends(get_db)) -> Response:
    return _save_operator(request, db, actor, operator_id, None, lambda: operators.add_manager(
        db, actor=actor, operator_id=operator_id, user_id=whole(str(form.get("user_id", "")), "user_id"),
        now=clock.now()), N_("Managers of {name} saved."))


@router.post("/{operator_id}/managers/{user_id}/remove", name="spaces.remove_operator_manager")
def remove_manager(request: Request, operator_id: int, user_id: int, actor: User = Depends(staff),
                   db: Session = Depends(get_db)) -> Response:
    return _save_operator(request, db, actor, operator_id, None, lambda: operators.remove_manager(
        db, actor=actor, operator_id=operator_id, user_id=user_id, now=clock.now()), N_("Managers of {name} saved."))


@router.post("/{operator_id}/quotas", name="spaces.set_operator_quota")
def set_quota(request: Request, operator_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
              db: Session = Depends(get_db)) -> Response:
    values = text(form, "space_kind", "monthly_hours", "when_exhausted")
    return _save_operator(request, db, actor, operator_id, None, lambda: operators.set_quota(
        db, actor=actor, operator_id=operator_id, space_kind=values["space_kind"],
        monthly_hours=optional_whole(values["monthly_hours"], "monthly_hours"),
        when_exhausted=values["when_exhausted"] or "refuse", now=clock.now()), N_("Quotas of {name} saved."))


def _save_operator(request: Request, db: Session, actor: User, operator_id: int, values: dict[str, Any] | None,
                   change: Any, message: str) -> Response:
    return save(request, db, change,
                lambda operator: (f"/admin/operators/{operator.id}", message, {"name": operator.name}),
                lambda error: _operator_page(request, db, actor, operator_id, values, error))


@router.get("/{operator_id}/usage", name="spaces.operator_usage")
def usage_page(request: Request, operator_id: int, month: str = "", actor: User = Depends(staff),
               db: Session = Depends(get_db)) -> Response:
    """Hours booked this month (or `month`, YYYY-MM) per kind of space against the operator's quotas."""
    try:
        first = date.fromisoformat(f"{month}-01") if month else None
    except ValueError:
        raise Invalid("Choose a month.", field="month") from None
    usage = service.operator_usage(db, actor=actor, operator_id=operator_id, now=clock.now(), month=first)
    previous = (usage.month.replace(day=1) - date.resolution).replace(day=1)
    following = (usage.month.replace(day=28) + 4 * date.resolution).replace(day=1)
    return page(request, "spaces/building/usage.html", {
        **_labels(), "usage": usage, "previous": f"{previous:%Y-%m}", "following": f"{following:%Y-%m}",
    }, None)


def _data(values: dict[str, str]) -> operators.OperatorData:
    return operators.OperatorData(name=values["name"], kind=values["kind"], branding_name=values["branding_name"])
