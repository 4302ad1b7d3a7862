"""Registering without an account: a seat while there is one, else the waiting list; one e-mail registers once;
a freed seat is offered to the first waiting, the offer expires and passes on; the reminder the day before."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from spaces.events import personal_data as _events_data  # noqa: F401  (registers the rows and eraser)
from spaces.events import registrations, retention
from spaces.events.models import Event, Registration
from tests.spaces.conftest import NOW, paris
from tests.spaces.events.factories import make_event
from totem import erasure, personal_data
from totem.errors import Conflict, Invalid, NotFound
from totem.i18n import shown
from totem.notifications.models import OutboxMessage
from totem.settings import get_settings

EVENING = (paris("2026-12-08", 17), paris("2026-12-08", 19, 30))


def _applicant(n: int | str, **fields) -> registrations.Applicant:  # type: ignore[no-untyped-def]
    values = {"name": f"Person {n}", "email": f"person{n}@example.fr", "organisation": "Ports", "consent": True,
              "locale": "en",
              **fields}
    return registrations.Applicant(**values)


def _register(db, event, n, now=NOW, **fields):  # type: ignore[no-untyped-def]
    return registrations.register(db, event_id=event.id, applicant=_applicant(n, **fields), now=now).registration


def _mails(db, address):  # type: ignore[no-untyped-def]
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)
                           .order_by(OutboxMessage.id)))


def _seats(db, event):  # type: ignore[no-untyped-def]
    return db.scalar(select(Event.seats_taken).where(Event.id == event.id))


@pytest.fixture
def event(db, building):  # type: ignore[no-untyped-def]
    return make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, capacity=2)


def test_within_capacity_one_is_registered_and_gets_the_ics_the_qr_code_and_the_links(db, event):
    registration = _register(db, event, 1)

    assert registration.status == "registered" and _seats(db, event) == 1
    assert len(registration.code) == 8 and len(registration.page_token) >= 40
    [confirmation] = _mails(db, "person1@example.fr")
    assert confirmation.user_id is None and "Meetup Mer" in confirmation.subject
    assert "DTSTART:20261208T160000Z" in confirmation.ics and "La Halle" in confirmation.ics
    assert registration.code in confirmation.body_text and "<svg" in confirmation.body_html
    assert f"/events/registration/{registration.page_token}/cancel" in confirmation.body_text


def test_when_full_the_next_goes_on_the_waiting_list(db, event):
    _register(db, event, 1), _register(db, event, 2)
    third = _register(db, event, 3)

    assert third.status == "waitlisted" and _seats(db, event) == 2
    [mail] = _mails(db, "person3@example.fr")
    assert "waiting list" in mail.body_text and mail.ics is None


def test_the_same_email_registers_once_whatever_its_case(db, event):
    first = registrations.register(db, event_id=event.id, applicant=_applicant(1), now=NOW)
    again = registrations.register(db, event_id=event.id, now=NOW,
                                   applicant=_applicant(1, email="  PERSON1@Example.FR ", name="Someone else"))

    assert first.is_new and not again.is_new and again.registration.id == first.registration.id
    assert again.registration.name == "Person 1" and _seats(db, event) == 1
    assert db.scalar(select(func.count()).select_from(Registration)) == 1
    assert len(_mails(db, "person1@example.fr")) == 1


def test_registering_again_after_cancelling_takes_a_new_place(db, event):
    first = _register(db, event, 1)
    registrations.cancel(db, registration=first, now=NOW)
    again = _register(db, event, 1)
    assert again.id == first.id and again.status == "registered" and _seats(db, event) == 1


def test_bad_input_is_refused_by_field(db, event):
    for fields, field in [({"name": " "}, "name"), ({"email": "not-an-email"}, "email"), ({"consent": False}, "consent"),
                          ({"name": "x" * 201}, "name"), ({"organisation": "x" * 201}, "organisation"),
                          ({"email": "a@b.fr" + "x" * 260}, "email")]:
        with pytest.raises(Invalid) as refused:
            _register(db, event, 1, **fields)
        assert refused.value.field == field, fields


def test_registration_is_refused_outside_its_window_and_for_a_members_only_event_to_the_public(db, building):
    window = make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW,
                        registration_opens_at=NOW + timedelta(days=1), registration_closes_at=NOW + timedelta(days=2))
    with pytest.raises(Conflict) as refused:
        _register(db, window, 1)
    assert refused.value.code == "registration_closed"
    assert _register(db, window, 1, now=NOW + timedelta(days=1, hours=1)).status == "registered"
    with pytest.raises(Conflict):
        _register(db, window, 2, now=NOW + timedelta(days=2))
    members = make_event(db, building, starts_at=EVENING[0] + timedelta(days=1), ends_at=EVENING[1] + timedelta(days=1),
                         now=NOW, audience="members", title="Members only")
    with pytest.raises(NotFound):
        _register(db, members, 1)
    assert registrations.register(db, event_id=members.id, applicant=_applicant(1), now=NOW,
                                  viewer=building.lea).registration.status == "registered"


def test_cancelling_frees_the_seat_and_offers_it_to_the_first_waiting(db, event):
    first, _second = _register(db, event, 1), _register(db, event, 2)
    third, fourth = _register(db, event, 3, now=NOW + timedelta(minutes=1)), _register(db, event, 4,
                                                                                        now=NOW + timedelta(minutes=2))
    later = NOW + timedelta(hours=1)
    registrations.cancel(db, registration=first, now=later)

    assert first.status == "cancelled" and third.status == "offered" and fourth.status == "waitlisted"
    assert third.offer_expires_at == later + timedelta(hours=get_settings().event_offer_hours)
    assert _seats(db, event) == 2  # the offer holds the seat
    offer = _mails(db, "person3@example.fr")[-1]
    assert f"/events/registration/{third.page_token}" in offer.body_text and "A seat is free" in offer.subject

    registrations.accept_offer(db, registration=third, now=later + timedelta(hours=2))
    assert third.status == "registered" and third.offer_expires_at is None
    assert "You are registered" in _mails(db, "person3@example.fr")[-1].subject


def test_an_offer_not_taken_expires_and_passes_to_the_next(db, event):
    first, _second = _register(db, event, 1), _register(db, event, 2)
    third, fourth = _register(db, event, 3, now=NOW + timedelta(minutes=1)), _register(db, event, 4,
                                                                                        now=NOW + timedelta(minutes=2))
    registrations.cancel(db, registration=first, now=NOW)
    expiry = third.offer_expires_at

    assert registrations.expire_offers(db, now=expiry - timedelta(seconds=1)) == []
    assert [r.id for r in registrations.expire_offers(db, now=expiry)] == [third.id]
    assert third.status == "cancelled" and fourth.status == "offered" and _seats(db, event) == 2
    assert "has gone" in _mails(db, "person3@example.fr")[-1].subject
    assert registrations.expire_offers(db, now=expiry) == []  # a second run changes nothing
    with pytest.raises(Conflict) as refused:
        registrations.accept_offer(db, registration=third, now=expiry)
    assert refused.value.code == "seat_offer_expired"


def test_an_offer_never_outlasts_the_events_start(db, event):
    first, _second = _register(db, event, 1), _register(db, event, 2)
    third = _register(db, event, 3)
    registrations.cancel(db, registration=first, now=EVENING[0] - timedelta(hours=2))
    assert third.offer_expires_at == EVENING[0]


def test_a_larger_capacity_offers_the_new_seats(db, building, event):
    from spaces.events import service as events
    from tests.spaces.events.factories import event_data
    for n in range(4):
        _register(db, event, n)
    events.update_event(db, actor=building.lea, event_id=event.id, now=NOW,
                        data=event_data(building, starts_at=EVENING[0], ends_at=EVENING[1], capacity=3))
    statuses = sorted(r.status for r in db.scalars(select(Registration)))
    assert statuses == ["offered", "registered", "registered", "waitlisted"]
    with pytest.raises(Invalid) as refused:
        events.update_event(db, actor=building.lea, event_id=event.id, now=NOW,
                            data=event_data(building, starts_at=EVENING[0], ends_at=EVENING[1], capacity=2))
    assert refused.value.code == "capacity_below_seated"


def test_the_reminder_goes_the_day_before_once(db, event):
    registered, _also = _register(db, event, 1), _register(db, event, 2)
    waiting = _register(db, event, 3)
    two_days_before = paris("2026-12-06", 10)
    assert registrations.send_reminders(db, now=two_days_before) == []
    day_before = paris("2026-12-07", 10)
    assert {r.id for r in registrations.send_reminders(db, now=day_before)} == {registered.id, _also.id}
    assert registrations.send_reminders(db, now=day_before + timedelta(hours=1)) == []
    assert "Tomorrow" in _mails(db, "person1@example.fr")[-1].subject
    assert waiting.reminder_sent_at is None


def test_cancelling_the_event_tells_everyone_and_frees_the_seats(db, building, event):
    from spaces.events import service as events
    _register(db, event, 1), _register(db, event, 2), _register(db, event, 3)
    events.cancel_event(db, actor=building.lea, event_id=event.id, now=NOW)
    assert {r.status for r in db.scalars(select(Registration))} == {"cancelled"} and _seats(db, event) == 0
    assert "Cancelled" in _mails(db, "person3@example.fr")[-1].subject
    with pytest.raises(Conflict):
        _register(db, event, 4)


def test_the_personal_link_finds_the_registration_and_a_wrong_one_nothing(db, event):
    registration = _register(db, event, 1)
    assert registrations.get_by_token(db, registration.page_token).id == registration.id
    for token in ("", "nope", "x" * 500):
        with pytest.raises(NotFound):
            registrations.get_by_token(db, token)


def test_a_persons_registrations_are_in_their_data_and_erased_with_them(db, building, event, scene):
    registration = _register(db, event, 1, email=scene.hugo.email.upper())
    document = personal_data.export(db, scene.hugo, NOW)
    assert [row["id"] for row in document["event_registrations"]] == [registration.id]

    erasure.erase_person(db, actor=building.admin, user=scene.hugo, now=NOW)
    db.refresh(registration)
    assert registration.name.startswith("Deleted user") and registration.organisation == ""
    assert registration.email == registration.email_key == f"registration-{registration.id}@erased.invalid"


def test_registrations_past_the_retention_period_lose_who_they_were_and_keep_the_counts(db, building):
    held = make_event(db, building, starts_at=paris("2026-12-08", 17), ends_at=paris("2026-12-08", 19), now=NOW)
    later = make_event(db, building, starts_at=paris("2026-12-15", 17), ends_at=paris("2026-12-15", 19), now=NOW,
                       title="Later")
    old = _register(db, held, 1, name="Camille Rossi", email="camille@port.fr")
    recent = _register(db, later, 2, name="Camille Rossi", email="camille@port.fr")
    settings = get_settings()
    moment = paris("2026-12-09", 12) + timedelta(days=settings.retention_event_registrations_days)

    listed = retention.purge(db, now=moment, settings=settings, dry_run=True)
    assert [item.id for item in listed] == [old.id] and db.get(Registration, old.id).email == "camille@port.fr"
    purged = retention.purge(db, now=moment, settings=settings)
    db.expire_all()
    assert [item.id for item in purged] == [old.id]
    assert shown(retention.describe(purged), "en") == "anonymised 1 event registration"
    gone = db.get(Registration, old.id)
    assert "camille" not in f"{gone.name} {gone.email} {gone.email_key} {gone.organisation}".lower()
    assert gone.status == "registered" and db.get(Registration, recent.id).email == "camille@port.fr"
    assert retention.purge(db, now=moment, settings=settings) == []  # once
    assert any(item.kind == "event_registration" for item in erasure.purge_personal_data(
        db, now=moment + timedelta(days=8), dry_run=True))
