"""A cohort's speed-meeting day over the database: the timetable solved from the plan, edited by hand (pin,
remove, swap) and solved again around the edits, problems said in words, and publishing as sessions with rooms
and invitations; the API's contract."""
from collections import Counter
from datetime import date, time

import pytest
from sqlalchemy import select

from cohorts.mentoring import sessions
from cohorts.mentoring.models import MentorSession
from cohorts.programs.models import Enrolment
from cohorts.speed_meeting import plans, preferences, publishing, timetable
from cohorts.speed_meeting.models import SpeedMeeting, SpeedMeetingRemoval
from spaces.booking.models import Booking
from tests.cohorts.conftest import Accelerator
from tests.cohorts.mentoring.factories import make_mentor
from tests.helpers import api_token, assert_refused
from tests.spaces.conftest import NOW, make_person, startup_id
from tests.spaces.factories import make_space
from tests.totem.factories import PASSWORD
from totem.errors import Conflict, Forbidden
from totem.i18n import translate
from totem.identity.models import User
from totem.notifications.models import OutboxMessage

TUESDAY = date(2026, 12, 8)
QUICK = 5.0  # seconds: the instances here are tiny


@pytest.fixture
def day(db, accelerator: Accelerator):
    """Three start-ups, three mentors, two rooms; Tuesday 8 December from 09:00 to 10:30 in 20-minute meetings
    10 minutes apart (the rooms' buffer): three slots, so six meetings at most, two per start-up."""
    scene = accelerator.scene
    make_person(db, email="sam@urbaflux.io", startup="UrbaFlux")
    startups = [scene.oceanwatt_id, scene.kelp_id, startup_id(db, "UrbaFlux")]
    for organisation_id in startups:
        db.add(Enrolment(cohort_id=accelerator.cohort.id, organisation_id=organisation_id, status="active",
                         enrolled_on=NOW.date(), created_at=NOW))
    second = make_space(db, floor=scene.floor, name="Sormiou", kind="meeting_room", capacity=6)
    mentors = [make_mentor(db, venue=scene.venue, email=f"{name}@mentors.example", now=NOW).user_id
               for name in ("yann", "ines", "omar")]
    manager = scene.manager
    plans.save_plan(db, actor=manager, cohort_id=accelerator.cohort.id, now=NOW, data=plans.PlanData(
        days=[TUESDAY], slot_minutes=20, changeover_minutes=10, starts_at=time(9), ends_at=time(10, 30),
        room_ids=[scene.room.id, second.id]))
    plans.set_mentors(db, actor=manager, cohort_id=accelerator.cohort.id, mentor_ids=mentors, now=NOW)
    db.commit()
    return accelerator.cohort.id, startups, mentors


def _solve(db, manager, cohort_id):
    plan = timetable.solve(db, actor=manager, cohort_id=cohort_id, now=NOW, time_limit=QUICK)
    db.commit()
    return plan, db.scalars(select(SpeedMeeting).where(SpeedMeeting.plan_id == plan.id)).all()


def _no_one_twice(meetings):
    for key in (lambda m: (m.slot, m.room_id), lambda m: (m.slot, m.mentor_id), lambda m: (m.slot, m.organisation_id),
                lambda m: (m.organisation_id, m.mentor_id)):
        assert max(Counter(map(key, meetings)).values()) == 1


def test_the_timetable_is_solved_from_the_plan(db, accelerator, day):
    cohort_id, startups, _ = day

    plan, meetings = _solve(db, accelerator.scene.manager, cohort_id)

    assert (plan.solve_status, plan.gap, len(meetings)) == ("optimal", 0, 6)
    assert Counter(m.organisation_id for m in meetings) == {s: 2 for s in startups}
    _no_one_twice(meetings)
    assert {m.starts_at.isoformat() for m in meetings} == {
        "2026-12-08T08:00:00+00:00", "2026-12-08T08:30:00+00:00", "2026-12-08T09:00:00+00:00"}
    assert plan.objective == plan.bound and plan.solve_seconds < QUICK


def test_pins_are_kept_and_removed_pairs_stay_apart_when_solving_again(db, accelerator, day):
    cohort_id, _, _ = day
    manager = accelerator.scene.manager
    _, meetings = _solve(db, manager, cohort_id)
    pinned, removed = meetings[0], next(m for m in meetings[1:] if m.slot != meetings[0].slot)
    kept = (pinned.organisation_id, pinned.mentor_id, pinned.day, pinned.slot, pinned.room_id)
    pair = (removed.organisation_id, removed.mentor_id)
    timetable.pin_meeting(db, actor=manager, cohort_id=cohort_id, meeting_id=pinned.id, pinned=True, now=NOW)
    timetable.remove_meeting(db, actor=manager, cohort_id=cohort_id, meeting_id=removed.id, now=NOW)
    db.commit()
    assert [(r.organisation_id, r.mentor_id) for r in db.scalars(select(SpeedMeetingRemoval))] == [pair]

    plan, again = _solve(db, manager, cohort_id)

    assert plan.solve_status == "optimal" and len(again) == 6
    assert [(m.organisation_id, m.mentor_id, m.day, m.slot, m.room_id) for m in again if m.pinned] == [kept]
    assert pair not in {(m.organisation_id, m.mentor_id) for m in again}
    _no_one_twice(again)


def test_two_meetings_swap_their_slots(db, accelerator, day):
    cohort_id, _, _ = day
    manager = accelerator.scene.manager
    _, meetings = _solve(db, manager, cohort_id)
    first = next(m for m in meetings if m.slot == 0)
    second = next(m for m in meetings if m.slot == 2)
    for other in meetings:  # room for the two to move, whoever they are
        if other.slot in (0, 2) and other.id not in (first.id, second.id):
            timetable.remove_meeting(db, actor=manager, cohort_id=cohort_id, meeting_id=other.id, now=NOW)
    before = {(m.organisation_id, m.mentor_id): (m.slot, m.room_id, m.starts_at) for m in (first, second)}

    timetable.swap_meetings(db, actor=manager, cohort_id=cohort_id, meeting_id=first.id, other_id=second.id,
                            now=NOW)
    db.commit()

    after = {(m.organisation_id, m.mentor_id): (m.slot, m.room_id, m.starts_at, m.pinned)
             for m in db.scalars(select(SpeedMeeting))}
    a, b = list(before)
    assert after[a] == (*before[b], True) and after[b] == (*before[a], True)


def test_a_swap_that_puts_someone_in_two_places_is_refused(db, accelerator, day):
    cohort_id, _, _ = day
    manager = accelerator.scene.manager
    _, meetings = _solve(db, manager, cohort_id)
    first = meetings[0]
    clash = next(m for m in meetings if m.slot != first.slot and any(
        o.slot == m.slot and o.id != m.id and o.mentor_id == first.mentor_id for o in meetings))

    with pytest.raises(Conflict) as refused:
        timetable.swap_meetings(db, actor=manager, cohort_id=cohort_id, meeting_id=first.id, other_id=clash.id,
                                now=NOW)
    assert "already meets someone" in refused.value.message


def test_an_impossible_must_meet_is_said_in_words(db, accelerator, day):
    cohort_id, startups, mentors = day
    manager = accelerator.scene.manager
    plans.set_hours(db, actor=manager, cohort_id=cohort_id, mentor_id=mentors[0],
                    hours={TUESDAY: None}, now=NOW)
    preferences.set_preferences(db, actor=manager, cohort_id=cohort_id, side="startup", who=startups[0],
                                ranked=[mentors[1]], must_meet=[mentors[0]], now=NOW)
    db.commit()

    plan, meetings = _solve(db, manager, cohort_id)

    texts = [translate("en", timetable.problem_message(p), **p["params"]) for p in plan.problems]
    assert texts == [f"OceanWatt must meet {db.get(User, mentors[0]).name}, but they share no free slot."]
    assert meetings and mentors[0] not in {m.mentor_id for m in meetings}


def test_publishing_makes_sessions_with_rooms_and_invitations(db, accelerator, day):
    cohort_id, _, mentors = day
    manager = accelerator.scene.manager
    _, meetings = _solve(db, manager, cohort_id)
    mails_before = db.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0

    plan = publishing.publish(db, actor=manager, cohort_id=cohort_id, now=NOW)
    db.commit()

    assert plan.status == "published"
    made = db.scalars(select(MentorSession).where(MentorSession.kind == "speed_meeting")).all()
    assert len(made) == len(meetings) == 6
    rooms = {m.session_id: m.room_id for m in db.scalars(select(SpeedMeeting))}
    for session in made:
        booking = db.get(Booking, session.booking_id)
        assert (session.status, booking.status, booking.space_id) == ("confirmed", "confirmed", rooms[session.id])
        assert (booking.starts_at, booking.ends_at) == (session.starts_at, session.ends_at)
    mails = db.scalars(select(OutboxMessage).where(OutboxMessage.id > mails_before)).all()
    assert len(mails) == 12  # each side of each meeting, with the invitation for their calendar
    assert all("BEGIN:VEVENT" in mail.ics and "METHOD:REQUEST" in mail.ics for mail in mails)
    people = {session.mentor_id for session in made} | {session.attendee_id for session in made}
    assert {mail.user_id for mail in mails} == people
    # A day volunteered does not eat the mentors' monthly hours.
    assert sessions.month_minutes(db, mentor_id=mentors[0], month=TUESDAY) == 0
    # Read-only from now on.
    with pytest.raises(Conflict):
        timetable.pin_meeting(db, actor=manager, cohort_id=cohort_id, meeting_id=meetings[0].id, pinned=True,
                              now=NOW)


def test_members_may_not_plan_but_rank_mentors_for_their_start_up(db, accelerator, day):
    cohort_id, startups, mentors = day
    nadia = accelerator.scene.nadia
    with pytest.raises(Forbidden):
        timetable.solve(db, actor=nadia, cohort_id=cohort_id, now=NOW, time_limit=QUICK)
    with pytest.raises(Forbidden):
        preferences.set_preferences(db, actor=nadia, cohort_id=cohort_id, side="startup", who=startups[1],
                                    ranked=[mentors[0]], must_meet=[], now=NOW)
    preferences.set_preferences(db, actor=nadia, cohort_id=cohort_id, side="startup", who=startups[0],
                                ranked=[mentors[2], mentors[0]], must_meet=[], now=NOW)
    details = plans.load(db, accelerator.cohort)
    assert [(p.mentor_id, p.rank) for p in details.preferences] == [(mentors[2], 1), (mentors[0], 2)]


def test_the_api_builds_the_timetable_for_managers_only(client, db, accelerator, day):
    cohort_id, _, _ = day
    timetable.TIME_LIMIT_SECONDS, limit = QUICK, timetable.TIME_LIMIT_SECONDS
    try:
        manager = api_token(client, accelerator.scene.manager.email, PASSWORD)
        body = {"days": [TUESDAY.isoformat()], "slot_minutes": 20, "changeover_minutes": 10, "starts_at": "09:00",
                "ends_at": "10:30"}
        response = client.post(f"/api/v1/cohorts/{cohort_id}/speed-meeting", json=body, headers=manager)
    finally:
        timetable.TIME_LIMIT_SECONDS = limit
    assert response.status_code == 200, response.text
    data = response.json()
    assert {"meetings", "objective", "bound", "gap", "solve_seconds", "status", "problems"} <= set(data)
    assert len(data["meetings"]) == 6 and data["gap"] == 0
    assert {"startup_id", "mentor_id", "room_id", "starts_at", "ends_at", "pinned"} <= set(data["meetings"][0])
    assert client.get(f"/api/v1/cohorts/{cohort_id}/speed-meeting", headers=manager).json()["meetings"] == data[
        "meetings"]

    bad = client.post(f"/api/v1/cohorts/{cohort_id}/speed-meeting", headers=manager,
                      json=body | {"days": ["2026-11-02"]})
    assert bad.status_code == 422 and "after today" in bad.json()["detail"]
    assert client.post("/api/v1/cohorts/999999/speed-meeting", json=body, headers=manager).status_code == 404
    member = api_token(client, accelerator.scene.nadia.email, PASSWORD)
    assert client.post(f"/api/v1/cohorts/{cohort_id}/speed-meeting", json=body, headers=member).status_code == 403


def test_the_api_says_a_timetable_must_be_built_before_publishing_and_not_changed_after(client, db, accelerator,
                                                                                       day):
    cohort_id, _, _ = day
    manager = api_token(client, accelerator.scene.manager.email, PASSWORD)

    def publish(language: dict[str, str]):  # type: ignore[no-untyped-def]
        return client.post(f"/api/v1/cohorts/{cohort_id}/speed-meeting/publish", headers={**manager, **language})

    assert_refused(publish, 409, "timetable_not_built", "Build the timetable before publishing it.",
                   "Construisez le planning avant de le publier.")
    _solve(db, accelerator.scene.manager, cohort_id)
    assert publish({}).status_code == 200
    assert_refused(publish, 409, "timetable_published", "The timetable is published: it can no longer be changed.",
                   "Le planning est publié : il ne peut plus être modifié.")
