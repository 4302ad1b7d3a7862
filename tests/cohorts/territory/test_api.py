"""The territory in the JSON API: the directory for anyone, the actors for the staff, with stable codes."""
from sqlalchemy import func, select

from cohorts.territory.models import Actor
from tests.helpers import api_token, assert_refused
from tests.totem.factories import PASSWORD

BODY = {"kind": "lab", "name": "Institut Luminy Mer", "city": "Marseille", "sectors": ["mer"],
        "offers": ["recherche", "talents"], "needs": ["pilotes"], "languages": ["fr", "en"],
        "about": "Océanographie appliquée.", "listed": True, "shown": {"city": False}}


def _count(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Actor))


def test_anyone_searches_the_directory_and_reads_only_what_is_published(client, territory):
    found = client.get("/api/v1/directory", params={"q": "Amenagement"})
    assert found.status_code == 200
    assert found.json()["total"] == 1 and found.json()["actors"][0]["name"] == "Urbanis Provence"

    garrigue = client.get("/api/v1/directory/garrigue-capital").json()
    assert garrigue["city"] is None and garrigue["offers"] == [] and garrigue["about"] == "Amorçage."
    assert "id" not in garrigue and "listed" not in garrigue
    assert client.get("/api/v1/directory/discrete-industrie").json()["code"] == "not_found"

    vocabulary = client.get("/api/v1/territory/vocabulary").json()
    assert {"code": "amenagement-urbain", "name_fr": "Aménagement urbain", "name_en": "Urban planning"} in \
        vocabulary["sectors"]


def test_a_manager_adds_and_changes_an_actor_and_its_consent_is_recorded(client, db, scene, territory):
    staff = api_token(client, scene.manager.email, PASSWORD)

    created = client.post("/api/v1/actors", headers=staff, json=BODY)

    assert created.status_code == 201, created.text
    actor = created.json()
    assert actor["slug"] == "institut-luminy-mer" and actor["status"] == "approved"
    assert actor["city"] == "Marseille" and actor["shown"]["city"] is False and actor["listing_consent_at"]
    assert [tag["code"] for tag in actor["offers"]] == ["recherche", "talents"]
    public = client.get("/api/v1/directory", params={"q": "oceanographie"}).json()["actors"]
    assert [(a["name"], a["city"]) for a in public] == [("Institut Luminy Mer", None)]

    changed = client.put(f"/api/v1/actors/{actor['id']}", headers=staff, json={**BODY, "listed": False})
    assert changed.status_code == 200 and changed.json()["listed"] is False
    assert client.get("/api/v1/directory", params={"q": "oceanographie"}).json()["total"] == 0


def test_refusals_carry_a_code_and_write_nothing(client, db, scene, territory):
    staff = api_token(client, scene.manager.email, PASSWORD)
    member = api_token(client, scene.nadia.email, PASSWORD)
    before = _count(db)
    assert_refused(lambda language: client.post("/api/v1/actors", headers={**member, **language}, json=BODY),
                   403, "forbidden", "not allowed", "pas autorisé")
    assert_refused(lambda language: client.post("/api/v1/actors", headers={**staff, **language},
                                                json={**BODY, "name": "urbanis provence"}),
                   409, "conflict", "is in the directory already", "est déjà dans l'annuaire")
    assert_refused(lambda language: client.post("/api/v1/actors", headers={**staff, **language},
                                                json={**BODY, "sectors": ["piracy"]}),
                   422, "invalid", "Choose from the list", "Choisissez dans la liste")
    for hostile in ({**BODY, "kind": "castle"}, {**BODY, "name": "x" * 201}, {**BODY, "languages": ["xx"]},
                    {**BODY, "name": "a\u0000b"}, {**BODY, "offers": ["a"] * 13}, {"name": "no kind"}):
        response = client.post("/api/v1/actors", headers=staff, json=hostile)
        assert response.status_code == 422 and response.json()["code"] == "validation_error", response.text
    assert client.get("/api/v1/actors/99999999999", headers=staff).status_code in (404, 422)
    assert client.get(f"/api/v1/actors/{territory['Garrigue Capital']}", headers=member).status_code == 403
    assert _count(db) == before


def test_the_consents_a_person_recorded_are_in_their_data_download(client, scene, territory):
    data = client.get("/api/v1/me/data", headers=api_token(client, scene.manager.email, PASSWORD)).json()
    consents = data["directory_listing_consents"]
    assert sorted(row["name"] for row in consents) == ["Chantiers Navals de l'Estaque", "Garrigue Capital",
                                                       "Urbanis Provence"]
    assert all(row["listing_consent_at"] for row in consents)
    nadia = client.get("/api/v1/me/data", headers=api_token(client, scene.nadia.email, PASSWORD)).json()
    assert nadia["directory_listing_consents"] == []


def test_an_organisation_signs_up_through_the_api_and_a_manager_approves_it(client, db, scene, territory):
    body = {"organisation": {**BODY, "name": "Voiles du Frioul"}, "applicant_name": "Marion Castel",
            "applicant_email": "marion@voiles.example", "consent": True}
    refused = client.post("/api/v1/directory/sign-ups", json={**body, "consent": False},
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json()["code"] == "listing_consent_required"

    sent = client.post("/api/v1/directory/sign-ups", json=body)
    assert sent.status_code == 202 and sent.json() == {"slug": "voiles-du-frioul", "status": "pending"}
    assert client.get("/api/v1/directory/voiles-du-frioul").status_code == 404

    actor_id = db.scalar(select(Actor.id).where(Actor.slug == "voiles-du-frioul"))
    member = api_token(client, scene.nadia.email, PASSWORD)
    assert client.post(f"/api/v1/actors/{actor_id}/approve", headers=member).status_code == 403
    staff = api_token(client, scene.manager.email, PASSWORD)
    approved = client.post(f"/api/v1/actors/{actor_id}/approve", headers=staff)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert client.get("/api/v1/directory/voiles-du-frioul").json()["name"] == "Voiles du Frioul"
    twice = client.post(f"/api/v1/actors/{actor_id}/decline", headers=staff)
    assert twice.status_code == 409 and twice.json()["code"] == "sign_up_decided"
