"""A cohort's speed-meeting day in the JSON API (managers): build the timetable, read it, pin, publish."""
from datetime import date, datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from cohorts.speed_meeting import plans, publishing, timetable
from cohorts.speed_meeting.models import SpeedMeeting
from totem import clock
from totem.api.deps import api_user
from totem.api.schemas import WallClockTime
from totem.errors import NotFound
from totem.i18n import translate
from totem.identity.models import User
from totem.web.context import get_db


router = APIRouter(tags=["speed-meeting"])
ERRORS = {403: {"description": "Managers of the cohort's program only"}, 404: {"description": "No such cohort"}}
CHANGE = {**ERRORS, 409: {"description": "The timetable is published, or not built yet"}}


class SpeedMeetingIn(BaseModel):
    days: list[date] = Field(description="One to three open days after today, YYYY-MM-DD")
    slot_minutes: int = Field(description="Length of a meeting")
    changeover_minutes: int | None = Field(None, description="Minutes between two meetings (default 5)")
    starts_at: WallClockTime | None = Field(None, description="Each day's first meeting, on the venue's clock "
                                                              "(default 09:00)")
    ends_at: WallClockTime | None = Field(None, description="No meeting ends after it (default 17:00)")
    room_ids: list[int] | None = Field(None, description="Meeting rooms used; default: every room of the venue "
                                                         "whose buffer fits the change-over")
    mentor_ids: list[int] | None = Field(None, description="Mentors taking part; default: those already taking "
                                                           "part, else every active mentor of the venue")


class MeetingOut(BaseModel):
    id: int
    startup_id: int
    mentor_id: int
    day: date
    slot: int
    room_id: int
    starts_at: datetime
    ends_at: datetime
    pinned: bool
    session_id: int | None = Field(description="The mentor session, once published")

    @classmethod
    def of(cls, meeting: SpeedMeeting) -> "MeetingOut":
        return cls(id=meeting.id, startup_id=meeting.organisation_id, mentor_id=meeting.mentor_id, day=meeting.day,
                   slot=meeting.slot, room_id=meeting.room_id, starts_at=meeting.starts_at,
                   ends_at=meeting.ends_at, pinned=meeting.pinned, session_id=meeting.session_id)


class SpeedMeetingOut(BaseModel):
    cohort_id: int
    days: list[date]
    slot_minutes: int
    changeover_minutes: int
    room_ids: list[int]
    plan_status: str = Field(description="draft, or published (read-only)")
    meetings: list[MeetingOut]
    objective: int | None = Field(description="Fairness then preferences, as the solver scores the timetable")
    bound: float | None = Field(description="The best objective the solver proved possible")
    gap: float | None = Field(description="(bound - objective) / bound; 0 when proved optimal")
    solve_seconds: float | None
    status: str | None = Field(description="The last solve's: optimal, feasible, infeasible or no_solution")
    problems: list[str] = Field(description="What could not be honoured, in the caller's language")


class PinIn(BaseModel):
    pinned: bool = True


def _out(db: Session, user: User, cohort_id: int) -> SpeedMeetingOut:
    cohort = plans.managed_cohort(db, actor=user, cohort_id=cohort_id)
    details = plans.load(db, cohort)
    if details is None:
        raise NotFound("This cohort has no speed-meeting day yet.")
    plan = details.plan
    return SpeedMeetingOut(
        cohort_id=cohort.id, days=details.days, slot_minutes=plan.slot_minutes,
        changeover_minutes=plan.changeover_minutes, room_ids=plan.room_ids, plan_status=plan.status,
        meetings=[MeetingOut.of(m) for m in details.meetings], objective=plan.objective, bound=plan.bound,
        gap=plan.gap, solve_seconds=plan.solve_seconds, status=plan.solve_status,
        problems=[translate(user.locale, timetable.problem_message(p), **p["params"]) for p in plan.problems],
    )


@router.post("/cohorts/{cohort_id}/speed-meeting", response_model=SpeedMeetingOut, responses=CHANGE)
def build_timetable(cohort_id: int, body: SpeedMeetingIn, user: User = Depends(api_user),
                    db: Session = Depends(get_db)):
    """Managers: set the cohort's speed-meeting days (creating its plan if need be) and solve the timetable."""
    now = clock.now()
    cohort = plans.managed_cohort(db, actor=user, cohort_id=cohort_id)
    plan = plans.find_plan(db, cohort.id)
    defaults = plans.PlanData(days=body.days)
    data = plans.PlanData(
        days=body.days, slot_minutes=body.slot_minutes,
        changeover_minutes=_first(body.changeover_minutes, plan and plan.changeover_minutes,
                                  defaults.changeover_minutes),
        starts_at=_first(body.starts_at, plan and plan.starts_at, defaults.starts_at),
        ends_at=_first(body.ends_at, plan and plan.ends_at, defaults.ends_at),
        room_ids=body.room_ids if body.room_ids is not None else (plan.room_ids if plan else None),
    )
    plans.save_plan(db, actor=user, cohort_id=cohort.id, data=data, now=now)
    mentor_ids = body.mentor_ids
    if mentor_ids is None and not plans.load(db, cohort).mentors:
        mentor_ids = [p.user_id for p in plans.venue_mentors(db, plans.load(db, cohort).venue)]
    if mentor_ids is not None:
        plans.set_mentors(db, actor=user, cohort_id=cohort.id, mentor_ids=mentor_ids, now=now)
    timetable.solve(db, actor=user, cohort_id=cohort.id, now=now)
    db.commit()
    return _out(db, user, cohort.id)


def _first(*values):
    return next(value for value in values if value is not None)


@router.get("/cohorts/{cohort_id}/speed-meeting", response_model=SpeedMeetingOut, responses=ERRORS)
def read_timetable(cohort_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers: the cohort's speed-meeting timetable as it stands."""
    return _out(db, user, cohort_id)


@router.post("/cohorts/{cohort_id}/speed-meeting/meetings/{meeting_id}/pin", response_model=SpeedMeetingOut,
             responses=CHANGE)
def pin_meeting(cohort_id: int, meeting_id: int, body: PinIn, user: User = Depends(api_user),
                db: Session = Depends(get_db)):
    """Managers: pin (or unpin) a meeting, kept in its slot and room when solving again."""
    timetable.pin_meeting(db, actor=user, cohort_id=cohort_id, meeting_id=meeting_id, pinned=body.pinned,
                               now=clock.now())
    db.commit()
    return _out(db, user, cohort_id)


@router.post("/cohorts/{cohort_id}/speed-meeting/publish", response_model=SpeedMeetingOut, responses=CHANGE)
def publish(cohort_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Managers: every meeting becomes a confirmed session with its room; both sides get the invitation."""
    publishing.publish(db, actor=user, cohort_id=cohort_id, now=clock.now())
    db.commit()
    return _out(db, user, cohort_id)
