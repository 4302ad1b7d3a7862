"""A speed-meeting day's timetable: solved by `cohorts.speed_meeting.solver` from the plan's rows (the model knows
nothing of the database), edited by hand (pin, remove, swap), and shown on the venue's clock.
Services flush, never commit.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cohorts.mentoring.enums import BUSY_SESSIONS
from cohorts.mentoring.models import MentorSession
from cohorts.programs.labels import SOLVER_STATUS_LABELS
from cohorts.speed_meeting import instance, solver
from cohorts.speed_meeting.models import SpeedMeeting, SpeedMeetingPlan, SpeedMeetingRemoval
from cohorts.speed_meeting.plans import Plan, editable_plan, load
from spaces.booking import hosted
from spaces.venues.rules import local_moment, local_time
from totem import audit
from totem.errors import Conflict, Invalid, NotFound
from totem.i18n import N_, said
from totem.identity.models import User


TIME_LIMIT_SECONDS = 20.0
# Problems met around the model, in the same shape as the model's (`cohorts.speed_meeting.instance.PROBLEMS`).
PROBLEMS = {
    "room_busy": N_("Room {room} is not free all day on {day}: it was left out."),
    "no_room": N_("No room is free for the whole day: choose other rooms."),
    "no_startup": N_("The cohort has no enrolled start-up."),
    "no_mentor": N_("No mentor takes part yet."),
    "no_solution": N_("The solver found no timetable in the time given: try again, or pin fewer meetings."),
}


def problem_message(entry: dict) -> str:
    """The msgid of a stored problem, to translate where it is shown with its `params`."""
    return PROBLEMS.get(entry["code"]) or instance.PROBLEMS[entry["code"]]


# -- solving --------------------------------------------------------------------------------------


def solve(db: Session, *, actor: User, cohort_id: int, now: datetime,
          time_limit: float | None = None) -> SpeedMeetingPlan:
    """Build the timetable around the pins and without the removed pairs, from the current one as a hint; keep
    the solver's figures and the problems met. When no timetable comes out, the current one stays."""
    cohort, plan = editable_plan(db, actor, cohort_id)
    details = load(db, cohort)
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
    result = _run_solver(db, details, rooms, time_limit)
    problems += [{"code": p.code, "params": {k: str(v) for k, v in p.params.items()}} for p in result.problems]
    if result.status == "no_solution":
        problems.append({"code": "no_solution", "params": {}})
    plan.solve_status, plan.problems = result.status, problems
    plan.solve_seconds = round(result.solve_seconds, 3)
    if result.meetings:
        _replace_meetings(db, details, result)
    db.flush()
    audit.record(db, actor=actor, action="speed_meeting.solve", obj=plan, now=now,
                 summary=said(N_("{meetings} meetings ({status}, gap {gap})"), meetings=len(result.meetings),
                              status=[SOLVER_STATUS_LABELS.get(result.status, result.status)],
                              gap=f"{result.gap:.0%}" if result.gap is not None else "—"))
    return plan


def _run_solver(db: Session, details: Plan, rooms: list[int],
                time_limit: float | None) -> instance.SpeedMeetingResult:
    """The plan's rows as the model's plain data, solved from the current timetable as a hint."""
    plan, venue = details.plan, details.venue
    days = [instance.Day(local_moment(day, plan.starts_at, venue), local_moment(day, plan.ends_at, venue))
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
            must_meet.append(instance.MustMeet(preference.organisation_id, preference.mentor_id, preference.side))
    current = [instance.Meeting(m.organisation_id, m.mentor_id, day_index[m.day], m.slot, m.room_id,
                                m.starts_at, m.ends_at, m.pinned) for m in details.meetings]
    return solver.solve_speed_meeting(
        list(details.startups), list(details.mentors), days, _mentor_hours(db, details), rooms,
        slot_minutes=plan.slot_minutes, changeover_minutes=plan.changeover_minutes,
        startup_ranks=dict(ranks["startup"]), mentor_ranks=dict(ranks["mentor"]), must_meet=must_meet,
        pins=[instance.Pin(m.startup_id, m.mentor_id, m.day, m.slot, m.room) for m in current if m.pinned],
        removed=[(r.organisation_id, r.mentor_id) for r in details.removed], hint=current,
        time_limit=TIME_LIMIT_SECONDS if time_limit is None else time_limit,
        startup_names=details.startups, mentor_names=details.mentors,
    )


def _replace_meetings(db: Session, details: Plan, result: instance.SpeedMeetingResult) -> None:
    """The solved meetings take the place of the current ones, with the solver's figures."""
    plan = details.plan
    plan.objective, plan.bound, plan.gap = result.objective, result.bound, result.gap
    db.execute(delete(SpeedMeeting).where(SpeedMeeting.plan_id == plan.id))
    db.flush()
    for meeting in result.meetings:
        db.add(SpeedMeeting(plan_id=plan.id, organisation_id=meeting.startup_id, mentor_id=meeting.mentor_id,
                            day=details.days[meeting.day], slot=meeting.slot, room_id=meeting.room,
                            starts_at=meeting.starts_at.astimezone(UTC), ends_at=meeting.ends_at.astimezone(UTC),
                            pinned=meeting.pinned))


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


def _mentor_hours(db: Session, details: Plan) -> list[instance.MentorHours]:
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
        hours.extend(instance.MentorHours(mentor_id, a, b) for a, b in pieces)
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
    _, plan = editable_plan(db, actor, cohort_id)
    meeting = _meeting(db, plan, meeting_id)
    meeting.pinned = pinned
    plan.updated_at = now
    db.flush()
    return meeting


def remove_meeting(db: Session, *, actor: User, cohort_id: int, meeting_id: int, now: datetime) -> SpeedMeetingRemoval:
    """Take the meeting out; the pair is not put back when solving again."""
    _, plan = editable_plan(db, actor, cohort_id)
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
    _, plan = editable_plan(db, actor, cohort_id)
    db.execute(delete(SpeedMeetingRemoval).where(SpeedMeetingRemoval.plan_id == plan.id,
                                                 SpeedMeetingRemoval.organisation_id == organisation_id,
                                                 SpeedMeetingRemoval.mentor_id == mentor_id))
    plan.updated_at = now
    db.flush()
    return plan


def swap_meetings(db: Session, *, actor: User, cohort_id: int, meeting_id: int, other_id: int,
                  now: datetime) -> tuple[SpeedMeeting, SpeedMeeting]:
    """Exchange two meetings' slots and rooms; both are pinned there, since a manager chose them."""
    cohort, plan = editable_plan(db, actor, cohort_id)
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
