"""The greedy baseline of a speed-meeting day: pins first, then slot by slot the start-ups with the fewest
meetings so far pick their best free mentor not met yet. The model starts from its timetable, and the bench
compares the two.
"""
from __future__ import annotations

import time as timer
from collections import defaultdict

from cohorts.speed_meeting.feasibility import pin_problems
from cohorts.speed_meeting.instance import Day, Instance, MentorHours, MustMeet, Pin, SpeedMeetingResult


def greedy_choice(day: Instance, fixed: dict) -> list[tuple[int, int, int]]:
    """Pins first, then slot by slot a matching of start-ups to free mentors they have not met.

    In each slot the start-ups with the fewest meetings so far go first, each trying its must-meet
    then best-valued mentors; a start-up that finds none free takes one from an earlier start-up
    that can move to another (an augmenting path), so the slot is filled as far as rooms allow.
    """
    chosen = list(fixed)
    met = {(s, m) for s, m, _ in chosen}
    count = defaultdict(int)
    for s, _, _ in chosen:
        count[s] += 1
    available = {m: set(ts) for m, ts in day.available.items()}
    for t in range(len(day.slots)):
        pinned = [(s, m) for s, m, t2 in fixed if t2 == t]
        busy_s = {s for s, _ in pinned}
        busy_m = {m for _, m in pinned}
        free = [m for m in day.mentors if t in available[m] and m not in busy_m]
        options = {
            s: sorted((m for m in free if (s, m) in day.value and (s, m) not in met),
                      key=lambda m: ((s, m) not in day.must, -day.value[s, m], m))
            for s in day.startups if s not in busy_s
        }
        holder: dict[int, int] = {}  # mentor -> start-up in this slot

        def augment(s, seen) -> bool:
            for m in options[s]:
                if m in seen:
                    continue
                seen.add(m)
                if m not in holder or augment(holder[m], seen):
                    holder[m] = s
                    return True
            return False

        for s in sorted(options, key=lambda s: (count[s], s)):
            if len(holder) + len(pinned) >= len(day.rooms):
                break
            augment(s, set())
        for m, s in holder.items():
            chosen.append((s, m, t))
            met.add((s, m))
            count[s] += 1
    return chosen


def greedy_speed_meeting(
    startups: list[int], mentors: list[int], days: list[Day], hours: list[MentorHours], rooms: int | list,
    *, slot_minutes: int = 20, changeover_minutes: int = 5,
    startup_ranks: dict[int, list[int]] | None = None, mentor_ranks: dict[int, list[int]] | None = None,
    must_meet: list[MustMeet] = (), pins: list[Pin] = (), removed: list[tuple[int, int]] = (),
) -> SpeedMeetingResult:
    """The baseline, scored like the model: pins first, then slot by slot the start-ups with the fewest
    meetings so far pick their best free mentor not met yet (must-meet pairs first)."""
    began = timer.perf_counter()
    day = Instance(startups, mentors, days, hours, rooms, slot_minutes, changeover_minutes, startup_ranks,
                   mentor_ranks, must_meet, removed, None, None)
    problems, fixed = pin_problems(day, list(pins))
    if problems:
        return SpeedMeetingResult([], 0, None, None, 0.0, "infeasible", problems)
    chosen = greedy_choice(day, fixed)
    meetings = day.meetings(chosen, fixed)
    return SpeedMeetingResult(meetings, day.score(meetings), None, None, timer.perf_counter() - began, "greedy",
                              [], 0)
