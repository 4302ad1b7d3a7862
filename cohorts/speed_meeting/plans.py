"""A cohort's speed-meeting day ("mentor madness"): its plan (days, hours, rooms) and the mentors taking part, as
the pages read it and the staff of the cohort's program change it. New days, hours or rooms clear the timetable.
Services flush, never commit.
"""
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cohorts.mentoring import availability, mentors
from cohorts.mentoring.models import MentorProfile
from cohorts.programs import permissions as _program_permissions  # noqa: F401  (registers "program.*")
from cohorts.programs import queries as program_queries
from cohorts.programs.models import Cohort, Enrolment
from cohorts.speed_meeting.models import (
    SpeedMeeting,
    SpeedMeetingDay,
    SpeedMeetingMentor,
    SpeedMeetingPlan,
    SpeedMeetingPreference,
    SpeedMeetingRemoval,
)
from spaces.venues import queries as venue_queries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Space, Venue
from spaces.venues.rules import local_time, policy_from, public_holiday
from totem import audit
from totem.errors import Conflict, Invalid, NotFound, error_code
from totem.i18n import N_, said
from totem.identity.models import Organisation, User
from totem.permissions import require


MAX_DAYS = 3
DEFAULT_HOURS = (time(9), time(17))


@dataclass(frozen=True)
class PlanData:
    days: list[date]
    slot_minutes: int = 20
    changeover_minutes: int = 5
    starts_at: time = DEFAULT_HOURS[0]
    ends_at: time = DEFAULT_HOURS[1]
    room_ids: list[int] | None = None  # None: the venue's rooms that allow back-to-back meetings


@dataclass(frozen=True)
class Plan:
    """A plan with what its pages show."""

    plan: SpeedMeetingPlan
    cohort: Cohort
    venue: Venue
    days: list[date]
    rooms: list[Space]
    startups: dict[int, str]  # organisation id -> name, by name
    mentors: dict[int, str]  # user id -> name, by name, those taking part
    hours: dict[tuple[int, date], tuple[time, time]]  # (mentor, day) -> hours
    preferences: list[SpeedMeetingPreference]
    meetings: list[SpeedMeeting]
    removed: list[SpeedMeetingRemoval]


# -- reading --------------------------------------------------------------------------------------


def managed_cohort(db: Session, *, actor: User, cohort_id: int) -> Cohort:
    """The cohort if the actor runs its program: Forbidden for non-staff, NotFound for an unknown cohort."""
    require(actor, "program.create")
    cohort = program_queries.get_cohort(db, cohort_id)
    if cohort is None:
        raise NotFound("No such cohort.")
    require(actor, "program.manage", cohort.program)
    return cohort


def find_plan(db: Session, cohort_id: int) -> SpeedMeetingPlan | None:
    return db.scalar(select(SpeedMeetingPlan).where(SpeedMeetingPlan.cohort_id == cohort_id))


def plan_venue(db: Session, cohort: Cohort) -> Venue:
    return db.get_one(Venue, cohort.program.venue_id)


def load(db: Session, cohort: Cohort) -> Plan | None:
    """The cohort's plan with its days, rooms, people, preferences and meetings; None when it has none."""
    plan = find_plan(db, cohort.id)
    if plan is None:
        return None
    days = list(db.scalars(select(SpeedMeetingDay.day).where(SpeedMeetingDay.plan_id == plan.id)
                           .order_by(SpeedMeetingDay.day)))
    rooms = {space.id: space for space in db.scalars(select(Space).where(Space.id.in_(plan.room_ids)))}
    taking_part = list(db.scalars(select(SpeedMeetingMentor).where(SpeedMeetingMentor.plan_id == plan.id)))
    hours = {(row.mentor_id, row.day): (row.starts_at, row.ends_at) for row in taking_part
             if row.starts_at is not None and row.ends_at is not None}
    mentor_ids = {row.mentor_id for row in taking_part}
    mentor_names = dict(db.execute(select(User.id, User.name).where(User.id.in_(mentor_ids))).tuples().all())
    meetings = list(db.scalars(select(SpeedMeeting).where(SpeedMeeting.plan_id == plan.id)
                               .order_by(SpeedMeeting.day, SpeedMeeting.slot, SpeedMeeting.room_id)))
    return Plan(
        plan=plan, cohort=cohort, venue=plan_venue(db, cohort), days=days,
        rooms=[rooms[room_id] for room_id in plan.room_ids if room_id in rooms],
        startups=startup_names(db, cohort.id),
        mentors=dict(sorted(mentor_names.items(), key=lambda item: item[1].lower())), hours=hours,
        preferences=list(db.scalars(select(SpeedMeetingPreference).where(SpeedMeetingPreference.plan_id == plan.id)
                                    .order_by(SpeedMeetingPreference.side, SpeedMeetingPreference.rank))),
        meetings=meetings,
        removed=list(db.scalars(select(SpeedMeetingRemoval).where(SpeedMeetingRemoval.plan_id == plan.id))),
    )


def startup_names(db: Session, cohort_id: int) -> dict[int, str]:
    """The cohort's start-ups (its active enrolments), by name."""
    rows = db.execute(select(Organisation.id, Organisation.name).join(
        Enrolment, Enrolment.organisation_id == Organisation.id).where(
        Enrolment.cohort_id == cohort_id, Enrolment.status == "active").order_by(Organisation.name)).tuples().all()
    return dict(rows)


def venue_rooms(db: Session, venue: Venue) -> list[tuple[Space, int]]:
    """The venue's meeting rooms and the minutes each needs between two bookings."""
    venue_of = venue_queries.floor_venue_ids(db)
    rooms = [venue_queries.get_space(db, room.id) for room in venue_queries.list_spaces(db, kind=SpaceKind.MEETING_ROOM)
             if venue_of[room.floor_id] == venue.id and room.is_active]
    return [(room, policy_from(venue_queries.get_rule_for(db, room)).buffer_minutes) for room in rooms]


def venue_mentors(db: Session, venue: Venue) -> list[MentorProfile]:
    return [profile for profile in mentors.search_mentors(db) if profile.venue_id == venue.id]


# -- the plan -------------------------------------------------------------------------------------


def editable_plan(db: Session, actor: User, cohort_id: int) -> tuple[Cohort, SpeedMeetingPlan]:
    cohort = managed_cohort(db, actor=actor, cohort_id=cohort_id)
    plan = find_plan(db, cohort.id)
    if plan is None:
        raise NotFound("This cohort has no speed-meeting day yet.")
    check_draft(plan)
    return cohort, plan


TIMETABLE_PUBLISHED = error_code(
    "timetable_published", "The speed-meeting timetable is published: it can no longer be changed.")


def check_draft(plan: SpeedMeetingPlan) -> None:
    if plan.status != "draft":
        raise Conflict("The timetable is published: it can no longer be changed.", code=TIMETABLE_PUBLISHED)


def save_plan(db: Session, *, actor: User, cohort_id: int, data: PlanData, now: datetime) -> SpeedMeetingPlan:
    """Create or change the cohort's plan; new days, hours or rooms clear the timetable (removed pairs stay)."""
    cohort = managed_cohort(db, actor=actor, cohort_id=cohort_id)
    venue = plan_venue(db, cohort)
    plan = find_plan(db, cohort.id)
    if plan is not None:
        check_draft(plan)
    days = _check_days(db, venue, data, now)
    room_ids = _check_rooms(db, venue, data)
    if plan is None:
        plan = SpeedMeetingPlan(cohort_id=cohort.id, status="draft", problems=[], created_at=now, created_by=actor.id,
                                room_ids=[])
        db.add(plan)
    before = (plan.slot_minutes, plan.changeover_minutes, plan.starts_at, plan.ends_at, list(plan.room_ids or []))
    plan.slot_minutes, plan.changeover_minutes = data.slot_minutes, data.changeover_minutes
    plan.starts_at, plan.ends_at, plan.room_ids = data.starts_at, data.ends_at, room_ids
    plan.updated_at = now
    db.flush()
    old_days = set(db.scalars(select(SpeedMeetingDay.day).where(SpeedMeetingDay.plan_id == plan.id)))
    if old_days != set(days) or before != (plan.slot_minutes, plan.changeover_minutes, plan.starts_at,
                                           plan.ends_at, room_ids):
        _clear_timetable(db, plan)
    gone = old_days - set(days)
    if gone:
        db.execute(delete(SpeedMeetingMentor).where(SpeedMeetingMentor.plan_id == plan.id,
                                                    SpeedMeetingMentor.day.in_(gone)))
        db.execute(delete(SpeedMeetingDay).where(SpeedMeetingDay.plan_id == plan.id, SpeedMeetingDay.day.in_(gone)))
    for day in sorted(set(days) - old_days):
        db.add(SpeedMeetingDay(plan_id=plan.id, day=day))
    db.flush()
    participants = set(db.scalars(select(SpeedMeetingMentor.mentor_id).where(SpeedMeetingMentor.plan_id == plan.id)))
    for mentor_id in participants:
        _add_default_hours(db, plan, venue, mentor_id, sorted(set(days) - old_days))
    # Hours outside the new day are cut to it.
    for row in db.scalars(select(SpeedMeetingMentor).where(SpeedMeetingMentor.plan_id == plan.id,
                                                           SpeedMeetingMentor.starts_at.is_not(None))):
        start, end = max(row.starts_at, plan.starts_at), min(row.ends_at, plan.ends_at)
        row.starts_at, row.ends_at = (start, end) if start < end else (None, None)
    db.flush()
    audit.record(db, actor=actor, action="speed_meeting.save", obj=plan, now=now,
                 summary=said(N_("days: {days}"), days=list(days)))
    return plan


def _check_days(db: Session, venue: Venue, data: PlanData, now: datetime) -> list[date]:
    days = sorted(set(data.days))
    if not 1 <= len(days) <= MAX_DAYS:
        raise Invalid("Choose one to {count} days.", field="days", count=MAX_DAYS)
    if not 5 <= data.slot_minutes <= 120:
        raise Invalid("A meeting lasts from 5 to 120 minutes.", field="slot_minutes")
    if not 0 <= data.changeover_minutes <= 60:
        raise Invalid("The change-over lasts from 0 to 60 minutes.", field="changeover_minutes")
    if data.ends_at <= data.starts_at:
        raise Invalid("The day must end after it starts.", field="ends_at")
    day_minutes = (datetime.combine(date.min, data.ends_at) - datetime.combine(date.min, data.starts_at)).seconds // 60
    if day_minutes < data.slot_minutes:
        raise Invalid("Not a single meeting fits between the start and the end of the day.", field="ends_at")
    today = local_time(now, venue).date()
    for day in days:
        if day <= today:
            raise Invalid("Choose days after today: {day} is not.", field="days", day=day.isoformat())
        hours = venue_queries.get_opening_hours(db, venue.id, day.weekday())
        closed = (hours is None or venue_queries.get_closure(db, venue.id, day) is not None
                  or (venue.observes_public_holidays and public_holiday(day) is not None))
        if closed:
            raise Invalid("The venue is closed on {day}.", field="days", day=day.isoformat())
        if data.starts_at < hours.opens_at or data.ends_at > hours.closes_at:
            raise Invalid("On {day} the venue is open from {opens} to {closes} only.", field="starts_at",
                          day=day.isoformat(), opens=f"{hours.opens_at:%H:%M}", closes=f"{hours.closes_at:%H:%M}")
    return days


def _check_rooms(db: Session, venue: Venue, data: PlanData) -> list[int]:
    """The rooms asked for, each a meeting room of the venue whose buffer fits in the change-over."""
    rooms = venue_rooms(db, venue)
    if data.room_ids is None:
        fitting = [room.id for room, buffer in rooms if buffer <= data.changeover_minutes]
        if not fitting:
            raise Invalid("No meeting room of the venue allows meetings {minutes} minutes apart: lengthen the "
                          "change-over.", field="changeover_minutes", minutes=data.changeover_minutes)
        return fitting
    known = {room.id: (room, buffer) for room, buffer in rooms}
    chosen = list(dict.fromkeys(data.room_ids))
    if not chosen:
        raise Invalid("Choose at least one room.", field="room_ids")
    for room_id in chosen:
        if room_id not in known:
            raise Invalid("Choose meeting rooms of the venue.", field="room_ids")
        room, buffer = known[room_id]
        if buffer > data.changeover_minutes:
            raise Invalid("{room} needs {minutes} minutes between bookings: lengthen the change-over or leave it "
                          "out.", field="room_ids", room=room.name, minutes=buffer)
    return chosen


def _clear_timetable(db: Session, plan: SpeedMeetingPlan) -> None:
    db.execute(delete(SpeedMeeting).where(SpeedMeeting.plan_id == plan.id))
    plan.solve_status = plan.objective = plan.bound = plan.gap = plan.solve_seconds = plan.solved_at = None
    plan.problems = []


def _add_default_hours(db: Session, plan: SpeedMeetingPlan, venue: Venue, mentor_id: int, days: list[date]) -> None:
    """Their office hours on each day, within the plan's hours, if they hold any that day; else the whole day.
    None on the days they are away."""
    office_hours = availability.list_office_hours(db, mentor_id)
    for day in days:
        if availability.is_away(db, mentor_id=mentor_id, day=day):
            db.add(SpeedMeetingMentor(plan_id=plan.id, mentor_id=mentor_id, day=day))
            continue
        windows = [availability.occurrence_window(oh, day, venue) for oh in office_hours
                   if availability.occurrence_days(oh, day, day)]
        start, end = plan.starts_at, plan.ends_at
        if windows:
            start = max(start, min(local_time(a, venue).time() for a, _ in windows))
            end = min(end, max(local_time(b, venue).time() for _, b in windows))
        db.add(SpeedMeetingMentor(plan_id=plan.id, mentor_id=mentor_id, day=day, starts_at=start if start < end else None,
                                  ends_at=end if start < end else None))


def set_mentors(db: Session, *, actor: User, cohort_id: int, mentor_ids: list[int], now: datetime) -> SpeedMeetingPlan:
    """The mentors taking part; a newcomer gets their default hours, one who leaves takes their meetings along."""
    cohort, plan = editable_plan(db, actor, cohort_id)
    venue = plan_venue(db, cohort)
    allowed = {profile.user_id for profile in venue_mentors(db, venue)}
    wanted = set(mentor_ids)
    if not wanted <= allowed:
        raise Invalid("Choose active mentors of the venue.", field="mentor_ids")
    current = set(db.scalars(select(SpeedMeetingMentor.mentor_id).where(SpeedMeetingMentor.plan_id == plan.id)))
    leaving = current - wanted
    if leaving:
        db.execute(delete(SpeedMeeting).where(SpeedMeeting.plan_id == plan.id, SpeedMeeting.mentor_id.in_(leaving)))
        db.execute(delete(SpeedMeetingMentor).where(SpeedMeetingMentor.plan_id == plan.id,
                                                    SpeedMeetingMentor.mentor_id.in_(leaving)))
    days = list(db.scalars(select(SpeedMeetingDay.day).where(SpeedMeetingDay.plan_id == plan.id)))
    for mentor_id in sorted(wanted - current):
        _add_default_hours(db, plan, venue, mentor_id, days)
    plan.updated_at = now
    db.flush()
    return plan


def set_hours(
    db: Session, *, actor: User, cohort_id: int, mentor_id: int, hours: dict[date, tuple[time, time] | None],
    now: datetime,
) -> SpeedMeetingPlan:
    """A mentor's hours on each day of the plan (None: not there that day); their meetings outside go."""
    _, plan = editable_plan(db, actor, cohort_id)
    days = set(db.scalars(select(SpeedMeetingDay.day).where(SpeedMeetingDay.plan_id == plan.id)))
    if db.scalar(select(SpeedMeetingMentor.mentor_id).where(SpeedMeetingMentor.plan_id == plan.id,
                                                            SpeedMeetingMentor.mentor_id == mentor_id).limit(1)) is None:
        raise NotFound("No such participant.")
    for day, window in hours.items():
        if day not in days:
            raise Invalid("Choose days of the plan.", field="hours")
        if window is not None and not (plan.starts_at <= window[0] < window[1] <= plan.ends_at):
            raise Invalid("Hours run from the day's start to its end, the end after the start.", field="hours")
    db.execute(delete(SpeedMeetingMentor).where(SpeedMeetingMentor.plan_id == plan.id,
                                                SpeedMeetingMentor.mentor_id == mentor_id,
                                                SpeedMeetingMentor.day.in_(list(hours))))
    for day, window in hours.items():
        db.add(SpeedMeetingMentor(plan_id=plan.id, mentor_id=mentor_id, day=day,
                                  starts_at=window[0] if window else None, ends_at=window[1] if window else None))
    db.flush()
    venue = db.get_one(Venue, db.get_one(MentorProfile, mentor_id).venue_id)
    for meeting in db.scalars(select(SpeedMeeting).where(SpeedMeeting.plan_id == plan.id,
                                                         SpeedMeeting.mentor_id == mentor_id)):
        if meeting.day not in hours:
            continue
        window = hours[meeting.day]
        if window is None or not (window[0] <= local_time(meeting.starts_at, venue).time()
                                  and local_time(meeting.ends_at, venue).time() <= window[1]):
            db.delete(meeting)
    plan.updated_at = now
    db.flush()
    return plan
