"""A week to match, as plain data (open requests, mentors and their free time, rooms, the start-ups' busy hours,
the proposals and why a request went unmatched), and the score shared by the model and the greedy baseline.

No database here: `cohorts.matching.service` turns rows into these dataclasses and the proposals back into
sessions, so the model can be tested and benchmarked alone.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

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
