"""A person downloads everything Totem holds about them, and nothing about anyone else; secrets never leave."""
import json

from cohorts.mentoring import session_requests
from tests.cohorts.mentoring.test_sessions import TUESDAY_2PM, mentoring  # noqa: F401  (the fixture)
from tests.helpers import api_token, login
from tests.spaces.conftest import NOW, PASSWORD
from tests.spaces.factories import make_booking
from totem.identity.models import User


def test_a_member_downloads_their_bookings_sessions_and_emails_and_nothing_of_others(client, db, accelerator,
                                                                                   mentoring):  # noqa: F811
    yann, _ = mentoring
    scene = accelerator.scene
    mine = make_booking(db, space=scene.room, user=scene.nadia, starts_at=TUESDAY_2PM.replace(hour=9))
    theirs = make_booking(db, space=scene.room, user=scene.hugo, starts_at=TUESDAY_2PM.replace(hour=11))
    request = session_requests.create_request(db, actor=scene.nadia, now=NOW, data=session_requests.RequestData(
        topic="Port logistics", preferred_mentor_id=yann.user_id))
    session = session_requests.accept_request(db, actor=db.get_one(User, yann.user_id), request_id=request.id,
                                              starts_at=TUESDAY_2PM, now=NOW)
    db.commit()

    data = client.get("/api/v1/me/data", headers=api_token(client, scene.nadia.email, PASSWORD)).json()

    assert data["format"] == "totem-personal-data/1" and data["user_id"] == scene.nadia.id
    assert [row["email"] for row in data["profile"]] == [scene.nadia.email]
    assert {row["id"] for row in data["bookings"]} >= {mine.id} and theirs.id not in {
        row["id"] for row in data["bookings"]}
    assert [row["topic"] for row in data["session_requests"]] == ["Port logistics"]
    assert [row["id"] for row in data["mentor_sessions"]] == [session.id]
    assert data["emails"] and all(row["to_address"] == scene.nadia.email for row in data["emails"])
    text = json.dumps(data)
    assert "password_hash" not in text and "token_hash" not in text and "calendar_token" not in text
    assert scene.hugo.email not in text


def test_the_profile_page_offers_the_download_as_a_file(client, db, accelerator):
    login(client, accelerator.scene.hugo.email, PASSWORD)
    assert "/profile/data.json" in client.get("/profile").text

    response = client.get("/profile/data.json")

    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    assert response.json()["profile"][0]["email"] == accelerator.scene.hugo.email
    assert client.get("/api/v1/me/data").status_code == 401  # the API wants a token
