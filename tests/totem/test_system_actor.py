"""The system's account: what jobs and command-line imports act as, "System" in the audit log, nobody's login."""
from sqlalchemy import select

from tests.helpers import form_post, login
from tests.totem.factories import PASSWORD, make_user
from totem import audit, cli, clock
from totem.audit.models import AuditEntry
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


def test_a_command_line_import_is_logged_as_the_systems(client, db, session_factory, tmp_path, monkeypatch, capsys):
    admin = make_user(db, role="admin", locale="en")
    db.commit()
    csv = tmp_path / "spaces.csv"
    csv.write_text("venue;floor;zone;name;kind;capacity;amenities;level;timezone\n"
                   "Cité de l'innovation;1er étage;Mer;Calanques;meeting_room;8;screen;1;Europe/Paris\n")
    # The command line on this test's database (rolled back after it), as on the server's.
    monkeypatch.setattr(cli, "_session_factory", lambda: session_factory)

    assert cli.main(["import", "spaces", str(csv)]) == 0

    assert "spaces: 1 created" in capsys.readouterr().out
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "data.import"))
    assert entry is not None and entry.actor_id == identity.system_actor(db, now=clock.now()).id
    login(client, admin.email, PASSWORD)
    shown = client.get("/admin/audit", params={"action": "data.import"})  # the log filtered on that action
    row = shown.text.split("<tbody>")[1].split("</tr>")[0]
    assert "System" in row and admin.email not in row
