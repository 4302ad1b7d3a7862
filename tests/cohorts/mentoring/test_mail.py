"""Session e-mails: in each recipient's language, on the venue's clock, with invitations whose UID and SEQUENCE
are those of the session in the private feeds."""
from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from cohorts.mentoring import mail as mentor_mail
from cohorts.mentoring.models import SessionRequest
from tests.cohorts.mentoring.factories import make_mentor, make_session
from tests.spaces.conftest import NOW, paris
from totem.identity.models import User
from totem.notifications.models import OutboxMessage


def _mentor(db, scene, **kwargs):  # type: ignore[no-untyped-def]
    mentor = make_mentor(db, venue=scene.venue, email="yves@mentors.fr", now=NOW, company="CMA CGM", **kwargs)
    db.flush()
    return mentor


def _mails(db):  # type: ignore[no-untyped-def]
    return {m.to_address: m for m in db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))}


def _event(message):  # type: ignore[no-untyped-def]
    calendar = Calendar.from_ical(message.ics)
    (event,) = calendar.walk("VEVENT")
    return str(calendar["method"]), event


def _feed_event(client, user, uid):  # type: ignore[no-untyped-def]
    response = client.get(f"/calendar/{user.calendar_token}.ics")
    assert response.status_code == 200
    return next(e for e in Calendar.from_ical(response.content).walk("VEVENT") if str(e["uid"]) == uid)


def test_an_invitation_reaches_both_sides_with_a_request_the_feed_agrees_with(client, db, scene):
    scene.nadia.locale = "fr"
    mentor = _mentor(db, scene)
    session = make_session(db, scene, mentor, starts_at=paris("2026-12-01", 10))

    mentor_mail.queue_session_invitation(db, session, NOW)
    db.commit()

    mails = _mails(db)
    assert set(mails) == {"yves@mentors.fr", "nadia@oceanwatt.fr"}
    nadia, yves = mails["nadia@oceanwatt.fr"], mails["yves@mentors.fr"]
    assert nadia.subject == "Séance de mentorat confirmée : Port logistics, mardi 1 décembre 2026 à 10:00"
    assert yves.subject == "Mentor session confirmed: Port logistics, Tuesday, December 1, 2026 at 10:00"
    assert "OceanWatt" in yves.body_text and "CMA CGM" in nadia.body_text
    assert f"/mentor/sessions/{session.id}" in yves.body_text and f"/sessions/{session.id}" in nadia.body_text
    method, event = _event(nadia)
    assert method == "REQUEST"
    assert str(event["uid"]) == f"mentor-session-{session.id}@totem"
    assert event.decoded("dtstart") == paris("2026-12-01", 10) and event.decoded("dtend") == paris("2026-12-01", 11)
    assert str(event["status"]) == "CONFIRMED" and "Calanques" in str(event["location"])
    attendees = {str(a) for a in event["attendee"]}
    assert attendees == {"mailto:yves@mentors.fr", "mailto:nadia@oceanwatt.fr"}
    feed = _feed_event(client, scene.nadia, str(event["uid"]))
    assert (int(feed["sequence"]), str(feed["status"])) == (int(event["sequence"]), "CONFIRMED")
    assert str(_feed_event(client, db.get(User, mentor.user_id), str(event["uid"]))["uid"]) == str(event["uid"])


def test_a_cancellation_removes_the_same_event_with_the_reason(client, db, scene):
    mentor = _mentor(db, scene)
    session = make_session(db, scene, mentor, starts_at=paris("2026-12-01", 10), in_room=False)
    mentor_mail.queue_session_invitation(db, session, NOW)
    invited = _event(_mails(db)["nadia@oceanwatt.fr"])[1]
    db.query(OutboxMessage).delete()

    session.status, session.cancel_reason, session.cancelled_at = "cancelled", "I am ill, sorry.", NOW
    mentor_mail.queue_session_cancellation(db, session, NOW)
    db.commit()

    mails = _mails(db)
    assert set(mails) == {"yves@mentors.fr", "nadia@oceanwatt.fr"}
    assert "I am ill, sorry." in mails["nadia@oceanwatt.fr"].body_text
    assert "https://meet.example.com/mentor" in mails["nadia@oceanwatt.fr"].body_text
    method, event = _event(mails["nadia@oceanwatt.fr"])
    assert method == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(invited["uid"]) and int(event["sequence"]) > int(invited["sequence"])
    feed = _feed_event(client, scene.nadia, str(event["uid"]))
    assert (int(feed["sequence"]), str(feed["status"])) == (int(event["sequence"]), "CANCELLED")


def test_request_mails_go_to_the_mentors_and_back_to_the_member_on_the_venues_clock(db, scene):
    mentor = _mentor(db, scene)
    request = SessionRequest(organisation_id=scene.oceanwatt_id, requested_by=scene.nadia.id,
                             topic="Shipping contracts", urgency="high", proposed_by=mentor.user_id,
                             proposed_times=[(NOW + timedelta(days=1, hours=5)).isoformat()],
                             created_at=NOW, updated_at=NOW)
    db.add(request)
    db.flush()

    mentor_mail.queue_request_to_mentors(db, request, [mentor.user_id], NOW)
    mentor_mail.queue_request_declined(db, request, mentor.user_id, "Not my field.", NOW)
    mentor_mail.queue_times_proposed(db, request, NOW)

    messages = list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    asked, declined, proposed = messages
    assert asked.to_address == "yves@mentors.fr" and "OceanWatt" in asked.body_text
    assert "/mentor" in asked.body_text and "urgent" in asked.body_text
    assert declined.to_address == "nadia@oceanwatt.fr" and "Not my field." in declined.body_text
    assert "stays open" in declined.body_text
    # 13:00 UTC is 14:00 in Paris.
    assert proposed.to_address == "nadia@oceanwatt.fr" and "Tuesday, December 1, 2026 at 14:00" in proposed.body_text
    assert f"/sessions/requests/{request.id}" in proposed.body_text
