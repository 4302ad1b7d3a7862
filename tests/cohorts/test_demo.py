"""The demo's programs: the metropolitan accelerator's running cohort of twenty, its next cohort's applications,
the corporate accelerator; loaded once, quickly, beside the spaces demo's grants."""
import time
from datetime import UTC, datetime

from sqlalchemy import func, select

from cohorts import demo as cohorts_demo
from cohorts.models import Application, ApplicationReview, Cohort, Enrolment, Program, StartupProfile, Track
from spaces.models import AccessGrant
from totem import demo
from totem.identity.models import Organisation
from totem.notifications.models import OutboxMessage

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def test_the_demo_runs_a_cohort_of_twenty_and_takes_applications(db, monkeypatch):
    monkeypatch.setattr(cohorts_demo, "load_demo", lambda db, now: None)
    demo.load_demo(db, NOW)
    monkeypatch.undo()
    started = time.perf_counter()
    cohorts_demo.load_demo(db, NOW)
    elapsed = time.perf_counter() - started

    programs = {p.name: p for p in db.scalars(select(Program))}
    assert set(programs) == {"Accélérateur Métropole", "Blue Harbour Lab"}
    tracks = db.scalars(select(Track.name).where(Track.program_id == programs["Accélérateur Métropole"].id)
                        .order_by(Track.name)).all()
    assert tracks == ["Aménagement urbain", "Industries créatives", "Mer"]
    phases = dict(db.execute(select(Cohort.name, Cohort.phase)).tuples().all())
    assert phases == {"Promo 2026": "running", "Promo 2027": "applications_open", "Saison 4": "running"}

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
    assert elapsed < 3


def test_the_demo_is_loaded_once(db):
    demo.load_demo(db, NOW)
    counts = [db.scalar(select(func.count()).select_from(model)) for model in (Program, Enrolment, Application)]
    cohorts_demo.load_demo(db, NOW)
    assert [db.scalar(select(func.count()).select_from(model)) for model in (Program, Enrolment, Application)] == counts
