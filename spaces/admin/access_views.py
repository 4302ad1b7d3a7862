"""The managers' pages for dedicated desk allocations and start-ups' room credits."""
from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from spaces.booking import queries as booking_queries
from spaces.credits import service as credits
from spaces.credits.enums import CreditReason
from spaces.venues import access
from spaces.venues import service as venues
from spaces.venues.forms import calendar_day, whole
from spaces.venues.models import Venue
from spaces.venues.rules import local_time
from totem import clock
from totem.errors import DomainError, Invalid
from totem.i18n import N_
from totem.identity.models import User
from totem.settings import Settings
from totem.web.context import get_db, get_settings_dep
from totem.web.forms import page, posted, requiring, save, text
from totem.web.pages import render

router = APIRouter()
manager = requiring("space.manage")  # members and mentors get a 403 on every page of the Spaces admin
REASON_LABELS = {
    CreditReason.ALLOWANCE: N_("Monthly allowance"),
    CreditReason.EXPIRY: N_("Expired at month end"),
    CreditReason.BOOKING: N_("Booking"),
    CreditReason.REFUND: N_("Refund"),
    CreditReason.ADJUSTMENT: N_("Adjustment"),
}
LEDGER_DAYS = 365


# -- desk allocations -----------------------------------------------------------------------------


def _venue(db: Session, venue_id: int | None) -> Venue | None:
    if venue_id is not None:
        return venues.get_venue(db, venue_id)
    listed = venues.list_venues(db)
    return listed[0] if listed else None


def _allocations_page(request: Request, db: Session, venue_id: int | None, values: dict[str, Any] | None = None,
                      error: DomainError | None = None) -> Response:
    venue = _venue(db, venue_id)
    if venue is None:
        return render(request, "spaces/admin/allocations.html", {"venue": None})
    today = local_time(clock.now(), venue).date()
    startups = venues.list_startups(db)
    return page(request, "spaces/admin/allocations.html", {
        "venue": venue, "venues": venues.list_venues(db), "today": today,
        "allocations": access.list_allocations(db, venue_id=venue.id, on=today),
        "desks": venues.list_dedicated_desks(db, venue.id), "startups": startups,
        "startup_names": {startup.id: startup.name for startup in startups},
        "values": {"space_id": "", "organisation_id": "", "starts_on": today.isoformat(), "ends_on": "",
                   **(values or {})},
    }, error)


@router.get("/allocations", name="spaces.admin_allocations")
def allocations(request: Request, venue_id: int | None = None, actor: User = Depends(manager),
                db: Session = Depends(get_db)) -> Response:
    return _allocations_page(request, db, venue_id)


@router.post("/venues/{venue_id}/allocations", name="spaces.admin_allocate")
def allocate(request: Request, venue_id: int, form: FormData = Depends(posted), actor: User = Depends(manager),
             db: Session = Depends(get_db)) -> Response:
    values = text(form, "space_id", "organisation_id", "starts_on", "ends_on")

    def change() -> Any:
        if not values["space_id"].isdigit():
            raise Invalid("Choose a dedicated desk.", field="space_id")
        if not values["organisation_id"].isdigit():
            raise Invalid("Choose a start-up.", field="organisation_id")
        return access.allocate_desk(
            db, actor=actor, space_id=int(values["space_id"]), organisation_id=int(values["organisation_id"]),
            starts_on=calendar_day(values["starts_on"], "starts_on"),
            ends_on=calendar_day(values["ends_on"], "ends_on"), now=clock.now())

    return save(
        request, db, change,
        lambda allocation: (f"/admin/spaces/allocations?venue_id={venue_id}", N_("Desk allocated until {day}."),
                            {"day": allocation.ends_on.isoformat()}),
        lambda error: _allocations_page(request, db, venue_id, values, error),
    )


@router.post("/venues/{venue_id}/allocations/{allocation_id}/end", name="spaces.admin_end_allocation")
def end_allocation(request: Request, venue_id: int, allocation_id: int, form: FormData = Depends(posted),
                   actor: User = Depends(manager), db: Session = Depends(get_db)) -> Response:
    field = f"last_day_{allocation_id}"
    values = text(form, field)

    def change() -> date:
        last_day = calendar_day(values[field], field)
        access.end_allocation(db, actor=actor, allocation_id=allocation_id, last_day=last_day, now=clock.now())
        return last_day

    return save(
        request, db, change,
        lambda last_day: (f"/admin/spaces/allocations?venue_id={venue_id}",
                          N_("The allocation ends after {day}."), {"day": last_day.isoformat()}),
        lambda error: _allocations_page(request, db, venue_id, values, error),
    )


# -- credits --------------------------------------------------------------------------------------


def _month_start(settings: Settings) -> datetime:
    """Midnight on the first of this month, on the accelerator's clock."""
    today = clock.now().astimezone(settings.tz).date()
    return datetime.combine(today.replace(day=1), time(), tzinfo=settings.tz)


@router.get("/credits", name="spaces.admin_credits")
def credits_page(request: Request, actor: User = Depends(manager), db: Session = Depends(get_db),
                 settings: Settings = Depends(get_settings_dep)) -> Response:
    return render(request, "spaces/admin/credits.html", {
        "accounts": credits.list_accounts(db, actor=actor, since=_month_start(settings)),
        "startups": venues.list_startups(db),
    })


@router.get("/credits/account", name="spaces.admin_open_account")
def open_account(organisation_id: int, actor: User = Depends(manager)) -> Response:
    """The overview's "open an account" picker, which works without JavaScript."""
    return RedirectResponse(f"/admin/spaces/credits/{organisation_id}", status_code=303)


def _ledger_page(request: Request, db: Session, actor: User, settings: Settings, organisation_id: int,
                 values: dict[str, str] | None = None, error: DomainError | None = None) -> Response:
    entries = credits.ledger(db, actor=actor, organisation_id=organisation_id,
                             since=clock.now() - timedelta(days=LEDGER_DAYS))
    return page(request, "spaces/admin/ledger.html", {
        "startup": booking_queries.get_organisation(db, organisation_id), "organisation_id": organisation_id,
        "balance": credits.balance_of(db, organisation_id),
        "entries": [(entry, entry.at.astimezone(settings.tz)) for entry in entries],
        "actors": venues.user_names(db, {entry.actor_id for entry in entries if entry.actor_id}),
        "reasons": REASON_LABELS, "timezone": settings.timezone,
        "values": values or {"amount": "", "note": ""},
    }, error)


@router.get("/credits/{organisation_id}", name="spaces.admin_ledger")
def ledger(request: Request, organisation_id: int, actor: User = Depends(manager), db: Session = Depends(get_db),
           settings: Settings = Depends(get_settings_dep)) -> Response:
    return _ledger_page(request, db, actor, settings, organisation_id)


@router.post("/credits/{organisation_id}/adjust", name="spaces.admin_adjust_credits")
def adjust(request: Request, organisation_id: int, form: FormData = Depends(posted), actor: User = Depends(manager),
           db: Session = Depends(get_db), settings: Settings = Depends(get_settings_dep)) -> Response:
    values = text(form, "amount", "note")
    return save(
        request, db,
        lambda: credits.adjust(db, actor=actor, organisation_id=organisation_id,
                               amount=whole(values["amount"], "amount"), note=values["note"], now=clock.now()),
        lambda entry: (f"/admin/spaces/credits/{organisation_id}", N_("Balance adjusted by {amount} credits."),
                       {"amount": f"{entry.amount:+d}"}),
        lambda error: _ledger_page(request, db, actor, settings, organisation_id, values, error),
    )
