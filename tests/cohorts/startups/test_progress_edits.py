"""Managers edit and remove milestones; members edit their start-up's profile; each refusal changes nothing."""
from sqlalchemy import func, select

from cohorts.programs.models import Enrolment
from cohorts.startups import milestones
from cohorts.startups.models import Milestone, MilestoneProgress, StartupProfile
from tests.cohorts.conftest import Accelerator
from tests.cohorts.factories import make_program
from tests.cohorts.startups.test_milestones import enrol_both
from tests.helpers import api_token, assert_refused, form_post, login
from tests.spaces.conftest import NOW, make_person
from tests.totem.factories import PASSWORD


def _mer_milestone(db, accelerator: Accelerator) -> Milestone:
    return milestones.list_milestones(db, accelerator.program.tracks[1].id)[0]


def test_a_manager_edits_a_milestone_on_its_page_and_start_ups_are_reminded_of_the_new_day(client, db, accelerator):
    enrol_both(db, accelerator)
    milestone = _mer_milestone(db, accelerator)
    # The job already reminded OceanWatt of the old due day.
    oceanwatt = db.scalar(select(Enrolment.id).where(Enrolment.organisation_id == accelerator.scene.oceanwatt_id))
    db.add(MilestoneProgress(milestone_id=milestone.id, enrolment_id=oceanwatt, status="todo", note="",
                             updated_at=NOW, reminder_sent_at=NOW))
    db.commit()
    login(client, accelerator.scene.manager.email, PASSWORD)
    page = f"/milestones/{milestone.id}/edit"
    assert "First buoy at sea" in client.get(page).text
    bad = form_post(client, page, f"/milestones/{milestone.id}",
                    {"title": "First buoy at sea", "description": "", "due_offset_days": "-1"})
    assert bad.status_code == 422 and "before the cohort" in bad.text
    wordy = form_post(client, page, f"/milestones/{milestone.id}",
                      {"title": "First buoy at sea", "description": "Mer " * 600, "due_offset_days": "45"})
    assert wordy.status_code == 422 and "Keep it under 2001 characters." in wordy.text
    assert "Mer Mer Mer" in wordy.text  # shown again as typed
    db.expire_all()
    assert db.get(Milestone, milestone.id).due_offset_days == 30
    response = form_post(client, page, f"/milestones/{milestone.id}",
                         {"title": "Buoy at sea", "description": "Moored off Marseille", "due_offset_days": "45"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/tracks/{milestone.track_id}/milestones"
    db.expire_all()
    edited = db.get(Milestone, milestone.id)
    assert (edited.title, edited.description, edited.due_offset_days) == ("Buoy at sea", "Moored off Marseille", 45)
    assert db.scalars(select(MilestoneProgress.reminder_sent_at)).all() == [None]
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    assert "18 Feb 2027" in client.get(f"/startups/{accelerator.scene.oceanwatt_id}/milestones").text


def test_milestones_through_the_api_only_for_the_programs_managers(client, db, accelerator):
    enrol_both(db, accelerator)
    milestone = _mer_milestone(db, accelerator)
    other = accelerator.program.tracks[1].id
    milestones.create_milestone(db, actor=accelerator.scene.manager, track_id=other, title="Pilot with a port",
                                description="", due_offset_days=90, now=NOW)
    make_person(db, role="manager", email="paul@armateur.fr")
    db.commit()
    manager = api_token(client, accelerator.scene.manager.email, PASSWORD)
    response = client.patch(f"/api/v1/milestones/{milestone.id}", headers=manager, json={"due_offset_days": 20})
    assert response.status_code == 200
    assert response.json() == {"id": milestone.id, "track_id": milestone.track_id, "title": "First buoy at sea",
                                    "description": "", "due_offset_days": 20}
    taken = client.patch(f"/api/v1/milestones/{milestone.id}", headers=manager, json={"title": "pilot with a port"})
    assert_refused(lambda language: client.patch(f"/api/v1/milestones/{milestone.id}", headers={**manager, **language},
                                                 json={"description": "x" * 2001}),
                   422, "value_out_of_range", "Keep it under 2001 characters.", "Restez sous les 2001 caractères.")
    assert taken.status_code == 409 and "already has a milestone called" in taken.json()["detail"]
    member = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.patch(f"/api/v1/milestones/{milestone.id}", headers=member, json={"title": "Mine"}).status_code == 404
    assert client.delete(f"/api/v1/milestones/{milestone.id}", headers=member).status_code == 404
    stranger = api_token(client, "paul@armateur.fr", PASSWORD)
    assert client.patch(f"/api/v1/milestones/{milestone.id}", headers=stranger, json={"title": "X"}).status_code == 403
    assert client.delete(f"/api/v1/milestones/{milestone.id}", headers=stranger).status_code == 403
    db.expire_all()
    assert db.get(Milestone, milestone.id).title == "First buoy at sea"

    # OceanWatt said where it stands: the milestone is kept, with a reason.
    client.patch(f"/api/v1/startups/{accelerator.scene.oceanwatt_id}/milestones/{milestone.id}", headers=member,
                 json={"status": "in_progress", "note": "Welding"})
    refused = client.delete(f"/api/v1/milestones/{milestone.id}", headers=manager)
    assert refused.status_code == 409 and "recorded progress on First buoy at sea" in refused.json()["detail"]
    assert_refused(lambda language: client.delete(f"/api/v1/milestones/{milestone.id}",
                                                  headers={**manager, **language}),
                   409, "milestone_has_progress", "Start-ups have recorded progress on First buoy at sea",
                   "Des start-ups ont indiqué leur avancement sur First buoy at sea")
    db.expire_all()
    assert db.get(Milestone, milestone.id) is not None
    assert db.scalar(select(func.count()).select_from(MilestoneProgress)) == 1

    unused = milestones.list_milestones(db, other)[1]
    assert unused.title == "Pilot with a port"
    assert client.delete(f"/api/v1/milestones/{unused.id}", headers=manager).status_code == 204
    db.expire_all()
    assert [m.title for m in milestones.list_milestones(db, other)] == ["First buoy at sea"]


def test_removing_a_milestone_from_its_page(client, db, accelerator):
    enrol_both(db, accelerator)
    milestone = _mer_milestone(db, accelerator)
    milestones.update_progress(db, actor=accelerator.scene.nadia, organisation_id=accelerator.scene.oceanwatt_id,
                               milestone_id=milestone.id, status="done", note="", now=NOW)
    db.commit()
    login(client, accelerator.scene.manager.email, PASSWORD)
    page = f"/milestones/{milestone.id}/edit"
    assert "1 start-up has recorded progress" in client.get(page).text
    refused = form_post(client, page, f"/milestones/{milestone.id}/delete", {})
    assert refused.status_code == 409 and "it is kept for the program" in refused.text
    db.execute(MilestoneProgress.__table__.delete())
    db.commit()
    milestone_id, track_id = milestone.id, milestone.track_id
    removed = form_post(client, page, f"/milestones/{milestone_id}/delete", {})
    assert removed.status_code == 303 and removed.headers["location"] == f"/tracks/{track_id}/milestones"
    db.expire_all()
    assert db.get(Milestone, milestone_id) is None


PROFILE = {"stage": "first_customers", "sector": "Marine energy", "website": "oceanwatt.example",
           "description": "Buoys that turn waves into power.", "team_size": "7", "country": "SN"}


def test_a_member_edits_the_profile_of_their_start_up(client, db, accelerator):
    scene = accelerator.scene
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    startup_page = f"/startups/{scene.oceanwatt_id}"
    assert f'href="{startup_page}/profile"' in client.get(startup_page).text
    form = f"{startup_page}/profile"
    bad = form_post(client, form, form, {**PROFILE, "website": "not a website"})
    assert bad.status_code == 422 and "Enter the website" in bad.text and "Buoys that turn waves" in bad.text
    assert db.get(StartupProfile, scene.oceanwatt_id) is None
    response = form_post(client, form, form, PROFILE)
    assert response.status_code == 303 and response.headers["location"] == startup_page
    db.expire_all()
    profile = db.get(StartupProfile, scene.oceanwatt_id)
    assert (profile.stage, profile.sector, profile.website, profile.team_size, profile.country) == (
        "first_customers", "Marine energy", "https://oceanwatt.example", 7, "SN")
    assert "Buoys that turn waves into power." in client.get(startup_page).text
    # A blank field clears it.
    form_post(client, form, form, {**PROFILE, "team_size": "", "sector": ""})
    db.expire_all()
    assert (profile.team_size, profile.sector) == (None, "")
    # Hugo is not a member of OceanWatt.
    login(client, "hugo@kelpstudio.fr", PASSWORD)
    assert client.get(form).status_code == 404
    assert form_post(client, f"/startups/{scene.kelp_id}/profile", form, PROFILE).status_code == 404


def test_the_profile_through_the_api(client, db, accelerator):
    enrol_both(db, accelerator)
    scene = accelerator.scene
    make_person(db, role="manager", email="paul@armateur.fr")
    db.commit()
    nadia = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    url = f"/api/v1/startups/{scene.oceanwatt_id}"
    response = client.patch(url, headers=nadia, json={"sector": "Marine energy", "team_size": 4, "country": "ma"})
    assert response.status_code == 200
    body = response.json()
    assert (body["sector"], body["team_size"], body["country"], body["stage"]) == ("Marine energy", 4, "MA", None)
    # Only the fields sent change; null clears one.
    body = client.patch(url, headers=nadia, json={"stage": "prototype", "team_size": None}).json()
    assert (body["sector"], body["team_size"], body["stage"]) == ("Marine energy", None, "prototype")
    for bad in ({"country": "XX"}, {"team_size": 0}, {"stage": "unicorn"}, {"sector": "x" * 101}):
        refused = client.patch(url, headers=nadia, json={"description": "Changed", **bad})
        assert refused.status_code == 422 and refused.json()["detail"], bad
    db.expire_all()
    assert db.get(StartupProfile, scene.oceanwatt_id).description == ""
    hugo = api_token(client, "hugo@kelpstudio.fr", PASSWORD)
    assert client.patch(url, headers=hugo, json={"sector": "Design"}).status_code == 404
    stranger = api_token(client, "paul@armateur.fr", PASSWORD)  # a manager of no program OceanWatt is in
    assert client.patch(url, headers=stranger, json={"sector": "Shipping"}).status_code == 403
    manager = api_token(client, scene.manager.email, PASSWORD)
    assert client.patch(url, headers=manager, json={"sector": "Blue tech"}).json()["sector"] == "Blue tech"


def test_another_programs_manager_cannot_open_the_profile_form(client, db, accelerator):
    enrol_both(db, accelerator)
    paul = make_person(db, role="manager", email="paul@armateur.fr")
    make_program(db, manager=paul, venue=accelerator.scene.venue, now=NOW, name="Armateur Lab")
    db.commit()
    login(client, "paul@armateur.fr", PASSWORD)
    startup_page = f"/startups/{accelerator.scene.oceanwatt_id}"
    assert client.get(startup_page).status_code == 200
    assert f"{startup_page}/profile" not in client.get(startup_page).text
    assert client.get(f"{startup_page}/profile").status_code == 403
