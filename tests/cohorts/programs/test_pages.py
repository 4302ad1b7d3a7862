"""The managers' pages render and change what they say; members and other programs' managers are kept out."""
from datetime import date

from sqlalchemy import event, func, select

from cohorts.programs.models import Cohort, Program, Track
from cohorts.startups import applications
from cohorts.startups.models import Application
from tests.cohorts.conftest import Accelerator
from tests.cohorts.factories import make_application, make_program
from tests.helpers import form_post, login
from tests.spaces.conftest import NOW, make_person
from tests.totem.factories import PASSWORD


def test_a_manager_walks_through_every_page_of_the_program(client, db, accelerator: Accelerator, settings):
    cohort = accelerator.cohort
    application = make_application(db, cohort=cohort, now=NOW, startup_name="Houle", founder_email="a@houle.fr")
    applications.decide(db, actor=accelerator.scene.manager, application_id=application.id, decision="accept",
                        settings=settings, now=NOW)
    db.commit()
    login(client, "lea@cite-innovation.fr", PASSWORD)
    startup_id = application.organisation_id
    for path, expected in (("/programs", "Promo 2027"), (f"/programs/{accelerator.program.id}", "Industries créatives"),
                           (f"/cohorts/{cohort.id}", "Houle"), ("/applications", "Promo 2027"),
                           (f"/cohorts/{cohort.id}/applications", "Houle"),
                           (f"/applications/{application.id}", "Houle"),
                           (f"/cohorts/{cohort.id}/calendar", "Calendar template"), ("/startups", "Houle"),
                           (f"/startups/{startup_id}", "Houle"), ("/apply", "Promo 2027")):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert expected in response.text, path


def test_a_manager_creates_a_program_a_track_and_a_cohort_from_the_pages(client, db, scene):
    login(client, "lea@cite-innovation.fr", PASSWORD)
    created = form_post(client, "/programs", "/programs", {
        "name": "Blue Lab", "venue_id": str(scene.venue.id), "description": "Le programme d'un armateur",
        "monthly_credits": "30", "desks_per_startup": "0", "space_kinds": ["meeting_room"],
        "manager_ids": [str(scene.manager.id)]})
    assert created.status_code == 303
    program = db.scalars(select(Program).where(Program.name == "Blue Lab")).one()
    assert created.headers["location"] == f"/programs/{program.id}"
    assert form_post(client, created.headers["location"], f"/programs/{program.id}/tracks",
                     {"track_name": "Logistique portuaire", "track_description": ""}).status_code == 303
    dates = {"applications_open_on": "2026-11-01", "selection_on": "2026-11-20", "starts_on": "2027-01-11",
             "demo_day_on": "2027-05-20", "ends_on": "2027-05-31"}
    made = form_post(client, f"/programs/{program.id}", f"/programs/{program.id}/cohorts",
                     {"name": "Blue Lab #3", "capacity": "8", **dates})
    assert made.status_code == 303
    cohort = db.scalars(select(Cohort).where(Cohort.name == "Blue Lab #3")).one()
    # Created on 30 November: its dates put it in selection at once.
    assert (cohort.phase, cohort.starts_on, cohort.capacity) == ("selection", date(2027, 1, 11), 8)
    assert db.scalar(select(Track.name).where(Track.program_id == program.id)) == "Logistique portuaire"

    wrong = form_post(client, f"/programs/{program.id}", f"/programs/{program.id}/cohorts",
                      {"name": "Blue Lab #4", "capacity": "8", **dates, "ends_on": "2027-05-01"})
    assert wrong.status_code == 422 and 'value="Blue Lab #4"' in wrong.text
    assert db.scalar(select(func.count()).select_from(Cohort).where(Cohort.program_id == program.id)) == 1


def test_the_manager_forces_a_phase_and_the_job_leaves_it(client, db, accelerator: Accelerator):
    login(client, "lea@cite-innovation.fr", PASSWORD)
    cohort = accelerator.cohort
    moved = form_post(client, f"/cohorts/{cohort.id}", f"/cohorts/{cohort.id}/phase", {"phase": "selection"})
    assert moved.status_code == 303
    db.refresh(cohort)
    assert (cohort.phase, cohort.phase_forced_on) == ("selection", date(2026, 11, 30))
    back = form_post(client, f"/cohorts/{cohort.id}", f"/cohorts/{cohort.id}/phase", {"phase": "applications_open"})
    assert back.status_code == 303
    db.refresh(cohort)
    assert cohort.phase == "applications_open"


def test_members_and_other_programs_managers_are_kept_out(client, db, accelerator: Accelerator):
    cohort = accelerator.cohort
    application = make_application(db, cohort=cohort, now=NOW)
    other = make_person(db, role="manager", email="paul@armateur.fr")
    make_program(db, manager=other, venue=accelerator.scene.venue, now=NOW, name="Armateur Lab", tracks=())
    db.commit()
    manager_pages = [f"/programs/{accelerator.program.id}", f"/cohorts/{cohort.id}",
                     f"/cohorts/{cohort.id}/applications", f"/applications/{application.id}",
                     f"/cohorts/{cohort.id}/calendar"]
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.get("/programs").status_code == 403
    for path in manager_pages:
        assert client.get(path).status_code in (403, 404), path
    assert client.get(f"/startups/{accelerator.scene.kelp_id}").status_code == 404
    refused = form_post(client, "/startups", f"/applications/{application.id}/decision", {"decision": "accept"})
    assert refused.status_code in (403, 404)

    client.cookies.clear()
    login(client, "paul@armateur.fr", PASSWORD)
    assert client.get("/programs").status_code == 200
    for path in manager_pages:
        assert client.get(path).status_code == 403, path
    refused = form_post(client, "/programs", f"/applications/{application.id}/decision", {"decision": "accept"})
    assert refused.status_code == 403
    assert db.get(Application, application.id).status == "submitted"


def test_the_board_and_the_queue_read_the_same_number_of_rows_whatever_the_cohort_s_size(
        client, db, connection, accelerator: Accelerator, settings):
    cohort, manager = accelerator.cohort, accelerator.scene.manager
    cohort.capacity = 10
    db.commit()
    login(client, "lea@cite-innovation.fr", PASSWORD)
    statements: list[str] = []
    event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))

    def count(path: str) -> int:
        statements.clear()
        assert client.get(path).status_code == 200
        return len(statements)

    sizes = []
    for _ in range(2):
        for _ in range(3):
            application = make_application(db, cohort=cohort, now=NOW)
            applications.review_application(db, actor=manager, application_id=application.id, comment="",
                                            scores={"team": 3, "market": 4, "product": 3, "fit": 4}, now=NOW)
            applications.decide(db, actor=manager, application_id=application.id, decision="accept",
                                settings=settings, now=NOW)
        db.commit()
        sizes.append((count(f"/cohorts/{cohort.id}"), count(f"/cohorts/{cohort.id}/applications")))
    assert sizes[0] == sizes[1]
