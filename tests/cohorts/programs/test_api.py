"""The programs API: the contract's cohorts list, and a manager setting up a program, a track and a cohort."""
from cohorts.programs.models import Track
from tests.cohorts.conftest import Accelerator
from tests.helpers import api_token, assert_refused
from tests.totem.factories import PASSWORD


def test_the_cohorts_list_keeps_the_contract(client, accelerator: Accelerator):
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    cohorts = client.get("/api/v1/cohorts", headers=headers).json()
    assert [{key: c[key] for key in ("id", "name", "program", "phase", "starts_on", "ends_on")} for c in cohorts] == [
        {"id": accelerator.cohort.id, "name": "Promo 2027", "program": "Accélérateur Métropole",
         "phase": "applications_open", "starts_on": "2027-01-04", "ends_on": "2027-06-30"}]
    assert [t["name"] for t in cohorts[0]["tracks"]] == ["Industries créatives", "Mer"]


def test_a_manager_sets_up_a_program_and_a_cohort_through_the_api(client, db, scene):
    headers = api_token(client, "lea@cite-innovation.fr", PASSWORD)
    program = client.post("/api/v1/programs", headers=headers, json={
        "name": "Blue Lab", "venue_id": scene.venue.id, "monthly_credits": 30, "space_kinds": ["meeting_room"]})
    assert program.status_code == 201, program.text
    assert program.json()["manager_ids"] == [scene.manager.id]
    track = client.post(f"/api/v1/programs/{program.json()['id']}/tracks", headers=headers,
                        json={"name": "Logistique portuaire"})
    assert track.status_code == 201
    cohort = client.post("/api/v1/cohorts", headers=headers, json={
        "program_id": program.json()["id"], "name": "Blue Lab #3", "capacity": 8,
        "applications_open_on": "2026-11-01", "selection_on": "2026-12-20", "starts_on": "2027-01-11",
        "demo_day_on": "2027-05-20", "ends_on": "2027-05-31"})
    assert cohort.status_code == 201
    assert (cohort.json()["phase"], cohort.json()["tracks"]) == (
        "applications_open", [{"id": track.json()["id"], "name": "Logistique portuaire"}])
    backwards = client.put(f"/api/v1/cohorts/{cohort.json()['id']}", headers=headers, json={
        "program_id": program.json()["id"], "name": "Blue Lab #3", "capacity": 8,
        "applications_open_on": "2026-11-01", "selection_on": "2026-12-20", "starts_on": "2026-12-01",
        "demo_day_on": "2027-05-20", "ends_on": "2027-05-31"})
    assert backwards.status_code == 422
    member = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.post("/api/v1/programs", headers=member, json={
        "name": "Mine", "venue_id": scene.venue.id}).status_code == 403


def test_a_description_past_its_bound_is_refused_and_nothing_is_written(client, db, scene):
    headers = api_token(client, "lea@cite-innovation.fr", PASSWORD)
    program = client.post("/api/v1/programs", headers=headers, json={"name": "Blue Lab", "venue_id": scene.venue.id})
    track = client.post(f"/api/v1/programs/{program.json()['id']}/tracks", headers=headers, json={"name": "Ports"})
    wordy = "Mer " * 25_000

    assert_refused(lambda language: client.post("/api/v1/programs", headers={**headers, **language}, json={
        "name": "Green Lab", "venue_id": scene.venue.id, "description": wordy}),
        422, "value_out_of_range", "Keep it under 2001 characters.", "Restez sous les 2001 caractères.")
    assert_refused(lambda language: client.put(f"/api/v1/tracks/{track.json()['id']}", headers={**headers, **language},
                                               json={"name": "Ports", "description": wordy}),
                   422, "value_out_of_range", "Keep it under 2001 characters.", "Restez sous les 2001 caractères.")
    names = [p["name"] for p in client.get("/api/v1/programs", headers=headers).json()]
    assert "Green Lab" not in names
    db.expire_all()
    assert db.get(Track, track.json()["id"]).description == ""
