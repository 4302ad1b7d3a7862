"""A mentor's days away call off the sessions already made on those days, and tell the start-ups."""
from datetime import UTC, date

from sqlalchemy import select

from cohorts.mentoring.models import MentorSession
from spaces.booking.models import Booking
from tests.cohorts.mentoring.factories import make_mentor, make_session
from tests.helpers import form_post, login
from tests.spaces.conftest import NOW, PASSWORD, Scene, paris
from totem.identity.models import User
from totem.notifications.models import OutboxMessage


def _status(db, session: MentorSession) -> str:  # type: ignore[no-untyped-def]
    db.refresh(session)
    return session.status


def test_days_away_cancel_the_sessions_of_those_local_days_and_mail_both_sides(client, db, scene: Scene):
    mentor = make_mentor(db, venue=scene.venue, email="yves@mentors.fr", now=NOW)
    scene.nadia.locale, db.get_one(User, mentor.user_id).locale = "en", "fr"  # the start-up reads English
    # Wednesday 9 December on the venue's clock (Paris, UTC+1):
    afternoon = make_session(db, scene, mentor, starts_at=paris("2026-12-09", 14))  # in the room Calanques
    after_midnight = make_session(db, scene, mentor, starts_at=paris("2026-12-09", 0, 30), in_room=False)
    assert after_midnight.starts_at.astimezone(UTC).date() == date(2026, 12, 8)  # 23:30 UTC: the day before, in UTC
    proposed = make_session(db, scene, mentor, starts_at=paris("2026-12-09", 10), status="proposed", in_room=False)
    # Not on the 9th in Paris, though 10 December 00:30 is still the 9th in UTC, and the 8th 23:00 is the 8th.
    next_night = make_session(db, scene, mentor, starts_at=paris("2026-12-10", 0, 30), in_room=False)
    assert next_night.starts_at.astimezone(UTC).date() == date(2026, 12, 9)
    evening_before = make_session(db, scene, mentor, starts_at=paris("2026-12-08", 23), in_room=False)
    db.commit()
    login(client, "yves@mentors.fr", PASSWORD)

    response = form_post(client, "/mentor/availability", f"/mentors/{mentor.user_id}/availability/exceptions",
                         {"away_first_day": "2026-12-09", "away_last_day": "", "away_reason": "Salon Euromaritime"})

    assert response.status_code == 303
    assert "Séances annulées ces jours-là, start-ups prévenues : 3." in client.get(response.headers["location"]).text
    assert [_status(db, s) for s in (afternoon, after_midnight, proposed, next_night, evening_before)] == \
        ["cancelled", "cancelled", "cancelled", "confirmed", "confirmed"]
    assert afternoon.cancel_reason == "The mentor is away that day."
    assert db.get_one(Booking, afternoon.booking_id).status == "cancelled"  # the room is given back
    # Both sides of the two confirmed sessions are told, each in their language; the proposal was never in a calendar.
    to_startup = db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == scene.nadia.id)
                            .order_by(OutboxMessage.id)).all()
    assert [mail.subject for mail in to_startup] == [
        "Mentor session cancelled: Port logistics, Wednesday, December 9, 2026 at 00:30",
        "Mentor session cancelled: Port logistics, Wednesday, December 9, 2026 at 14:00"]
    assert all("Reason: The mentor is away that day." in mail.body_text for mail in to_startup)
    to_mentor = db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == mentor.user_id)).all()
    assert len(to_mentor) == 2
    assert all("Motif : Le mentor est absent ce jour-là." in mail.body_text for mail in to_mentor)


def test_days_away_in_the_api_cancel_the_sessions_too(client, db, scene: Scene):
    mentor = make_mentor(db, venue=scene.venue, email="yves@mentors.fr", now=NOW)
    session = make_session(db, scene, mentor, starts_at=paris("2026-12-09", 14), in_room=False)
    db.commit()
    token = client.post("/api/v1/auth/token", json={"email": "yves@mentors.fr", "password": PASSWORD}).json()
    response = client.post(f"/api/v1/mentors/{mentor.user_id}/exceptions",
                           headers={"Authorization": f"Bearer {token['access_token']}"},
                           json={"first_day": "2026-12-09", "last_day": "2026-12-09", "reason": ""})
    assert response.status_code == 201
    assert _status(db, session) == "cancelled"
