"""Security headers, request size limits, login timing and password-reset answers that reveal no account."""
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.helpers import form_post
from tests.totem.factories import make_user
from totem.app import create_app
from totem.auth import secrets
from totem.notifications.models import OutboxMessage
from totem.settings import Settings


def test_pages_carry_the_security_headers_and_no_inline_script_is_allowed(client):
    headers = client.get("/login").headers

    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in headers  # plain http: HSTS would be ignored, or worse, stick
    assert client.get("/api/v1/openapi.json").headers["x-content-type-options"] == "nosniff"


def test_hsts_is_sent_when_the_site_is_served_over_https(database, session_factory):
    app = create_app(Settings(database_url=database.url, base_url="https://totem.example", scheduler_enabled=False),
                     session_factory)
    with TestClient(app, base_url="https://testserver") as client:
        assert client.get("/login").headers["strict-transport-security"].startswith("max-age=31536000")


def test_a_body_over_the_limit_gets_a_clear_413_page_or_json(client):
    big = "x" * (1024 * 1024 + 1)

    page = form_post(client, "/login", "/login", {"email": "a@b.fr", "password": big})
    api = client.post("/api/v1/auth/token", content=f'{{"email": "a@b.fr", "password": "{big}"}}',
                      headers={"content-type": "application/json"})

    assert page.status_code == 413 and "La requête est trop volumineuse." in page.text  # French by default
    assert api.status_code == 413
    assert api.json() == {"detail": "La requête est trop volumineuse.", "code": "request_too_large"}
    # Just under the limit is read as usual (here: a wrong password).
    assert client.post("/api/v1/auth/token", json={"email": "a@b.fr", "password": "x" * 1000}).status_code == 401


def test_a_streamed_body_without_length_is_cut_at_the_limit(client):
    chunks = (b"x" * 65536 for _ in range(20))  # 1.25 MiB, chunked: no Content-Length

    response = client.post("/api/v1/auth/token", content=chunks, headers={"content-type": "application/json"})

    assert response.status_code == 413


def test_login_with_an_unknown_email_still_computes_a_password_hash(client, db, monkeypatch):
    make_user(db, email="known@example.com")
    db.commit()
    verified = []
    real_hasher = secrets._hasher()

    class Spy:
        def verify(self, hash_: str, password: str) -> bool:
            verified.append(hash_)
            return real_hasher.verify(hash_, password)

    monkeypatch.setattr(secrets, "_hasher", lambda: Spy())

    unknown = client.post("/api/v1/auth/token", json={"email": "nobody@example.com", "password": "whatever-123"})
    known = client.post("/api/v1/auth/token", json={"email": "known@example.com", "password": "whatever-123"})

    assert unknown.status_code == known.status_code == 401 and unknown.json() == known.json()
    assert len(verified) == 2 and verified[0] == secrets._dummy_hash() and verified[1] != secrets._dummy_hash()


def test_a_password_reset_request_answers_the_same_for_known_and_unknown_emails(client, db):
    make_user(db, email="known@example.com")
    db.commit()

    answers, flashes, sent = [], [], []
    for email in ("known@example.com", "nobody@example.com"):
        before = db.scalar(select(func.count()).select_from(OutboxMessage))
        response = form_post(client, "/password-reset", "/password-reset", {"email": email})
        answers.append((response.status_code, response.headers["location"]))
        flashes.append(re.findall(r'class="flash[^"]*"[^>]*>(.*?)</', client.get(response.headers["location"]).text, re.DOTALL))
        sent.append(db.scalar(select(func.count()).select_from(OutboxMessage)) - before)

    assert answers == [(303, "/login"), (303, "/login")]
    assert flashes[0] == flashes[1] and flashes[0]  # the same message, whether or not the account exists
    assert sent == [1, 0]  # only the real account gets mail


def test_passwords_are_hashed_with_argon2id_and_rfc_9106_parameters_outside_the_suite(monkeypatch):
    monkeypatch.setattr(secrets, "_hasher", secrets._hasher.__wrapped__)  # not the suite's cached one
    monkeypatch.setattr(secrets, "get_settings", lambda: Settings(environment="production", secret_key="s" * 32))
    production = secrets.hash_password("correct-horse-battery")
    assert production.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert secrets.verify_password(production, "correct-horse-battery")
