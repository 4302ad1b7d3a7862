"""Booking e-mails: in the holder's language, with an invitation that updates one event in their calendar."""
import subprocess
import sys
from datetime import UTC, datetime

from icalendar import Calendar
from sqlalchemy import select

from spaces.booking import mail, service
from tests.spaces.conftest import NOW, paris
from tests.spaces.factories import make_rule, make_space
from totem.notifications.models import OutboxMessage


def _invitation(message: OutboxMessage):  # type: ignore[no-untyped-def]
    calendar = Calendar.from_ical(message.ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _french(db, user):  # type: ignore[no-untyped-def]
    user.locale = "fr"
    db.flush()
    return user


def test_a_confirmation_is_in_french_for_a_french_holder_with_the_event_attached(db, scene):
    nadia = _french(db, scene.nadia)
    booking = service.create_booking(db, actor=nadia, space_id=scene.room.id, starts_at=paris("2026-12-01", 10),
                                     ends_at=paris("2026-12-01", 11), now=NOW, title="Point d'équipe")

    message = db.scalars(select(OutboxMessage)).one()  # queued by the booking itself
    assert message.to_address == nadia.email and message.status == "pending"
    assert message.subject == "Réservation confirmée : Calanques, mardi 1 décembre 2026 à 10:00"
    assert "Bonjour" in message.body_text and "Votre réservation de Calanques est confirmée." in message.body_text
    assert "Point d'équipe" in message.body_text and "&#39;" not in message.body_text  # plain text, not HTML
    assert "de 10:00 à 11:00" in message.body_text
    assert f"http://testserver/spaces/{scene.room.id}/check-in" in message.body_text
    assert "Point d&#39;équipe" in message.body_html and "<p>" in message.body_html
    calendar, event = _invitation(message)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == f"booking-{booking.id}@totem"
    assert event.decoded("dtstart") == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert message.ics is not None and "DTSTART:20261201T090000Z" in message.ics.replace("\r\n", "\n")
    assert str(event["summary"]) == "Point d'équipe"
    assert str(event["location"]) == "Calanques, 1er étage, Cité de l'innovation"
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["attendee"]) == f"mailto:{nadia.email}"


def test_a_summer_booking_is_converted_to_utc_and_named_like_in_the_private_feed(db, scene):
    booking = service.create_booking(db, actor=scene.manager, space_id=scene.room.id,
                                     starts_at=paris("2027-07-01", 10), ends_at=paris("2027-07-01", 11, 30), now=NOW)

    message = db.scalars(select(OutboxMessage)).one()  # queued by the booking itself
    assert message.subject == "Booking confirmed: Calanques, Thursday, July 1, 2027 at 10:00"
    _, event = _invitation(message)
    assert event.decoded("dtstart") == datetime(2027, 7, 1, 8, tzinfo=UTC)  # UTC+2 in summer
    assert event.decoded("dtend") == datetime(2027, 7, 1, 9, 30, tzinfo=UTC)
    assert str(event["summary"]) == "Booking: Calanques"


def test_a_cancellation_cancels_the_same_event_with_a_later_sequence(db, scene):
    nadia = _french(db, scene.nadia)
    booking = service.create_booking(db, actor=nadia, space_id=scene.room.id, starts_at=paris("2026-12-01", 10),
                                     ends_at=paris("2026-12-01", 11), now=NOW)
    service.cancel_booking(db, actor=nadia, booking_id=booking.id, now=NOW)

    confirmation, cancellation = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))

    assert cancellation.subject == "Réservation annulée : Calanques, mardi 1 décembre 2026 à 10:00"
    assert "Votre réservation de Calanques est annulée." in cancellation.body_text
    calendar, event = _invitation(cancellation)
    _, confirmed = _invitation(confirmation)
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(confirmed["uid"]) == f"booking-{booking.id}@totem"
    assert int(event["sequence"]) > int(confirmed["sequence"])


def test_a_request_awaiting_approval_is_acknowledged_as_tentative_then_declined(db, scene):
    agora = make_space(db, floor=scene.floor, name="Agora", kind="event_space", capacity=80)
    make_rule(db, venue=scene.venue, space_kind="event_space", requires_approval=True)
    booking = service.create_booking(db, actor=scene.nadia, space_id=agora.id, starts_at=paris("2026-12-03", 18),
                                     ends_at=paris("2026-12-03", 20), now=NOW, title="Afterwork")

    received = mail.queue_booking_confirmation(db, booking, NOW)
    service.reject_booking(db, actor=scene.manager, booking_id=booking.id, now=NOW)
    declined = mail.queue_booking_cancellation(db, booking, NOW)

    assert received.subject == "Booking request received: Agora, Thursday, December 3, 2026 at 18:00"
    assert "A manager will approve or decline it" in received.body_text
    assert str(_invitation(received)[1]["status"]) == "TENTATIVE"
    assert declined.subject == "Booking request declined: Agora, Thursday, December 3, 2026 at 18:00"
    assert "A manager declined your request to book Agora." in declined.body_text
    assert str(_invitation(declined)[0]["method"]) == "CANCEL"


def test_a_released_booking_says_why(db, scene):
    booking = service.create_booking(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris("2026-11-30", 10),
                                     ends_at=paris("2026-11-30", 11), now=NOW)
    service.release_no_shows(db, now=paris("2026-11-30", 10, 20))

    message = mail.queue_booking_cancellation(db, booking, NOW)

    assert message.subject.startswith("Booking released: Calanques")
    assert "nobody checked in within 15 minutes of its start" in message.body_text


def test_a_reminder_says_how_to_check_in_and_attaches_nothing(db, scene):
    booking = service.create_booking(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris("2026-12-01", 10),
                                     ends_at=paris("2026-12-01", 11), now=NOW)

    message = mail.queue_booking_reminder(db, booking, NOW)

    assert message.subject == "Reminder: Calanques, Tuesday, December 1, 2026 at 10:00"
    assert "Without a check-in within 15 minutes of the start, the booking is released" in message.body_text
    assert f"http://testserver/spaces/{scene.room.id}/check-in" in message.body_text
    assert message.ics is None


def test_the_mail_module_can_be_imported_by_the_booking_service():
    """spaces.booking.service queues these mails, so spaces.booking.mail must not import it, even indirectly."""
    code = "import sys, spaces.booking.mail; print('spaces.booking.service' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_an_invitation_keeps_commas_quotes_and_long_names_intact(db, scene):
    """The invitation is written by hand (it is much cheaper than icalendar): escaping and folding must hold."""
    nadia = scene.nadia
    nadia.name = 'Nadia "Nad" Benali; Directrice, R&D — équipe énergies marines renouvelables'
    room = make_space(db, floor=scene.floor, name="Salle Frioul; grande, vue mer — bâtiment historique du port")
    db.flush()
    service.create_booking(db, actor=nadia, space_id=room.id, starts_at=paris("2026-12-01", 10),
                           ends_at=paris("2026-12-01", 11), now=NOW, title="Revue: budget, planning; \\ suite")

    message = db.scalars(select(OutboxMessage)).one()
    assert message.ics is not None
    assert all(len(line.encode()) <= 75 for line in message.ics.split("\r\n"))  # folded (RFC 5545, 3.1)
    _, event = _invitation(message)
    assert str(event["summary"]) == "Revue: budget, planning; \\ suite"
    assert str(event["location"]) == f"{room.name}, 1er étage, Cité de l'innovation"
    assert event["attendee"].params["CN"] == nadia.name
    assert event.decoded("dtstart") == datetime(2026, 12, 1, 9, tzinfo=UTC)
