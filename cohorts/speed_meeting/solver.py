"""The speed-meeting day ("mentor madness") timetable, as a CP-SAT model on plain data.

Each day, from its start, is cut into slots of `slot_minutes` followed by a
change-over of `changeover_minutes`. A mentor can meet in a slot that lies
inside one of their hours; start-ups are there all day.

Variables. `x[s, m, t]` is true when start-up s meets mentor m in slot t; it
exists only where the mentor is available and the pair was not removed by a
manager. `y[s, k]` is true when start-up s has at least k meetings.

Constraints.
- Nobody is in two places at once: at most one meeting per start-up and per
  mentor in each slot (AddAtMostOne).
- A pair meets at most once (AddAtMostOne over its slots).
- A room per meeting: at most as many meetings as rooms in each slot (and,
  redundant but it tightens the relaxation, all meetings at most the sum over
  slots of min(rooms, start-ups, mentors available)). Every
  room is free all day, so any slot's meetings get distinct rooms after
  solving; a mentor keeps their room from one slot to the next when possible.
- Must-meet pairs meet (sum of their x = 1); pins are fixed to 1 with their room.
- sum_k y[s, k] <= meetings of s.

Objective (maximised). Fairness first: start-up s's k-th meeting earns
STEP x (slots + 1 - k), so each further meeting is worth STEP less than the
one before. Moving a meeting from a start-up with more meetings to one with
at least two fewer gains STEP or more, more than any difference in
preferences (at most 2 x TOP_RANK points): the meetings come out balanced to
within one unless availability forbids it, and more meetings are always
better. Then preferences: a pair earns (TOP_RANK - rank) points from each
side's ranking (rank 0 is the first choice) and MUST_MEET_BONUS if either side
asked for it.

Infeasible inputs are explained before solving: pins that clash (a person or a
room twice in a slot, more pins than rooms, a pinned mentor not available, a
pinned pair removed) stop the run; must-meet pairs that cannot be met (no
common free slot, removed, more must-meets than free slots) are reported and
kept only as a bonus. If the solver still proves the must-meets infeasible,
a second solve with each must-meet as an assumption names a sufficient set of
them (SufficientAssumptionsForInfeasibility); they are reported, made a bonus,
and the timetable is solved again.
"""
from __future__ import annotations

import time as timer
from collections import defaultdict

from ortools.sat.python import cp_model

from cohorts.speed_meeting.feasibility import must_meet_problems, pin_problems
from cohorts.speed_meeting.greedy import greedy_choice
from cohorts.speed_meeting.instance import (
    Day,
    Instance,
    Meeting,
    MentorHours,
    MustMeet,
    Pin,
    Problem,
    SpeedMeetingResult,
)


def _build(day: Instance, fixed: dict, enforced: set, *, as_assumptions: bool = False):
    """The model; with `as_assumptions`, each must-meet and pin holds through an assumption literal instead."""
    model = cp_model.CpModel()
    x = {}
    for (s, m) in day.value:
        for t in day.available[m]:
            x[s, m, t] = model.NewBoolVar(f"x{s}_{m}_{t}")
    per_startup_slot, per_mentor_slot, per_pair, per_slot = (defaultdict(list) for _ in range(4))
    for (s, m, t), var in x.items():
        per_startup_slot[s, t].append(var)
        per_mentor_slot[m, t].append(var)
        per_pair[s, m].append(var)
        per_slot[t].append(var)
    for group in (*per_startup_slot.values(), *per_mentor_slot.values(), *per_pair.values()):
        if len(group) > 1:
            model.AddAtMostOne(group)
    caps = {}
    for t, group in per_slot.items():
        # Redundant but it makes the relaxation see at once how many meetings the day can hold at most.
        caps[t] = min(len(day.rooms), len(day.startups), sum(1 for m in day.mentors if t in day.available[m]))
        if len(group) > caps[t]:
            model.Add(cp_model.LinearExpr.Sum(group) <= caps[t])
    if len(x) > sum(caps.values()):
        model.Add(cp_model.LinearExpr.Sum(list(x.values())) <= sum(caps.values()))
    assumptions, literals = {}, []
    for key in fixed:
        if as_assumptions:
            assumptions[x[key].Index()] = ("pin", key)
        else:
            model.Add(x[key] == 1)
    for pair in sorted(enforced):
        if as_assumptions:
            literal = model.NewBoolVar(f"must{pair}")
            model.Add(cp_model.LinearExpr.Sum(per_pair[pair]) == 1).OnlyEnforceIf(literal)
            assumptions[literal.Index()] = ("must", pair)
            literals.append(literal)
        else:
            model.Add(cp_model.LinearExpr.Sum(per_pair[pair]) == 1)
    if as_assumptions:
        model.AddAssumptions([x[key] for key in fixed] + literals)
        return model, x, {}, assumptions
    y = {}
    for s in day.startups:
        meetings = [var for (s2, _, _), var in x.items() if s2 == s]
        reachable = min(len(meetings), len(day.slots), len(day.mentors))
        own = [model.NewBoolVar(f"y{s}_{k}") for k in range(1, reachable + 1)]
        if own:
            model.Add(cp_model.LinearExpr.Sum(own) <= cp_model.LinearExpr.Sum(meetings))
        for k, var in enumerate(own, start=1):
            y[s, k] = var
    keys = list(x)
    model.Maximize(cp_model.LinearExpr.WeightedSum(
        [x[key] for key in keys] + list(y.values()),
        [day.value[key[0], key[1]] for key in keys] + [day.meeting_reward(k) for _, k in y],
    ))
    return model, x, y, {}


def _conflicting_must_meets(day: Instance, fixed: dict, enforced: set, time_limit: float) -> tuple[set, bool]:
    """A set of must-meet pairs that cannot hold together (and whether pins are part of the conflict)."""
    model, _, _, assumptions = _build(day, fixed, enforced, as_assumptions=True)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # cores of assumptions are reported by the single-thread search
    solver.parameters.max_time_in_seconds = time_limit
    if solver.Solve(model) != cp_model.INFEASIBLE:
        return set(), False
    core = [assumptions[i] for i in solver.SufficientAssumptionsForInfeasibility() if i in assumptions]
    return {key for kind, key in core if kind == "must"}, any(kind == "pin" for kind, _ in core)


def solve_speed_meeting(
    startups: list[int], mentors: list[int], days: list[Day], hours: list[MentorHours], rooms: int | list,
    *, slot_minutes: int = 20, changeover_minutes: int = 5,
    startup_ranks: dict[int, list[int]] | None = None, mentor_ranks: dict[int, list[int]] | None = None,
    must_meet: list[MustMeet] = (), pins: list[Pin] = (), removed: list[tuple[int, int]] = (),
    hint: list[Meeting] = (), time_limit: float = 30.0, workers: int = 2, gap_limit: float = 0.0, seed: int = 0,
    startup_names: dict[int, str] | None = None, mentor_names: dict[int, str] | None = None,
) -> SpeedMeetingResult:
    """The timetable maximising fairness then preferences; see the module docstring for the model.

    `hint`: the previous timetable, when re-solving around pins.
    """
    began = timer.perf_counter()
    day = Instance(startups, mentors, days, hours, rooms, slot_minutes, changeover_minutes, startup_ranks,
                   mentor_ranks, must_meet, removed, startup_names, mentor_names)
    problems, fixed = pin_problems(day, list(pins))
    if problems:
        return SpeedMeetingResult([], 0, None, None, 0.0, "infeasible", problems)
    must_problems, enforced = must_meet_problems(day, list(must_meet), fixed)
    problems.extend(must_problems)
    while True:
        model, x, y, _ = _build(day, fixed, enforced)
        if not hint:  # the greedy timetable, so that a good solution exists from the start
            for key in greedy_choice(day, fixed):
                if key in x:
                    model.AddHint(x[key], True)
        for meeting in hint:
            key = (meeting.startup_id, meeting.mentor_id, day.slot_of.get((meeting.day, meeting.slot)))
            if key in x:
                model.AddHint(x[key], True)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(1.0, time_limit - (timer.perf_counter() - began))
        solver.parameters.num_workers = workers
        solver.parameters.relative_gap_limit = gap_limit
        solver.parameters.random_seed = seed
        status = solver.Solve(model)
        if status != cp_model.INFEASIBLE:
            break
        culprits, pins_involved = _conflicting_must_meets(day, fixed, enforced, max(1.0, time_limit / 4))
        if not culprits:
            code = "pins_clash" if pins_involved or fixed else "must_meet_conflict"
            return SpeedMeetingResult([], 0, None, None, timer.perf_counter() - began, "infeasible",
                                      problems + [Problem(code)])
        for s, m in sorted(culprits):
            problems.append(Problem("must_meet_conflict", {"startup": day.startup(s), "mentor": day.mentor(m)}))
        enforced -= culprits
    seconds = timer.perf_counter() - began
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SpeedMeetingResult([], 0, None, None, seconds, "no_solution", problems, len(x))
    chosen = [key for key, var in x.items() if solver.Value(var)]
    meetings = day.meetings(chosen, fixed)
    objective = day.score(meetings)
    bound = solver.BestObjectiveBound()
    return SpeedMeetingResult(
        meetings, objective, bound, (bound - objective) / max(1.0, abs(bound)), solver.WallTime(),
        "optimal" if status == cp_model.OPTIMAL else "feasible", problems, len(x),
    )
