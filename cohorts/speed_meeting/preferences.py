"""Who wants to meet whom at a speed-meeting day: members rank mentors for their own start-up, mentors rank
start-ups, the program's staff for anyone. Services flush, never commit.
"""
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cohorts.programs import permissions as _program_permissions  # noqa: F401  (registers "program.*")
from cohorts.programs import queries as program_queries
from cohorts.programs.models import Cohort
from cohorts.speed_meeting.models import SpeedMeetingMentor, SpeedMeetingPlan, SpeedMeetingPreference
from cohorts.speed_meeting.plans import Plan, check_draft, find_plan, load, startup_names
from totem.errors import Forbidden, Invalid, NotFound
from totem.identity.models import User
from totem.identity.service import load_memberships
from totem.permissions import is_staff, member_organisation_ids, require


MAX_RANKED = 5


# -- preferences ----------------------------------------------------------------------------------


def may_rank(db: Session, actor: User, plan: SpeedMeetingPlan, cohort: Cohort, side: str, who: int) -> bool:
    """Staff of the program rank for anyone; a member for their own start-up; a mentor for themselves."""
    if is_staff(actor):
        return True
    if side == "startup":
        return who in member_organisation_ids(load_memberships(db, actor)) and who in startup_names(db, cohort.id)
    return side == "mentor" and who == actor.id and db.scalar(select(SpeedMeetingMentor.mentor_id).where(
        SpeedMeetingMentor.plan_id == plan.id, SpeedMeetingMentor.mentor_id == who).limit(1)) is not None


def plan_for_ranking(db: Session, *, actor: User, cohort_id: int, side: str, who: int) -> Plan:
    """The plan, for someone who may rank on `side` for `who` (a start-up, or a mentor)."""
    cohort = program_queries.get_cohort(db, cohort_id)
    plan = find_plan(db, cohort_id) if cohort is not None else None
    if plan is None or side not in ("startup", "mentor"):
        raise NotFound("This cohort has no speed-meeting day yet.")
    if is_staff(actor):
        require(actor, "program.manage", cohort.program)
    elif not may_rank(db, actor, plan, cohort, side, who):
        raise Forbidden("You may only give your own preferences.")
    return load(db, cohort)


def set_preferences(
    db: Session, *, actor: User, cohort_id: int, side: str, who: int, ranked: list[int], must_meet: list[int],
    now: datetime,
) -> SpeedMeetingPlan:
    """One start-up's ranked mentors (side "startup") or one mentor's ranked start-ups (side "mentor"), with the
    ones they must meet; it replaces what that side gave before."""
    details = plan_for_ranking(db, actor=actor, cohort_id=cohort_id, side=side, who=who)
    plan = details.plan
    check_draft(plan)
    others = details.mentors if side == "startup" else details.startups
    if side == "startup" and who not in details.startups or side == "mentor" and who not in details.mentors:
        raise NotFound("No such participant.")
    ranked = [other for other in dict.fromkeys(ranked) if other]
    if len(ranked) > MAX_RANKED:
        raise Invalid("Rank at most {count}.", field="ranked", count=MAX_RANKED)
    if not set(ranked) | set(must_meet) <= set(others):
        raise Invalid("Choose among those taking part.", field="ranked")
    own = SpeedMeetingPreference.organisation_id if side == "startup" else SpeedMeetingPreference.mentor_id
    db.execute(delete(SpeedMeetingPreference).where(SpeedMeetingPreference.plan_id == plan.id,
                                                    SpeedMeetingPreference.side == side, own == who))
    db.flush()
    for other in dict.fromkeys([*ranked, *must_meet]):
        pair = {"organisation_id": who, "mentor_id": other} if side == "startup" else {
            "organisation_id": other, "mentor_id": who}
        rank = ranked.index(other) + 1 if other in ranked else None
        db.add(SpeedMeetingPreference(plan_id=plan.id, side=side, rank=rank, must_meet=other in must_meet, **pair))
    plan.updated_at = now
    db.flush()
    return plan
