"""Mentoring's refusals through the API, each with the code a client branches on and its detail in both languages."""
from datetime import timedelta

from cohorts.mentoring import session_requests
from cohorts.mentoring.models import MentorProfile
from tests.cohorts.mentoring.test_session_requests import TUESDAY_2PM, _ask, mentors  # noqa: F401  (a fixture)
from tests.helpers import api_token, assert_refused
from tests.spaces.conftest import NOW
from tests.spaces.factories import make_booking
from tests.totem.factories import PASSWORD


def _post(client, headers, path, body=None):  # type: ignore[no-untyped-def]
    return lambda language: client.post(path, json=body, headers={**headers, **language})


def test_a_mentor_answering_a_request_meets_a_code_for_each_refusal(client, db, accelerator, mentors):  # noqa: F811
    yann, lea = mentors
    first = _ask(db, accelerator)
    session_requests.accept_request(db, actor=yann, request_id=first.id, starts_at=TUESDAY_2PM, now=NOW)
    second, third = _ask(db, accelerator, topic="Ports"), _ask(db, accelerator, topic="Quays")
    db.commit()
    as_yann, as_lea = api_token(client, yann.email, PASSWORD), api_token(client, lea.email, PASSWORD)
    nadia = api_token(client, accelerator.scene.nadia.email, PASSWORD)
    at = TUESDAY_2PM.isoformat()

    assert_refused(_post(client, as_lea, f"/api/v1/session-requests/{second.id}/accept", {"starts_at": at}),
                   409, "startup_busy", "The start-up already has a session at that time.",
                   "La start-up a déjà une session à ce moment-là.")
    assert_refused(_post(client, as_yann, f"/api/v1/session-requests/{second.id}/accept", {"starts_at": at}),
                   409, "session_taken", "This time is not one of your free slots any more.",
                   "Ce créneau ne fait plus partie de vos disponibilités.")
    assert_refused(_post(client, as_lea, f"/api/v1/session-requests/{second.id}/propose",
                         {"times": [(NOW + timedelta(minutes=30)).isoformat()]}),
                   422, "too_short_notice", "Propose times at least an hour ahead.",
                   "Proposez des créneaux au moins une heure à l’avance.")
    assert_refused(_post(client, nadia, f"/api/v1/session-requests/{second.id}/pick", {"starts_at": at}),
                   409, "no_proposed_times", "No times were proposed for this request.",
                   "Aucun créneau n’a été proposé pour cette demande.")
    assert client.post(f"/api/v1/session-requests/{third.id}/decline", headers=as_yann,
                       json={"reason": "At sea."}).status_code == 200
    assert_refused(_post(client, as_yann, f"/api/v1/session-requests/{third.id}/accept",
                         {"starts_at": (TUESDAY_2PM + timedelta(hours=1)).isoformat()}),
                   409, "request_not_open", "You declined this request.", "Vous avez décliné cette demande.")
    assert_refused(_post(client, as_yann, f"/api/v1/session-requests/{first.id}/accept", {"starts_at": at}),
                   409, "request_not_open", "This request is no longer open.", "Cette demande n’est plus ouverte.")

    db.get_one(MentorProfile, lea.id).monthly_capacity_hours = 0
    db.commit()
    assert_refused(_post(client, as_lea, f"/api/v1/session-requests/{second.id}/accept",
                         {"starts_at": (TUESDAY_2PM + timedelta(hours=1)).isoformat()}),
                   409, "mentor_capacity", "past their monthly capacity of 0 h.", "sa capacité mensuelle de 0 h.")
    (session,) = client.get("/api/v1/sessions", params={"mine": "true"}, headers=as_yann).json()
    assert client.post(f"/api/v1/sessions/{session['id']}/cancel", headers=as_yann, json={}).status_code == 200
    assert_refused(_post(client, as_yann, f"/api/v1/sessions/{session['id']}/confirm"), 409, "session_state",
                   "This session is not waiting for confirmation.", "Cette session n’attend pas de confirmation.")


def test_staff_putting_a_session_to_a_mentor_away_or_without_a_free_room_are_told_which(client, db, accelerator,
                                                                                        mentors):  # noqa: F811
    yann, lea = mentors
    request = _ask(db, accelerator)
    make_booking(db, space=accelerator.scene.room, user=accelerator.scene.hugo, starts_at=TUESDAY_2PM,
                 ends_at=TUESDAY_2PM + timedelta(hours=2))  # the venue's only room
    db.get_one(MentorProfile, lea.id).is_active = False
    db.commit()
    manager = api_token(client, accelerator.scene.manager.email, PASSWORD)
    proposal = {"request_id": request.id, "starts_at": TUESDAY_2PM.isoformat()}

    assert_refused(_post(client, manager, "/api/v1/sessions", {**proposal, "mentor_id": lea.id}), 409,
                   "mentor_unavailable", "This mentor is not taking sessions at the moment.",
                   "Ce mentor ne prend pas de sessions en ce moment.")
    assert_refused(_post(client, manager, "/api/v1/sessions", {**proposal, "mentor_id": yann.id, "mode": "in_person"}),
                   409, "no_room_free", "No meeting room is free on 2026-12-01 from 14:00 to 15:00.",
                   "Aucune salle de réunion n’est libre le 2026-12-01 de 14:00 à 15:00.")
    assert_refused(_post(client, api_token(client, accelerator.scene.nadia.email, PASSWORD),
                         "/api/v1/session-requests", {"topic": "Ports", "details": "x" * 5001}),
                   422, "value_out_of_range", "Keep the details under 5001 characters.",
                   "Les précisions doivent faire moins de 5001 caractères.")


def test_a_mentor_s_bio_past_its_bound_is_refused_and_the_profile_kept(client, db, accelerator, mentors):  # noqa: F811
    yann, _lea = mentors
    as_yann = api_token(client, yann.email, PASSWORD)
    profile = {"venue_id": accelerator.scene.venue.id, "bio": "Mer " * 25_000, "mode": "in_person"}

    assert_refused(lambda language: client.put(f"/api/v1/mentors/{yann.id}", json=profile,
                                               headers={**as_yann, **language}),
                   422, "value_out_of_range", "Keep it under 2001 characters.", "Restez sous les 2001 caractères.")
    db.expire_all()
    assert db.get_one(MentorProfile, yann.id).bio == ""
