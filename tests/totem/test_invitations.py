"""Admins invite people by e-mail; the single-use link expires; password resets do not enumerate users."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from tests.helpers import form_post, login
from tests.totem.factories import PASSWORD, make_user
from totem import clock
from totem.audit.models import AuditEntry
from totem.identity.models import Membership, User
from totem.notifications.models import OutboxMessage


def _invite(client, db, **overrides):
    make_user(db, role="admin", email="admin@example.com")
    db.commit()
    login(client, "admin@example.com", PASSWORD)
    data = {"name": "Inès Garcia", "email": "Ines@Seabird.fr", "roles": ["member"], "startup": "Seabird", "locale": "fr"}
    return form_post(client, "/admin/users/invite", "/admin/users/invite", {**data, **overrides})


def _link_of(message: OutboxMessage) -> str:
    return re.search(r"http://testserver(/invitations/\S+)", message.body_text).group(1)


def test_invitation_creates_the_user_and_queues_a_french_email(client, db):
    response = _invite(client, db)
    assert response.status_code == 303 and response.headers["location"] == "/admin/users"
    user = db.scalar(select(User).where(User.email == "ines@seabird.fr"))
    assert user is not None and user.password_hash is None and user.role_names == {"member"}
    assert db.scalar(select(func.count()).select_from(Membership).where(Membership.user_id == user.id)) == 1
    message = db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "ines@seabird.fr"))
    assert message.status == "pending"
    assert message.subject == "Vous êtes invité·e sur Totem"
    assert "Bonjour Inès Garcia" in message.body_text and "<a href=" in message.body_html
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "user.invite")) is not None


def test_invited_person_sets_a_password_once_and_is_logged_in(client, db):
    _invite(client, db)
    link = _link_of(db.scalar(select(OutboxMessage)))
    client.cookies.clear()
    page = client.get(link)
    assert page.status_code == 200 and "ines@seabird.fr" in page.text
    response = form_post(client, link, link, {"password": "sea-and-sky-2026", "password_again": "sea-and-sky-2026"})
    assert response.status_code == 303
    assert "Bonjour Inès Garcia" in client.get("/").text
    client.cookies.clear()
    reused = form_post(client, "/login", link, {"password": "another-password", "password_again": "another-password"})
    assert reused.status_code == 422
    assert "already been used" in reused.text or "déjà été utilisé" in reused.text
    login(client, "ines@seabird.fr", "sea-and-sky-2026")


def test_a_too_short_password_shows_the_form_again_with_the_reason(client, db):
    _invite(client, db)
    link = _link_of(db.scalar(select(OutboxMessage)))
    client.cookies.clear()
    response = form_post(client, link, link, {"password": "short", "password_again": "short"})
    assert response.status_code == 422
    assert "ines@seabird.fr" in response.text and 'name="password"' in response.text
    assert db.scalar(select(User.password_hash).where(User.email == "ines@seabird.fr")) is None


def test_expired_invitation_link_is_refused(client, db, monkeypatch):
    _invite(client, db)
    link = _link_of(db.scalar(select(OutboxMessage)))
    later = clock.now() + timedelta(days=8)
    monkeypatch.setattr(clock, "now", lambda: later)
    client.cookies.clear()
    response = form_post(client, "/login", link, {"password": "sea-and-sky-2026", "password_again": "sea-and-sky-2026"})
    assert response.status_code == 422
    assert db.scalar(select(User.password_hash).where(User.email == "ines@seabird.fr")) is None


def test_inviting_an_existing_email_changes_nothing(client, db):
    make_user(db, email="taken@example.com")
    response = _invite(client, db, email="TAKEN@example.com", startup="")
    assert response.status_code == 409
    assert "already exists" in response.text
    assert 'value="TAKEN@example.com"' in response.text
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_invitation_needs_a_role(client, db):
    response = _invite(client, db, roles=[])
    assert response.status_code == 422
    assert db.scalar(select(User).where(User.email == "ines@seabird.fr")) is None


def test_member_is_refused_on_admin_pages(client, db):
    make_user(db, email="m@example.com")
    db.commit()
    login(client, "m@example.com", PASSWORD)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/jobs").status_code == 403
    response = form_post(client, "/", "/admin/users/invite", {"name": "X", "email": "x@example.com", "roles": ["admin"]})
    assert response.status_code == 403
    assert db.scalar(select(User).where(User.email == "x@example.com")) is None


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/admin/users", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/admin/users"


def test_admin_searches_changes_roles_and_deactivates(client, db):
    target = make_user(db, email="claire@mentors.fr", name="Claire Dubois", role="mentor")
    make_user(db, role="admin", email="admin@example.com")
    db.commit()
    login(client, "admin@example.com", PASSWORD)
    listing = client.get("/admin/users", params={"q": "dubois"})
    assert "claire@mentors.fr" in listing.text and "admin@example.com" not in listing.text
    response = form_post(client, "/admin/users", f"/admin/users/{target.id}/roles", {"roles": ["mentor", "manager"]})
    assert response.status_code == 303
    db.refresh(target)
    assert target.role_names == {"mentor", "manager"}
    form_post(client, "/admin/users", f"/admin/users/{target.id}/deactivate", {})
    db.refresh(target)
    assert not target.is_active
    rows = client.get("/admin/audit").text.split("<tr>")
    assert any("User deactivated" in row and "claire@mentors.fr" in row for row in rows)
    assert any("Roles changed" in row and "claire@mentors.fr: Manager, Mentor" in row for row in rows)


def test_password_reset_answers_the_same_for_unknown_emails(client, db):
    make_user(db, email="known@example.com")
    db.commit()
    known = form_post(client, "/password-reset", "/password-reset", {"email": "known@example.com"})
    unknown = form_post(client, "/password-reset", "/password-reset", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"]
    messages = db.scalars(select(OutboxMessage)).all()
    assert [m.to_address for m in messages] == ["known@example.com"]
    link = re.search(r"http://testserver(/password-reset/\S+)", messages[0].body_text).group(1)
    assert form_post(client, link, link, {"password": "reset-to-this-one", "password_again": "reset-to-this-one"}).status_code == 303
    client.cookies.clear()
    login(client, "known@example.com", "reset-to-this-one")
