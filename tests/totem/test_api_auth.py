"""Bearer tokens for the API: issue, use, revoke; JSON errors."""
from sqlalchemy import select

from tests.helpers import api_token, csrf_from, login
from tests.totem.factories import PASSWORD, make_user
from totem import clock
from totem.auth.models import ApiToken
from totem.auth.service import deactivate_user


def test_token_and_me(client, db):
    make_user(db, email="nadia@oceanwatt.fr", name="Nadia", startup="OceanWatt")
    db.commit()
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == "nadia@oceanwatt.fr" and body["roles"] == ["member"]
    assert [s["name"] for s in body["startups"]] == ["OceanWatt"]
    assert body["calendar_url"].startswith("http://testserver/calendar/")
    feed = client.get(body["calendar_url"].removeprefix("http://testserver"))
    assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")
    # The token is stored hashed.
    raw = headers["Authorization"].split()[1]
    assert db.scalar(select(ApiToken.token_hash)) != raw


def test_wrong_password_and_bad_tokens_get_401_json(client, db):
    make_user(db, email="a@example.com")
    db.commit()
    response = client.post("/api/v1/auth/token", json={"email": "a@example.com", "password": "nope"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong e-mail or password.", "code": "invalid_credentials"}
    assert client.get("/api/v1/me").status_code == 401
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401 and "detail" in bad.json()
    assert client.post("/api/v1/auth/token", json={"email": "not-an-email"}).status_code == 422


def test_api_login_is_throttled(client, db):
    make_user(db, email="a@example.com")
    db.commit()
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"email": "a@example.com", "password": "nope"})
    response = client.post("/api/v1/auth/token", json={"email": "a@example.com", "password": PASSWORD})
    assert response.status_code == 429 and "retry-after" in response.headers


def test_tokens_are_listed_on_the_profile_and_revocable(client, db):
    make_user(db, email="a@example.com")
    db.commit()
    headers = api_token(client, "a@example.com", PASSWORD)
    login(client, "a@example.com", PASSWORD)
    profile = client.get("/profile")
    assert "API" in profile.text and "Revoke" in profile.text
    token_id = db.scalar(select(ApiToken.id))
    client.post(f"/profile/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(profile)})
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_api_token_of_a_deactivated_user_stops_working(client, db):
    admin = make_user(db, role="admin")
    user = make_user(db, email="a@example.com")
    db.commit()
    headers = api_token(client, "a@example.com", PASSWORD)
    deactivate_user(db, actor=admin, user=user, now=clock.now())
    db.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_openapi_is_served_under_api_v1(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/auth/token" in schema["paths"] and "/me" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200
