"""Phases by date and by hand: the job moves forward once, never over a manager's move; credits and rights follow."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cohorts.programs import phases
from cohorts.programs import cohorts as cohort_service
from cohorts.startups import applications
from spaces.credits import service as credits
from spaces.venues import access
from spaces.venues.models import DeskAllocation
from tests.cohorts.conftest import Accelerator
from tests.cohorts.factories import make_application, make_cohort, make_program
from tests.spaces.conftest import NOW, paris
from tests.spaces.factories import PARIS, make_space
from totem.errors import Conflict
from totem.jobs.registry import collect_jobs, next_fire_time


def test_the_phase_of_each_day():
    cohort = type("C", (), dict(applications_open_on=date(2026, 11, 16), selection_on=date(2026, 12, 7),
                                starts_on=date(2027, 1, 4), demo_day_on=date(2027, 6, 10), ends_on=date(2027, 6, 30),
                                phase="draft", phase_forced_on=None))()
    days = {date(2026, 11, 15): "draft", date(2026, 11, 16): "applications_open",
            date(2026, 12, 6): "applications_open", date(2026, 12, 7): "selection", date(2027, 1, 4): "running",
            date(2027, 6, 30): "demo_day", date(2027, 7, 1): "alumni"}
    assert {day: phases.phase_on(cohort, day) for day in days} == days


def test_the_job_runs_every_night_after_midnight_in_paris():
    job = collect_jobs()["cohorts.advance_phases"]
    assert next_fire_time(job, NOW, PARIS) == paris("2026-12-01", 0, 10)
    assert job.misfire_grace_seconds >= 12 * 3600


def test_a_manager_s_move_wins_over_the_dates_already_past(db, accelerator: Accelerator):
    manager, cohort = accelerator.scene.manager, accelerator.cohort
    # Applications are extended by hand after the selection date.
    cohort_service.advance_phases(db, now=paris("2026-12-07", 0, 10))
    assert cohort.phase == "selection"
    cohort_service.force_phase(db, actor=manager, cohort_id=cohort.id, phase="applications_open", now=paris("2026-12-08", 9))
    assert cohort_service.advance_phases(db, now=paris("2026-12-09", 0, 10)) == []
    assert cohort.phase == "applications_open"
    # The next date still moves it.
    moves = cohort_service.advance_phases(db, now=paris("2027-01-04", 0, 10))
    assert [(m.before, m.after) for m in moves] == [("applications_open", "running")]


def test_an_alumni_cohort_cannot_be_brought_back(db, accelerator: Accelerator):
    manager, cohort = accelerator.scene.manager, accelerator.cohort
    cohort_service.force_phase(db, actor=manager, cohort_id=cohort.id, phase="alumni", now=NOW)
    with pytest.raises(Conflict):
        cohort_service.force_phase(db, actor=manager, cohort_id=cohort.id, phase="running", now=NOW)


def test_ending_a_cohort_early_ends_the_grants_and_desks_that_day(db, scene, settings):
    for n in range(3):
        make_space(db, floor=scene.floor, name=f"D-{n}", kind="dedicated_desk", capacity=1)
    program = make_program(db, manager=scene.manager, venue=scene.venue, now=NOW, desks_per_startup=2,
                           monthly_credits=10)
    cohort = make_cohort(db, manager=scene.manager, program=program, now=NOW, applications_open_on=date(2026, 10, 1),
                         selection_on=date(2026, 10, 20), starts_on=date(2026, 11, 2), demo_day_on=date(2027, 3, 1),
                         ends_on=date(2027, 3, 31))
    assert cohort.phase == "running"
    cohort_service.force_phase(db, actor=scene.manager, cohort_id=cohort.id, phase="applications_open", now=NOW)
    application, other = make_application(db, cohort=cohort, now=NOW), make_application(db, cohort=cohort, now=NOW)
    cohort_service.force_phase(db, actor=scene.manager, cohort_id=cohort.id, phase="running", now=NOW)
    applications.decide(db, actor=scene.manager, application_id=application.id, decision="accept",
                        settings=settings, now=NOW)
    organisation_id = application.organisation_id
    desks = db.scalars(select(DeskAllocation).where(DeskAllocation.organisation_id == organisation_id)).all()
    assert [(d.starts_on, d.ends_on) for d in desks] == [(date(2026, 11, 30), date(2027, 3, 31))] * 2
    assert credits.balance_of(db, organisation_id) == 10  # enrolled in a running cohort: the first month at once
    with pytest.raises(Conflict):  # one desk left, the program gives two
        applications.decide(db, actor=scene.manager, application_id=other.id, decision="accept", settings=settings,
                            now=NOW)

    cohort_service.force_phase(db, actor=scene.manager, cohort_id=cohort.id, phase="alumni", now=paris("2027-01-15", 10))
    db.expire_all()
    assert [d.ends_on for d in db.scalars(select(DeskAllocation).where(
        DeskAllocation.organisation_id == organisation_id))] == [date(2027, 1, 15)] * 2
    assert access.holds_grant(db, organisation_id=organisation_id, venue_id=scene.venue.id, kind="meeting_room",
                              day=date(2027, 1, 15))
    assert not access.holds_grant(db, organisation_id=organisation_id, venue_id=scene.venue.id, kind="meeting_room",
                                  day=date(2027, 1, 16))


def test_a_cohort_starting_on_the_first_gets_its_credits_from_the_monthly_reset_only(db, scene, settings):
    program = make_program(db, manager=scene.manager, venue=scene.venue, now=NOW, monthly_credits=25)
    cohort = make_cohort(db, manager=scene.manager, program=program, now=NOW, starts_on=date(2027, 1, 1),
                         demo_day_on=date(2027, 5, 1), ends_on=date(2027, 5, 31))
    application = make_application(db, cohort=cohort, now=NOW)
    applications.decide(db, actor=scene.manager, application_id=application.id, decision="accept", settings=settings,
                        now=NOW)
    credits.reset_month(db, month_start=date(2027, 1, 1), now=paris("2027-01-01", 0, 5))
    cohort_service.advance_phases(db, now=paris("2027-01-01", 0, 10))
    assert cohort.phase == "running"
    assert credits.balance_of(db, application.organisation_id) == 25
    cohort_service.advance_phases(db, now=paris("2027-01-01", 0, 10) + timedelta(days=1))
    assert credits.balance_of(db, application.organisation_id) == 25
