"""Inputs of a speed-meeting day that cannot hold, explained before solving: pins that clash stop the run;
must-meet pairs that cannot be met are reported and kept only as a bonus.
"""
from __future__ import annotations

from collections import defaultdict

from cohorts.speed_meeting.instance import Instance, MustMeet, Pin, Problem


def pin_problems(day: Instance, pins: list[Pin]) -> tuple[list[Problem], dict]:
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


def must_meet_problems(day: Instance, must_meet: list[MustMeet], fixed: dict) -> tuple[list[Problem], set]:
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
