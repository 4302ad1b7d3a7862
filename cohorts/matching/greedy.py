"""The greedy baseline of the weekly matching: start-ups take turns, each placing its best request at its best
free candidate. The model starts from its choice, and the bench compares the two.
"""
from __future__ import annotations

import time as timer
from collections import defaultdict

from cohorts.matching.candidates import Candidate, Week, build_result, list_candidates
from cohorts.matching.week import Busy, Mentor, MentorSlot, Request, RoomWindow, WeeklyResult


def greedy_choice(week: Week, candidates: list[Candidate]) -> list[Candidate]:
    """Start-ups take turns; each turn places the start-up's best request at its best free candidate."""
    grid = week.grid
    options: dict[int, list[Candidate]] = defaultdict(list)
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

    def place(c: Candidate) -> bool:
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

    chosen: list[Candidate] = []
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
    week = Week(requests, mentors, slots, rooms, busy, grid_minutes, start_step_minutes)
    candidates, reasons = list_candidates(week, None)
    chosen = greedy_choice(week, candidates)
    return build_result(week, candidates, chosen, reasons, objective_bound=None, status="greedy",
                        solve_seconds=timer.perf_counter() - began, build_seconds=0.0, room_limit=1.0)
