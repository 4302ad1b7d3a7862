"""Benchmark the matching models on seeded instances, against their greedy baselines.

    .venv/bin/python -m bench.matching [--seed 7] [--workers 2] [--weekly-limit 10] [--speed-limit 30] [--only weekly|speed]

Weekly matching: 1,000 requests from 200 start-ups, 300 mentors, 60 rooms, one
week (Monday to Friday). Speed-meeting: 20 start-ups x 60 mentors x 3 days of
20-minute slots with a 5-minute change-over. Prints, for each, the objective,
the best bound, the gap ((bound - objective) / max(1, |bound|)), the solve time
and the greedy baseline's score on the same instance, each against its target.
"""
import argparse
import os
import platform
import random
import time as timer
from datetime import UTC, datetime, timedelta

from cohorts.matching import greedy as matching_greedy
from cohorts.matching import solver as matching_solver
from cohorts.matching import week as matching_week
from cohorts.speed_meeting import greedy as speed_meeting_greedy
from cohorts.speed_meeting import instance as speed_meeting_instance
from cohorts.speed_meeting import solver as speed_meeting_solver

WEEKLY_GAP_TARGET, WEEKLY_TIME_TARGET = 0.01, 10.0
SPEED_GAP_TARGET, SPEED_TIME_TARGET = 0.01, 30.0
MONDAY = datetime(2026, 11, 30, tzinfo=UTC)  # times are UTC; 08:00 UTC is 09:00 in Paris in winter
LANGUAGES = ("fr", "en", "es", "de")


def weekly_instance(seed: int, n_requests=1000, n_mentors=300, n_rooms=60, n_startups=200, n_tags=30, n_tracks=6):
    """Requests, mentors, their free slots, rooms' free windows and start-ups' busy times of one week."""
    rng = random.Random(seed)
    tag_track = {tag: tag % n_tracks for tag in range(n_tags)}
    mentors, slots = [], []
    for mentor_id in range(1, n_mentors + 1):
        tags = frozenset(rng.sample(range(n_tags), rng.randint(2, 5)))
        languages = {"fr"} if rng.random() < 0.85 else set()
        languages |= {"en"} if rng.random() < 0.7 else set()
        languages |= {rng.choice(LANGUAGES[2:])} if rng.random() < 0.1 else set()
        mentors.append(matching_week.Mentor(
            id=mentor_id, tag_ids=tags, track_ids=frozenset(tag_track[t] for t in tags),
            languages=frozenset(languages or {"en"}),
            capacity_minutes=rng.choices((0, 60, 120, 180, 240, 360), (1, 3, 4, 3, 2, 1))[0],
            mode=rng.choices((matching_week.EITHER, matching_week.IN_PERSON, matching_week.ONLINE), (40, 35, 25))[0],
        ))
        for day in rng.sample(range(5), rng.randint(1, 3)):
            start = MONDAY + timedelta(days=day, hours=rng.choice(range(7, 15)), minutes=rng.choice((0, 30)))
            slots.append(matching_week.MentorSlot(mentor_id, start, start + timedelta(minutes=rng.choice((120, 180, 240)))))
    rooms = []
    for room_id in range(1, n_rooms + 1):
        for day in range(5):
            # The room's bookings cut the day 07:00-19:00 UTC into free windows.
            cursor = MONDAY + timedelta(days=day, hours=7)
            closing = MONDAY + timedelta(days=day, hours=19)
            for _ in range(rng.randint(0, 3)):
                booked = cursor + timedelta(minutes=30 * rng.randint(0, 8))
                if booked >= closing:
                    break
                if booked > cursor:
                    rooms.append(matching_week.RoomWindow(room_id, cursor, booked))
                cursor = min(closing, booked + timedelta(minutes=30 * rng.randint(2, 6)))
            if cursor < closing:
                rooms.append(matching_week.RoomWindow(room_id, cursor, closing))
    startup_track = {s: rng.randrange(n_tracks) for s in range(1, n_startups + 1)}
    busy = []
    for startup_id in startup_track:
        for _ in range(rng.randint(0, 4)):
            start = MONDAY + timedelta(days=rng.randrange(5), hours=rng.choice(range(7, 17)))
            busy.append(matching_week.Busy(startup_id, start, start + timedelta(hours=rng.randint(1, 3))))
    weights = [rng.paretovariate(1.5) for _ in startup_track]  # a few start-ups ask much more than others
    requests = []
    for request_id in range(1, n_requests + 1):
        startup_id = rng.choices(list(startup_track), weights)[0]
        track = startup_track[startup_id]
        own = [t for t in range(n_tags) if tag_track[t] == track]
        tags = frozenset(rng.sample(own, rng.randint(1, 2)) + rng.sample(range(n_tags), rng.randint(0, 1)))
        fitting = [m.id for m in mentors if m.tag_ids & tags]
        requests.append(matching_week.Request(
            id=request_id, startup_id=startup_id,
            duration_minutes=rng.choices((30, 45, 60, 90), (2, 2, 5, 1))[0],
            tag_ids=tags, track_id=track,
            language=rng.choices(("fr", "en", None), (70, 20, 10))[0],
            preferred_mentor_id=rng.choice(fitting) if fitting and rng.random() < 0.15 else None,
            urgency=rng.choices((0.75, 1.0, 1.5), (2, 6, 2))[0],
            mode=rng.choices((matching_week.EITHER, matching_week.IN_PERSON, matching_week.ONLINE), (50, 30, 20))[0],
        ))
    return requests, mentors, slots, rooms, busy


def _line(name: str, objective, bound, gap, seconds, greedy, gap_target, time_target) -> str:
    verdict = "PASS" if gap is not None and gap <= gap_target and seconds <= time_target else "MISS"
    gap_text = "-" if gap is None else f"{100 * gap:.3f}%"
    bound_text = "-" if bound is None else f"{bound:.0f}"
    return (f"{name}: objective {objective}, bound {bound_text}, gap {gap_text}, solve {seconds:.2f} s, "
            f"greedy {greedy} ({100 * (greedy - objective) / max(1, objective):+.2f}% vs solver) "
            f"| target gap <= {100 * gap_target:.0f}% within {time_target:.0f} s: {verdict}")


def run_weekly(seed: int, workers: int, limit: float) -> None:
    began = timer.perf_counter()
    requests, mentors, slots, rooms, busy = weekly_instance(seed)
    print(f"weekly instance (seed {seed}): {len(requests)} requests, {len(mentors)} mentors, "
          f"{len(slots)} mentor slots, {len({w.room_id for w in rooms})} rooms ({len(rooms)} free windows), "
          f"{len(busy)} busy intervals; generated in {timer.perf_counter() - began:.2f} s")
    began = timer.perf_counter()
    greedy = matching_greedy.greedy_weekly(requests, mentors, slots, rooms, busy)
    greedy_seconds = timer.perf_counter() - began
    began = timer.perf_counter()
    result = matching_solver.solve_weekly(requests, mentors, slots, rooms, busy, time_limit=limit, workers=workers)
    total = timer.perf_counter() - began
    print(f"  CP-SAT: status {result.status}, {result.candidates} candidate variables, model built in "
          f"{result.build_seconds:.2f} s, whole call {total:.2f} s (rooms and reasons included)")
    print(f"  proposed {len(result.proposed)} ({sum(p.room_id is not None for p in result.proposed)} in person), "
          f"unmatched {len(result.unmatched)}; start-ups with a proposal "
          f"{len({p.startup_id for p in result.proposed})} of {len({r.startup_id for r in requests})}")
    print(f"  greedy: proposed {len(greedy.proposed)}, start-ups with a proposal "
          f"{len({p.startup_id for p in greedy.proposed})}, {greedy_seconds:.2f} s")
    reasons: dict[str, int] = {}
    for item in result.unmatched:
        reasons[item.code] = reasons.get(item.code, 0) + 1
    print("  unmatched by reason: " + ", ".join(f"{code} {n}" for code, n in sorted(reasons.items(), key=lambda p: -p[1])))
    print("  " + _line("weekly matching", result.objective, result.bound, result.gap, result.solve_seconds,
                       greedy.objective, WEEKLY_GAP_TARGET, WEEKLY_TIME_TARGET))


def speed_instance(seed: int, n_startups=20, n_mentors=60, n_days=3, n_rooms=15, n_must=20):
    """A cohort's speed-meeting days: 09:00-17:00 UTC, mentors present for part of one or two days."""
    rng = random.Random(seed)
    startups = list(range(1, n_startups + 1))
    mentors = list(range(101, 101 + n_mentors))
    days = [speed_meeting_instance.Day(MONDAY + timedelta(days=d, hours=9), MONDAY + timedelta(days=d, hours=17))
            for d in range(n_days)]
    hours = []
    for mentor in mentors:
        for d in rng.sample(range(n_days), rng.choice((1, 1, 2))):
            start = days[d].starts_at + timedelta(minutes=25 * rng.randint(0, 8))
            hours.append(speed_meeting_instance.MentorHours(mentor, start, min(days[d].ends_at, start + timedelta(hours=rng.randint(2, 8)))))
    startup_ranks = {s: rng.sample(mentors, 15) for s in startups}
    mentor_ranks = {m: rng.sample(startups, 5) for m in mentors}
    must = set()
    while len(must) < n_must:
        must.add((rng.choice(startups), rng.choice(mentors)))
    must_meet = [speed_meeting_instance.MustMeet(s, m, rng.choice(("startup", "mentor"))) for s, m in sorted(must)]
    return dict(startups=startups, mentors=mentors, days=days, hours=hours, rooms=n_rooms,
                slot_minutes=20, changeover_minutes=5, startup_ranks=startup_ranks, mentor_ranks=mentor_ranks,
                must_meet=must_meet)


def run_speed(seed: int, workers: int, limit: float) -> None:
    instance = speed_instance(seed)
    slots = speed_meeting_instance.day_slots(instance["days"], 20, 5)
    print(f"speed-meeting instance (seed {seed}): {len(instance['startups'])} start-ups, "
          f"{len(instance['mentors'])} mentors, {len(instance['days'])} days of {len(slots) // len(instance['days'])} "
          f"20-minute slots (5-minute change-over), {instance['rooms']} rooms, {len(instance['must_meet'])} must-meet pairs")
    began = timer.perf_counter()
    greedy = speed_meeting_greedy.greedy_speed_meeting(**instance)
    greedy_seconds = timer.perf_counter() - began
    began = timer.perf_counter()
    result = speed_meeting_solver.solve_speed_meeting(**instance, time_limit=limit, workers=workers)
    total = timer.perf_counter() - began
    per_startup = [sum(m.startup_id == s for m in result.meetings) for s in instance["startups"]]
    greedy_per = [sum(m.startup_id == s for m in greedy.meetings) for s in instance["startups"]]
    print(f"  CP-SAT: status {result.status}, {result.variables} meeting variables, whole call {total:.2f} s; "
          f"{len(result.meetings)} meetings, per start-up {min(per_startup)}-{max(per_startup)}; "
          f"{len(result.problems)} must-meet problem(s) reported")
    for problem in result.problems:
        print(f"    - {problem.text}")
    print(f"  greedy: {len(greedy.meetings)} meetings, per start-up {min(greedy_per)}-{max(greedy_per)}, "
          f"{greedy_seconds:.2f} s")
    print("  " + _line("speed-meeting timetable", result.objective, result.bound, result.gap, result.solve_seconds,
                       greedy.objective, SPEED_GAP_TARGET, SPEED_TIME_TARGET))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--weekly-limit", type=float, default=WEEKLY_TIME_TARGET)
    parser.add_argument("--speed-limit", type=float, default=SPEED_TIME_TARGET)
    parser.add_argument("--only", choices=("weekly", "speed"))
    args = parser.parse_args(argv)
    print(f"matching benchmark: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {args.workers} CP-SAT workers")
    if args.only != "speed":
        run_weekly(args.seed, args.workers, args.weekly_limit)
    if args.only != "weekly":
        run_speed(args.seed, args.workers, args.speed_limit)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
