"""The public application form against robots: a few applications per address and ten minutes, and a honeypot."""
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from cohorts.startups.models import Application
from tests.cohorts.conftest import Accelerator
from tests.helpers import csrf_from
from tests.spaces.conftest import NOW
from totem import clock
from totem.app import create_app

FORM = {"startup_name": "Seabird", "founder_name": "Inès Garcia", "website": "seabird.io", "country": "SN",
        "stage": "prototype", "pitch": "Des drones qui comptent les oiseaux marins."}


def _applications(db) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count()).select_from(Application))


def test_a_sixth_application_from_one_address_within_ten_minutes_is_refused(client, db, accelerator: Accelerator,
                                                                             monkeypatch):
    cohort, track = accelerator.cohort, accelerator.program.tracks[0]
    page = f"/apply/{cohort.id}"
    token = csrf_from(client.get(page))

    def send(n: int):  # type: ignore[no-untyped-def]
        return client.post(page, follow_redirects=False, data={
            **FORM, "founder_email": f"founder{n}@seabird.io", "track_id": str(track.id), "csrf_token": token})

    # A founder correcting a mistake is not counted: only applications sent are.
    assert send(0).status_code == 303
    assert client.post(page, data={**FORM, "founder_email": "", "csrf_token": token}).status_code == 422
    assert [send(n).status_code for n in range(1, 5)] == [303] * 4
    refused = send(5)
    assert refused.status_code == 429
    assert "Trop de candidatures ont été envoyées depuis votre connexion. Réessayez dans 10 min." in refused.text
    assert 'value="founder5@seabird.io"' in refused.text  # the form keeps what was typed
    assert refused.headers["Retry-After"] == "600"
    assert _applications(db) == 5
    # The API shares the rule (with its own count).
    api = [client.post(f"/api/v1/cohorts/{cohort.id}/applications", json={
        **FORM, "founder_email": f"api{n}@seabird.io", "track_id": track.id}).status_code for n in range(6)]
    assert api == [201] * 5 + [429]
    assert _applications(db) == 10

    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(minutes=10, seconds=1))
    assert send(6).status_code == 303
    assert _applications(db) == 11


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(client, db, accelerator: Accelerator):
    cohort = accelerator.cohort
    page = f"/apply/{cohort.id}"
    form = client.get(page)
    assert 'name="homepage"' in form.text
    response = client.post(page, follow_redirects=False, data={
        **FORM, "founder_email": "bot@spam.example", "track_id": str(accelerator.program.tracks[0].id),
        "homepage": "http://spam.example", "csrf_token": csrf_from(form)})
    assert response.status_code == 303 and response.headers["location"] == f"/apply/{cohort.id}/thanks"
    assert _applications(db) == 0


def test_two_web_processes_behind_a_load_balancer_share_one_limit(db, settings, session_factory,
                                                                   accelerator: Accelerator):
    cohort, track = accelerator.cohort, accelerator.program.tracks[0]
    page = f"/apply/{cohort.id}"
    # Two app instances that share nothing but the database, as two web processes do.
    with TestClient(create_app(settings, session_factory)) as first, \
            TestClient(create_app(settings, session_factory)) as second:
        tokens = {id(web): csrf_from(web.get(page)) for web in (first, second)}

        def send(web: TestClient, n: int):  # type: ignore[no-untyped-def]
            return web.post(page, follow_redirects=False, data={
                **FORM, "founder_email": f"founder{n}@seabird.io", "track_id": str(track.id),
                "csrf_token": tokens[id(web)]})

        assert [send(web, n).status_code for n, web in enumerate([first, second, first, second, first])] == [303] * 5
        refused = send(second, 5)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "600"
        assert "Trop de candidatures ont été envoyées depuis votre connexion. Réessayez dans 10 min." in refused.text
        assert 'value="founder5@seabird.io"' in refused.text
        assert _applications(db) == 5

        api = f"/api/v1/cohorts/{cohort.id}/applications"
        sent = [web.post(api, json={**FORM, "founder_email": f"api{n}@seabird.io", "track_id": track.id})
                for n, web in enumerate([second, first, second, first, second, first])]
        assert [response.status_code for response in sent] == [201] * 5 + [429]
        assert sent[-1].headers["Retry-After"] == "600"
        assert sent[-1].json()["code"] == "too_many_attempts"
        assert _applications(db) == 10
