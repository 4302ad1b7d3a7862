"""The system's account: what jobs and command-line imports act as, "System" in the audit log, nobody's login."""
from tests.helpers import form_post, login
from tests.totem.factories import PASSWORD, make_user
from totem import audit, clock
from totem.identity import service as identity
from totem.importing import count_not_invited
from totem.permissions import can, is_staff


def test_there_is_one_system_account_that_may_act_but_never_logs_in(client, db):
    system = identity.system_actor(db, now=clock.now())
    assert identity.system_actor(db, now=clock.now()).id == system.id
    assert system.is_system and system.role_names == set() and system.password_hash is None
    assert can(system, "users.manage") and is_staff(system) and not can(system, "no.such.action")

    refused = form_post(client, "/login", "/login", {"email": identity.SYSTEM_EMAIL, "password": ""})
    assert refused.status_code == 401 and "totem_session" not in refused.cookies
    users, total = identity.list_users(db)
    assert system.id not in {user.id for user in users} and total == len(users)
    assert count_not_invited(db) == 0  # no password, yet nobody to invite


def test_the_audit_log_names_the_system_as_system(client, db):
    admin = make_user(db, role="admin", locale="en")
    system = identity.system_actor(db, now=clock.now())
    audit.record(db, actor=system, action="cohort.advance", obj=admin, summary="moved 1 cohort", now=clock.now())
    db.commit()
    login(client, admin.email, PASSWORD)
    page = client.get("/admin/audit")
    assert page.status_code == 200
    row = next(line for line in page.text.split("<tr>") if "moved 1 cohort" in line)
    assert "System" in row and identity.SYSTEM_EMAIL not in page.text


def test_admins_cannot_change_deactivate_or_erase_the_system(client, db):
    admin = make_user(db, role="admin", locale="en")
    system = identity.system_actor(db, now=clock.now())
    db.commit()
    token = {"Authorization": "Bearer " + client.post("/api/v1/auth/token", json={
        "email": admin.email, "password": PASSWORD}).json()["access_token"]}
    assert client.post(f"/api/v1/users/{system.id}/erase", headers=token).status_code == 404
    login(client, admin.email, PASSWORD)
    deactivate = form_post(client, "/admin/users", f"/admin/users/{system.id}/deactivate", {})
    assert deactivate.status_code == 404
    db.refresh(system)
    assert system.is_active and system.email == identity.SYSTEM_EMAIL
