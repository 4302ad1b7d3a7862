"""The import framework's invitations: nobody imported is mailed until a manager presses "Invite"."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import form_post, login
from tests.totem.factories import PASSWORD, make_user
from totem.notifications.models import OutboxMessage


def test_people_without_a_password_are_invited_only_when_a_manager_presses_invite(client, db: Session) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(db, role="manager")
    imported = make_user(db, role="mentor", email="yves@mentors.example", password=None)
    db.commit()
    login(client, manager.email, PASSWORD)
    assert "Invite 1 person" in client.get("/import").text
    assert db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == imported.id)).all() == []

    assert form_post(client, "/import", "/import/invite", {}).status_code == 303
    assert len(db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == imported.id)).all()) == 1
    # Pressing it again invites nobody twice.
    form_post(client, "/import", "/import/invite", {})
    assert len(db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == imported.id)).all()) == 1
