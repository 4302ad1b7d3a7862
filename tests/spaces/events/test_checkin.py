"""The door's rules: who runs it, checking in by code or from the list, twice is "already in", the refusals with
their codes (cancelled, waitlisted, another event's code, an unknown code, the door not open), the search."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from spaces.events import checkin, registrations
from spaces.events import service as events
from spaces.events.models import Registration
from tests.spaces.conftest import NOW, make_person, paris
from tests.spaces.events.factories import make_event
from totem.audit.models import AuditEntry
from totem.errors import Conflict, NotFound

EVENING = (paris("2026-12-08", 17), paris("2026-12-08", 19, 30))
AT_THE_DOOR = paris("2026-12-08", 17, 5)


def _register(db, event, n, **fields):  # type: ignore[no-untyped-def]
    applicant = registrations.Applicant(**{"name": f"Person {n}", "email": f"person{n}@example.fr",
                                           "organisation": "Ports", "consent": True, **fields})
    return registrations.register(db, event_id=event.id, applicant=applicant, now=NOW).registration


@pytest.fixture
def event(db, building):  # type: ignore[no-untyped-def]
    return make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, capacity=2)


@pytest.fixture
def front_desk(db):  # type: ignore[no-untyped-def]
    """The building's own staff: a manager who runs no operator."""
    return make_person(db, role="manager", email="accueil@cite-innovation.fr")


def test_the_operators_manager_checks_someone_in_by_the_code_typed_loosely(db, building, event):
    person = _register(db, event, 1)
    typed = f" {person.code[:4].lower()}-{person.code[4:]} "

    done = checkin.check_in_by_code(db, actor=building.lea, event_id=event.id, code=typed, now=AT_THE_DOOR)

    assert not done.already and done.registration.id == person.id
    db.expire_all()
    stored = db.get(Registration, person.id)
    assert stored.checked_in_at == AT_THE_DOOR and stored.checked_in_by == building.lea.id
    assert db.scalar(select(AuditEntry.action).where(AuditEntry.action == "event.check_in")) == "event.check_in"


def test_the_qr_codes_whole_url_is_a_code_too(db, building, event):
    person = _register(db, event, 1)
    url = f"https://totem.example/staff/events/{event.id}/check-in?code={person.code}"
    assert checkin.clean_code(url) == person.code
    done = checkin.check_in_by_code(db, actor=building.admin, event_id=event.id, code=url, now=AT_THE_DOOR)
    assert done.registration.id == person.id


def test_checking_in_twice_says_already_in_and_keeps_the_first_time(db, building, event, front_desk):
    person = _register(db, event, 1)
    checkin.check_in_by_code(db, actor=building.lea, event_id=event.id, code=person.code, now=AT_THE_DOOR)

    again = checkin.check_in_by_code(db, actor=front_desk, event_id=event.id, code=person.code,
                                     now=AT_THE_DOOR + timedelta(minutes=10))

    assert again.already and again.registration.checked_in_at == AT_THE_DOOR
    assert again.registration.checked_in_by == building.lea.id


def test_a_stale_copy_of_someone_already_in_is_not_stamped_twice(db, building, event):
    """Two phones at the door: the second read the person before the first stamped them."""
    person = _register(db, event, 1)
    db.execute(Registration.__table__.update().where(Registration.id == person.id)
               .values(checked_in_at=AT_THE_DOOR, checked_in_by=building.lea.id))
    set_committed_value(person, "checked_in_at", None)  # what the second phone's request still believes

    done = checkin.check_in(db, actor=building.admin, event=event, registration=person,
                            now=AT_THE_DOOR + timedelta(minutes=1))

    assert done.already and done.registration.checked_in_at == AT_THE_DOOR


@pytest.mark.parametrize(("make_state", "code"), [
    ("cancelled", "registration_cancelled"),
    ("waitlisted", "registration_waitlisted"),
])
def test_cancelled_and_waitlisted_registrations_are_refused_with_their_code(db, building, event, make_state, code):
    _register(db, event, 1), _register(db, event, 2)
    third = _register(db, event, 3)  # the event holds two: the third waits
    if make_state == "cancelled":
        third = _register(db, event, 4)
        registrations.cancel(db, registration=_register(db, event, 1), now=NOW)  # 4 is offered the seat...
        db.refresh(third)
        registrations.cancel(db, registration=third, now=NOW)  # ...and cancels
        db.refresh(third)
        assert third.status == "cancelled"
    else:
        assert third.status == "waitlisted"

    with pytest.raises(Conflict) as refused:
        checkin.check_in_by_code(db, actor=building.lea, event_id=event.id, code=third.code, now=AT_THE_DOOR)

    assert refused.value.code == code
    assert db.get(Registration, third.id).checked_in_at is None


def test_an_offered_seat_not_taken_is_refused_as_waitlisted(db, building, event):
    first, _second = _register(db, event, 1), _register(db, event, 2)
    waiting = _register(db, event, 3)
    registrations.cancel(db, registration=first, now=NOW)
    db.refresh(waiting)
    assert waiting.status == "offered"

    with pytest.raises(Conflict) as refused:
        checkin.check_in_by_code(db, actor=building.lea, event_id=event.id, code=waiting.code, now=AT_THE_DOOR)
    assert refused.value.code == "registration_waitlisted"


def test_another_events_code_is_refused(db, building, event):
    other = make_event(db, building, starts_at=EVENING[0] + timedelta(days=1), ends_at=EVENING[1] + timedelta(days=1),
                       now=NOW, title="Demo day")
    stranger = _register(db, other, 9)

    with pytest.raises(Conflict) as refused:
        checkin.check_in_by_code(db, actor=building.lea, event_id=event.id, code=stranger.code, now=AT_THE_DOOR)

    assert refused.value.code == "code_for_another_event" and refused.value.field == "code"
    assert db.get(Registration, stranger.id).checked_in_at is None


@pytest.mark.parametrize("typed", ["ZZZZ2222", "", "   ", "'; drop table event; --", "é" * 300, "\x00abc"])
def test_an_unknown_code_is_a_not_found_on_the_code_field(db, building, event, typed):
    _register(db, event, 1)
    with pytest.raises(NotFound) as refused:
        checkin.check_in_by_code(db, actor=building.lea, event_id=event.id, code=typed, now=AT_THE_DOOR)
    assert refused.value.code == "no_such_registration_code" and refused.value.field == "code"


@pytest.mark.parametrize(("moment", "opens"), [
    (paris("2026-12-07", 23, 59), False),  # the day before, on the venue's clock
    (paris("2026-12-08", 0, 1), True),
    (EVENING[1] + checkin.DOOR_CLOSES_AFTER, True),
    (EVENING[1] + checkin.DOOR_CLOSES_AFTER + timedelta(minutes=1), False),
])
def test_the_door_opens_on_the_events_day_and_closes_hours_after_its_end(db, building, event, moment, opens):
    person = _register(db, event, 1)
    if opens:
        assert not checkin.check_in_by_code(db, actor=building.lea, event_id=event.id, code=person.code,
                                            now=moment).already
    else:
        with pytest.raises(Conflict) as refused:
            checkin.check_in_by_code(db, actor=building.lea, event_id=event.id, code=person.code, now=moment)
        assert refused.value.code == "check_in_not_open"


def test_a_cancelled_events_door_is_closed(db, building, event):
    person = _register(db, event, 1)
    events.cancel_event(db, actor=building.lea, event_id=event.id, now=NOW)
    db.refresh(person)
    with pytest.raises(Conflict) as refused:
        checkin.check_in_by_code(db, actor=building.lea, event_id=event.id, code=person.code, now=AT_THE_DOOR)
    assert refused.value.code in ("event_cancelled", "registration_cancelled")


def test_an_event_under_way_cannot_be_called_off_and_keeps_who_came(db, building, event):
    person = _register(db, event, 1)
    checkin.check_in_by_code(db, actor=building.lea, event_id=event.id, code=person.code, now=AT_THE_DOOR)
    with pytest.raises(Conflict) as refused:
        events.cancel_event(db, actor=building.lea, event_id=event.id, now=AT_THE_DOOR + timedelta(minutes=10))
    assert refused.value.code == "event_over"
    db.expire_all()
    assert db.get(Registration, person.id).checked_in_at == AT_THE_DOOR and not event.is_cancelled


def test_who_runs_the_door(db, building, event, front_desk, scene):
    person = _register(db, event, 1)
    member = scene.nadia
    for allowed in (building.lea, building.admin, front_desk):
        assert checkin.get_door_event(db, actor=allowed, event_id=event.id).id == event.id
    # Another operator's manager, and a member, are told there is no such event.
    for refused in (building.marc, member):
        with pytest.raises(NotFound):
            checkin.get_door_event(db, actor=refused, event_id=event.id)
        with pytest.raises(NotFound):
            checkin.check_in_by_code(db, actor=refused, event_id=event.id, code=person.code, now=AT_THE_DOOR)
        with pytest.raises(NotFound):
            checkin.check_in_registration(db, actor=refused, event_id=event.id, registration_id=person.id,
                                          now=AT_THE_DOOR)
    assert db.get(Registration, person.id).checked_in_at is None


def test_the_list_checks_in_only_the_events_own_registrations(db, building, event):
    other = make_event(db, building, starts_at=EVENING[0] + timedelta(days=1), ends_at=EVENING[1] + timedelta(days=1),
                       now=NOW, title="Demo day")
    stranger = _register(db, other, 9)
    with pytest.raises(NotFound):
        checkin.check_in_registration(db, actor=building.lea, event_id=event.id, registration_id=stranger.id,
                                      now=AT_THE_DOOR)
    with pytest.raises(NotFound):
        checkin.check_in_registration(db, actor=building.lea, event_id=event.id, registration_id=2**31 - 1,
                                      now=AT_THE_DOOR)
    person = _register(db, event, 1)
    assert not checkin.check_in_registration(db, actor=building.lea, event_id=event.id, registration_id=person.id,
                                             now=AT_THE_DOOR).already


def test_the_list_searches_names_and_organisations_word_by_word(db, building, event):
    _register(db, event, 1, name="Camille Durand", organisation="Ports de Provence")
    _register(db, event, 2, name="Léo Marchand", organisation="Kelp Studio")
    _register(db, event, 3, name="Inès Roux", organisation="100% Mer_Bleue")  # on the waiting list

    def found(search: str) -> list[str]:
        return [r.name for r in checkin.search_registrations(db, actor=building.lea, event=event, search=search)]

    assert found("") == ["Camille Durand", "Léo Marchand", "Inès Roux"]  # seated first, then the waiting list
    assert found("durand") == ["Camille Durand"]
    assert found("KELP") == ["Léo Marchand"]
    assert found("camille ports") == ["Camille Durand"]
    assert found("camille kelp") == []
    assert found("100%") == ["Inès Roux"] and found("%") == ["Inès Roux"] and found("m_r") == [] and found("r_b") == ["Inès Roux"]
    with pytest.raises(NotFound):
        checkin.search_registrations(db, actor=building.marc, event=event, search="")


def test_the_doors_open_today_are_those_the_person_runs(db, building, event, front_desk):
    tomorrow = make_event(db, building, starts_at=EVENING[0] + timedelta(days=1),
                          ends_at=EVENING[1] + timedelta(days=1), now=NOW, title="Demo day")
    harbour = make_event(db, building, actor=building.marc, starts_at=paris("2026-12-08", 11),
                         ends_at=paris("2026-12-08", 13), now=NOW, title="Harbour lunch")

    def open_for(user, now=AT_THE_DOOR):  # type: ignore[no-untyped-def]
        return [found.id for found in checkin.doors_open(db, actor=user, now=now)]

    assert open_for(building.lea) == [event.id]
    assert open_for(building.marc) == [harbour.id]
    assert open_for(front_desk) == open_for(building.admin) == [harbour.id, event.id]
    assert open_for(building.lea, now=paris("2026-12-09", 10)) == [tomorrow.id]
