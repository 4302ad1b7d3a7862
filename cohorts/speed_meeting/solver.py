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
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ortools.sat.python import cp_model

from totem.i18n import N_


STEP = 25
TOP_RANK = 10
MUST_MEET_BONUS = 20

PROBLEMS = {
    "pin_unknown": N_("A pinned meeting names a start-up, mentor, slot or room that is not in this timetable."),
    "pin_removed": N_("{startup} and {mentor} are pinned together although the pair was removed."),
    "pin_unavailable": N_("{mentor} is not available at {slot}, where the meeting with {startup} is pinned."),
    "pin_startup_twice": N_("{startup} is pinned to two meetings at {slot}."),
    "pin_mentor_twice": N_("{mentor} is pinned to two meetings at {slot}."),
    "pin_room_twice": N_("Two meetings are pinned to room {room} at {slot}."),
    "pin_pair_twice": N_("{startup} and {mentor} are pinned to meet twice."),
    "pin_too_many": N_("{count} meetings are pinned at {slot} but there are only {rooms} rooms."),
    "pins_clash": N_("The pinned meetings cannot all be kept together."),
    "must_meet_removed": N_("{startup} must meet {mentor}, but the pair was removed."),
    "must_meet_no_slot": N_("{startup} must meet {mentor}, but they share no free slot."),
    "must_meet_mentor_full": N_("{mentor} must meet {count} start-ups but has only {slots} free slots."),
    "must_meet_startup_full": N_("{startup} must meet {count} mentors but has only {slots} free slots."),
    "must_meet_conflict": N_("{startup} must meet {mentor}, but this cannot fit with the other must-meet and pinned meetings."),
}


@dataclass(frozen=True)
class Day:
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class MentorHours:
    mentor_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class MustMeet:
    startup_id: int
    mentor_id: int
    asked_by: str = "startup"  # or "mentor"


@dataclass(frozen=True)
class Pin:
    startup_id: int
    mentor_id: int
    day: int  # index in the days
    slot: int  # index in the day
    room: int | str | None = None  # None: any room


@dataclass(frozen=True)
class Meeting:
    startup_id: int
    mentor_id: int
    day: int
    slot: int
    room: int | str
    starts_at: datetime
    ends_at: datetime
    pinned: bool = False


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The msgid, to translate where it is shown, then format with `params`."""
        return PROBLEMS[self.code]

    @property
    def text(self) -> str:
        return self.message.format(**self.params)


@dataclass
class SpeedMeetingResult:
    meetings: list[Meeting]
    objective: int
    bound: float | None
    gap: float | None
    solve_seconds: float
    status: str  # optimal, feasible, infeasible (pins clash), no_solution, greedy
    problems: list[Problem] = field(default_factory=list)
    variables: int = 0


@dataclass(frozen=True)
class Slot:
    day: int
    index: int
    starts_at: datetime
    ends_at: datetime


def day_slots(days: list[Day], slot_minutes: int, changeover_minutes: int) -> list[Slot]:
    """Every slot of every day, in time order."""
    slots = []
    length, period = timedelta(minutes=slot_minutes), timedelta(minutes=slot_minutes + changeover_minutes)
    for d, day in enumerate(days):
        start, index = day.starts_at, 0
        while start + length <= day.ends_at:
            slots.append(Slot(d, index, start, start + length))
            start, index = start + period, index + 1
    return slots


def rank_points(ranking: list[int] | None, other: int) -> int:
    """TOP_RANK for a first choice, one less per place, 0 when unranked."""
    if not ranking or other not in ranking:
        return 0
    return max(0, TOP_RANK - ranking.index(other))


class _Day:
    """The instance in slot indices, with the pair values shared by the model, the greedy and the score."""

    def __init__(self, startups, mentors, days, hours, rooms, slot_minutes, changeover_minutes,
                 startup_ranks, mentor_ranks, must_meet, removed, startup_names, mentor_names):
        self.startups, self.mentors = list(startups), list(mentors)
        self.slots = day_slots(days, slot_minutes, changeover_minutes)
        self.slot_of = {(s.day, s.index): t for t, s in enumerate(self.slots)}
        self.rooms = list(range(1, rooms + 1)) if isinstance(rooms, int) else list(rooms)
        windows = defaultdict(list)
        for h in hours:
            windows[h.mentor_id].append((h.starts_at, h.ends_at))
        self.available = {
            m: [t for t, s in enumerate(self.slots) if any(a <= s.starts_at and s.ends_at <= b for a, b in windows[m])]
            for m in self.mentors
        }
        self.removed = {tuple(pair) for pair in removed}
        self.must = {(mm.startup_id, mm.mentor_id) for mm in must_meet}
        self.value = {}
        for s in self.startups:
            for m in self.mentors:
                if (s, m) not in self.removed:
                    self.value[s, m] = (rank_points((startup_ranks or {}).get(s), m)
                                        + rank_points((mentor_ranks or {}).get(m), s)
                                        + (MUST_MEET_BONUS if (s, m) in self.must else 0))
        self.startup_names, self.mentor_names = startup_names or {}, mentor_names or {}

    def meeting_reward(self, k: int) -> int:
        """What a start-up's k-th meeting (from 1) earns for fairness."""
        return STEP * (len(self.slots) + 1 - k)

    def score(self, meetings) -> int:
        per_startup = defaultdict(int)
        for meeting in meetings:
            per_startup[meeting.startup_id] += 1
        fairness = sum(self.meeting_reward(k) for n in per_startup.values() for k in range(1, n + 1))
        return fairness + sum(self.value[m.startup_id, m.mentor_id] for m in meetings)

    def startup(self, s) -> str:
        return self.startup_names.get(s, f"start-up #{s}")

    def mentor(self, m) -> str:
        return self.mentor_names.get(m, f"mentor #{m}")

    def slot(self, t: int) -> str:
        return f"{self.slots[t].starts_at:%Y-%m-%d %H:%M}"

    def meetings(self, chosen: list[tuple[int, int, int]], pins: dict) -> list[Meeting]:
        """Meetings with rooms: pins keep theirs; a mentor keeps their room from slot to slot when it is free."""
        by_slot = defaultdict(list)
        for s, m, t in chosen:
            by_slot[t].append((s, m))
        last_room: dict[int, object] = {}
        out = []
        for t in sorted(by_slot):
            taken = {pins[s, m, t] for s, m in by_slot[t] if pins.get((s, m, t)) is not None}
            rooms = {}
            for s, m in by_slot[t]:
                if pins.get((s, m, t)) is not None:
                    rooms[s, m] = pins[s, m, t]
            for s, m in sorted(by_slot[t], key=lambda pair: (pair[1] not in last_room, pair[1])):
                if (s, m) in rooms:
                    continue
                room = last_room.get(m)
                if room is None or room in taken:
                    room = next(r for r in self.rooms if r not in taken)
                rooms[s, m] = room
                taken.add(room)
            for s, m in by_slot[t]:
                last_room[m] = rooms[s, m]
                slot = self.slots[t]
                out.append(Meeting(s, m, slot.day, slot.index, rooms[s, m], slot.starts_at, slot.ends_at,
                                   (s, m, t) in pins))
        return out


def _pin_problems(day: _Day, pins: list[Pin]) -> tuple[list[Problem], dict]:
    """What makes the pins impossible, and {(startup, mentor, slot): room} when nothing does."""
    problems, fixed = [], {}
    per_startup, per_mentor, per_room, per_slot, per_pair = (defaultdict(int) for _ in range(5))
    for pin in pins:
        t = day.slot_of.get((pin.day, pin.slot))
        if (t is None or pin.startup_id not in day.startups or pin.mentor_id not in day.mentors
                or (pin.room is not None and pin.room not in day.rooms)):
            problems.append(Problem("pin_unknown"))
            continue
        names = {"startup": day.startup(pin.startup_id), "mentor": day.mentor(pin.mentor_id), "slot": day.slot(t)}
        if (pin.startup_id, pin.mentor_id) in day.removed:
            problems.append(Problem("pin_removed", {"startup": names["startup"], "mentor": names["mentor"]}))
        if t not in day.available[pin.mentor_id]:
            problems.append(Problem("pin_unavailable", names))
        for counter, key, code, params in (
            (per_startup, (pin.startup_id, t), "pin_startup_twice", {"startup": names["startup"], "slot": names["slot"]}),
            (per_mentor, (pin.mentor_id, t), "pin_mentor_twice", {"mentor": names["mentor"], "slot": names["slot"]}),
            (per_pair, (pin.startup_id, pin.mentor_id), "pin_pair_twice",
             {"startup": names["startup"], "mentor": names["mentor"]}),
        ):
            counter[key] += 1
            if counter[key] == 2:
                problems.append(Problem(code, params))
        if pin.room is not None:
            per_room[pin.room, t] += 1
            if per_room[pin.room, t] == 2:
                problems.append(Problem("pin_room_twice", {"room": pin.room, "slot": names["slot"]}))
        per_slot[t] += 1
        if per_slot[t] == len(day.rooms) + 1:
            problems.append(Problem("pin_too_many", {"count": len([p for p in pins if day.slot_of.get(
                (p.day, p.slot)) == t]), "slot": names["slot"], "rooms": len(day.rooms)}))
        fixed[pin.startup_id, pin.mentor_id, t] = pin.room
    return problems, fixed


def _must_meet_problems(day: _Day, must_meet: list[MustMeet], fixed: dict) -> tuple[list[Problem], set]:
    """Must-meet pairs that cannot be met whatever the rest, and the pairs left to enforce."""
    problems, kept = [], set()
    pinned_pairs = {(s, m) for s, m, _ in fixed}
    startup_busy = defaultdict(set)
    mentor_busy = defaultdict(set)
    for s, m, t in fixed:
        startup_busy[s].add(t)
        mentor_busy[m].add(t)
    pairs = sorted({(mm.startup_id, mm.mentor_id) for mm in must_meet
                    if mm.startup_id in day.startups and mm.mentor_id in day.mentors})
    for s, m in pairs:
        names = {"startup": day.startup(s), "mentor": day.mentor(m)}
        if (s, m) in pinned_pairs:
            continue  # the pin meets it
        if (s, m) in day.removed:
            problems.append(Problem("must_meet_removed", names))
            continue
        if not [t for t in day.available[m] if t not in startup_busy[s] and t not in mentor_busy[m]]:
            problems.append(Problem("must_meet_no_slot", names))
            continue
        kept.add((s, m))
    for m in day.mentors:
        own = [pair for pair in kept if pair[1] == m]
        free = [t for t in day.available[m] if t not in mentor_busy[m]]
        if len(own) > len(free):
            problems.append(Problem("must_meet_mentor_full", {"mentor": day.mentor(m), "count": len(own),
                                                              "slots": len(free)}))
            kept -= set(own)
    for s in day.startups:
        own = [pair for pair in kept if pair[0] == s]
        free = len(day.slots) - len(startup_busy[s])
        if len(own) > free:
            problems.append(Problem("must_meet_startup_full", {"startup": day.startup(s), "count": len(own),
                                                               "slots": free}))
            kept -= set(own)
    return problems, kept


def _build(day: _Day, fixed: dict, enforced: set, *, as_assumptions: bool = False):
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


def _conflicting_must_meets(day: _Day, fixed: dict, enforced: set, time_limit: float) -> tuple[set, bool]:
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
    day = _Day(startups, mentors, days, hours, rooms, slot_minutes, changeover_minutes, startup_ranks,
               mentor_ranks, must_meet, removed, startup_names, mentor_names)
    problems, fixed = _pin_problems(day, list(pins))
    if problems:
        return SpeedMeetingResult([], 0, None, None, 0.0, "infeasible", problems)
    must_problems, enforced = _must_meet_problems(day, list(must_meet), fixed)
    problems.extend(must_problems)
    while True:
        model, x, y, _ = _build(day, fixed, enforced)
        if not hint:  # the greedy timetable, so that a good solution exists from the start
            for key in _greedy_choice(day, fixed):
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


def _greedy_choice(day: _Day, fixed: dict) -> list[tuple[int, int, int]]:
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
    day = _Day(startups, mentors, days, hours, rooms, slot_minutes, changeover_minutes, startup_ranks,
               mentor_ranks, must_meet, removed, None, None)
    problems, fixed = _pin_problems(day, list(pins))
    if problems:
        return SpeedMeetingResult([], 0, None, None, 0.0, "infeasible", problems)
    chosen = _greedy_choice(day, fixed)
    meetings = day.meetings(chosen, fixed)
    return SpeedMeetingResult(meetings, day.score(meetings), None, None, timer.perf_counter() - began, "greedy",
                              [], 0)
