"""Logging in and out through the pages: sessions, throttling, CSRF, deactivation."""
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.helpers import csrf_from, form_post, login
from tests.totem.factories import PASSWORD, make_user
from totem import clock
from totem.auth.models import AuthSession, LoginFailure
from totem.auth.service import deactivate_user
from totem.i18n import translate


def test_member_logs_in_and_lands_on_their_home(client, db):
    make_user(db, email="nadia@oceanwatt.fr", name="Nadia", startup="OceanWatt")
    db.commit()
    response = login(client, "Nadia@OceanWatt.fr", PASSWORD)
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "totem_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = client.get("/")
    assert home.status_code == 200
    assert "Hello Nadia" in home.text and "OceanWatt" in home.text


def test_admin_home_differs_from_member_home(client, db):
    make_user(db, role="admin", email="root@example.com")
    db.commit()
    login(client, "root@example.com", PASSWORD)
    home = client.get("/")
    assert "/admin/users" in home.text  # the admin's overview panel


def test_wrong_password_shows_the_form_again(client, db):
    make_user(db, email="a@example.com")
    db.commit()
    response = form_post(client, "/login", "/login", {"email": "a@example.com", "password": "nope"})
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect" in response.text  # French before login, by default
    assert 'value="a@example.com"' in response.text  # the user's input is kept
    assert "totem_session=" not in response.headers.get("set-cookie", "")


def test_each_login_gets_a_fresh_session_and_logout_revokes_it(client, db):
    make_user(db, email="a@example.com")
    db.commit()
    first = login(client, "a@example.com", PASSWORD).cookies["totem_session"]
    second = login(client, "a@example.com", PASSWORD).cookies.get("totem_session")
    # Already logged in: /login redirects, and a second POST opens a new session id.
    assert second and second != first
    page = client.get("/")
    response = client.post("/logout", data={"csrf_token": csrf_from(page)}, follow_redirects=False)
    assert response.status_code == 303
    client.cookies.set("totem_session", second)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_five_failures_throttle_the_account_until_it_cools_down(client, db, monkeypatch):
    make_user(db, email="a@example.com")
    db.commit()
    for _ in range(5):
        assert form_post(client, "/login", "/login", {"email": "a@example.com", "password": "bad"}).status_code == 401
    blocked = form_post(client, "/login", "/login", {"email": "a@example.com", "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    later = clock.now() + timedelta(minutes=16)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert form_post(client, "/login", "/login", {"email": "a@example.com", "password": PASSWORD}).status_code == 303
    assert db.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_unknown_emails_are_throttled_too(client, db):
    for _ in range(5):
        form_post(client, "/login", "/login", {"email": "ghost@example.com", "password": "bad"})
    assert form_post(client, "/login", "/login", {"email": "ghost@example.com", "password": "x"}).status_code == 429


def test_post_without_or_with_a_wrong_csrf_token_is_refused(client, db):
    make_user(db, email="a@example.com")
    db.commit()
    login(client, "a@example.com", PASSWORD)
    before = db.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.revoked_at.is_(None)))
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert client.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False).status_code == 403
    after = db.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.revoked_at.is_(None)))
    assert before == after == 1


def test_login_form_needs_its_csrf_token(client, db):
    make_user(db, email="a@example.com")
    db.commit()
    response = client.post("/login", data={"email": "a@example.com", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403


def test_deactivated_user_is_refused_and_loses_their_session(client, db):
    admin = make_user(db, role="admin")
    member = make_user(db, email="a@example.com")
    db.commit()
    login(client, "a@example.com", PASSWORD)
    assert client.get("/profile").status_code == 200
    deactivate_user(db, actor=admin, user=member, now=clock.now())
    db.commit()
    assert client.get("/profile", follow_redirects=False).status_code == 303
    response = form_post(client, "/login", "/login", {"email": "a@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert translate("fr", "This account has been deactivated.") in response.text


def test_idle_session_expires(client, db, monkeypatch):
    make_user(db, email="a@example.com")
    db.commit()
    login(client, "a@example.com", PASSWORD)
    later = clock.now() + timedelta(hours=9)  # members' idle timeout is 8 hours
    monkeypatch.setattr(clock, "now", lambda: later)
    assert client.get("/profile", follow_redirects=False).headers["location"] == "/login?next=/profile"


def test_staff_sessions_are_shorter(client, db, monkeypatch):
    make_user(db, role="manager", email="m@example.com")
    db.commit()
    login(client, "m@example.com", PASSWORD)
    later = clock.now() + timedelta(minutes=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert client.get("/profile", follow_redirects=False).status_code == 303


def test_password_change_closes_other_sessions(client, app, db):
    make_user(db, email="a@example.com")
    db.commit()
    other = TestClient(app)
    login(other, "a@example.com", PASSWORD)
    login(client, "a@example.com", PASSWORD)
    response = form_post(client, "/profile", "/profile/password", {
        "current_password": PASSWORD, "password": "a-brand-new-password", "password_again": "a-brand-new-password",
    })
    assert response.status_code == 303
    assert client.get("/profile").status_code == 200  # this browser got a fresh session
    assert other.get("/profile", follow_redirects=False).status_code == 303
    login(client, "a@example.com", "a-brand-new-password")


def test_password_change_with_a_wrong_current_password_changes_nothing(client, db):
    user = make_user(db, email="a@example.com")
    db.commit()
    old_hash = user.password_hash
    login(client, "a@example.com", PASSWORD)
    response = form_post(client, "/profile", "/profile/password", {
        "current_password": "wrong", "password": "a-brand-new-password", "password_again": "a-brand-new-password",
    })
    assert response.status_code == 422
    assert "The current password is wrong." in response.text
    db.refresh(user)
    assert user.password_hash == old_hash


def test_next_parameter_never_leaves_the_site(client, db):
    make_user(db, email="a@example.com")
    db.commit()
    token = csrf_from(client.get("/login"))
    response = client.post("/login", data={"email": "a@example.com", "password": PASSWORD, "next": "//evil.example",
                                           "csrf_token": token}, follow_redirects=False)
    assert response.headers["location"] == "/"
