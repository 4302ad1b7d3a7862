"""People's reliability records in the JSON API (staff only): thin routes over `cohorts.mentoring.reliability`."""
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from cohorts.mentoring import reliability
from cohorts.mentoring.enums import ReliabilityKind
from totem import clock
from totem.api.deps import api_user
from totem.api.schemas import Instant
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter()
RESPONSES = {403: {"description": "Not staff"}, 404: {"description": "No such person"}}
DEFAULT_WINDOW = timedelta(days=90)


class StartupRef(BaseModel):
    id: int
    name: str


class UnreliableOut(BaseModel):
    user_id: int
    name: str
    email: str
    startup: StartupRef | None  # None: a mentor, or misses without a start-up
    missed_check_ins: int
    session_no_shows: int
    last_at: datetime
    alerted_at: datetime | None

    @classmethod
    def of(cls, row: reliability.UnreliablePerson) -> "UnreliableOut":
        startup = StartupRef(id=row.organisation.id, name=row.organisation.name) if row.organisation else None
        return cls(user_id=row.user.id, name=row.user.name, email=row.user.email, startup=startup,
                   missed_check_ins=row.missed_check_ins, session_no_shows=row.session_no_shows,
                   last_at=row.last_at, alerted_at=row.alerted_at)


class EntryOut(BaseModel):
    id: int
    kind: ReliabilityKind
    occurred_at: datetime
    startup_id: int | None
    booking_id: int | None
    session_id: int | None


@router.get("/reliability", response_model=list[UnreliableOut], tags=["reliability"], responses=RESPONSES)
def list_unreliable(since: Instant | None = Query(default=None, description="Default: 90 days back"),
                    user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Staff: the people with missed room check-ins or session no-shows since `since`, the most first."""
    rows = reliability.list_unreliable(db, actor=user, since=since or clock.now() - DEFAULT_WINDOW)
    return [UnreliableOut.of(row) for row in rows]


@router.get("/reliability/{user_id}", response_model=list[EntryOut], tags=["reliability"], responses=RESPONSES)
def record_of(user_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Staff: one person's whole record, the latest first."""
    return [EntryOut(id=e.id, kind=ReliabilityKind(e.kind), occurred_at=e.occurred_at, startup_id=e.organisation_id,
                     booking_id=e.booking_id, session_id=e.session_id)
            for e in reliability.record_of(db, actor=user, user_id=user_id)]
