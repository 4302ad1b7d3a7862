"""The world the authorization matrix asks about: the demo venue, seven people, and one object of each kind.

Every object a route names belongs to start-up A (OceanWatt, member Nadia), its mentor (Yves), or the program
that manager Léa runs (she is a manager of its operator, accélérateur M); a second manager runs only the other
program, and a third is a manager of another operator (the shipping group's). So "member B", "the other manager",
"the other operator's manager" and "another mentor's" requests meet an object that exists but is not theirs.
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cohorts.matching.models import MatchingRun
from cohorts.mentoring.models import AvailabilityException, MentorSession, OfficeHours, SessionRequest
from cohorts.programs.models import Cohort, CohortEvent, Enrolment, Program, ProgramManager, Track
from cohorts.speed_meeting.models import SpeedMeeting, SpeedMeetingDay, SpeedMeetingPlan
from cohorts.startups.models import Application, Milestone
from cohorts.territory.models import Actor
from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.booking.room_feed import feed_key
from spaces.booking.waitlist.models import WaitlistEntry
from spaces.events.models import Event, Registration
from spaces.series.models import BookingSeries
from spaces.venues.enums import SpaceKind
from spaces.venues.models import BookingRule, ClosureDay, DeskAllocation, Floor, Space, Venue, Zone
from spaces.venues.rules import local_time
from spaces.visitors.models import Visitor
from totem.auth import service as auth
from totem.auth.secrets import hash_password
from totem.demo import load_demo
from totem.identity import service as identity
from totem.identity.models import Organisation, User
from totem.settings import Settings

ANON, MEMBER_A, MEMBER_B, MENTOR, OTHER_MANAGER, OTHER_OPERATOR_MANAGER, MANAGER, ADMIN = (
    "anonymous", "member A", "member B", "mentor", "manager of another program", "manager of another operator",
    "manager", "admin")
ACTORS = (ANON, MEMBER_A, MEMBER_B, MENTOR, OTHER_MANAGER, OTHER_OPERATOR_MANAGER, MANAGER, ADMIN)

EMAILS = {
    MEMBER_A: "nadia@oceanwatt.fr",  # OceanWatt, in Léa's program
    MEMBER_B: "hugo@kelpstudio.fr",  # Kelp Studio, same cohort
    MENTOR: "yves.roux@mentors-sud.fr",  # OceanWatt's mentor
    OTHER_OPERATOR_MANAGER: "marc.ferrand@armement-phoceen.fr",  # a manager of the shipping group's operator
    MANAGER: "lea.martin@cite-innovation.fr",
    ADMIN: "admin@cite-innovation.fr",
}
OTHER_MANAGER_EMAIL = "marc.other@cite-innovation.fr"


@dataclass
class Credentials:
    session_cookie: str | None = None  # the raw session token of the page cookie
    bearer: str | None = None


@dataclass
class World:
    ids: dict[str, str]  # a path parameter's name -> the value every route gets
    credentials: dict[str, Credentials]


def build_world(db: Session, settings: Settings, now: datetime) -> World:
    load_demo(db, now)
    users = {actor: identity.get_user_by_email(db, email) for actor, email in EMAILS.items()}
    users[OTHER_MANAGER] = identity.create_user(
        db, actor=None, email=OTHER_MANAGER_EMAIL, name="Marc Autre", roles=["manager"], now=now,
        password_hash=hash_password("another-program-2026"))
    program, other_program = _programs(db)
    # Léa runs the start-ups' program only; the other manager runs the other program only.
    db.execute(delete(ProgramManager).where(ProgramManager.program_id == other_program.id))
    db.add(ProgramManager(program_id=other_program.id, user_id=users[OTHER_MANAGER].id))
    db.flush()
    db.expire_all()

    member_a, mentor = users[MEMBER_A], users[MENTOR]
    startup = db.scalar(select(Organisation).where(Organisation.name == "OceanWatt"))
    cohort = db.scalar(select(Cohort).where(Cohort.program_id == program.id, Cohort.phase == "running"))
    venue = db.scalars(select(Venue).order_by(Venue.id)).first()
    floor = db.scalars(select(Floor).where(Floor.venue_id == venue.id).order_by(Floor.id)).first()
    room = db.scalars(select(Space).where(Space.kind == SpaceKind.MEETING_ROOM).order_by(Space.id)).first()
    today = local_time(now, venue).date()
    booking = db.scalars(select(Booking).where(
        Booking.user_id == member_a.id, Booking.status == BookingStatus.CONFIRMED, Booking.starts_at > now)
        .order_by(Booking.starts_at)).first()
    series = _series(db, member_a, startup, room, now)
    entry = WaitlistEntry(space_id=room.id, user_id=member_a.id, organisation_id=startup.id, title="Board",
                          starts_at=booking.starts_at, ends_at=booking.ends_at, status="waiting", created_at=now)
    closure = ClosureDay(venue_id=venue.id, day=today + timedelta(days=60), reason="Inventory")
    exception = AvailabilityException(mentor_id=mentor.id, first_day=today + timedelta(days=30),
                                      last_day=today + timedelta(days=31), reason="Away", created_at=now)
    request = SessionRequest(organisation_id=startup.id, requested_by=member_a.id, topic="Pricing",
                             preferred_mentor_id=mentor.id, created_at=now, updated_at=now)
    run = MatchingRun(venue_id=venue.id, starts_at=now, ends_at=now + timedelta(days=7), created_at=now,
                      created_by=users[MANAGER].id, status="optimal", requests=0, proposed=0, objective=0,
                      solve_seconds=0.1, unmatched=[])
    event = CohortEvent(cohort_id=cohort.id, title="Pitch workshop", space_id=room.id, weekday=2, start_time=time(14),
                        duration_minutes=60, every_weeks=2, created_at=now)
    visitor = Visitor(venue_id=venue.id, host_id=member_a.id, registered_by_id=member_a.id, name="Camille Durand",
                      email="camille@example.fr", organisation="", reason="", locale="fr", walk_in=False,
                      expected_at=now + timedelta(hours=1), code="MATRIX23", page_token="matrix-visit-page-token",
                      created_at=now)
    db.add_all([entry, closure, exception, request, run, event, visitor])
    db.flush()
    session = db.scalars(select(MentorSession).where(
        MentorSession.organisation_id == startup.id, MentorSession.mentor_id == mentor.id,
        MentorSession.starts_at > now).order_by(MentorSession.starts_at)).first()
    token, _raw = auth.issue_api_token(db, user=member_a, name="laptop", now=now)
    space_event = db.scalar(select(Event).where(Event.title == "Matinale de l'économie bleue"))
    registration = db.scalars(select(Registration).where(Registration.event_id == space_event.id)
                              .order_by(Registration.id)).first()
    door_event, door_registration = _door_event(db, program.operator_id, venue, room, now)

    ids = {
        "startup_id": startup.id, "organisation_id": startup.id,
        "booking_id": booking.id, "series_id": series.id, "entry_id": entry.id,
        "venue_id": venue.id, "floor_id": floor.id, "space_id": room.id, "closure_id": closure.id,
        "zone_id": db.scalar(select(Zone.id).where(Zone.floor_id == floor.id).order_by(Zone.id)),
        "rule_id": db.scalar(select(BookingRule.id).where(BookingRule.venue_id == venue.id).order_by(BookingRule.id)),
        "allocation_id": db.scalar(select(DeskAllocation.id).where(DeskAllocation.organisation_id == startup.id)),
        "program_id": program.id, "cohort_id": cohort.id, "operator_id": program.operator_id,
        "manager_id": users[OTHER_MANAGER].id,
        "space_kind": "meeting_room",
        "open_cohort_id": db.scalar(select(Cohort.id).where(Cohort.phase == "applications_open")),
        "track_id": db.scalar(select(Track.id).where(Track.program_id == program.id).order_by(Track.id)),
        "milestone_id": db.scalar(select(Milestone.id).join(Track).where(Track.program_id == program.id)
                                  .order_by(Milestone.id)),
        "startup_milestone_id": db.scalar(  # a milestone of start-up A's own track
            select(Milestone.id).join(Enrolment, Enrolment.track_id == Milestone.track_id)
            .where(Enrolment.cohort_id == cohort.id, Enrolment.organisation_id == startup.id).order_by(Milestone.id)),
        "application_id": db.scalar(select(Application.id).join(Cohort).where(Cohort.program_id == program.id)
                                    .order_by(Application.id)),
        "event_id": event.id,
        "mentor_id": mentor.id, "user_id": mentor.id,
        "office_hours_id": db.scalar(select(OfficeHours.id).where(OfficeHours.mentor_id == mentor.id)),
        "exception_id": exception.id, "request_id": request.id, "session_id": session.id, "run_id": run.id,
        "meeting_id": _speed_meeting(db, cohort, startup, mentor, room),
        "token_id": token.id, "month": (today.replace(day=1) - timedelta(days=1)).replace(day=1).isoformat(),
        "booking_space_id": booking.space_id,
        "visitor_id": visitor.id, "visitor_code": visitor.code, "visitor_page_token": visitor.page_token,
        # Accélérateur M's public morning next week (Léa's operator's), and one of its registrations.
        "space_event_id": space_event.id, "space_event_slug": space_event.slug, "event_space_id": space_event.space_id,
        "registration_id": registration.id, "registration_page_token": registration.page_token,
        # An event of Léa's operator happening now, with one person checked in (their feedback link).
        "door_event_id": door_event.id, "door_registration_id": door_registration.id,
        "door_code": door_registration.code, "door_page_token": door_registration.page_token,
        # Links that are their own credential: a real one, so that the matrix sees what its holder sees.
        "token": auth.issue_link(db, user=_invited(db, now), purpose=auth.INVITATION, valid_for=timedelta(days=7),
                                 now=now),
        "reset_token": auth.issue_link(db, user=users[MEMBER_B], purpose=auth.PASSWORD_RESET,
                                       valid_for=timedelta(hours=1), now=now),
        # Start-up A's place in the territory's directory, and a listed organisation's public page.
        "actor_id": db.scalar(select(Actor.id).where(Actor.organisation_id == startup.id)),
        "slug": db.scalar(select(Actor.slug).where(Actor.listed, Actor.name.is_not(None)).order_by(Actor.id)),
        "sign_up_id": db.scalar(select(Actor.id).where(Actor.status == "pending").order_by(Actor.id)),
        "name": "spaces.expire_waitlist_offers", "kind": "spaces",
        "key": feed_key(settings.secret_key, room.id, member_a), "calendar_token": member_a.calendar_token,
    }
    for key in ids:
        assert ids[key] is not None, f"the demo has no object for {{{key}}}"
    credentials = {ANON: Credentials()}
    for actor, user in users.items():
        credentials[actor] = Credentials(
            session_cookie=auth.start_session(db, user=user, settings=settings, now=now),
            bearer=auth.issue_api_token(db, user=user, name="matrix", now=now)[1])
    db.commit()
    return World(ids={key: str(value) for key, value in ids.items()}, credentials=credentials)


def _programs(db: Session) -> tuple[Program, Program]:
    """The program OceanWatt's running cohort belongs to, and another one."""
    programs = list(db.scalars(select(Program).order_by(Program.id)))
    assert len(programs) >= 2, "the demo needs two programs"
    return programs[0], programs[1]


def _series(db: Session, user: User, startup: Organisation, room: Space, now: datetime) -> BookingSeries:
    series = BookingSeries(space_id=room.id, user_id=user.id, organisation_id=startup.id, title="Stand-up",
                           rrule="FREQ=WEEKLY;BYDAY=FR;COUNT=4", first_day=date(2031, 1, 3), start_time=time(8),
                           duration_minutes=30, materialised_until=date(2031, 1, 3), created_at=now,
                           created_by=user.id)
    db.add(series)
    db.flush()
    return series


def _speed_meeting(db: Session, cohort: Cohort, startup: Organisation, mentor: User, room: Space) -> int:
    plan = db.scalar(select(SpeedMeetingPlan).where(SpeedMeetingPlan.cohort_id == cohort.id))
    day = db.scalar(select(SpeedMeetingDay.day).where(SpeedMeetingDay.plan_id == plan.id).order_by(SpeedMeetingDay.day))
    starts_at = datetime.combine(day, time(8), tzinfo=UTC)
    meeting = SpeedMeeting(plan_id=plan.id, organisation_id=startup.id, mentor_id=mentor.id, day=day, slot=0,
                           room_id=room.id, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=20))
    db.add(meeting)
    db.flush()
    return meeting.id


def _door_event(db: Session, operator_id: int, venue: Venue, room: Space, now: datetime) -> tuple[Event, Registration]:
    """Written as rows (its booking does not matter here): under way, so that its door is open."""
    event = Event(slug="matrix-door-event", operator_id=operator_id, venue_id=venue.id,
                       space_id=room.id, title="Matrix meetup", starts_at=now - timedelta(hours=1),
                       ends_at=now + timedelta(hours=1), capacity=5, seats_taken=1, created_at=now)
    db.add(event)
    db.flush()
    registration = Registration(event_id=event.id, name="Camille Door", email="camille.door@example.fr",
                                email_key="camille.door@example.fr", consent_at=now, queued_at=now, code="MATRIXEV",
                                page_token="matrix-door-registration-token", checked_in_at=now, created_at=now)
    db.add(registration)
    db.flush()
    return event, registration


def _invited(db: Session, now: datetime) -> User:
    return identity.create_user(db, actor=None, email="new.founder@example.com", name="New Founder",
                                roles=["member"], now=now, password_hash=None)

