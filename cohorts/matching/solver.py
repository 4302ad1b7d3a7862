"""Weekly matching of open session requests to mentors' free time, as a CP-SAT model on plain data.

No database here: the service turns rows into the dataclasses of
`cohorts.matching.week` and the proposals back into sessions, so the model can
be tested and benchmarked alone.

Time is cut into a grid of `grid_minutes` cells (15 by default) counted from
the hour before the earliest free slot. A session starting on the grid holds
every cell that starts inside `[start, end)`; two sessions starting on the grid
overlap exactly when they hold a common cell.

Candidates (the only variables). `x[r, m, t]` is true when request r is
proposed with mentor m at start t. It exists only where it fits: the mentor
can take the request (`fit_points` is not None: language, mode, expertise or
the preferred mentor), has capacity for it, the session lies inside one of the
mentor's free slots, misses the start-up's busy intervals, and, when it must be
in person, lies inside one free window of some room. Starts are taken every
`start_step_minutes`; per request, only the `max_mentors` best-fitting mentors
are kept, which keeps 1,000 requests to about a hundred thousand variables.

Constraints.
- A request is proposed at most once (AddAtMostOne over its candidates).
- A mentor is in one session at a time, and so is a start-up: AddAtMostOne
  over the candidates holding each grid cell where some candidate starts (in an
  interval graph every maximal clique is the set of intervals holding the
  latest start among them, so these cells suffice).
- A mentor's sessions fit in their remaining capacity (minutes this month).
- Rooms: at each such cell, the in-person candidates holding it number at most
  the rooms free at that cell's first minute. Rooms are then assigned after
  solving (`cohorts.matching.candidates`). When every room is free over the same windows
  (e.g. the whole week), this count is exact: sessions are intervals, interval
  graphs are perfect, and giving each session in start order any room left
  free colours them with as many rooms as the largest overlap. When the rooms'
  windows differ the count is a relaxation (each session must also fit one
  room's window, checked per candidate): the assignment is then exact by a
  small CP-SAT model over the chosen sessions, and a session that still gets no
  room is dropped and reported. The bound stays a valid bound either way.

Objective (maximised, integers). Each proposal earns its `match_value`:
urgency x fit (10 for a session at all, +10 per wanted expertise tag the mentor
has, up to three, +5 for the start-up's track, +20 for its preferred mentor).
Fairness: a start-up's first proposal earns FAIRNESS[0] = 200 more, its second
60, its third 20, its fourth 5 (variables y[s, k], sum_k y[s, k] <= proposals
of s; decreasing rewards make the relaxation pick them in order). With fits
below 140 points (urgency at most 2), giving a start-up its first session always
beats giving another its second or third: nobody is left with nothing while
another gets three, unless no fitting time exists for them.

Language is a hard rule (a session in a language the start-up did not ask for
is useless) and so is mode (in person / online). When both sides accept either
mode, the session is proposed online and becomes in person if a room is left
free after the others got theirs.
"""
from __future__ import annotations

import time as timer
from collections import defaultdict

from ortools.sat.python import cp_model

from cohorts.matching.candidates import Candidate, Week, build_result, list_candidates
from cohorts.matching.greedy import greedy_choice
from cohorts.matching.week import FAIRNESS, Busy, Mentor, MentorSlot, Request, RoomWindow, Unmatched, WeeklyResult


# -- the solver ---------------------------------------------------------------------------------------------


def solve_weekly(
    requests: list[Request], mentors: list[Mentor], slots: list[MentorSlot], rooms: list[RoomWindow],
    busy: list[Busy] = (), *, grid_minutes: int = 15, start_step_minutes: int = 30, max_mentors: int | None = 4,
    max_starts: int | None = 3, time_limit: float = 10.0, workers: int = 2, gap_limit: float = 0.0, seed: int = 0,
) -> WeeklyResult:
    """The proposals maximising fit and fairness; see the module docstring for the model.

    The greedy baseline's choice (over every fitting mentor) is in the model and is the solver's
    first hint, so a solution at least as good exists from the start even on a loaded machine.
    """
    began = timer.perf_counter()
    week = Week(requests, mentors, slots, rooms, busy, grid_minutes, start_step_minutes)
    candidates, greedy_ids, reasons = _model_candidates(week, max_mentors, max_starts)
    model = cp_model.CpModel()
    x = [model.NewBoolVar(f"x{i}") for i in range(len(candidates))]
    per_request = _add_constraints(model, week, candidates, x)
    fairness = _maximise(model, week, candidates, x, per_request)
    _add_hints(model, candidates, x, fairness, greedy_ids)
    build_seconds = timer.perf_counter() - began
    solver = _solver(time_limit, workers, gap_limit, seed)
    status = solver.Solve(model)
    solve_seconds = solver.WallTime()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = [c for var, c in zip(x, candidates) if solver.Value(var)]
        bound = solver.BestObjectiveBound()
    else:
        chosen, bound = [], None
    name = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}.get(status, "no_solution")
    return build_result(week, candidates, chosen, reasons, objective_bound=bound, status=name,
                        solve_seconds=solve_seconds, build_seconds=build_seconds, room_limit=time_limit / 4)


def _model_candidates(week: Week, max_mentors: int | None,
                      max_starts: int | None) -> tuple[list[Candidate], set[int], dict[int, Unmatched]]:
    """The candidates the model keeps, the greedy's choice among them (by `id`), and why requests have none."""
    every, reasons = list_candidates(week, None, max_starts)
    # The greedy baseline over every start is the first hint and stays in the model, so the solver's
    # answer is never worse than the baseline's.
    greedy = greedy_choice(week, list_candidates(week, None)[0])
    known = {(c.request.id, c.mentor.id, c.start): c for c in every}
    greedy = [known.setdefault((c.request.id, c.mentor.id, c.start), c) for c in greedy]
    every = list(known.values())
    # The model keeps each request's best `max_mentors` mentors, plus whatever the greedy chose, so the
    # solver starts from the greedy's proposals and can only do better.
    mentors_kept: dict[int, list[int]] = defaultdict(list)
    for c in every:
        kept = mentors_kept[c.request.id]
        if c.mentor.id not in kept and (max_mentors is None or len(kept) < max_mentors):
            kept.append(c.mentor.id)
    greedy_ids = set(map(id, greedy))
    candidates = [c for c in every if c.mentor.id in mentors_kept[c.request.id] or id(c) in greedy_ids]
    return candidates, greedy_ids, reasons


def _add_constraints(model: cp_model.CpModel, week: Week, candidates: list[Candidate],
                     x: list) -> dict[int, list]:
    """One proposal per request, one session at a time per mentor and per start-up, the rooms free, the
    mentors' capacity; returns each request's variables."""
    grid_minutes = week.grid
    per_request: dict[int, list] = defaultdict(list)
    mentor_cells: dict[tuple[int, int], list] = defaultdict(list)
    startup_cells: dict[tuple[int, int], list] = defaultdict(list)
    room_cells: dict[int, list] = defaultdict(list)
    mentor_starts, startup_starts = set(), set()
    load: dict[int, list] = defaultdict(list)
    for var, c in zip(x, candidates):
        per_request[c.request.id].append(var)
        first = c.start // grid_minutes
        mentor_starts.add((c.mentor.id, first))
        startup_starts.add((c.request.startup_id, first))
        for cell in c.cells(grid_minutes):
            mentor_cells[c.mentor.id, cell].append(var)
            startup_cells[c.request.startup_id, cell].append(var)
            if c.room:
                room_cells[cell].append(var)
        load[c.mentor.id].append((c.request.duration_minutes, c.request.id, var))
    for group in per_request.values():
        if len(group) > 1:
            model.AddAtMostOne(group)
    for key in mentor_starts:
        if len(mentor_cells[key]) > 1:
            model.AddAtMostOne(mentor_cells[key])
    for key in startup_starts:
        if len(startup_cells[key]) > 1:
            model.AddAtMostOne(startup_cells[key])
    for cell, group in room_cells.items():  # every cell: the rooms free may drop between two starts
        if len(group) > week.rooms_free.get(cell, 0):
            model.Add(cp_model.LinearExpr.Sum(group) <= week.rooms_free.get(cell, 0))
    for mentor_id, items in load.items():
        # The most the mentor could be given is each request once, at its own duration.
        if sum({rid: minutes for minutes, rid, _ in items}.values()) > week.mentors[mentor_id].capacity_minutes:
            model.Add(cp_model.LinearExpr.WeightedSum([v for _, _, v in items], [m for m, _, _ in items])
                      <= week.mentors[mentor_id].capacity_minutes)
    return per_request


def _maximise(model: cp_model.CpModel, week: Week, candidates: list[Candidate], x: list,
              per_request: dict[int, list]) -> dict[int, list]:
    """The objective: each proposal's value, plus the fairness rewards; returns each start-up's reward variables."""
    rewards, ranks = [], []
    startup_requests: dict[int, list] = defaultdict(list)
    for request in week.requests:
        startup_requests[request.startup_id].extend(per_request.get(request.id, ()))
    for startup_id, matched in startup_requests.items():
        if not matched:
            continue
        count = len({c for c in matched})  # each request at most once, so its candidates sum to 0 or 1
        own = [model.NewBoolVar(f"y{startup_id}_{k}") for k in range(min(count, len(FAIRNESS)))]
        model.Add(cp_model.LinearExpr.Sum(own) <= cp_model.LinearExpr.Sum(matched))
        ranks.extend(own)
        rewards.extend(FAIRNESS[: len(own)])
        startup_requests[startup_id] = own
    model.Maximize(cp_model.LinearExpr.WeightedSum(x + ranks, [c.value for c in candidates] + rewards))
    return startup_requests


def _add_hints(model: cp_model.CpModel, candidates: list[Candidate], x: list, fairness: dict[int, list],
               hint: set[int]) -> None:
    """The greedy's choice as the first solution, its fairness rewards with it."""
    for var, c in zip(x, candidates):
        model.AddHint(var, id(c) in hint)
    served: dict[int, int] = defaultdict(int)
    for c in candidates:
        if id(c) in hint:
            served[c.request.startup_id] += 1
    for startup_id, own in fairness.items():
        for k, var in enumerate(own):
            model.AddHint(var, k < served[startup_id])


def _solver(time_limit: float, workers: int, gap_limit: float, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = gap_limit
    solver.parameters.random_seed = seed
    # Probing spends seconds on a hundred thousand Booleans for little: the model is mostly at-most-ones.
    solver.parameters.cp_model_probing_level = 0
    # Small, short neighbourhoods: the default ones (half the variables, 0.1 s of work) each cost about a
    # second on this model, so the non-LP worker improves the hint only a few times in 10 s. Measured
    # on the bench: +300 to +480 objective points at 10 s on three seeds, the bound unchanged.
    solver.parameters.lns_initial_difficulty = 0.15
    solver.parameters.lns_initial_deterministic_limit = 0.03
    return solver
