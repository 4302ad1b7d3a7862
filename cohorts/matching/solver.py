"""Weekly matching of open session requests to mentors' free time, as a CP-SAT model on plain data.

No database here: the service turns rows into the dataclasses below and the
proposals back into sessions, so the model can be tested and benchmarked alone.

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
  solving (`_assign_rooms`). When every room is free over the same windows
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
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ortools.sat.python import cp_model

from totem.i18n import N_

IN_PERSON, ONLINE, EITHER = "in_person", "online", "either"

BASE_FIT = 10
PER_TAG = 10
MAX_TAGS_COUNTED = 3
TRACK_FIT = 5
PREFERRED_FIT = 20
FAIRNESS = (200, 60, 20, 5)  # earned by a start-up's first, second, third, fourth proposal

# Why a request stayed unmatched; `{language}` and `{minutes}` are filled in by `Unmatched.text`.
REASONS = {
    "no_expertise": N_("No mentor has this expertise."),
    "no_language": N_("No mentor with this expertise speaks {language}."),
    "no_in_person": N_("No mentor with this expertise meets start-ups in person."),
    "no_online": N_("No mentor with this expertise meets start-ups online."),
    "at_capacity": N_("Every fitting mentor is at capacity this month."),
    "no_free_time": N_("No mentor with this expertise has {minutes} minutes free this week."),
    "startup_busy": N_("The start-up is busy whenever the fitting mentors are free."),
    "no_room": N_("No room is free when the fitting mentors are."),
    "capacity_taken": N_("Every fitting mentor reached capacity with other sessions this week."),
    "time_taken": N_("The fitting mentors' free time went to other requests."),
    "rooms_taken": N_("Every room was taken when the fitting mentors are free."),
    "startup_taken": N_("It clashes with the start-up's other proposed sessions."),
    "not_chosen": N_("A fitting time is still free: run the matching again to propose it."),
    "room_lost": N_("No room was left free at the proposed time."),
}


@dataclass(frozen=True)
class Request:
    id: int
    startup_id: int
    duration_minutes: int
    tag_ids: frozenset[int] = frozenset()
    track_id: int | None = None
    language: str | None = None  # wanted; None: any
    preferred_mentor_id: int | None = None
    urgency: float = 1.0  # a weight, 0.5 (low) to 2 (urgent)
    mode: str = EITHER
    declined_mentor_ids: frozenset[int] = frozenset()  # mentors who said no: never proposed again


@dataclass(frozen=True)
class Mentor:
    id: int
    tag_ids: frozenset[int] = frozenset()
    track_ids: frozenset[int] = frozenset()
    languages: frozenset[str] = frozenset()
    capacity_minutes: int = 0  # left this month
    mode: str = EITHER


@dataclass(frozen=True)
class MentorSlot:
    """Free time of a mentor (already without their sessions)."""

    mentor_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class RoomWindow:
    room_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Busy:
    """A start-up's time already taken (its sessions, events)."""

    startup_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Proposal:
    request_id: int
    startup_id: int
    mentor_id: int
    starts_at: datetime
    ends_at: datetime
    room_id: int | None
    mode: str
    value: int  # match_value of the pair


@dataclass(frozen=True)
class Unmatched:
    request_id: int
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The msgid, to translate where it is shown, then format with `params`."""
        return REASONS[self.code]

    @property
    def text(self) -> str:
        return self.message.format(**self.params)


@dataclass
class WeeklyResult:
    proposed: list[Proposal]
    unmatched: list[Unmatched]
    objective: int
    bound: float | None
    gap: float | None
    solve_seconds: float
    status: str  # optimal, feasible, no_solution (time out before any), greedy
    candidates: int = 0
    build_seconds: float = 0.0


# -- the score, shared by the model and the greedy baseline -----------------------------------------------


def modes_meet(request_mode: str, mentor_mode: str) -> bool:
    return EITHER in (request_mode, mentor_mode) or request_mode == mentor_mode


def needs_room(request: Request, mentor: Mentor) -> bool:
    return IN_PERSON in (request.mode, mentor.mode)


def fit_points(request: Request, mentor: Mentor) -> int | None:
    """Fit of a mentor for a request, or None when the mentor cannot take it."""
    if mentor.id in request.declined_mentor_ids:
        return None
    preferred = request.preferred_mentor_id == mentor.id
    overlap = len(request.tag_ids & mentor.tag_ids)
    if request.tag_ids and not overlap and not preferred:
        return None
    if request.language is not None and request.language not in mentor.languages:
        return None
    if not modes_meet(request.mode, mentor.mode):
        return None
    points = BASE_FIT + PER_TAG * min(overlap, MAX_TAGS_COUNTED)
    if request.track_id is not None and request.track_id in mentor.track_ids:
        points += TRACK_FIT
    if preferred:
        points += PREFERRED_FIT
    return points


def match_value(request: Request, mentor: Mentor) -> int | None:
    points = fit_points(request, mentor)
    return None if points is None else round(request.urgency * points)


def weekly_score(proposals: list[Proposal]) -> int:
    """Total value of the proposals plus each start-up's fairness rewards."""
    per_startup: dict[int, int] = defaultdict(int)
    for proposal in proposals:
        per_startup[proposal.startup_id] += 1
    return sum(p.value for p in proposals) + sum(sum(FAIRNESS[:n]) for n in per_startup.values())


# -- candidates ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    request: Request
    mentor: Mentor
    start: int  # minutes from the origin
    end: int
    value: int
    room: bool  # must be in person

    def cells(self, grid: int) -> range:
        return range(self.start // grid, -(-self.end // grid))


class _Week:
    """The instance in minutes from an origin, with the lookups candidate generation needs."""

    def __init__(self, requests, mentors, slots, rooms, busy, grid, step):
        if step % grid:
            raise ValueError("start_step_minutes must be a multiple of grid_minutes")
        self.grid, self.step = grid, step
        moments = [s.starts_at for s in slots] + [w.starts_at for w in rooms] + [b.starts_at for b in busy]
        first = min(moments) if moments else datetime(2000, 1, 3)
        self.origin = first.replace(minute=0, second=0, microsecond=0)
        self.requests = list(requests)
        self.mentors = {m.id: m for m in mentors}
        self.free: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for slot in slots:
            self.free[slot.mentor_id].append((self.minute(slot.starts_at), self.minute(slot.ends_at)))
        self.busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for item in busy:
            self.busy[item.startup_id].append((self.minute(item.starts_at), self.minute(item.ends_at)))
        self.room_windows = []
        spans: dict[int, list[list[int]]] = defaultdict(list)
        for w in sorted(rooms, key=lambda w: (w.room_id, w.starts_at)):
            start, end = self.minute(w.starts_at), self.minute(w.ends_at)
            if spans[w.room_id] and start <= spans[w.room_id][-1][1]:  # adjacent windows are one free span
                spans[w.room_id][-1][1] = max(end, spans[w.room_id][-1][1])
            else:
                spans[w.room_id].append([start, end])
        self.room_windows = [(room_id, s, e) for room_id, items in spans.items() for s, e in items]
        # For a grid start: the latest end of a room window holding it, and how many rooms are free then.
        self.room_reach: dict[int, int] = {}
        self.rooms_free: dict[int, int] = defaultdict(int)
        for room_id, start, end in self.room_windows:
            first_cell = -(-start // grid)
            for cell in range(first_cell, -(-end // grid)):
                self.room_reach[cell] = max(self.room_reach.get(cell, 0), end)
        counted: dict[int, set[int]] = defaultdict(set)
        for room_id, start, end in self.room_windows:
            for cell in range(-(-start // grid), -(-end // grid)):
                counted[cell].add(room_id)
        self.rooms_free = {cell: len(ids) for cell, ids in counted.items()}

    def needs_room_of(self, proposal: Proposal) -> bool:
        return proposal.mode == IN_PERSON

    def minute(self, moment: datetime) -> int:
        return int((moment - self.origin).total_seconds() // 60)

    def moment(self, minute: int) -> datetime:
        return self.origin + timedelta(minutes=minute)

    def starts(self, mentor_id: int, duration: int):
        for start, end in self.free.get(mentor_id, ()):
            first = -(-start // self.step) * self.step
            for begin in range(first, end - duration + 1, self.step):
                yield begin

    def startup_free(self, startup_id: int, start: int, end: int) -> bool:
        return all(e <= start or end <= s for s, e in self.busy.get(startup_id, ()))

    def room_fits(self, start: int, end: int) -> bool:
        return self.room_reach.get(start // self.grid, -1) >= end


def _candidates(week: _Week, max_mentors: int | None, max_starts: int | None = None):
    """Every fitting (request, mentor, start), and for a request without any, why."""
    by_tag: dict[int, set[int]] = defaultdict(set)
    for mentor in week.mentors.values():
        for tag in mentor.tag_ids:
            by_tag[tag].add(mentor.id)
    candidates: list[_Candidate] = []
    reasons: dict[int, Unmatched] = {}
    for request in week.requests:
        if request.tag_ids:
            ids = set().union(*(by_tag.get(tag, set()) for tag in request.tag_ids))
            if request.preferred_mentor_id in week.mentors:
                ids.add(request.preferred_mentor_id)
        else:
            ids = set(week.mentors)
        # How far the request got through the filters: the reason names the first one nothing passed.
        stage = 0  # index in _STAGES
        fitting: list[tuple[int, Mentor]] = []
        for mentor_id in sorted(ids - request.declined_mentor_ids):
            mentor = week.mentors[mentor_id]
            stage = max(stage, 1)  # no_language
            if request.language is not None and request.language not in mentor.languages:
                continue
            stage = max(stage, 2)  # no_mode
            if not modes_meet(request.mode, mentor.mode):
                continue
            stage = max(stage, 3)  # at_capacity
            if mentor.capacity_minutes < request.duration_minutes:
                continue
            stage = max(stage, 4)  # no_free_time
            fitting.append((match_value(request, mentor), mentor))
        fitting.sort(key=lambda pair: (-pair[0], pair[1].id))
        kept = 0
        for value, mentor in fitting:
            room = needs_room(request, mentor)
            found = []
            for start in week.starts(mentor.id, request.duration_minutes):
                end = start + request.duration_minutes
                stage = max(stage, 5)  # startup_busy
                if not week.startup_free(request.startup_id, start, end):
                    continue
                stage = max(stage, 6)  # no_room
                if room and not week.room_fits(start, end):
                    continue
                found.append(_Candidate(request, mentor, start, end, value, room))
            if found:
                if max_starts is not None and len(found) > max_starts:
                    # Spread over the week rather than the first ones: the choice of days stays open.
                    found = [found[round(i * (len(found) - 1) / max(1, max_starts - 1))] for i in range(max_starts)]
                candidates.extend(found)
                kept += 1
                if max_mentors is not None and kept >= max_mentors:
                    break
        if not kept:
            reasons[request.id] = _reason(request, _STAGES[stage])
    return candidates, reasons


_STAGES = ("no_expertise", "no_language", "no_mode", "at_capacity", "no_free_time", "startup_busy", "no_room")


def _reason(request: Request, stage: str) -> Unmatched:
    if stage == "no_expertise":
        return Unmatched(request.id, "no_expertise")
    if stage == "no_language":
        return Unmatched(request.id, "no_language", {"language": request.language})
    if stage == "no_mode":
        return Unmatched(request.id, "no_in_person" if request.mode == IN_PERSON else "no_online")
    if stage == "at_capacity":
        return Unmatched(request.id, "at_capacity")
    if stage == "no_free_time":
        return Unmatched(request.id, "no_free_time", {"minutes": request.duration_minutes})
    if stage == "startup_busy":
        return Unmatched(request.id, "startup_busy")
    return Unmatched(request.id, "no_room")


# -- after choosing: rooms and reasons ----------------------------------------------------------------------


def _assign_rooms(week: _Week, chosen: list[_Candidate], time_limit: float) -> tuple[dict, list[_Candidate]]:
    """A room for every chosen in-person session, then for "either" ones while rooms are left.

    Returns {candidate index: room id} and the in-person sessions that got none.
    """
    windows: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for room_id, start, end in week.room_windows:
        windows[room_id].append((start, end))
    taken: dict[int, list[tuple[int, int]]] = defaultdict(list)

    def free_rooms(c: _Candidate):
        for room_id, spans in windows.items():
            if any(s <= c.start and c.end <= e for s, e in spans) and all(
                e <= c.start or c.end <= s for s, e in taken[room_id]
            ):
                yield room_id, min(e for s, e in spans if s <= c.start and c.end <= e)

    rooms: dict[int, int] = {}
    needing = sorted((i for i, c in enumerate(chosen) if c.room), key=lambda i: (chosen[i].start, chosen[i].end))
    failed = []
    for i in needing:
        # Best fit: the room whose free window closes soonest keeps the long windows for later sessions.
        options = sorted(free_rooms(chosen[i]), key=lambda pair: (pair[1], pair[0]))
        if options:
            rooms[i] = options[0][0]
            taken[options[0][0]].append((chosen[i].start, chosen[i].end))
        else:
            failed.append(i)
    if failed:
        rooms = _assign_rooms_exactly(windows, chosen, needing, time_limit)
        taken = defaultdict(list)
        for i, room_id in rooms.items():
            taken[room_id].append((chosen[i].start, chosen[i].end))
        failed = [i for i in needing if i not in rooms]
    for i in sorted((i for i, c in enumerate(chosen) if not c.room), key=lambda i: chosen[i].start):
        if chosen[i].request.mode == EITHER and chosen[i].mentor.mode == EITHER:
            options = sorted(free_rooms(chosen[i]), key=lambda pair: (pair[1], pair[0]))
            if options:
                rooms[i] = options[0][0]
                taken[options[0][0]].append((chosen[i].start, chosen[i].end))
    return rooms, [chosen[i] for i in failed]


def _assign_rooms_exactly(windows, chosen, needing, time_limit) -> dict[int, int]:
    """Most valuable sessions given rooms, when the windows differ and best fit left some out."""
    model = cp_model.CpModel()
    var: dict[tuple[int, int], cp_model.IntVar] = {}
    for i in needing:
        c = chosen[i]
        for room_id, spans in windows.items():
            if any(s <= c.start and c.end <= e for s, e in spans):
                var[i, room_id] = model.NewBoolVar("")
    for i in needing:
        model.AddAtMostOne([v for (j, _), v in var.items() if j == i])
    per_room: dict[int, list[int]] = defaultdict(list)
    for i, room_id in var:
        per_room[room_id].append(i)
    for room_id, sessions in per_room.items():
        for a in sessions:
            clash = [var[b, room_id] for b in sessions if chosen[b].start <= chosen[a].start < chosen[b].end]
            if len(clash) > 1:
                model.AddAtMostOne(clash)
    model.Maximize(sum(chosen[i].value * v for (i, _), v in var.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(1.0, time_limit)
    solver.parameters.num_workers = 2
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {}
    return {i: room_id for (i, room_id), v in var.items() if solver.Value(v)}


def _why_not(week: _Week, request: Request, options: list[_Candidate], chosen: list[_Candidate],
             room_use: dict[int, list[tuple[int, int]]]) -> Unmatched:
    """Why none of a request's candidates could be added to the chosen sessions (rooms as assigned)."""
    used: dict[int, int] = defaultdict(int)
    for c in chosen:
        used[c.mentor.id] += c.request.duration_minutes
    grid = week.grid
    mentor_cells = {(c.mentor.id, cell) for c in chosen for cell in c.cells(grid)}
    startup_cells = {(c.request.startup_id, cell) for c in chosen for cell in c.cells(grid)}
    blocks = []
    for c in options:
        cells = c.cells(grid)
        blocked = set()
        if used[c.mentor.id] + request.duration_minutes > c.mentor.capacity_minutes:
            blocked.add("capacity_taken")
        if any((c.mentor.id, cell) in mentor_cells for cell in cells):
            blocked.add("time_taken")
        if c.room and not any(
            room_start <= c.start and c.end <= room_end
            and all(e <= c.start or c.end <= s for s, e in room_use.get(room_id, ()))
            for room_id, room_start, room_end in week.room_windows
        ):
            blocked.add("rooms_taken")
        if any((request.startup_id, cell) in startup_cells for cell in cells):
            blocked.add("startup_taken")
        blocks.append(blocked)
    # The most telling block that every candidate shares, mentors' limits first.
    for code, causes in (
        ("capacity_taken", {"capacity_taken"}),
        ("time_taken", {"capacity_taken", "time_taken"}),
        ("rooms_taken", {"capacity_taken", "time_taken", "rooms_taken"}),
        ("startup_taken", {"capacity_taken", "time_taken", "rooms_taken", "startup_taken"}),
    ):
        if blocks and all(b & causes for b in blocks):
            return Unmatched(request.id, code)
    return Unmatched(request.id, "not_chosen")


def _result(week, candidates, chosen, reasons, *, objective_bound, status, solve_seconds, build_seconds, room_limit):
    rooms, lost = _assign_rooms(week, chosen, room_limit)
    lost_ids = {c.request.id for c in lost}
    proposed = []
    for i, c in enumerate(chosen):
        if c.request.id in lost_ids:
            continue
        room = rooms.get(i)
        proposed.append(Proposal(
            request_id=c.request.id, startup_id=c.request.startup_id, mentor_id=c.mentor.id,
            starts_at=week.moment(c.start), ends_at=week.moment(c.end), room_id=room,
            mode=IN_PERSON if room is not None else ONLINE, value=c.value,
        ))
    kept = [c for c in chosen if c.request.id not in lost_ids]
    room_use: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for p in proposed:
        if p.room_id is not None and week.needs_room_of(p):
            room_use[p.room_id].append((week.minute(p.starts_at), week.minute(p.ends_at)))
    options: dict[int, list[_Candidate]] = defaultdict(list)
    for c in candidates:
        options[c.request.id].append(c)
    matched = {p.request_id for p in proposed}
    unmatched = []
    for request in week.requests:
        if request.id in matched:
            continue
        if request.id in lost_ids:
            unmatched.append(Unmatched(request.id, "room_lost"))
        elif request.id in reasons:
            unmatched.append(reasons[request.id])
        else:
            unmatched.append(_why_not(week, request, options[request.id], kept, room_use))
    objective = weekly_score(proposed)
    gap = None if objective_bound is None else (objective_bound - objective) / max(1.0, abs(objective_bound))
    return WeeklyResult(proposed, unmatched, objective, objective_bound, gap, solve_seconds, status,
                        len(candidates), build_seconds)


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
    week = _Week(requests, mentors, slots, rooms, busy, grid_minutes, start_step_minutes)
    every, reasons = _candidates(week, None, max_starts)
    # The greedy baseline over every start is the first hint and stays in the model, so the solver's
    # answer is never worse than the baseline's.
    greedy = _greedy_choice(week, _candidates(week, None)[0])
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
    model = cp_model.CpModel()
    x = [model.NewBoolVar(f"x{i}") for i in range(len(candidates))]
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

    hint = greedy_ids
    for var, c in zip(x, candidates):
        model.AddHint(var, id(c) in hint)
    served: dict[int, int] = defaultdict(int)
    for c in candidates:
        if id(c) in hint:
            served[c.request.startup_id] += 1
    for startup_id, own in startup_requests.items():
        for k, var in enumerate(own):
            model.AddHint(var, k < served[startup_id])
    build_seconds = timer.perf_counter() - began

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
    status = solver.Solve(model)
    solve_seconds = solver.WallTime()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = [c for var, c in zip(x, candidates) if solver.Value(var)]
        bound = solver.BestObjectiveBound()
    else:
        chosen, bound = [], None
    name = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}.get(status, "no_solution")
    return _result(week, candidates, chosen, reasons, objective_bound=bound, status=name,
                   solve_seconds=solve_seconds, build_seconds=build_seconds, room_limit=time_limit / 4)


def _greedy_choice(week: _Week, candidates: list[_Candidate]) -> list[_Candidate]:
    """Start-ups take turns; each turn places the start-up's best request at its best free candidate."""
    grid = week.grid
    options: dict[int, list[_Candidate]] = defaultdict(list)
    for c in candidates:
        options[c.request.id].append(c)
    for group in options.values():
        group.sort(key=lambda c: (-c.value, c.start, c.mentor.id))
    pending: dict[int, list[Request]] = defaultdict(list)
    for request in sorted(week.requests, key=lambda r: -(options[r.id][0].value if options[r.id] else 0)):
        if options[request.id]:
            pending[request.startup_id].append(request)
    used: dict[int, int] = defaultdict(int)
    mentor_cells, startup_cells = set(), set()
    room_taken: dict[int, list[tuple[int, int]]] = defaultdict(list)
    room_spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for room_id, start, end in week.room_windows:
        room_spans[room_id].append((start, end))

    def place(c: _Candidate) -> bool:
        cells = c.cells(grid)
        if used[c.mentor.id] + c.request.duration_minutes > c.mentor.capacity_minutes:
            return False
        if any((c.mentor.id, cell) in mentor_cells for cell in cells):
            return False
        if any((c.request.startup_id, cell) in startup_cells for cell in cells):
            return False
        if c.room:
            room = next((room_id for room_id, spans in room_spans.items()
                         if any(s <= c.start and c.end <= e for s, e in spans)
                         and all(e <= c.start or c.end <= s for s, e in room_taken[room_id])), None)
            if room is None:
                return False
            room_taken[room].append((c.start, c.end))
        used[c.mentor.id] += c.request.duration_minutes
        mentor_cells.update((c.mentor.id, cell) for cell in cells)
        startup_cells.update((c.request.startup_id, cell) for cell in cells)
        return True

    chosen: list[_Candidate] = []
    while pending:
        for startup_id in sorted(pending, key=lambda s: (-options[pending[s][0].id][0].value, s)):
            while pending[startup_id]:
                request = pending[startup_id].pop(0)
                placed = next((c for c in options[request.id] if place(c)), None)
                if placed is not None:
                    chosen.append(placed)
                    break
        pending = {s: queue for s, queue in pending.items() if queue}
    return chosen


def greedy_weekly(
    requests: list[Request], mentors: list[Mentor], slots: list[MentorSlot], rooms: list[RoomWindow],
    busy: list[Busy] = (), *, grid_minutes: int = 15, start_step_minutes: int = 30,
) -> WeeklyResult:
    """The baseline, scored like the model: every fitting mentor considered, start-ups taking turns."""
    began = timer.perf_counter()
    week = _Week(requests, mentors, slots, rooms, busy, grid_minutes, start_step_minutes)
    candidates, reasons = _candidates(week, None)
    chosen = _greedy_choice(week, candidates)
    return _result(week, candidates, chosen, reasons, objective_bound=None, status="greedy",
                   solve_seconds=timer.perf_counter() - began, build_seconds=0.0, room_limit=1.0)
