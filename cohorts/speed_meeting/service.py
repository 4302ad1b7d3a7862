"""A cohort's speed-meeting day ("mentor madness"): its plan, mentors and preferences, the timetable solved by
`cohorts.speed_meeting.solver`, a manager's edits by hand (pin, remove, swap), and publishing it as sessions.

This module turns rows into the model's plain data and its meetings back into
rows; the model knows nothing of the database. Only the staff of the cohort's
program change a plan; members rank mentors for their own start-up and
mentors rank start-ups. Once published, every meeting is a confirmed mentor
session of kind `speed_meeting` with its room booked, and the plan is read-only.
Services flush, never commit.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cohorts.mentoring import availability, mentors, sessions
from cohorts.mentoring import mail as mentor_mail
from cohorts.mentoring.enums import BUSY_SESSIONS
from cohorts.mentoring.models import MentorProfile, MentorSession
from cohorts.programs import permissions as _program_permissions  # noqa: F401  (registers "program.*")
from cohorts.programs import queries as program_queries
from cohorts.programs.models import Cohort, Enrolment
from cohorts.speed_meeting import solver
from cohorts.speed_meeting.models import (
    SpeedMeeting,
    SpeedMeetingDay,
    SpeedMeetingMentor,
    SpeedMeetingPlan,
    SpeedMeetingPreference,
    SpeedMeetingRemoval,
)
from cohorts.startups import queries as startup_queries
from spaces.booking import hosted
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Space, Venue
from spaces.venues.rules import local_moment, local_time, policy_from, public_holiday
from totem import audit
from totem.errors import Conflict, Forbidden, Invalid, NotFound
from totem.i18n import N_
from totem.identity.models import Organisation, User
from totem.identity.service import load_memberships
from totem.permissions import is_staff, member_organisation_ids, require

TIME_LIMIT_SECONDS = 20.0
MAX_DAYS = 3
MAX_RANKED = 5
DEFAULT_HOURS = (time(9), time(17))
SPEED_MEETING = "speed_meeting"  # the kind of the sessions a plan publishes
TOPIC = "Speed meeting · {cohort}"
# Problems met around the model, in the same shape as the model's (`speed_meeting_model.PROBLEMS`).
PROBLEMS = {
    "room_busy": N_("Room {room} is not free all day on {day}: it was left out."),
    "no_room": N_("No room is free for the whole day: choose other rooms."),
    "no_startup": N_("The cohort has no enrolled start-up."),
    "no_mentor": N_("No mentor takes part yet."),
    "no_solution": N_("The solver found no timetable in the time given: try again, or pin fewer meetings."),
}


@dataclass(frozen=True)
class PlanData:
    days: list[date]
    slot_minutes: int = 20
    changeover_minutes: int = 5
    starts_at: time = DEFAULT_HOURS[0]
    ends_at: time = DEFAULT_HOURS[1]
    room_ids: list[int] | None = None  # None: the venue's rooms that allow back-to-back meetings


@dataclass(frozen=True)
class Plan:
    """A plan with what its pages show."""

    plan: SpeedMeetingPlan
    cohort: Cohort
    venue: Venue
    days: list[date]
    rooms: list[Space]
    startups: dict[int, str]  # organisation id -> name, by name
    mentors: dict[int, str]  # user id -> name, by name, those taking part
    hours: dict[tuple[int, date], tuple[time, time]]  # (mentor, day) -> hours
    preferences: list[SpeedMeetingPreference]
    meetings: list[SpeedMeeting]
    removed: list[SpeedMeetingRemoval]


# -- reading --------------------------------------------------------------------------------------


def managed_cohort(db: Session, *, actor: User, cohort_id: int) -> Cohort:
    """The cohort if the actor runs its program: Forbidden for non-staff, NotFound for an unknown cohort."""
    require(actor, "program.create")
    cohort = program_queries.get_cohort(db, cohort_id)
    if cohort is None:
        raise NotFound("No such cohort.")
    require(actor, "program.manage", cohort.program)
    return cohort


def find_plan(db: Session, cohort_id: int) -> SpeedMeetingPlan | None:
    return db.scalar(select(SpeedMeetingPlan).where(SpeedMeetingPlan.cohort_id == cohort_id))


def _venue(db: Session, cohort: Cohort) -> Venue:
    return db.get_one(Venue, cohort.program.venue_id)


def load(db: Session, cohort: Cohort) -> Plan | None:
    """The cohort's plan with its days, rooms, people, preferences and meetings; None when it has none."""
    plan = find_plan(db, cohort.id)
    if plan is None:
        return None
    days = list(db.scalars(select(SpeedMeetingDay.day).where(SpeedMeetingDay.plan_id == plan.id)
                           .order_by(SpeedMeetingDay.day)))
    rooms = {space.id: space for space in db.scalars(select(Space).where(Space.id.in_(plan.room_ids)))}
    taking_part = list(db.scalars(select(SpeedMeetingMentor).where(SpeedMeetingMentor.plan_id == plan.id)))
    hours = {(row.mentor_id, row.day): (row.starts_at, row.ends_at) for row in taking_part
             if row.starts_at is not None and row.ends_at is not None}
    mentor_ids = {row.mentor_id for row in taking_part}
    mentor_names = dict(db.execute(select(User.id, User.name).where(User.id.in_(mentor_ids))).tuples().all())
    meetings = list(db.scalars(select(SpeedMeeting).where(SpeedMeeting.plan_id == plan.id)
                               .order_by(SpeedMeeting.day, SpeedMeeting.slot, SpeedMeeting.room_id)))
    return Plan(
        plan=plan, cohort=cohort, venue=_venue(db, cohort), days=days,
        rooms=[rooms[room_id] for room_id in plan.room_ids if room_id in rooms],
        startups=startup_names(db, cohort.id),
        mentors=dict(sorted(mentor_names.items(), key=lambda item: item[1].lower())), hours=hours,
        preferences=list(db.scalars(select(SpeedMeetingPreference).where(SpeedMeetingPreference.plan_id == plan.id)
                                    .order_by(SpeedMeetingPreference.side, SpeedMeetingPreference.rank))),
        meetings=meetings,
        removed=list(db.scalars(select(SpeedMeetingRemoval).where(SpeedMeetingRemoval.plan_id == plan.id))),
    )


def startup_names(db: Session, cohort_id: int) -> dict[int, str]:
    """The cohort's start-ups (its active enrolments), by name."""
    rows = db.execute(select(Organisation.id, Organisation.name).join(
        Enrolment, Enrolment.organisation_id == Organisation.id).where(
        Enrolment.cohort_id == cohort_id, Enrolment.status == "active").order_by(Organisation.name)).tuples().all()
    return dict(rows)


def venue_rooms(db: Session, venue: Venue) -> list[tuple[Space, int]]:
    """The venue's meeting rooms and the minutes each needs between two bookings."""
    venue_of = venue_queries.floor_venue_ids(db)
    rooms = [venue_queries.get_space(db, room.id) for room in venue_queries.list_spaces(db, kind=SpaceKind.MEETING_ROOM)
             if venue_of[room.floor_id] == venue.id and room.is_active]
    return [(room, policy_from(venue_queries.get_rule_for(db, room)).buffer_minutes) for room in rooms]


def venue_mentors(db: Session, venue: Venue) -> list[MentorProfile]:
    return [profile for profile in mentors.search_mentors(db) if profile.venue_id == venue.id]


def problem_message(entry: dict) -> str:
    """The msgid of a stored problem, to translate where it is shown with its `params`."""
    return PROBLEMS.get(entry["code"]) or solver.PROBLEMS[entry["code"]]


# -- the plan -------------------------------------------------------------------------------------


def _editable(db: Session, actor: User, cohort_id: int) -> tuple[Cohort, SpeedMeetingPlan]:
    cohort = managed_cohort(db, actor=actor, cohort_id=cohort_id)
    plan = find_plan(db, cohort.id)
    if plan is None:
        raise NotFound("This cohort has no speed-meeting day yet.")
    _check_draft(plan)
    return cohort, plan


def _check_draft(plan: SpeedMeetingPlan) -> None:
    if plan.status != "draft":
        raise Conflict("The timetable is published: it can no longer be changed.")


def save_plan(db: Session, *, actor: User, cohort_id: int, data: PlanData, now: datetime) -> SpeedMeetingPlan:
    """Create or change the cohort's plan; new days, hours or rooms clear the timetable (removed pairs stay)."""
    cohort = managed_cohort(db, actor=actor, cohort_id=cohort_id)
    venue = _venue(db, cohort)
    plan = find_plan(db, cohort.id)
    if plan is not None:
        _check_draft(plan)
    days = _check_days(db, venue, data, now)
    room_ids = _check_rooms(db, venue, data)
    if plan is None:
        plan = SpeedMeetingPlan(cohort_id=cohort.id, status="draft", problems=[], created_at=now, created_by=actor.id,
                                room_ids=[])
        db.add(plan)
    before = (plan.slot_minutes, plan.changeover_minutes, plan.starts_at, plan.ends_at, list(plan.room_ids or []))
    plan.slot_minutes, plan.changeover_minutes = data.slot_minutes, data.changeover_minutes
    plan.starts_at, plan.ends_at, plan.room_ids = data.starts_at, data.ends_at, room_ids
    plan.updated_at = now
    db.flush()
    old_days = set(db.scalars(select(SpeedMeetingDay.day).where(SpeedMeetingDay.plan_id == plan.id)))
    if old_days != set(days) or before != (plan.slot_minutes, plan.changeover_minutes, plan.starts_at,
                                           plan.ends_at, room_ids):
        _clear_timetable(db, plan)
    gone = old_days - set(days)
    if gone:
        db.execute(delete(SpeedMeetingMentor).where(SpeedMeetingMentor.plan_id == plan.id,
                                                    SpeedMeetingMentor.day.in_(gone)))
        db.execute(delete(SpeedMeetingDay).where(SpeedMeetingDay.plan_id == plan.id, SpeedMeetingDay.day.in_(gone)))
    for day in sorted(set(days) - old_days):
        db.add(SpeedMeetingDay(plan_id=plan.id, day=day))
    db.flush()
    participants = set(db.scalars(select(SpeedMeetingMentor.mentor_id).where(SpeedMeetingMentor.plan_id == plan.id)))
    for mentor_id in participants:
        _add_default_hours(db, plan, venue, mentor_id, sorted(set(days) - old_days))
    # Hours outside the new day are cut to it.
    for row in db.scalars(select(SpeedMeetingMentor).where(SpeedMeetingMentor.plan_id == plan.id,
                                                           SpeedMeetingMentor.starts_at.is_not(None))):
        start, end = max(row.starts_at, plan.starts_at), min(row.ends_at, plan.ends_at)
        row.starts_at, row.ends_at = (start, end) if start < end else (None, None)
    db.flush()
    audit.record(db, actor=actor, action="speed_meeting.save", obj=plan, now=now,
                 summary=", ".join(day.isoformat() for day in days))
    return plan


def _check_days(db: Session, venue: Venue, data: PlanData, now: datetime) -> list[date]:
    days = sorted(set(data.days))
    if not 1 <= len(days) <= MAX_DAYS:
        raise Invalid("Choose one to {count} days.", field="days", count=MAX_DAYS)
    if not 5 <= data.slot_minutes <= 120:
        raise Invalid("A meeting lasts from 5 to 120 minutes.", field="slot_minutes")
    if not 0 <= data.changeover_minutes <= 60:
        raise Invalid("The change-over lasts from 0 to 60 minutes.", field="changeover_minutes")
    if data.ends_at <= data.starts_at:
        raise Invalid("The day must end after it starts.", field="ends_at")
    day_minutes = (datetime.combine(date.min, data.ends_at) - datetime.combine(date.min, data.starts_at)).seconds // 60
    if day_minutes < data.slot_minutes:
        raise Invalid("Not a single meeting fits between the start and the end of the day.", field="ends_at")
    today = local_time(now, venue).date()
    for day in days:
        if day <= today:
            raise Invalid("Choose days after today: {day} is not.", field="days", day=day.isoformat())
        hours = venue_queries.get_opening_hours(db, venue.id, day.weekday())
        closed = (hours is None or venue_queries.get_closure(db, venue.id, day) is not None
                  or (venue.observes_public_holidays and public_holiday(day) is not None))
        if closed:
            raise Invalid("The venue is closed on {day}.", field="days", day=day.isoformat())
        if data.starts_at < hours.opens_at or data.ends_at > hours.closes_at:
            raise Invalid("On {day} the venue is open from {opens} to {closes} only.", field="starts_at",
                          day=day.isoformat(), opens=f"{hours.opens_at:%H:%M}", closes=f"{hours.closes_at:%H:%M}")
    return days


def _check_rooms(db: Session, venue: Venue, data: PlanData) -> list[int]:
    """The rooms asked for, each a meeting room of the venue whose buffer fits in the change-over."""
    rooms = venue_rooms(db, venue)
    if data.room_ids is None:
        fitting = [room.id for room, buffer in rooms if buffer <= data.changeover_minutes]
        if not fitting:
            raise Invalid("No meeting room of the venue allows meetings {minutes} minutes apart: lengthen the "
                          "change-over.", field="changeover_minutes", minutes=data.changeover_minutes)
        return fitting
    known = {room.id: (room, buffer) for room, buffer in rooms}
    chosen = list(dict.fromkeys(data.room_ids))
    if not chosen:
        raise Invalid("Choose at least one room.", field="room_ids")
    for room_id in chosen:
        if room_id not in known:
            raise Invalid("Choose meeting rooms of the venue.", field="room_ids")
        room, buffer = known[room_id]
        if buffer > data.changeover_minutes:
            raise Invalid("{room} needs {minutes} minutes between bookings: lengthen the change-over or leave it "
                          "out.", field="room_ids", room=room.name, minutes=buffer)
    return chosen


def _clear_timetable(db: Session, plan: SpeedMeetingPlan) -> None:
    db.execute(delete(SpeedMeeting).where(SpeedMeeting.plan_id == plan.id))
    plan.solve_status = plan.objective = plan.bound = plan.gap = plan.solve_seconds = plan.solved_at = None
    plan.problems = []


def _add_default_hours(db: Session, plan: SpeedMeetingPlan, venue: Venue, mentor_id: int, days: list[date]) -> None:
    """Their office hours on each day, within the plan's hours, if they hold any that day; else the whole day.
    None on the days they are away."""
    office_hours = availability.list_office_hours(db, mentor_id)
    for day in days:
        if availability.is_away(db, mentor_id=mentor_id, day=day):
            db.add(SpeedMeetingMentor(plan_id=plan.id, mentor_id=mentor_id, day=day))
            continue
        windows = [availability.occurrence_window(oh, day, venue) for oh in office_hours
                   if availability.occurrence_days(oh, day, day)]
        start, end = plan.starts_at, plan.ends_at
        if windows:
            start = max(start, min(local_time(a, venue).time() for a, _ in windows))
            end = min(end, max(local_time(b, venue).time() for _, b in windows))
        db.add(SpeedMeetingMentor(plan_id=plan.id, mentor_id=mentor_id, day=day, starts_at=start if start < end else None,
                                  ends_at=end if start < end else None))


def set_mentors(db: Session, *, actor: User, cohort_id: int, mentor_ids: list[int], now: datetime) -> SpeedMeetingPlan:
    """The mentors taking part; a newcomer gets their default hours, one who leaves takes their meetings along."""
    cohort, plan = _editable(db, actor, cohort_id)
    venue = _venue(db, cohort)
    allowed = {profile.user_id for profile in venue_mentors(db, venue)}
    wanted = set(mentor_ids)
    if not wanted <= allowed:
        raise Invalid("Choose active mentors of the venue.", field="mentor_ids")
    current = set(db.scalars(select(SpeedMeetingMentor.mentor_id).where(SpeedMeetingMentor.plan_id == plan.id)))
    leaving = current - wanted
    if leaving:
        db.execute(delete(SpeedMeeting).where(SpeedMeeting.plan_id == plan.id, SpeedMeeting.mentor_id.in_(leaving)))
        db.execute(delete(SpeedMeetingMentor).where(SpeedMeetingMentor.plan_id == plan.id,
                                                    SpeedMeetingMentor.mentor_id.in_(leaving)))
    days = list(db.scalars(select(SpeedMeetingDay.day).where(SpeedMeetingDay.plan_id == plan.id)))
    for mentor_id in sorted(wanted - current):
        _add_default_hours(db, plan, venue, mentor_id, days)
    plan.updated_at = now
    db.flush()
    return plan


def set_hours(
    db: Session, *, actor: User, cohort_id: int, mentor_id: int, hours: dict[date, tuple[time, time] | None],
    now: datetime,
) -> SpeedMeetingPlan:
    """A mentor's hours on each day of the plan (None: not there that day); their meetings outside go."""
    _, plan = _editable(db, actor, cohort_id)
    days = set(db.scalars(select(SpeedMeetingDay.day).where(SpeedMeetingDay.plan_id == plan.id)))
    if db.scalar(select(SpeedMeetingMentor.mentor_id).where(SpeedMeetingMentor.plan_id == plan.id,
                                                            SpeedMeetingMentor.mentor_id == mentor_id).limit(1)) is None:
        raise NotFound("No such participant.")
    for day, window in hours.items():
        if day not in days:
            raise Invalid("Choose days of the plan.", field="hours")
        if window is not None and not (plan.starts_at <= window[0] < window[1] <= plan.ends_at):
            raise Invalid("Hours run from the day's start to its end, the end after the start.", field="hours")
    db.execute(delete(SpeedMeetingMentor).where(SpeedMeetingMentor.plan_id == plan.id,
                                                SpeedMeetingMentor.mentor_id == mentor_id,
                                                SpeedMeetingMentor.day.in_(list(hours))))
    for day, window in hours.items():
        db.add(SpeedMeetingMentor(plan_id=plan.id, mentor_id=mentor_id, day=day,
                                  starts_at=window[0] if window else None, ends_at=window[1] if window else None))
    db.flush()
    venue = db.get_one(Venue, db.get_one(MentorProfile, mentor_id).venue_id)
    for meeting in db.scalars(select(SpeedMeeting).where(SpeedMeeting.plan_id == plan.id,
                                                         SpeedMeeting.mentor_id == mentor_id)):
        if meeting.day not in hours:
            continue
        window = hours[meeting.day]
        if window is None or not (window[0] <= local_time(meeting.starts_at, venue).time()
                                  and local_time(meeting.ends_at, venue).time() <= window[1]):
            db.delete(meeting)
    plan.updated_at = now
    db.flush()
    return plan


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
    _check_draft(plan)
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


# -- solving --------------------------------------------------------------------------------------


def solve(db: Session, *, actor: User, cohort_id: int, now: datetime,
          time_limit: float | None = None) -> SpeedMeetingPlan:
    """Build the timetable around the pins and without the removed pairs, from the current one as a hint; keep
    the solver's figures and the problems met. When no timetable comes out, the current one stays."""
    cohort, plan = _editable(db, actor, cohort_id)
    details = load(db, cohort)
    venue = details.venue
    problems: list[dict] = []
    rooms = _rooms_free_all_day(db, details, problems)
    if not details.startups:
        problems.append({"code": "no_startup", "params": {}})
    if not details.mentors:
        problems.append({"code": "no_mentor", "params": {}})
    if not rooms and details.rooms:
        problems.append({"code": "no_room", "params": {}})
    plan.solved_at, plan.updated_at = now, now
    if not rooms or not details.startups or not details.mentors:
        plan.solve_status, plan.problems = "infeasible", problems
        db.flush()
        return plan
    days = [solver.Day(local_moment(day, plan.starts_at, venue), local_moment(day, plan.ends_at, venue))
            for day in details.days]
    day_index = {day: n for n, day in enumerate(details.days)}
    ranks: dict[str, dict[int, list[int]]] = {"startup": defaultdict(list), "mentor": defaultdict(list)}
    must_meet = []
    for preference in details.preferences:
        ranker, other = ((preference.organisation_id, preference.mentor_id) if preference.side == "startup"
                         else (preference.mentor_id, preference.organisation_id))
        if preference.rank is not None:
            ranks[preference.side][ranker].append(other)
        if preference.must_meet:
            must_meet.append(solver.MustMeet(preference.organisation_id, preference.mentor_id,
                                                          preference.side))
    current = [solver.Meeting(m.organisation_id, m.mentor_id, day_index[m.day], m.slot, m.room_id,
                                           m.starts_at, m.ends_at, m.pinned) for m in details.meetings]
    result = solver.solve_speed_meeting(
        list(details.startups), list(details.mentors), days, _mentor_hours(db, details), rooms,
        slot_minutes=plan.slot_minutes, changeover_minutes=plan.changeover_minutes,
        startup_ranks=dict(ranks["startup"]), mentor_ranks=dict(ranks["mentor"]), must_meet=must_meet,
        pins=[solver.Pin(m.startup_id, m.mentor_id, m.day, m.slot, m.room) for m in current if m.pinned],
        removed=[(r.organisation_id, r.mentor_id) for r in details.removed], hint=current,
        time_limit=TIME_LIMIT_SECONDS if time_limit is None else time_limit,
        startup_names=details.startups, mentor_names=details.mentors,
    )
    problems += [{"code": p.code, "params": {k: str(v) for k, v in p.params.items()}} for p in result.problems]
    if result.status == "no_solution":
        problems.append({"code": "no_solution", "params": {}})
    plan.solve_status, plan.problems = result.status, problems
    plan.solve_seconds = round(result.solve_seconds, 3)
    if result.meetings:
        plan.objective, plan.bound, plan.gap = result.objective, result.bound, result.gap
        db.execute(delete(SpeedMeeting).where(SpeedMeeting.plan_id == plan.id))
        db.flush()
        for meeting in result.meetings:
            db.add(SpeedMeeting(plan_id=plan.id, organisation_id=meeting.startup_id, mentor_id=meeting.mentor_id,
                                day=details.days[meeting.day], slot=meeting.slot, room_id=meeting.room,
                                starts_at=meeting.starts_at.astimezone(UTC), ends_at=meeting.ends_at.astimezone(UTC),
                                pinned=meeting.pinned))
    db.flush()
    audit.record(db, actor=actor, action="speed_meeting.solve", obj=plan, now=now,
                 summary=f"{len(result.meetings)} meetings, {result.status}, gap {result.gap}")
    return plan


def _rooms_free_all_day(db: Session, details: Plan, problems: list[dict]) -> list[int]:
    """The plan's rooms free (buffers included) for the whole of every day; the others are reported."""
    plan, venue = details.plan, details.venue
    free = []
    busy_on: dict[int, date] = {}
    for day in details.days:
        starts_at = local_moment(day, plan.starts_at, venue).astimezone(UTC)
        ends_at = local_moment(day, plan.ends_at, venue).astimezone(UTC)
        windows = hosted.room_free_windows(db, venue_id=venue.id, starts_at=starts_at, ends_at=ends_at,
                                           min_capacity=1)
        whole = {room_id for room_id, start, end in windows if start <= starts_at and end >= ends_at}
        for room in details.rooms:
            if room.id not in whole:
                busy_on.setdefault(room.id, day)
    for room in details.rooms:
        if room.id in busy_on:
            problems.append({"code": "room_busy", "params": {"room": room.name,
                                                             "day": busy_on[room.id].isoformat()}})
        else:
            free.append(room.id)
    return free


def _mentor_hours(db: Session, details: Plan) -> list[solver.MentorHours]:
    """Each mentor's hours on the venue's clock, less the sessions they already hold then."""
    venue = details.venue
    windows = [(mentor_id, local_moment(day, start, venue), local_moment(day, end, venue))
               for (mentor_id, day), (start, end) in details.hours.items()]
    if not windows:
        return []
    busy = defaultdict(list)
    for mentor_id, start, end in db.execute(select(MentorSession.mentor_id, MentorSession.starts_at,
                                                   MentorSession.ends_at).where(
            MentorSession.mentor_id.in_(list(details.mentors)), MentorSession.status.in_(BUSY_SESSIONS),
            MentorSession.starts_at < max(w[2] for w in windows), MentorSession.ends_at > min(w[1] for w in windows))):
        busy[mentor_id].append((start, end))
    hours = []
    for mentor_id, start, end in windows:
        pieces = [(start, end)]
        for busy_start, busy_end in busy[mentor_id]:
            pieces = [piece for a, b in pieces
                      for piece in ((a, min(b, busy_start)), (max(a, busy_end), b)) if piece[0] < piece[1]]
        hours.extend(solver.MentorHours(mentor_id, a, b) for a, b in pieces)
    return hours


# -- edits by hand --------------------------------------------------------------------------------


def _meeting(db: Session, plan: SpeedMeetingPlan, meeting_id: int) -> SpeedMeeting:
    meeting = db.get(SpeedMeeting, meeting_id)
    if meeting is None or meeting.plan_id != plan.id:
        raise NotFound("No such meeting.")
    return meeting


def pin_meeting(db: Session, *, actor: User, cohort_id: int, meeting_id: int, pinned: bool,
                now: datetime) -> SpeedMeeting:
    """A pinned meeting keeps its slot and room when the timetable is solved again."""
    _, plan = _editable(db, actor, cohort_id)
    meeting = _meeting(db, plan, meeting_id)
    meeting.pinned = pinned
    plan.updated_at = now
    db.flush()
    return meeting


def remove_meeting(db: Session, *, actor: User, cohort_id: int, meeting_id: int, now: datetime) -> SpeedMeetingRemoval:
    """Take the meeting out; the pair is not put back when solving again."""
    _, plan = _editable(db, actor, cohort_id)
    meeting = _meeting(db, plan, meeting_id)
    removal = SpeedMeetingRemoval(plan_id=plan.id, organisation_id=meeting.organisation_id,
                                  mentor_id=meeting.mentor_id)
    db.delete(meeting)
    db.flush()
    db.merge(removal)
    plan.updated_at = now
    db.flush()
    return removal


def restore_pair(db: Session, *, actor: User, cohort_id: int, organisation_id: int, mentor_id: int,
                 now: datetime) -> SpeedMeetingPlan:
    """Let a removed pair meet again at the next solve."""
    _, plan = _editable(db, actor, cohort_id)
    db.execute(delete(SpeedMeetingRemoval).where(SpeedMeetingRemoval.plan_id == plan.id,
                                                 SpeedMeetingRemoval.organisation_id == organisation_id,
                                                 SpeedMeetingRemoval.mentor_id == mentor_id))
    plan.updated_at = now
    db.flush()
    return plan


def swap_meetings(db: Session, *, actor: User, cohort_id: int, meeting_id: int, other_id: int,
                  now: datetime) -> tuple[SpeedMeeting, SpeedMeeting]:
    """Exchange two meetings' slots and rooms; both are pinned there, since a manager chose them."""
    cohort, plan = _editable(db, actor, cohort_id)
    first, second = _meeting(db, plan, meeting_id), _meeting(db, plan, other_id)
    if first.id == second.id:
        raise Invalid("Choose another meeting to swap with.", field="other_id")
    details = load(db, cohort)
    venue = details.venue
    others = [m for m in details.meetings if m.id not in (first.id, second.id)]
    for moving, target in ((first, second), (second, first)):
        names = {"startup": details.startups.get(moving.organisation_id, ""),
                 "mentor": details.mentors.get(moving.mentor_id, ""),
                 "start": f"{local_time(target.starts_at, venue):%H:%M}", "day": target.day.isoformat()}
        window = details.hours.get((moving.mentor_id, target.day))
        start, end = local_time(target.starts_at, venue).time(), local_time(target.ends_at, venue).time()
        if window is None or not (window[0] <= start and end <= window[1]):
            raise Conflict("{mentor} is not there on {day} at {start}.", field="other_id", **names)
        for other in others:
            if (other.day, other.slot) != (target.day, target.slot):
                continue
            if other.mentor_id == moving.mentor_id:
                raise Conflict("{mentor} already meets someone on {day} at {start}.", field="other_id", **names)
            if other.organisation_id == moving.organisation_id:
                raise Conflict("{startup} already meets someone on {day} at {start}.", field="other_id", **names)
    places = [(m.day, m.slot, m.room_id, m.starts_at, m.ends_at) for m in (first, second)]
    rows = [(m.organisation_id, m.mentor_id) for m in (first, second)]
    db.delete(first)
    db.delete(second)
    db.flush()  # the unique constraints hold at every step: the two rows go before they come back swapped
    swapped = []
    for (organisation_id, mentor_id), (day, slot, room_id, starts_at, ends_at) in zip(rows, reversed(places),
                                                                                        strict=True):
        meeting = SpeedMeeting(plan_id=plan.id, organisation_id=organisation_id, mentor_id=mentor_id, day=day,
                               slot=slot, room_id=room_id, starts_at=starts_at, ends_at=ends_at, pinned=True)
        db.add(meeting)
        swapped.append(meeting)
    plan.updated_at = now
    db.flush()
    return swapped[0], swapped[1]


# -- publishing -----------------------------------------------------------------------------------


def publish(db: Session, *, actor: User, cohort_id: int, now: datetime) -> SpeedMeetingPlan:
    """Every meeting becomes a confirmed session with its room booked, both sides get the invitation with its
    .ics, and the plan becomes read-only. All or nothing: the first meeting that cannot be made stops it all."""
    cohort, plan = _editable(db, actor, cohort_id)
    details = load(db, cohort)
    if not details.meetings:
        raise Conflict("Build the timetable before publishing it.")
    attendees = _attendees(db, list(details.startups))
    tracks = dict(db.execute(select(Enrolment.organisation_id, Enrolment.track_id).where(
        Enrolment.cohort_id == cohort.id)).tuples().all())
    made = []
    for meeting in details.meetings:
        _check_free_to_publish(db, details, meeting)
        session = sessions.add_planned_session(
            db, actor=actor, mentor_id=meeting.mentor_id, organisation_id=meeting.organisation_id,
            attendee_id=attendees.get(meeting.organisation_id), topic=TOPIC.format(cohort=cohort.name),
            starts_at=meeting.starts_at, ends_at=meeting.ends_at, room_id=meeting.room_id, kind=SPEED_MEETING,
            now=now, cohort_id=cohort.id, track_id=tracks.get(meeting.organisation_id))
        meeting.session_id = session.id
        made.append(session)
    plan.status, plan.published_at, plan.updated_at = "published", now, now
    db.flush()
    for session in made:
        mentor_mail.queue_session_invitation(db, session, now)
    audit.record(db, actor=actor, action="speed_meeting.publish", obj=plan, now=now,
                 summary=f"{len(made)} sessions")
    return plan


def _attendees(db: Session, organisation_ids: list[int]) -> dict[int, int]:
    """Who comes for each start-up: its first active member by name."""
    attendees = {}
    for organisation_id in organisation_ids:
        members = [user for user in startup_queries.list_members(db, organisation_id) if user.is_active]
        if members:
            attendees[organisation_id] = members[0].id
    return attendees


def _check_free_to_publish(db: Session, details: Plan, meeting: SpeedMeeting) -> None:
    """Say in words who is taken when a session booked since the solve clashes with a meeting."""
    overlapping = select(MentorSession.id).where(MentorSession.status.in_(BUSY_SESSIONS),
                                                 MentorSession.starts_at < meeting.ends_at,
                                                 MentorSession.ends_at > meeting.starts_at).limit(1)
    local = local_time(meeting.starts_at, details.venue)
    names = {"startup": details.startups.get(meeting.organisation_id, ""),
             "mentor": details.mentors.get(meeting.mentor_id, ""), "day": local.date().isoformat(),
             "start": f"{local:%H:%M}"}
    if db.scalar(overlapping.where(MentorSession.mentor_id == meeting.mentor_id)) is not None:
        raise Conflict("{mentor} already has a session on {day} at {start}: remove the meeting with {startup} or "
                       "solve again.", **names)
    if db.scalar(overlapping.where(MentorSession.organisation_id == meeting.organisation_id)) is not None:
        raise Conflict("{startup} already has a session on {day} at {start}: remove the meeting with {mentor} or "
                       "solve again.", **names)


# -- timetables -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One meeting as the timetables show it, on the venue's clock."""

    meeting: SpeedMeeting
    day: date
    start: str
    end: str
    startup: str
    mentor: str
    room: str


def rows(details: Plan) -> list[Row]:
    rooms = {room.id: room.name for room in details.rooms}
    out = []
    for meeting in details.meetings:
        start, end = local_time(meeting.starts_at, details.venue), local_time(meeting.ends_at, details.venue)
        out.append(Row(meeting, meeting.day, f"{start:%H:%M}", f"{end:%H:%M}",
                       details.startups.get(meeting.organisation_id, ""), details.mentors.get(meeting.mentor_id, ""),
                       rooms.get(meeting.room_id, str(meeting.room_id))))
    return out


def slot_times(details: Plan) -> list[tuple[int, str, str]]:
    """(slot, start, end) of one day, on the venue's clock."""
    plan = details.plan
    start = datetime.combine(date.min, plan.starts_at)
    end = datetime.combine(date.min, plan.ends_at)
    length, period = timedelta(minutes=plan.slot_minutes), timedelta(minutes=plan.slot_minutes
                                                                     + plan.changeover_minutes)
    out, index = [], 0
    while start + length <= end:
        out.append((index, f"{start:%H:%M}", f"{start + length:%H:%M}"))
        start, index = start + period, index + 1
    return out
