"""The import page: previews kept in the database for their confirmation; nobody imported is mailed before "Invite"."""
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.helpers import csrf_from, form_post, login
from tests.totem.factories import PASSWORD, make_user
from totem import clock, importing
from totem.app import create_app
from totem.identity import service as identity
from totem.notifications.models import OutboxMessage
from totem.uploads.models import PendingUpload


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


MEMBERS_CSV = b"email,name\nines@seabird.example,Ines Morel\n"


def _preview(client, db: Session) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/import")
    preview = client.post("/import", data={"kind": "members", "csrf_token": csrf_from(page)},
                          files={"file": ("members.csv", MEMBERS_CSV, "text/csv")})
    assert preview.status_code == 200, preview.text[:300]
    return preview.text.split('name="token" value="')[1].split('"')[0]


def _confirm(client, token: str):  # type: ignore[no-untyped-def]
    return client.post("/import/confirm", data={"kind": "members", "token": token,
                                                "csrf_token": csrf_from(client.get("/import"))}, follow_redirects=False)


def test_a_preview_is_confirmed_by_another_web_process(client, app, settings, session_factory, db: Session) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(db, role="manager")
    db.commit()
    login(client, manager.email, PASSWORD)
    token = _preview(client, db)
    assert db.scalar(select(func.count()).select_from(PendingUpload)) == 1  # in the database, not a local file

    # Another process: its own app, the same database, the same browser cookies.
    with TestClient(create_app(settings, session_factory), base_url="http://testserver",
                    cookies=client.cookies) as other_process:
        assert _confirm(other_process, token).status_code == 303
        assert identity.get_user_by_email(db, "ines@seabird.example") is not None
        assert db.scalar(select(func.count()).select_from(PendingUpload)) == 0
        again = _confirm(other_process, token)  # used once
    assert again.status_code == 303 and again.headers["location"] == "/import"


def test_an_upload_is_for_its_uploader_within_the_hour(client, db: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first, second = make_user(db, role="manager"), make_user(db, role="manager")
    db.commit()
    login(client, first.email, PASSWORD)
    expiring = _preview(client, db)
    token = _preview(client, db)
    login(client, second.email, PASSWORD)
    _confirm(client, token)
    assert identity.get_user_by_email(db, "ines@seabird.example") is None  # not the other manager's

    login(client, first.email, PASSWORD)
    later = clock.now() + timedelta(hours=1, minutes=1)
    with monkeypatch.context() as patch:
        patch.setattr("totem.clock.now", lambda: later)
        _confirm(client, expiring)
        assert identity.get_user_by_email(db, "ines@seabird.example") is None  # past its hour
    assert _confirm(client, token).status_code == 303  # its uploader, within the hour
    assert identity.get_user_by_email(db, "ines@seabird.example") is not None


def test_the_import_page_offers_a_file_to_fill_in_per_kind_and_each_reads_back(client, db: Session) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(db, role="manager")
    db.commit()
    login(client, manager.email, PASSWORD)
    page = client.get("/import")
    kinds = [kind.name for kind in importing.kinds() if kind.exporter is not None]
    assert {"spaces", "bookings", "startups", "members", "mentors"} <= set(kinds)
    for kind in kinds:
        assert f'href="/import/{kind}-template.csv"' in page.text, kind
        template = client.get(f"/import/{kind}-template.csv")
        assert template.status_code == 200 and template.headers["content-type"].startswith("text/csv")
        assert "attachment" in template.headers["content-disposition"]
        (header,) = template.text.splitlines()  # the header row alone, to fill in
        assert header.split(",") == list(next(iter(importing.export_rows(db, kind)))), kind
        # Uploaded as it is, it names every column its import reads: nothing to create, nothing refused.
        preview = client.post("/import", data={"kind": kind, "csrf_token": csrf_from(page)},
                              files={"file": (f"{kind}.csv", template.content, "text/csv")})
        assert preview.status_code == 200 and "Missing column" not in preview.text, (kind, preview.text[-2000:])
    assert client.get("/import/ics-template.csv").status_code == 422  # a calendar has no CSV header
