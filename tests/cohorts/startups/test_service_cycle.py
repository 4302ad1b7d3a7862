"""Service-level sanity of the cycle: apply, review, accept (rights and credits), phases by date, alumni."""
from datetime import date

from sqlalchemy import select

from cohorts.programs import cohorts as cohort_service
from cohorts.programs.models import Enrolment
from cohorts.startups import applications
from spaces.credits import service as credits
from spaces.venues import access
from tests.cohorts.conftest import Accelerator
from tests.cohorts.factories import make_application
from tests.spaces.conftest import NOW, paris


def test_the_cycle_at_service_level(db, accelerator: Accelerator, settings):
    manager, cohort = accelerator.scene.manager, accelerator.cohort
    assert cohort.phase == "applications_open"
    application = make_application(db, cohort=cohort, now=NOW)
    applications.review_application(db, actor=manager, application_id=application.id,
                                    scores={"team": 4, "market": 3, "product": 5, "fit": 4}, comment="Solid", now=NOW)
    applications.decide(db, actor=manager, application_id=application.id, decision="accept", settings=settings, now=NOW)
    enrolment = db.scalars(select(Enrolment)).one()
    assert access.holds_grant(db, organisation_id=enrolment.organisation_id, venue_id=accelerator.scene.venue.id,
                              kind="meeting_room", day=date(2027, 1, 4))
    assert credits.balance_of(db, enrolment.organisation_id) == 0  # the cohort has not started

    moves = cohort_service.advance_phases(db, now=paris("2026-12-07", 0, 10))
    assert [(m.before, m.after) for m in moves] == [("applications_open", "selection")]
    assert cohort_service.advance_phases(db, now=paris("2026-12-07", 3)) == []
    cohort_service.advance_phases(db, now=paris("2027-01-04", 0, 10))
    assert credits.balance_of(db, enrolment.organisation_id) == 40
    cohort_service.advance_phases(db, now=paris("2027-07-01", 0, 10))
    db.refresh(enrolment)
    assert (cohort.phase, enrolment.status, enrolment.ended_on) == ("alumni", "ended", date(2027, 6, 30))
    assert not access.holds_grant(db, organisation_id=enrolment.organisation_id, venue_id=accelerator.scene.venue.id,
                                  kind="meeting_room", day=date(2027, 7, 1))
