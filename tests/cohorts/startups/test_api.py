"""The start-ups API: the public application, reviews and decisions, and who sees which start-up."""
from sqlalchemy import func, select

from cohorts.programs.models import Enrolment
from cohorts.startups.models import Application
from tests.cohorts.conftest import Accelerator
from tests.helpers import api_token
from tests.spaces.conftest import make_person
from tests.totem.factories import PASSWORD
from totem.identity.models import Organisation, User
from totem.notifications.models import OutboxMessage

APPLICATION = {"startup_name": "Seabird", "founder_name": "Inès Garcia", "founder_email": "Ines@Seabird.io",
               "country": "SN", "stage": "prototype", "pitch": "Drones that count seabirds.", "website": "seabird.io",
               "team_size": 4, "answers": {"problem": "Counting birds by hand is slow."}, "locale": "fr"}


def _counts(db):  # type: ignore[no-untyped-def]
    return tuple(db.scalar(select(func.count()).select_from(model))
                 for model in (Application, Enrolment, Organisation, User, OutboxMessage))


def test_apply_review_twice_and_accept_through_the_api(client, db, accelerator: Accelerator):
    scene = accelerator.scene
    track = accelerator.program.tracks[1]
    response = client.post(f"/api/v1/cohorts/{accelerator.cohort.id}/applications",
                           json={**APPLICATION, "track_id": track.id})
    assert response.status_code == 201, response.text
    application_id = response.json()["id"]
    manager = api_token(client, "lea@cite-innovation.fr", PASSWORD)
    review = client.post(f"/api/v1/applications/{application_id}/reviews", headers=manager,
                         json={"team": 4, "market": 3, "product": 5, "fit": 4, "comment": "Solid team"})
    assert review.status_code == 200 and review.json()["status"] == "under_review"
    decided = client.post(f"/api/v1/applications/{application_id}/decision", headers=manager,
                          json={"decision": "accept"})
    assert decided.status_code == 200, decided.text
    startup_id = decided.json()["startup_id"]
    startup = client.get(f"/api/v1/startups/{startup_id}", headers=manager).json()
    assert (startup["name"], startup["track"], startup["country"], startup["cohort"]) == (
        "Seabird", "Mer", "SN", "Promo 2027")
    nadia = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.get(f"/api/v1/startups/{startup_id}", headers=nadia).status_code == 404
    assert [s["name"] for s in client.get("/api/v1/startups", headers=nadia).json()] == ["OceanWatt"]
    assert scene  # the scene's members stay where they were


def test_applying_to_a_closed_cohort_is_a_conflict_that_writes_nothing(client, db, accelerator: Accelerator):
    manager = api_token(client, "lea@cite-innovation.fr", PASSWORD)
    assert client.post(f"/api/v1/cohorts/{accelerator.cohort.id}/phase", headers=manager,
                       json={"phase": "selection"}).status_code == 200
    before = _counts(db)
    response = client.post(f"/api/v1/cohorts/{accelerator.cohort.id}/applications", json={
        **APPLICATION, "track_id": accelerator.program.tracks[0].id})
    assert response.status_code == 409
    assert _counts(db) == before


def test_managers_of_other_programs_and_members_cannot_see_nor_decide_applications(client, db,
                                                                                    accelerator: Accelerator):
    application = client.post(f"/api/v1/cohorts/{accelerator.cohort.id}/applications", json={
        **APPLICATION, "track_id": accelerator.program.tracks[0].id}).json()
    make_person(db, role="manager", email="paul@armateur.fr")
    db.commit()
    before = _counts(db)
    for email, expected in (("paul@armateur.fr", 403), ("nadia@oceanwatt.fr", 404)):
        headers = api_token(client, email, PASSWORD)
        assert client.get(f"/api/v1/cohorts/{accelerator.cohort.id}/applications",
                          headers=headers).status_code == expected
        assert client.get(f"/api/v1/applications/{application['id']}", headers=headers).status_code == expected
        assert client.post(f"/api/v1/applications/{application['id']}/decision", headers=headers,
                           json={"decision": "accept"}).status_code == expected
        assert client.post(f"/api/v1/cohorts/{accelerator.cohort.id}/phase", headers=headers,
                           json={"phase": "running"}).status_code == expected
    assert _counts(db) == before
    assert client.get("/api/v1/startups", headers=api_token(client, "paul@armateur.fr", PASSWORD)).status_code == 200
