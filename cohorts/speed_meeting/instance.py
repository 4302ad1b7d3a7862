"""A speed-meeting day as plain data (days, mentors' hours, must-meet pairs, pins, the meetings and problems that
come out), cut into slots, with the score shared by the model and the greedy baseline.

No database here: `cohorts.speed_meeting.timetable` turns rows into these dataclasses and the meetings back
into rows, so the model can be tested and benchmarked alone.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

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


class Instance:
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
