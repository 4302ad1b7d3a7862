"""Dedicated desks in the JSON API: managers allocate them to start-ups."""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from spaces.venues import access
from spaces.venues.schemas import DeskAllocationIn, DeskAllocationOut
from totem import clock
from totem.api.deps import api_user
from totem.api.schemas import Day
from totem.identity.models import User
from totem.permissions import require
from totem.web.context import get_db

router = APIRouter()


@router.get("/desk-allocations", response_model=list[DeskAllocationOut], tags=["spaces"],
            responses={403: {"description": "Managers only"}})
def list_desk_allocations(venue_id: int | None = None, on: Day | None = None, user: User = Depends(api_user),
                          db: Session = Depends(get_db)):
    """Managers: dedicated desks given to start-ups; with `on`, those that have not ended by that day."""
    require(user, "access.grant")
    return [DeskAllocationOut.of(a) for a in access.list_allocations(db, venue_id=venue_id, on=on)]


@router.post("/desk-allocations", status_code=201, response_model=DeskAllocationOut, tags=["spaces"],
             responses={403: {"description": "Managers only"}, 409: {"description": "The desk is taken"}})
def allocate_desk(body: DeskAllocationIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers: give a dedicated desk to a start-up for a period."""
    allocation = access.allocate_desk(db, actor=user, space_id=body.space_id, organisation_id=body.startup_id,
                                      starts_on=body.starts_on, ends_on=body.ends_on, now=clock.now())
    db.commit()
    return DeskAllocationOut.of(allocation)
