"""The managers' pages for a floor's spaces and a venue's booking rules."""
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from spaces.admin import service
from spaces.admin.service import SpaceData
from spaces.booking import availability
from spaces.venues import booking_rules
from spaces.venues import service as venues
from spaces.venues.booking_rules import RuleData
from spaces.venues.forms import optional_whole, whole
from spaces.venues.labels import AMENITY_LABELS, KIND_LABELS
from spaces.venues.models import BookingRule, Space
from totem import clock
from totem.errors import DomainError
from totem.i18n import N_
from totem.identity.enums import Role
from totem.identity.models import User
from totem.web.context import get_db
from totem.web.forms import page, posted, requiring, save, text
from totem.web.pages import redirect, render

router = APIRouter()
manager = requiring("space.manage")  # members and mentors get a 403 on every page of the Spaces admin
SPACE_FIELDS = ("name", "kind", "capacity", "amenities", "x", "y", "width", "height", "zone_id")
NEW_SPACE = {"name": "", "kind": "meeting_room", "capacity": "1", "amenities": "", "x": "0", "y": "0",
             "width": "40", "height": "30", "zone_id": "", "is_active": True, "cancel_bookings": False}
RULE_LIMITS = ("min_minutes", "max_minutes", "max_days_ahead")  # blank: no limit
RULE_AMOUNTS = ("buffer_minutes", "credits_per_hour", "refund_notice_hours")
NEW_RULE = {"target": "", "allowed_roles": [Role.MEMBER.value, Role.MENTOR.value], "min_minutes": "",
            "max_minutes": "", "max_days_ahead": "", "buffer_minutes": "0", "credits_per_hour": "0",
            "refund_notice_hours": "24", "requires_approval": False, "open_to_grant_holders": False}
STATUS_FILTERS = {"active": True, "inactive": False}


# -- spaces ---------------------------------------------------------------------------------------


@router.get("/floors/{floor_id}", name="spaces.admin_floor_spaces")
def floor_spaces(request: Request, floor_id: int, kind: str = "", zone_id: str = "", status: str = "", q: str = "",
                 actor: User = Depends(manager), db: Session = Depends(get_db)) -> Response:
    floor = venues.get_floor(db, floor_id)
    spaces = service.list_floor_spaces(
        db, floor_id=floor.id, kind=kind if kind in KIND_LABELS else None,
        zone_id=int(zone_id) if zone_id.isdigit() else None, active=STATUS_FILTERS.get(status), search=q,
    )
    return render(request, "spaces/admin/floor_spaces.html", {
        "amenity_labels": AMENITY_LABELS,
        "floor": floor, "venue": venues.get_venue(db, floor.venue_id), "spaces": spaces, "kinds": KIND_LABELS,
        "filters": {"kind": kind, "zone_id": zone_id, "status": status, "q": q},
    })


def _space_values(space: Space) -> dict[str, Any]:
    return {"name": space.name, "kind": space.kind, "capacity": str(space.capacity),
            "amenities": ", ".join(space.amenities), "x": str(space.x), "y": str(space.y),
            "width": str(space.width), "height": str(space.height), "zone_id": str(space.zone_id or ""),
            "is_active": space.is_active, "cancel_bookings": False}


def _posted_space(form: FormData) -> dict[str, Any]:
    return {**text(form, *SPACE_FIELDS), "is_active": "is_active" in form, "cancel_bookings": "cancel_bookings" in form}


def _space_data(values: dict[str, Any]) -> SpaceData:
    # Amenities are typed as a comma list; blanks and repeats are dropped.
    amenities = list(dict.fromkeys(item.strip() for item in values["amenities"].split(",") if item.strip()))
    numbers = {field: whole(values[field], field) for field in ("capacity", "x", "y", "width", "height")}
    return SpaceData(name=values["name"], kind=values["kind"], amenities=amenities,
                     zone_id=optional_whole(values["zone_id"], "zone_id"), is_active=values["is_active"], **numbers)


def _space_page(request: Request, db: Session, floor_id: int, space_id: int | None, values: dict[str, Any] | None,
                error: DomainError | None = None) -> Response:
    space = availability.get_space(db, space_id) if space_id is not None else None
    return page(request, "spaces/admin/space_form.html", {
        "floor": venues.get_floor(db, floor_id), "space": space, "kinds": KIND_LABELS,
        "values": values if values is not None else _space_values(space) if space else NEW_SPACE,
    }, error)


@router.get("/floors/{floor_id}/spaces/new", name="spaces.admin_new_space")
def new_space(request: Request, floor_id: int, actor: User = Depends(manager),
              db: Session = Depends(get_db)) -> Response:
    return _space_page(request, db, floor_id, None, None)


@router.post("/floors/{floor_id}/spaces/new")
def create_space(request: Request, floor_id: int, form: FormData = Depends(posted), actor: User = Depends(manager),
                 db: Session = Depends(get_db)) -> Response:
    values = _posted_space(form)
    return save(
        request, db,
        lambda: service.save_space(db, actor=actor, floor_id=floor_id, data=_space_data(values),
                                        now=clock.now())[0],
        lambda space: (f"/admin/spaces/floors/{floor_id}", N_("{space} added."), {"space": space.name}),
        lambda error: _space_page(request, db, floor_id, None, values, error),
    )


@router.get("/spaces/{space_id}", name="spaces.admin_space")
def space_page(request: Request, space_id: int, actor: User = Depends(manager),
               db: Session = Depends(get_db)) -> Response:
    return _space_page(request, db, availability.get_space(db, space_id).floor_id, space_id, None)


@router.post("/spaces/{space_id}")
def update_space(request: Request, space_id: int, form: FormData = Depends(posted), actor: User = Depends(manager),
                 db: Session = Depends(get_db)) -> Response:
    floor_id = availability.get_space(db, space_id).floor_id
    values = _posted_space(form)

    def done(saved: tuple[Space, int]) -> tuple[str, str, dict[str, Any]]:
        space, cancelled = saved
        if cancelled:
            return (f"/admin/spaces/floors/{floor_id}", N_("{space} is deactivated; bookings cancelled: {count}."),
                    {"space": space.name, "count": cancelled})
        return f"/admin/spaces/floors/{floor_id}", N_("{space} saved."), {"space": space.name}

    return save(
        request, db,
        lambda: service.save_space(db, actor=actor, space_id=space_id, data=_space_data(values), now=clock.now(),
                                        cancel_bookings=values["cancel_bookings"]),
        done, lambda error: _space_page(request, db, floor_id, space_id, values, error),
    )


# -- booking rules --------------------------------------------------------------------------------


@router.get("/venues/{venue_id}/rules", name="spaces.admin_rules")
def rules_page(request: Request, venue_id: int, actor: User = Depends(manager),
               db: Session = Depends(get_db)) -> Response:
    return render(request, "spaces/admin/rules.html", {
        "venue": venues.get_venue(db, venue_id), "rules": booking_rules.list_rules(db, venue_id), "kinds": KIND_LABELS,
        "zones": {zone.id: zone for zone in booking_rules.list_venue_zones(db, venue_id)},
    })


def _rule_values(rule: BookingRule) -> dict[str, Any]:
    limits = {field: "" if getattr(rule, field) is None else str(getattr(rule, field)) for field in RULE_LIMITS}
    return {"target": f"kind:{rule.space_kind}" if rule.space_kind else f"zone:{rule.zone_id}",
            "allowed_roles": list(rule.allowed_roles), **limits,
            **{field: str(getattr(rule, field)) for field in RULE_AMOUNTS},
            "requires_approval": rule.requires_approval, "open_to_grant_holders": rule.open_to_grant_holders}


def _posted_rule(form: FormData) -> dict[str, Any]:
    return {**text(form, "target", *RULE_LIMITS, *RULE_AMOUNTS), "allowed_roles": form.getlist("allowed_roles"),
            "requires_approval": "requires_approval" in form, "open_to_grant_holders": "open_to_grant_holders" in form}


def _rule_data(values: dict[str, Any]) -> RuleData:
    # The target is one select: "kind:meeting_room" or "zone:12".
    what, _, ref = values["target"].partition(":")
    return RuleData(
        space_kind=ref if what == "kind" and ref else None,
        zone_id=int(ref) if what == "zone" and ref.isdigit() else None,
        allowed_roles=[str(role) for role in values["allowed_roles"]],
        requires_approval=values["requires_approval"], open_to_grant_holders=values["open_to_grant_holders"],
        **{field: optional_whole(values[field], field) for field in RULE_LIMITS},
        **{field: whole(values[field], field) for field in RULE_AMOUNTS},
    )


def _rule_page(request: Request, db: Session, venue_id: int, rule: BookingRule | None,
               values: dict[str, Any] | None, error: DomainError | None = None) -> Response:
    return page(request, "spaces/admin/rule_form.html", {
        "venue": venues.get_venue(db, venue_id), "rule": rule, "kinds": KIND_LABELS, "roles": list(Role),
        "zones": booking_rules.list_venue_zones(db, venue_id),
        "values": values if values is not None else _rule_values(rule) if rule else NEW_RULE,
    }, error)


@router.get("/venues/{venue_id}/rules/new", name="spaces.admin_new_rule")
def new_rule(request: Request, venue_id: int, actor: User = Depends(manager),
             db: Session = Depends(get_db)) -> Response:
    return _rule_page(request, db, venue_id, None, None)


@router.post("/venues/{venue_id}/rules/new")
def create_rule(request: Request, venue_id: int, form: FormData = Depends(posted), actor: User = Depends(manager),
                db: Session = Depends(get_db)) -> Response:
    values = _posted_rule(form)
    return save(
        request, db,
        lambda: booking_rules.save_rule(db, actor=actor, venue_id=venue_id, data=_rule_data(values), now=clock.now()),
        lambda rule: (f"/admin/spaces/venues/{venue_id}/rules", N_("Rule added."), {}),
        lambda error: _rule_page(request, db, venue_id, None, values, error),
    )


@router.get("/rules/{rule_id}", name="spaces.admin_rule")
def rule_page(request: Request, rule_id: int, actor: User = Depends(manager),
              db: Session = Depends(get_db)) -> Response:
    rule = booking_rules.get_rule(db, rule_id)
    return _rule_page(request, db, rule.venue_id, rule, None)


@router.post("/rules/{rule_id}")
def update_rule(request: Request, rule_id: int, form: FormData = Depends(posted), actor: User = Depends(manager),
                db: Session = Depends(get_db)) -> Response:
    venue_id = booking_rules.get_rule(db, rule_id).venue_id
    values = _posted_rule(form)
    return save(
        request, db,
        lambda: booking_rules.save_rule(db, actor=actor, rule_id=rule_id, data=_rule_data(values), now=clock.now()),
        lambda rule: (f"/admin/spaces/venues/{venue_id}/rules", N_("Rule saved."), {}),
        lambda error: _rule_page(request, db, venue_id, booking_rules.get_rule(db, rule_id), values, error),
    )


@router.post("/rules/{rule_id}/delete", name="spaces.admin_delete_rule")
def delete_rule(request: Request, rule_id: int, actor: User = Depends(manager),
                db: Session = Depends(get_db)) -> Response:
    rule = booking_rules.delete_rule(db, actor=actor, rule_id=rule_id, now=clock.now())
    venue_id = rule.venue_id
    db.commit()
    return redirect(request, f"/admin/spaces/venues/{venue_id}/rules", N_("Rule removed."))
