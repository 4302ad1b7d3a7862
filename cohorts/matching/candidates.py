"""The candidates of the weekly matching: every fitting (request, mentor, start) on the week's grid, the reasons
a request has none, and after choosing, the rooms given to the chosen sessions and why the others were left.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from ortools.sat.python import cp_model

from cohorts.matching.week import (
    EITHER,
    IN_PERSON,
    ONLINE,
    Mentor,
    Proposal,
    Request,
    Unmatched,
    WeeklyResult,
    match_value,
    modes_meet,
    needs_room,
    weekly_score,
)


# -- candidates ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    request: Request
    mentor: Mentor
    start: int  # minutes from the origin
    end: int
    value: int
    room: bool  # must be in person

    def cells(self, grid: int) -> range:
        return range(self.start // grid, -(-self.end // grid))


class Week:
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


def list_candidates(week: Week, max_mentors: int | None, max_starts: int | None = None):
    """Every fitting (request, mentor, start), and for a request without any, why."""
    by_tag: dict[int, set[int]] = defaultdict(set)
    for mentor in week.mentors.values():
        for tag in mentor.tag_ids:
            by_tag[tag].add(mentor.id)
    candidates: list[Candidate] = []
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
                found.append(Candidate(request, mentor, start, end, value, room))
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


def _assign_rooms(week: Week, chosen: list[Candidate], time_limit: float) -> tuple[dict, list[Candidate]]:
    """A room for every chosen in-person session, then for "either" ones while rooms are left.

    Returns {candidate index: room id} and the in-person sessions that got none.
    """
    windows: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for room_id, start, end in week.room_windows:
        windows[room_id].append((start, end))
    taken: dict[int, list[tuple[int, int]]] = defaultdict(list)

    def free_rooms(c: Candidate):
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


def _why_not(week: Week, request: Request, options: list[Candidate], chosen: list[Candidate],
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


def build_result(week, candidates, chosen, reasons, *, objective_bound, status, solve_seconds, build_seconds,
                 room_limit):
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
    options: dict[int, list[Candidate]] = defaultdict(list)
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
