"""The speed-meeting timetable on plain data: optimum by brute force, fairness, pins, must-meets explained."""
import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta

from cohorts.speed_meeting.greedy import greedy_speed_meeting
from cohorts.speed_meeting.instance import (
    MUST_MEET_BONUS,
    STEP,
    Day,
    MentorHours,
    MustMeet,
    Pin,
    day_slots,
    rank_points,
)
from cohorts.speed_meeting.solver import solve_speed_meeting

NINE = datetime(2026, 12, 1, 9, tzinfo=UTC)
DAY = Day(NINE, NINE + timedelta(minutes=75))  # three 20-minute slots with 5-minute change-overs


def hours(mentor, first_slot=0, last_slot=2):
    return MentorHours(mentor, NINE + timedelta(minutes=25 * first_slot), NINE + timedelta(minutes=25 * last_slot + 20))


def solve(**kw):
    kw.setdefault("days", [DAY])
    return solve_speed_meeting(time_limit=5, **kw)


def test_slots_follow_the_change_overs():
    slots = day_slots([DAY], 20, 5)
    assert [(s.starts_at.strftime("%H:%M"), s.ends_at.strftime("%H:%M")) for s in slots] == [
        ("09:00", "09:20"), ("09:25", "09:45"), ("09:50", "10:10")]


def test_the_solver_finds_the_brute_force_optimum():
    startups, mentors, rooms = [1, 2], [10, 20], 1
    available = {10: {0, 1, 2}, 20: {1}}
    startup_ranks, mentor_ranks = {1: [20, 10], 2: [10]}, {10: [1], 20: [2, 1]}
    must = [MustMeet(2, 20)]
    keys = [(s, m, t) for s in startups for m in mentors for t in sorted(available[m])]
    best = None
    for n in range(len(keys) + 1):
        for chosen in itertools.combinations(keys, n):
            per = Counter()
            for s, m, t in chosen:
                per.update([(s, t), (m, t), (s, m), t])  # a person in a slot, a pair, a slot's rooms
            if any(v > 1 for k, v in per.items() if not isinstance(k, int)) or any(
                    v > rooms for k, v in per.items() if isinstance(k, int)):
                continue
            if (2, 20) not in {(s, m) for s, m, _ in chosen}:
                continue
            meetings = Counter(s for s, _, _ in chosen)
            score = sum(STEP * (3 + 1 - k) for s in startups for k in range(1, meetings[s] + 1))
            score += sum(rank_points(startup_ranks.get(s), m) + rank_points(mentor_ranks.get(m), s)
                         + (MUST_MEET_BONUS if (s, m) == (2, 20) else 0) for s, m, _ in chosen)
            best = score if best is None else max(best, score)
    result = solve(startups=startups, mentors=mentors, hours=[hours(10), hours(20, 1, 1)], rooms=rooms,
                   startup_ranks=startup_ranks, mentor_ranks=mentor_ranks, must_meet=must)
    assert result.status == "optimal" and result.objective == best and result.gap == 0
    assert any((m.startup_id, m.mentor_id) == (2, 20) for m in result.meetings)


def test_meetings_are_shared_fairly_and_nobody_is_in_two_places():
    startups, mentors = [1, 2, 3, 4], [10, 20, 30]
    result = solve(startups=startups, mentors=mentors, hours=[hours(m) for m in mentors], rooms=2,
                   startup_ranks={1: [10, 20, 30], 2: [10, 20, 30], 3: [10], 4: [10]})
    per_startup = Counter(m.startup_id for m in result.meetings)
    assert len(result.meetings) == 6  # two rooms, three slots
    assert sorted(per_startup.values()) == [1, 1, 2, 2]
    slots = Counter((m.day, m.slot) for m in result.meetings)
    assert max(slots.values()) <= 2
    for key in ("startup_id", "mentor_id"):
        assert len({(getattr(m, key), m.slot) for m in result.meetings}) == len(result.meetings)
    assert len({(m.startup_id, m.mentor_id) for m in result.meetings}) == len(result.meetings)
    assert all(len({m.room for m in result.meetings if m.slot == s}) == n for s, n in Counter(
        m.slot for m in result.meetings).items())


def test_an_impossible_must_meet_is_explained_and_the_rest_is_timetabled():
    result = solve(startups=[1, 2], mentors=[10, 20], hours=[hours(10)], rooms=2,
                   must_meet=[MustMeet(1, 20, "mentor")], startup_names={1: "Loopa"}, mentor_names={20: "Yves"})
    assert [p.text for p in result.problems] == ["Loopa must meet Yves, but they share no free slot."]
    assert result.status == "optimal" and len(result.meetings) == 2


def test_must_meets_the_solver_proves_impossible_are_named():
    # Start-up 1 must meet 10 and 20, who are both there only in the first slot.
    result = solve(startups=[1, 2], mentors=[10, 20, 30], hours=[hours(10, 0, 0), hours(20, 0, 0), hours(30)],
                   rooms=3, must_meet=[MustMeet(1, 10), MustMeet(1, 20)])
    named = [p.text for p in result.problems]
    assert len(named) >= 1 and all(t.endswith("cannot fit with the other must-meet and pinned meetings.")
                                   for t in named)
    met = {(m.startup_id, m.mentor_id) for m in result.meetings}
    assert ((1, 10) in met) != ((1, 20) in met) or len(named) == 2
    assert result.meetings


def test_clashing_pins_stop_the_run_and_say_where():
    result = solve(startups=[1], mentors=[10, 20], hours=[hours(10), hours(20)], rooms=2,
                   pins=[Pin(1, 10, 0, 1), Pin(1, 20, 0, 1)], startup_names={1: "Loopa"})
    assert result.status == "infeasible" and result.meetings == []
    assert [p.text for p in result.problems] == ["Loopa is pinned to two meetings at 2026-12-01 09:25."]


def test_pins_are_kept_when_re_solving_and_removed_pairs_never_meet():
    kw = dict(startups=[1, 2, 3], mentors=[10, 20, 30], hours=[hours(10), hours(20), hours(30)], rooms=3,
              startup_ranks={1: [10, 20, 30], 2: [10, 20, 30], 3: [10, 20, 30]})
    first = solve(**kw)
    moved = next(m for m in first.meetings if m.startup_id == 1)
    other_slot = (moved.slot + 1) % 3
    pin = Pin(1, moved.mentor_id, 0, other_slot, room="B")
    again = solve(**{**kw, "rooms": ["A", "B", "C"]}, pins=[pin], removed=[(2, 10)], hint=first.meetings)
    kept = [m for m in again.meetings if (m.startup_id, m.mentor_id) == (1, moved.mentor_id)]
    assert [(m.slot, m.room, m.pinned) for m in kept] == [(other_slot, "B", True)]
    assert not any((m.startup_id, m.mentor_id) == (2, 10) for m in again.meetings)


def test_the_greedy_baseline_is_scored_like_the_model_and_never_beats_it():
    days = [DAY, Day(NINE + timedelta(days=1), NINE + timedelta(days=1, hours=1))]
    mentors = [10, 20, 30, 40]
    kw = dict(startups=[1, 2, 3], mentors=mentors, days=days, rooms=2,
              hours=[hours(m, m // 20, 2) for m in mentors] + [MentorHours(40, days[1].starts_at, days[1].ends_at)],
              startup_ranks={1: [40, 30], 2: [10], 3: [20, 10]}, mentor_ranks={10: [3], 40: [2]})
    greedy = greedy_speed_meeting(**kw)
    result = solve_speed_meeting(**kw, time_limit=5)
    assert result.status == "optimal"
    assert greedy.objective <= result.objective <= result.bound
