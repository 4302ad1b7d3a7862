"""The demo's programs: the metropolitan accelerator's running cohort of twenty, its next cohort's applications,
the corporate accelerator; loaded once, quickly, beside the spaces demo's grants."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from cohorts import demo as cohorts_demo
from cohorts.mentoring.models import (
    MentorProfile,
    MentorSession,
    OfficeHoursSlot,
    SessionFeedback,
    SessionRequest,
    expertise_tag_track,
)
from cohorts.programs import service as program_service
from cohorts.programs.models import Cohort, Enrolment, Program, Track
from cohorts.startups.models import Application, ApplicationReview, StartupProfile
from spaces.operators.models import Operator, OperatorQuota
from spaces.venues.models import AccessGrant, Venue
from spaces.venues.rules import local_time, public_holiday
from tests.spaces.test_demo import NEXT_WORKING_DAYS
from totem import demo
from totem.identity.models import Organisation, User
from totem.notifications.models import OutboxMessage

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def test_the_demo_runs_a_cohort_of_twenty_and_takes_applications(db, monkeypatch):
    monkeypatch.setattr(cohorts_demo, "load_demo", lambda db, now: None)
    demo.load_demo(db, NOW)
    monkeypatch.undo()
    cohorts_demo.load_demo(db, NOW)

    programs = {p.name: p for p in db.scalars(select(Program))}
    assert set(programs) == {"Accélérateur Métropole", "Blue Harbour Lab", "Lavande Beauty Lab"}
    tracks = db.scalars(select(Track.name).where(Track.program_id == programs["Accélérateur Métropole"].id)
                        .order_by(Track.name)).all()
    assert tracks == ["Aménagement urbain", "Industries créatives", "Mer"]
    phases = dict(db.execute(select(Cohort.name, Cohort.phase)).tuples().all())
    assert phases == {"Promo 2026": "running", "Promo 2027": "applications_open", "Saison 4": "running",
                      "Saison 1": "running"}
    # Three operators, each running its own program, with its own manager and a meeting-room quota.
    operators = {p.name: db.get_one(Operator, p.operator_id) for p in programs.values()}
    assert {name: operator.name for name, operator in operators.items()} == {
        "Accélérateur Métropole": "Accélérateur M", "Blue Harbour Lab": "Armement Phocéen",
        "Lavande Beauty Lab": "Maison Lavande"}
    quotas = db.execute(select(Operator.name, OperatorQuota.monthly_hours).join(OperatorQuota)
                        .where(OperatorQuota.space_kind == "meeting_room")).tuples().all()
    assert dict(quotas) == {"Accélérateur M": 400, "Armement Phocéen": 120, "Maison Lavande": 80}
    ferrand = db.scalar(select(User).where(User.email == "marc.ferrand@armement-phoceen.fr"))
    assert [p.name for p in program_service.list_programs_run_by(db, actor=ferrand)] == ["Blue Harbour Lab"]

    running = db.scalars(select(Cohort).where(Cohort.name == "Promo 2026")).one()
    roster = dict(db.execute(select(Organisation.name, Track.name).join(Enrolment, Enrolment.organisation_id ==
                                                                         Organisation.id)
                             .join(Track, Track.id == Enrolment.track_id)
                             .where(Enrolment.cohort_id == running.id)).tuples().all())
    assert len(roster) == 20
    assert {name: roster[name] for name in ("OceanWatt", "Kelp Studio", "UrbaFlux")} == {
        "OceanWatt": "Mer", "Kelp Studio": "Industries créatives", "UrbaFlux": "Aménagement urbain"}
    abroad = db.scalar(select(func.count()).select_from(StartupProfile).where(StartupProfile.country != "FR"))
    assert abroad >= 5
    # The spaces demo's grants stay; the cohort's are beside them.
    keys = set(db.scalars(select(AccessGrant.source_key).join(Organisation).where(Organisation.name == "OceanWatt")))
    assert keys == {"demo", f"cohort-{running.id}"}

    upcoming = db.scalars(select(Cohort).where(Cohort.name == "Promo 2027")).one()
    statuses = db.scalars(select(Application.status).where(Application.cohort_id == upcoming.id)).all()
    assert len(statuses) == 8 and {"submitted", "under_review"} == set(statuses)
    assert db.scalar(select(func.count()).select_from(ApplicationReview)) >= 6
    made_up = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.to_address.like("%.example"))
    assert db.scalar(made_up) == 0  # made-up people get no mail

    # The mentors: fifteen profiles, the demo mentor accounts among them, all with office hours.
    profiles = db.scalars(select(MentorProfile).options(selectinload(MentorProfile.user))).all()
    assert len(profiles) == 15
    assert {"yves.roux@mentors-sud.fr", "claire.dubois@mentors-sud.fr"} <= {p.user.email for p in profiles}
    with_hours = db.scalars(select(OfficeHoursSlot.mentor_id).where(OfficeHoursSlot.starts_at > NOW).distinct()).all()
    assert len(with_hours) == 15
    tag_tracks = db.scalars(select(Track.name).join(expertise_tag_track).distinct()).all()
    assert set(tag_tracks) == {"Mer", "Industries créatives", "Aménagement urbain"}
    # Past sessions with feedback from both sides, a couple of no-shows, in the mentor hours of the cohort.
    past = db.scalars(select(MentorSession).where(MentorSession.ends_at < NOW)).all()
    assert {s.status for s in past} >= {"completed", "no_show"} and len(past) >= 20
    assert all(s.cohort_id == running.id for s in past if s.organisation_id in roster_ids(db, running))
    sides = db.execute(select(SessionFeedback.session_id, SessionFeedback.side)).all()
    assert len({session_id for session_id, side in sides if side == "mentor"}
               & {session_id for session_id, side in sides if side == "startup"}) >= 15
    # Upcoming sessions of the demo members' start-ups, in person ones with a room; open requests.
    upcoming = db.execute(select(Organisation.name, MentorSession.mode, MentorSession.booking_id)
                          .join(Organisation, Organisation.id == MentorSession.organisation_id)
                          .where(MentorSession.starts_at > NOW, MentorSession.status == "confirmed")).all()
    assert {name for name, _mode, _booking in upcoming} == {"OceanWatt", "Kelp Studio", "UrbaFlux"}
    assert all(booking_id is not None for _name, mode, booking_id in upcoming if mode == "in_person")
    open_requests = db.scalars(select(SessionRequest).where(SessionRequest.status == "open")).all()
    yves = db.scalars(select(User.id).where(User.email == "yves.roux@mentors-sud.fr")).one()
    assert sum(r.preferred_mentor_id is None for r in open_requests) >= 3
    assert any(r.preferred_mentor_id == yves for r in open_requests)


def roster_ids(db, cohort: Cohort) -> set[int]:
    return set(db.scalars(select(Enrolment.organisation_id).where(Enrolment.cohort_id == cohort.id)))


def test_the_demo_is_loaded_once(db):
    demo.load_demo(db, NOW)
    counts = [db.scalar(select(func.count()).select_from(model)) for model in (Program, Enrolment, Application)]
    cohorts_demo.load_demo(db, NOW)
    assert [db.scalar(select(func.count()).select_from(model)) for model in (Program, Enrolment, Application)] == counts


@pytest.mark.parametrize("now", [moment for moment, _day in NEXT_WORKING_DAYS[:5]],
                         ids=["weekday-night", "saturday", "christmas", "dst-night", "leap-day"])
def test_the_demo_looks_right_at_any_instant(db, now):
    """Loaded at the instants .ci/any-instant runs at: the demo members' upcoming sessions are on days the venue
    opens, after `now`, and the past ones before it."""
    demo.load_demo(db, now)

    venue = db.scalars(select(Venue)).one()
    sessions = db.scalars(select(MentorSession).where(MentorSession.status == "confirmed")).all()
    upcoming = [s for s in sessions if s.starts_at > now]
    assert len(upcoming) >= 3
    for session in upcoming:
        day = local_time(session.starts_at, venue).date()
        assert day.weekday() < 5 and public_holiday(day) is None, session.starts_at
    assert db.scalar(select(func.count()).select_from(MentorSession).where(MentorSession.ends_at < now,
                                                                          MentorSession.status == "completed")) >= 15
