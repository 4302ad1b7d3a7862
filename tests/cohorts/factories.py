"""Small typed factories for programs, cohorts and applications, made through the services."""
import itertools
from datetime import date, datetime

from sqlalchemy.orm import Session

from cohorts.programs import cohorts as cohort_service
from cohorts.programs import service as programs
from cohorts.programs.models import Cohort, Program
from cohorts.programs.phases import PhaseDates
from cohorts.startups import applications
from cohorts.startups.forms import ApplicationForm
from cohorts.startups.models import Application
from spaces.venues.models import Venue
from totem.identity.models import User

_counter = itertools.count(1)


def make_program(
    db: Session, *, manager: User, venue: Venue, now: datetime, name: str | None = None,
    tracks: tuple[str, ...] = ("Mer", "Industries créatives"), monthly_credits: int = 40,
    space_kinds: tuple[str, ...] = (), desks_per_startup: int = 0,
) -> Program:
    program = programs.create_program(db, actor=manager, now=now, data=programs.ProgramData(
        name=name or f"Programme {next(_counter)}", venue_id=venue.id, monthly_credits=monthly_credits,
        space_kinds=space_kinds, desks_per_startup=desks_per_startup))
    for track in tracks:
        programs.add_track(db, actor=manager, program_id=program.id, name=track, description="", now=now)
    return programs.get_program(db, program.id)


def make_cohort(
    db: Session, *, manager: User, program: Program, now: datetime, name: str | None = None, capacity: int = 10,
    applications_open_on: date = date(2026, 11, 16), selection_on: date = date(2026, 12, 7),
    starts_on: date = date(2027, 1, 4), demo_day_on: date = date(2027, 6, 10), ends_on: date = date(2027, 6, 30),
) -> Cohort:
    return cohort_service.create_cohort(db, actor=manager, program_id=program.id, now=now, data=cohort_service.CohortData(
        name=name or f"Promo {next(_counter)}", capacity=capacity,
        dates=PhaseDates(applications_open_on, selection_on, starts_on, demo_day_on, ends_on)))


def application_form(program: Program, **overrides: object) -> ApplicationForm:
    n = next(_counter)
    values: dict = {
        "startup_name": f"Start-up {n}", "founder_name": f"Founder {n}", "founder_email": f"founder{n}@example.com",
        "website": f"startup{n}.example.com", "country": "FR", "stage": "prototype", "sector": "Energy",
        "team_size": "3", "track_id": str(program.tracks[0].id) if program.tracks else "",
        "pitch": "Buoys that measure the sea.", "answers": {"problem": "Nobody measures the coast."}, "locale": "en",
    }
    values.update(overrides)
    return ApplicationForm(**values)


def make_application(db: Session, *, cohort: Cohort, now: datetime, **overrides: object) -> Application:
    return applications.submit_application(db, cohort_id=cohort.id, form=application_form(cohort.program, **overrides),
                                           now=now)
