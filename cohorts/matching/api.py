"""The weekly matching in the JSON API: `POST /matching/weekly` proposes sessions now (managers)."""
from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from cohorts.matching import service as matching
from cohorts.mentoring.enums import SessionMode, SessionStatus
from cohorts.mentoring.models import MentorSession
from totem import clock
from totem.api.deps import api_user
from totem.identity.models import User
from totem.web.context import get_db

router = APIRouter()


class ProposedOut(BaseModel):
    session_id: int
    request_id: int | None
    mentor_id: int
    startup_id: int
    starts_at: datetime
    ends_at: datetime
    mode: SessionMode
    booking_id: int | None = Field(description="The meeting room's booking, in person")
    status: SessionStatus

    @classmethod
    def of(cls, session: MentorSession) -> "ProposedOut":
        return cls(session_id=session.id, request_id=session.request_id, mentor_id=session.mentor_id,
                   startup_id=session.organisation_id, starts_at=session.starts_at, ends_at=session.ends_at,
                   mode=SessionMode(session.mode), booking_id=session.booking_id, status=SessionStatus(session.status))


class UnmatchedOut(BaseModel):
    request_id: int
    reason: str = Field(description="Why it stayed open, in the caller's language")


class WeeklyOut(BaseModel):
    run_id: int
    starts_at: datetime
    ends_at: datetime
    proposed: list[ProposedOut]
    unmatched: list[UnmatchedOut]
    objective: int = Field(description="Total fit and fairness of the proposals, as the solver scores them")
    bound: float | None = Field(description="The best objective the solver proved possible")
    gap: float | None = Field(description="(bound - objective) / bound; 0 when proved optimal")
    solve_seconds: float
    status: str = Field(description="optimal, feasible, greedy or no_solution")
    greedy_objective: int | None = Field(description="A greedy baseline's score on the same data, for comparison")


@router.post("/matching/weekly", response_model=WeeklyOut, tags=["matching"],
             responses={403: {"description": "Managers only"}})
def run_weekly(user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers: match the open session requests to mentors' free time of the coming week, now."""
    run = matching.run_weekly(db, actor=user, now=clock.now())
    db.commit()
    unmatched = [UnmatchedOut(request_id=item.request_id, reason=item.reason)
                 for item in matching.left_open(db, run, user.locale)]
    return WeeklyOut(run_id=run.id, starts_at=run.starts_at, ends_at=run.ends_at,
                     proposed=[ProposedOut.of(s) for s in matching.proposed_sessions(db, run)], unmatched=unmatched,
                     objective=run.objective, bound=run.bound, gap=run.gap, solve_seconds=run.solve_seconds,
                     status=run.status, greedy_objective=run.greedy_objective)
