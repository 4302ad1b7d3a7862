"""Milestones: managers set them per track; members update their own start-up's progress, never another's."""
from datetime import date

from sqlalchemy import func, select

from cohorts.programs import enrolment
from cohorts.programs import cohorts as cohort_service
from cohorts.programs import queries as program_queries
from cohorts.startups import milestones
from cohorts.startups.models import MilestoneProgress
from tests.cohorts.conftest import Accelerator
from tests.helpers import api_token, form_post, login
from tests.spaces.conftest import NOW
from tests.totem.factories import PASSWORD


def enrol_both(db, accelerator: Accelerator) -> None:
    """OceanWatt in Mer, Kelp Studio in Industries créatives, each with a milestone of its track."""
    scene, cohort = accelerator.scene, cohort_service.get_cohort(db, accelerator.cohort.id)
    mer, creative = accelerator.program.tracks[1], accelerator.program.tracks[0]
    assert (mer.name, creative.name) == ("Mer", "Industries créatives")
    for organisation_id, track in ((scene.oceanwatt_id, mer), (scene.kelp_id, creative)):
        enrolment.enrol_startup(db, actor=scene.manager, cohort=cohort, track=track, now=NOW,
                                organisation=program_queries.get_organisation(db, organisation_id))
    milestones.create_milestone(db, actor=scene.manager, track_id=mer.id, title="First buoy at sea",
                                description="", due_offset_days=30, now=NOW)
    milestones.create_milestone(db, actor=scene.manager, track_id=creative.id, title="First exhibition",
                                description="", due_offset_days=60, now=NOW)
    db.commit()


def test_a_member_sees_and_updates_the_milestones_of_their_track(client, db, accelerator: Accelerator):
    enrol_both(db, accelerator)
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    page = f"/startups/{accelerator.scene.oceanwatt_id}/milestones"
    response = client.get(page)
    assert "First buoy at sea" in response.text and "First exhibition" not in response.text
    assert "3 Feb 2027" in response.text  # the cohort starts on 4 January, due 30 days later
    milestone_id = milestones.list_milestones(db, accelerator.program.tracks[1].id)[0].id
    response = form_post(client, page, f"{page}/{milestone_id}", {"status": "in_progress", "note": "Welded"})
    assert response.status_code == 303
    row = db.scalars(select(MilestoneProgress)).one()
    assert (row.status, row.note, row.updated_by) == ("in_progress", "Welded", accelerator.scene.nadia.id)


def test_a_member_cannot_touch_another_startups_milestone(client, db, accelerator: Accelerator):
    enrol_both(db, accelerator)
    kelp_milestone = milestones.list_milestones(db, accelerator.program.tracks[0].id)[0].id
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    kelp = accelerator.scene.kelp_id
    response = client.patch(f"/api/v1/startups/{kelp}/milestones/{kelp_milestone}", headers=headers,
                            json={"status": "done"})
    assert response.status_code == 404
    # Nor through her own start-up, with a milestone of Kelp's track.
    response = client.patch(f"/api/v1/startups/{accelerator.scene.oceanwatt_id}/milestones/{kelp_milestone}",
                            headers=headers, json={"status": "done"})
    assert response.status_code == 404
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.get(f"/startups/{kelp}/milestones").status_code == 404
    assert db.scalar(select(func.count()).select_from(MilestoneProgress)) == 0


def test_managers_define_milestones_per_track_through_page_and_api(client, db, accelerator: Accelerator):
    enrol_both(db, accelerator)
    track = accelerator.program.tracks[1]
    login(client, accelerator.scene.manager.email, PASSWORD)
    page = f"/tracks/{track.id}/milestones"
    assert "First buoy at sea" in client.get(page).text
    assert "Milestones 0/1" in client.get(f"/cohorts/{accelerator.cohort.id}").text  # on the cohort board
    response = form_post(client, page, page, {"title": "Pilot with a port", "description": "",
                                              "due_offset_days": "-3"})
    assert response.status_code == 422 and "before the cohort" in response.text
    response = form_post(client, page, page, {"title": "Pilot with a port", "description": "",
                                              "due_offset_days": "90"})
    assert response.status_code == 303
    headers = api_token(client, accelerator.scene.manager.email, PASSWORD)
    titles = [m["title"] for m in client.get(f"/api/v1/tracks/{track.id}/milestones", headers=headers).json()]
    assert titles == ["First buoy at sea", "Pilot with a port"]
    created = client.post(f"/api/v1/tracks/{track.id}/milestones", headers=headers,
                          json={"title": "Pilot with a port", "due_offset_days": 10})
    assert created.status_code == 409

    member = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.post(f"/api/v1/tracks/{track.id}/milestones", headers=member,
                       json={"title": "Sneaky", "due_offset_days": 1}).status_code == 404
    mine = client.get(f"/api/v1/startups/{accelerator.scene.oceanwatt_id}/milestones", headers=member).json()
    assert [(m["milestone"]["title"], m["due_on"], m["status"]) for m in mine] == [
        ("First buoy at sea", "2027-02-03", "todo"), ("Pilot with a port", date(2027, 4, 4).isoformat(), "todo")]
    done = client.patch(f"/api/v1/startups/{accelerator.scene.oceanwatt_id}/milestones/{mine[0]['milestone']['id']}",
                        headers=member, json={"status": "done", "note": "At sea since Monday"})
    assert done.json()["status"] == "done"
