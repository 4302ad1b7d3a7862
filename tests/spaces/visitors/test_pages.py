"""The visitors' pages: a host expects guests, the front desk checks them in by list, code or QR, walk-ins;
the guest's own page; bad input shows the form again and writes nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from spaces.visitors.models import Visitor
from tests.helpers import form_post, login
from tests.spaces.conftest import NOW, paris
from tests.totem.factories import PASSWORD
from totem import clock
from totem.notifications.models import OutboxMessage

GUESTS = "Camille Durand, camille@example.fr, Ports de Provence\nLéo Marchand, leo@example.fr"


def _visitors(db) -> list[Visitor]:
    db.expire_all()
    return list(db.scalars(select(Visitor).order_by(Visitor.id)))


def _expect(client, **values):
    data = {"guests": GUESTS, "day": "2026-11-30", "time": "11:00", "reason": "Pilot review", **values}
    return form_post(client, "/visitors", "/visitors", data)


def test_a_member_expects_two_guests_and_sees_them(client, db, scene):
    login(client, scene.nadia.email, PASSWORD)
    assert 'value="2026-11-30"' in client.get("/visitors").text  # the venue's today by default

    response = _expect(client)

    assert response.status_code == 303 and response.headers["location"] == "/visitors"
    assert [(v.name, v.organisation, v.host_id) for v in _visitors(db)] == [
        ("Camille Durand", "Ports de Provence", scene.nadia.id), ("Léo Marchand", "", scene.nadia.id)]
    page = client.get("/visitors")
    assert "2 guest(s) expected" in page.text and "Camille Durand" in page.text and "Pilot review" in page.text
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 2


@pytest.mark.parametrize(("values", "message"), [
    ({"guests": "Camille Durand"}, "Line 1: write the guest"),
    ({"guests": ""}, "Add at least one guest."),
    ({"day": "2026-02-30"}, "Enter a date such as"),
    ({"day": "99999-01-01"}, "Enter a date such as"),
    ({"time": "25:61"}, "Enter a time such as"),
    ({"day": "2026-12-05"}, "is closed on"),
    ({"day": "2026-11-27"}, "The visit is in the past."),
    ({"reason": "x" * 400}, "At most 300 characters."),
    ({"guests": "Camille\x00, c@example.fr"}, None),
])
def test_bad_input_shows_the_form_again_and_writes_nothing(client, db, scene, values, message):
    login(client, scene.nadia.email, PASSWORD)
    response = _expect(client, **values)
    assert response.status_code == 422
    if message:
        assert message in response.text and "Expect them" in response.text
    assert _visitors(db) == [] and db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_member_cannot_choose_another_host_and_cannot_cancel_anothers_guest(client, db, scene):
    login(client, scene.nadia.email, PASSWORD)
    _expect(client, host=scene.hugo.email)  # ignored: a member hosts their own guests
    assert {v.host_id for v in _visitors(db)} == {scene.nadia.id}
    guest = _visitors(db)[0]
    client.cookies.clear()
    login(client, scene.hugo.email, PASSWORD)
    assert form_post(client, "/visitors", f"/visitors/{guest.id}/cancel", {}).status_code == 404
    assert "Camille" not in client.get("/visitors").text
    assert client.get("/front-desk/visitors").status_code == 403
    assert _visitors(db)[0].cancelled_at is None


def test_the_front_desk_checks_in_from_the_list_the_code_and_the_qr_link(client, db, scene, monkeypatch):
    login(client, scene.nadia.email, PASSWORD)
    _expect(client)
    camille, leo = _visitors(db)
    client.cookies.clear()
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(hours=2))  # 11:00 in Marseille
    login(client, scene.manager.email, PASSWORD)

    desk = client.get("/front-desk/visitors")
    assert desk.status_code == 200 and "Camille Durand" in desk.text and "0 of 2 arrived" in desk.text
    assert "Léo" not in client.get("/front-desk/visitors", params={"q": "provence"}).text

    listed = form_post(client, "/front-desk/visitors", f"/front-desk/visitors/{camille.id}/check-in", {})
    assert listed.status_code == 303 and "Camille Durand is checked in" in client.get("/front-desk/visitors").text

    qr = client.get("/front-desk/visitors/check-in", params={"code": leo.code})
    assert qr.status_code == 200 and "Léo Marchand" in qr.text and "Member" in qr.text
    typed = form_post(client, "/front-desk/visitors", "/front-desk/visitors/check-in",
                      {"code": f"{leo.code[:4].lower()} {leo.code[4:]}"})
    assert typed.status_code == 303
    assert all(v.checked_in_at == NOW + timedelta(hours=2) for v in _visitors(db))
    assert "2 of 2 arrived" in client.get("/front-desk/visitors").text
    arrivals = db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == scene.nadia.id)).all()
    assert len(arrivals) == 2

    again = form_post(client, "/front-desk/visitors", "/front-desk/visitors/check-in", {"code": leo.code})
    assert again.status_code == 409 and "already checked in" in again.text
    unknown = form_post(client, "/front-desk/visitors", "/front-desk/visitors/check-in", {"code": "ZZZZ9999"})
    assert unknown.status_code == 404 and "No visit has the code ZZZZ9999." in unknown.text


def test_a_walk_in_is_added_and_checked_in(client, db, scene):
    login(client, scene.manager.email, PASSWORD)
    response = form_post(client, "/front-desk/visitors", "/front-desk/visitors/walk-in",
                         {"name": "Inès Roux", "organisation": "Région Sud", "host": scene.hugo.email, "reason": ""})
    assert response.status_code == 303
    [walk_in] = _visitors(db)
    assert walk_in.walk_in and walk_in.checked_in_at == NOW and walk_in.host_id == scene.hugo.id
    refused = form_post(client, "/front-desk/visitors", "/front-desk/visitors/walk-in",
                        {"name": "Inès Roux", "organisation": "", "host": "nobody@example.fr", "reason": ""})
    assert refused.status_code == 422 and "Give the e-mail of the person they visit." in refused.text
    assert len(_visitors(db)) == 1


def test_the_guest_page_shows_the_qr_code_without_an_account_and_the_lobby_nothing_personal(client, db, scene):
    login(client, scene.nadia.email, PASSWORD)
    _expect(client)
    camille = _visitors(db)[0]
    assert "Camille Durand" not in client.get("/lobby").text
    client.cookies.clear()

    page = client.get(f"/visit/{camille.page_token}")

    assert page.status_code == 200 and "Camille Durand" in page.text and camille.code in page.text
    assert "<svg" in page.text and "qr-code" in page.text
    assert client.get("/visit/not-a-token").status_code == 404
    assert client.get("/front-desk/visitors/check-in", params={"code": camille.code},
                      follow_redirects=False).status_code in (302, 303, 401)


def test_the_pages_are_in_french_for_a_french_host(client, db, scene):
    scene.nadia.locale = "fr"
    scene.manager.locale = "en"
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    _expect(client)
    page = client.get("/visitors")
    assert "Mes visiteurs" in page.text and "Attendu" in page.text
    invitation = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    assert "vous attend" in invitation.body_text and "lundi 30 novembre" in invitation.body_text
    assert paris("2026-11-30", 11) == _visitors(db)[0].expected_at
