"""The weekly matching model on plain data: optimum by brute force, fairness, capacity, rooms, reasons."""
import itertools
from datetime import UTC, datetime, timedelta

from cohorts.matching.greedy import greedy_weekly
from cohorts.matching.solver import solve_weekly
from cohorts.matching.week import (
    IN_PERSON,
    ONLINE,
    Busy,
    Mentor,
    MentorSlot,
    Proposal,
    Request,
    RoomWindow,
    match_value,
    weekly_score,
)

MONDAY = datetime(2026, 11, 30, 9, tzinfo=UTC)


def at(hours: float, day: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hours)


def mentor(id, tags=(1,), capacity=600, languages=("fr",), mode="either", tracks=()):
    return Mentor(id, frozenset(tags), frozenset(tracks), frozenset(languages), capacity, mode)


def request(id, startup, tags=(1,), minutes=60, **kw):
    return Request(id, startup, minutes, frozenset(tags), **kw)


def solve(requests, mentors, slots, rooms=(), busy=(), **kw):
    return solve_weekly(requests, mentors, slots, list(rooms), list(busy), time_limit=5, **kw)


def test_the_solver_finds_the_brute_force_optimum():
    mentors = [mentor(1, tags=(1, 2), capacity=120, tracks=(7,)), mentor(2, tags=(2, 3), capacity=60, mode=IN_PERSON)]
    slots = [MentorSlot(1, at(0), at(2)), MentorSlot(2, at(1), at(2))]
    rooms = [RoomWindow(1, at(0), at(3))]
    requests = [
        request(1, 10, tags=(1,), track_id=7), request(2, 10, tags=(1, 2), urgency=1.5),
        request(3, 11, tags=(2,)), request(4, 12, tags=(3,), preferred_mentor_id=2),
        request(5, 12, tags=(2, 3), minutes=30, mode=ONLINE),
    ]
    busy = [Busy(11, at(0), at(1))]
    by_id = {m.id: m for m in mentors}
    options = {}
    for r in requests:
        options[r.id] = [None]
        for s in slots:
            m = by_id[s.mentor_id]
            start = s.starts_at
            while start + timedelta(minutes=r.duration_minutes) <= s.ends_at:
                end = start + timedelta(minutes=r.duration_minutes)
                clear = all(b.ends_at <= start or end <= b.starts_at for b in busy if b.startup_id == r.startup_id)
                if match_value(r, m) is not None and clear:
                    options[r.id].append((m, start, end))
                start += timedelta(minutes=30)
    best = 0
    for choice in itertools.product(*options.values()):
        placed = [(r, c) for r, c in zip(requests, choice) if c is not None]
        ok = all(sum(r.duration_minutes for r, c in placed if c[0].id == m.id) <= m.capacity_minutes for m in mentors)
        for (r1, c1), (r2, c2) in itertools.combinations(placed, 2):
            overlap = c1[1] < c2[2] and c2[1] < c1[2]
            same_person = c1[0].id == c2[0].id or r1.startup_id == r2.startup_id
            in_person = c1[0].mode == IN_PERSON and c2[0].mode == IN_PERSON  # one room
            ok = ok and not (overlap and (same_person or in_person))
        if ok:
            best = max(best, weekly_score([_proposal(r, c) for r, c in placed]))
    result = solve(requests, mentors, slots, rooms, busy)
    assert result.status == "optimal"
    assert result.objective == best
    assert result.gap == 0


def _proposal(r, c):
    return Proposal(r.id, r.startup_id, c[0].id, c[1], c[2], None, "online", match_value(r, c[0]))


def test_no_start_up_is_left_with_nothing_while_another_gets_two():
    mentors = [mentor(1, tags=(1, 2, 3), capacity=120)]
    slots = [MentorSlot(1, at(0), at(2))]
    requests = [request(1, 10, tags=(1, 2, 3), urgency=2), request(2, 10, tags=(1, 2, 3), urgency=2),
                request(3, 11, tags=(1,), urgency=0.5)]
    result = solve(requests, mentors, slots)
    assert sorted(p.startup_id for p in result.proposed) == [10, 11]
    assert [u.request_id for u in result.unmatched] in ([1], [2])
    assert result.unmatched[0].code == "capacity_taken"


def test_a_mentor_at_capacity_takes_no_more_and_the_reason_says_so():
    mentors = [mentor(1, capacity=60)]
    slots = [MentorSlot(1, at(0), at(3))]
    result = solve([request(1, 10), request(2, 11), request(3, 12)], mentors, slots)
    assert len(result.proposed) == 1
    assert {u.text for u in result.unmatched} == {"Every fitting mentor reached capacity with other sessions this week."}


def test_nobody_is_booked_twice_at_once():
    mentors = [mentor(1), mentor(2)]
    slots = [MentorSlot(1, at(0), at(1.5)), MentorSlot(2, at(0), at(1.5))]
    requests = [request(1, 10), request(2, 10), request(3, 11), request(4, 12)]
    result = solve(requests, mentors, slots)
    for a, b in itertools.combinations(result.proposed, 2):
        if a.mentor_id == b.mentor_id or a.startup_id == b.startup_id:
            assert a.ends_at <= b.starts_at or b.ends_at <= a.starts_at
    assert len(result.proposed) == 2  # each mentor has room for one hour on the half-hour grid


def test_in_person_sessions_share_the_free_rooms():
    mentors = [mentor(1, mode=IN_PERSON), mentor(2, mode=IN_PERSON), mentor(3, mode=IN_PERSON)]
    slots = [MentorSlot(m, at(0), at(1)) for m in (1, 2, 3)]
    rooms = [RoomWindow(1, at(0), at(8)), RoomWindow(2, at(-1), at(0.5)), RoomWindow(2, at(0.75), at(4))]
    requests = [request(1, 10), request(2, 11), request(3, 12)]
    result = solve(requests, mentors, slots, rooms)
    assert len(result.proposed) == 1  # room 2 is booked 9:30-9:45: it holds no whole hour
    assert result.proposed[0].room_id == 1 and result.proposed[0].mode == IN_PERSON
    assert {u.code for u in result.unmatched} <= {"rooms_taken", "room_lost"}


def test_either_mode_sessions_get_a_room_when_one_is_left():
    result = solve([request(1, 10)], [mentor(1)], [MentorSlot(1, at(0), at(1))], [RoomWindow(5, at(0), at(1))])
    assert result.proposed[0].room_id == 5 and result.proposed[0].mode == IN_PERSON
    online = solve([request(1, 10)], [mentor(1)], [MentorSlot(1, at(0), at(1))])
    assert online.proposed[0].room_id is None and online.proposed[0].mode == ONLINE


def test_the_preferred_mentor_is_chosen_among_equals():
    mentors = [mentor(1), mentor(2)]
    slots = [MentorSlot(1, at(0), at(1)), MentorSlot(2, at(0), at(1))]
    result = solve([request(1, 10, preferred_mentor_id=2)], mentors, slots)
    assert result.proposed[0].mentor_id == 2


def test_unmatched_requests_say_why_in_words():
    mentors = [mentor(1, tags=(1,), languages=("fr",)), mentor(2, tags=(2,), capacity=30),
               mentor(3, tags=(3,), mode=ONLINE), mentor(4, tags=(4,)), mentor(5, tags=(5,), mode=IN_PERSON),
               mentor(6, tags=(6,))]
    slots = [MentorSlot(m, at(0), at(1)) for m in (1, 2, 3, 5, 6)] + [MentorSlot(4, at(0), at(0.5))]
    requests = [
        request(1, 10, tags=(9,)), request(2, 11, tags=(1,), language="en"), request(3, 12, tags=(2,)),
        request(4, 13, tags=(3,), mode=IN_PERSON), request(5, 14, tags=(4,)), request(6, 15, tags=(5,)),
        request(7, 16, tags=(6,)),
    ]
    busy = [Busy(16, at(-1), at(2))]
    result = solve(requests, mentors, slots, busy=busy)
    reasons = {u.request_id: u.text for u in result.unmatched}
    assert reasons == {
        1: "No mentor has this expertise.",
        2: "No mentor with this expertise speaks en.",
        3: "Every fitting mentor is at capacity this month.",
        4: "No mentor with this expertise meets start-ups in person.",
        5: "No mentor with this expertise has 60 minutes free this week.",
        6: "No room is free when the fitting mentors are.",
        7: "The start-up is busy whenever the fitting mentors are free.",
    }
    assert result.proposed == []


def test_the_greedy_baseline_is_scored_like_the_model_and_never_beats_it():
    mentors = [mentor(m, tags=(m % 3, (m + 1) % 3), capacity=90 + 30 * (m % 3)) for m in range(1, 6)]
    slots = [MentorSlot(m, at(m % 2), at(m % 2 + 2)) for m in range(1, 6)]
    requests = [request(i, 10 + i % 4, tags=(i % 3,), minutes=(30, 60)[i % 2], urgency=(1, 1.5)[i % 2])
                for i in range(1, 13)]
    rooms = [RoomWindow(1, at(0), at(3))]
    greedy = greedy_weekly(requests, mentors, slots, rooms)
    result = solve(requests, mentors, slots, rooms)
    assert greedy.objective == weekly_score(greedy.proposed)
    assert result.objective == weekly_score(result.proposed)
    assert result.objective >= greedy.objective
    assert result.objective <= result.bound
