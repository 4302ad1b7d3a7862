"""The mentoring pages: the directory's filters, asking "anyone who fits" and a mentor accepting a slot in one
click, and who may see a session, its private notes and the mentors' and managers' pages."""
import re
from datetime import date, time, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cohorts.mentoring import availability
from cohorts.mentoring.models import ExpertiseTag, MentorProfile, MentorSession, SessionFeedback, SessionRequest
from cohorts.programs.models import Track
from spaces.booking.models import Booking
from tests.cohorts.conftest import Accelerator
from tests.cohorts.mentoring.factories import make_mentor, make_session, tag
from tests.helpers import form_post, login
from tests.spaces.conftest import NOW
from tests.totem.factories import PASSWORD
from totem.identity.models import User

ACCEPT_SLOT = re.compile(r'action="/mentor/requests/(\d+)/accept".*?name="starts_at" value="([^"]+)"', re.S)


def _client(app, email: str) -> TestClient:
    client = TestClient(app)
    login(client, email, PASSWORD)
    return client


def _track(db, accelerator: Accelerator, name: str) -> Track:
    return db.scalars(select(Track).where(Track.program_id == accelerator.program.id, Track.name == name)).one()


def _mentor(db, accelerator: Accelerator, email: str, name: str, tag_name: str, track: str, **kwargs) -> MentorProfile:
    profile = make_mentor(db, venue=accelerator.scene.venue, email=email, now=NOW,
                          tags=[tag(db, tag_name, [_track(db, accelerator, track)])], **kwargs)
    db.get_one(User, profile.user_id).name = name
    db.flush()
    return profile


def test_the_directory_filters_by_track_expertise_language_and_words(client, db, accelerator: Accelerator):
    _mentor(db, accelerator, "sofia@chantier.it", "Sofia Marchetti", "énergies marines", "Mer",
            languages=("it", "fr"), company="Fincantieri")
    _mentor(db, accelerator, "emma@studio.fr", "Emma Laurent", "jeu vidéo", "Industries créatives",
            company="Ubisoft")
    db.commit()
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    mer = _track(db, accelerator, "Mer").id
    for query, shown, hidden in ((f"track={mer}", "Sofia Marchetti", "Emma Laurent"),
                                 ("expertise=jeu vidéo", "Emma Laurent", "Sofia Marchetti"),
                                 ("language=it", "Sofia Marchetti", "Emma Laurent"),
                                 ("q=ubisoft", "Emma Laurent", "Sofia Marchetti")):
        page = client.get(f"/mentors?{query}")
        assert page.status_code == 200
        assert shown in page.text and hidden not in page.text, query
    both = client.get("/mentors").text
    assert "Sofia Marchetti" in both and "Emma Laurent" in both


def test_a_member_asks_anyone_who_fits_and_a_mentor_accepts_a_slot_in_one_click(app, client, db,
                                                                                 accelerator: Accelerator):
    scene = accelerator.scene
    mentor = _mentor(db, accelerator, "yves@mentors.fr", "Yves Roux", "énergies marines", "Mer")
    # Tuesdays 14:00-17:00 in Paris, from tomorrow.
    availability.add_office_hours(db, actor=scene.manager, mentor_id=mentor.user_id, now=NOW,
                                  data=availability.OfficeHoursData(weekdays=[1], starts_at=time(14),
                                                                    ends_at=time(17), first_day=date(2026, 12, 1)))
    db.commit()

    login(client, "nadia@oceanwatt.fr", PASSWORD)
    asked = form_post(client, "/sessions/request", "/sessions/request", {
        "topic": "Certifier nos hydroliennes", "details": "", "expertise": ["énergies marines"], "mentor_id": "",
        "urgency": "high", "mode": "either", "language": "", "duration_minutes": "60"})
    assert asked.status_code == 303 and asked.headers["location"] == "/sessions"
    request = db.scalars(select(SessionRequest).where(SessionRequest.topic == "Certifier nos hydroliennes")).one()
    assert (request.organisation_id, request.preferred_mentor_id, request.status) == (scene.oceanwatt_id, None, "open")
    assert "Certifier nos hydroliennes" in client.get("/sessions").text

    yves = _client(app, "yves@mentors.fr")
    home = yves.get("/mentor")
    assert home.status_code == 200 and "Certifier nos hydroliennes" in home.text
    request_id, starts_at = ACCEPT_SLOT.search(home.text).groups()
    assert int(request_id) == request.id
    accepted = form_post(yves, "/mentor", f"/mentor/requests/{request.id}/accept",
                         {"starts_at": starts_at, "mode": "in_person"})
    assert accepted.status_code == 303
    session = db.scalars(select(MentorSession).where(MentorSession.request_id == request.id)).one()
    assert accepted.headers["location"] == f"/sessions/{session.id}"
    assert (session.status, session.mode, session.mentor_id) == ("confirmed", "in_person", mentor.user_id)
    assert session.starts_at.isoformat() == starts_at
    assert db.get_one(Booking, session.booking_id).space_id == scene.room.id
    page = client.get(f"/sessions/{session.id}")
    assert page.status_code == 200 and "Calanques" in page.text

    hugo = _client(app, "hugo@kelpstudio.fr")
    assert hugo.get(f"/sessions/{session.id}").status_code == 404
    assert hugo.get(f"/sessions/requests/{request.id}").status_code == 404
    assert "Certifier nos hydroliennes" not in hugo.get("/sessions").text


def test_a_bad_request_is_shown_again_with_the_message_and_nothing_saved(client, db, accelerator: Accelerator):
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    refused = form_post(client, "/sessions/request", "/sessions/request", {
        "topic": "  ", "details": "Nos premiers clients", "mentor_id": "", "urgency": "normal", "mode": "either",
        "language": "", "duration_minutes": "60"})
    assert refused.status_code == 422
    assert "Say what the session is about" in refused.text and "Nos premiers clients" in refused.text
    assert db.scalar(select(SessionRequest.id)) is None


def test_a_mentor_cannot_read_another_mentors_private_notes(app, client, db, accelerator: Accelerator):
    scene = accelerator.scene
    yves = _mentor(db, accelerator, "yves@mentors.fr", "Yves Roux", "énergies marines", "Mer")
    _mentor(db, accelerator, "claire@mentors.fr", "Claire Dubois", "design produit", "Industries créatives")
    starts_at = NOW - timedelta(days=3)
    session = MentorSession(mentor_id=yves.user_id, organisation_id=scene.oceanwatt_id, attendee_id=scene.nadia.id,
                            topic="Levée d'amorçage", starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
                            mode="online", online_url="https://meet.example.com/yves", status="completed",
                            created_at=starts_at - timedelta(days=2))
    db.add(session)
    db.flush()
    db.add_all([
        SessionFeedback(session_id=session.id, side="mentor", author_id=yves.user_id, rating=3,
                        notes="Valorisation irréaliste", private=True, created_at=NOW),
        SessionFeedback(session_id=session.id, side="startup", author_id=scene.nadia.id, rating=5,
                        notes="Très utile", private=False, created_at=NOW),
    ])
    db.commit()

    claire = _client(app, "claire@mentors.fr")
    assert claire.get(f"/sessions/{session.id}").status_code == 404
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    member_view = client.get(f"/sessions/{session.id}")
    assert member_view.status_code == 200
    assert "Très utile" in member_view.text and "Valorisation irréaliste" not in member_view.text
    assert "Valorisation irréaliste" in _client(app, "yves@mentors.fr").get(f"/mentor/sessions/{session.id}").text
    assert "Valorisation irréaliste" in _client(app, "lea@cite-innovation.fr").get(f"/sessions/{session.id}").text


def test_members_are_kept_out_of_the_mentors_and_managers_pages(app, client, db, accelerator: Accelerator):
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.get("/mentor").status_code == 403
    assert client.get("/admin/mentoring").status_code == 403
    assert form_post(client, "/sessions", "/admin/mentoring/tags", {"name": "pêche"}).status_code == 403
    manager = _client(app, "lea@cite-innovation.fr")
    assert manager.get("/admin/mentoring").status_code == 200
    added = form_post(manager, "/admin/mentoring", "/admin/mentoring/tags",
                      {"name": "Pêche durable", "track_ids": [str(_track(db, accelerator, "Mer").id)]})
    assert added.status_code == 303
    made = db.scalars(select(ExpertiseTag).where(ExpertiseTag.name == "pêche durable")
                      .options(selectinload(ExpertiseTag.tracks))).one()
    assert [track.name for track in made.tracks] == ["Mer"]


def test_in_english_the_sessions_table_is_in_english(client, db, accelerator: Accelerator):
    # The table is a macro imported by the page: it must read the page's language, not the default (French).
    mentor = _mentor(db, accelerator, "sofia@chantier.it", "Sofia Marchetti", "énergies marines", "Mer")
    make_session(db, accelerator.scene, mentor, starts_at=NOW + timedelta(days=2))
    accelerator.scene.nadia.locale = "en"
    db.commit()
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    page = client.get("/sessions").text
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert all(f"<th>{word}</th>" in head for word in ("When", "Topic", "Mentor", "Where", "Status"))
    assert ">View</a>" in page and "Quand" not in page and ">Voir</a>" not in page
