"""Expecting guests, the front desk's day, check-in and walk-ins, on the venue's clock; retention and erasure."""
from datetime import UTC, date, time, timedelta

import pytest
from sqlalchemy import func, select

from spaces.visitors import personal_data as _visitors_data  # noqa: F401  (registers the rows and eraser)
from spaces.visitors import retention
from spaces.visitors import service as visitors
from spaces.visitors.models import Visitor
from tests.spaces.conftest import NOW, make_person, paris
from totem import erasure, personal_data
from totem.i18n import shown
from totem.errors import Conflict, Forbidden, Invalid, NotFound
from totem.notifications.models import OutboxMessage
from totem.settings import get_settings

TUESDAY = date(2026, 12, 1)
CAMILLE = visitors.Guest("Camille Durand", "Camille@Example.fr", "Ports de Provence")


def _expect(db, scene, *guests, host=None, day=TUESDAY, at=time(10), actor=None, now=NOW):
    host = host or scene.nadia
    return visitors.register_guests(db, actor=actor or host, host=host, guests=list(guests) or [CAMILLE], day=day,
                                    at=at, reason="Pilot review", now=now)


def _mails_to(db, address):
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)))


def test_a_member_expects_a_guest_who_gets_the_address_the_time_and_a_code(db, scene):
    scene.venue.address = "5 boulevard de l'Innovation, 13002 Marseille"
    [visitor] = _expect(db, scene)

    assert visitor.host_id == scene.nadia.id and visitor.email == "camille@example.fr"
    assert visitor.expected_at == paris("2026-12-01", 10) and visitor.checked_in_at is None
    assert len(visitor.code) == 8 and visitor.code.isupper()
    [invitation] = _mails_to(db, "camille@example.fr")
    assert invitation.user_id is None  # a guest has no account
    assert "5 boulevard de l'Innovation" in invitation.body_text and visitor.code in invitation.body_text
    assert f"/visit/{visitor.page_token}" in invitation.body_text
    assert "10:00" in invitation.body_text and "Tuesday 1 December" in invitation.body_text  # the host's language
    assert "DTSTART:20261201T090000Z" in invitation.ics


def test_a_mentor_expects_a_whole_day_of_guests_at_once(db, scene):
    mentor = make_person(db, email="sofia@mentors.fr", role="mentor")
    guests = [visitors.Guest(f"Guest {n}", f"guest{n}@example.fr") for n in range(12)]

    expected = _expect(db, scene, *guests, host=mentor, at=time(14))

    assert len(expected) == 12 and {v.host_id for v in expected} == {mentor.id}
    assert len({v.code for v in expected}) == 12
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 12


@pytest.mark.parametrize(("day", "at", "field", "code"), [
    (date(2026, 11, 27), time(10), "day", "visit_in_the_past"),
    (date(2028, 1, 4), time(10), "day", "visit_too_far_ahead"),
    (date(2026, 12, 5), time(10), "day", "closure_day"),  # a Saturday: the building is closed
    (date(2026, 12, 25), time(10), "day", "closure_day"),  # Christmas, a public holiday
    (TUESDAY, time(21), "time", "outside_opening_hours"),  # after closing
    (TUESDAY, time(7), "time", "outside_opening_hours"),  # before opening
])
def test_a_visit_when_nobody_can_receive_the_guest_is_refused(db, scene, day, at, field, code):
    with pytest.raises(Invalid) as refused:
        _expect(db, scene, day=day, at=at)
    assert refused.value.field == field and refused.value.code == code
    assert db.scalar(select(func.count()).select_from(Visitor)) == 0


def test_guests_lines_are_read_and_bad_ones_named(db, scene):
    assert visitors.parse_guest_lines("Camille Durand, camille@example.fr, Ports de Provence\n\nLéo, leo@x.fr") == [
        visitors.Guest("Camille Durand", "camille@example.fr", "Ports de Provence"), visitors.Guest("Léo", "leo@x.fr")]
    with pytest.raises(Invalid) as no_email:
        visitors.parse_guest_lines("Camille Durand")
    assert no_email.value.params == {"line": 1}
    with pytest.raises(Invalid, match="is not an e-mail"):
        _expect(db, scene, visitors.Guest("Camille", "not-an-address"))
    with pytest.raises(Invalid, match="At most"):
        _expect(db, scene, visitors.Guest("C" * 201, "c@example.fr"))


def test_only_the_staff_register_guests_for_someone_else(db, scene):
    with pytest.raises(Forbidden):
        _expect(db, scene, host=scene.hugo, actor=scene.nadia)
    [visitor] = _expect(db, scene, host=scene.hugo, actor=scene.manager)
    assert visitor.host_id == scene.hugo.id and visitor.registered_by_id == scene.manager.id


def test_the_front_desk_lists_the_venue_day_and_checks_in_telling_the_host(db, scene):
    [today] = _expect(db, scene, day=date(2026, 11, 30), at=time(11))
    _expect(db, scene, visitors.Guest("Tomorrow Guest", "t@example.fr"))
    morning = NOW + timedelta(hours=1)

    venue, day, expected = visitors.expected_on(db, actor=scene.manager, now=morning)
    assert day == date(2026, 11, 30) and [v.name for v in expected] == ["Camille Durand"]
    assert [v.name for v in visitors.expected_on(db, actor=scene.manager, now=morning, search="provence")[2]] == [
        "Camille Durand"]
    assert visitors.expected_on(db, actor=scene.manager, now=morning, search="nobody")[2] == []

    visitors.check_in(db, actor=scene.manager, visitor=today, now=morning)

    assert today.checked_in_at == morning
    [arrival] = _mails_to(db, scene.nadia.email)
    assert "Camille Durand" in arrival.subject and arrival.user_id == scene.nadia.id
    with pytest.raises(Conflict) as twice:
        visitors.check_in(db, actor=scene.manager, visitor=today, now=morning)
    assert twice.value.code == "already_checked_in"


def test_a_guest_of_another_day_or_cancelled_is_not_checked_in(db, scene):
    [tomorrow] = _expect(db, scene)
    with pytest.raises(Conflict) as not_today:
        visitors.check_in(db, actor=scene.manager, visitor=tomorrow, now=NOW)
    assert not_today.value.code == "visit_not_today"
    visitors.cancel(db, actor=scene.nadia, visitor=tomorrow, now=NOW)
    with pytest.raises(Conflict) as cancelled:
        visitors.check_in(db, actor=scene.manager, visitor=tomorrow, now=paris("2026-12-01", 9, 50))
    assert cancelled.value.code == "visit_cancelled"


def test_the_desk_day_is_the_venue_one_late_in_the_evening_in_utc(db, scene):
    """At 23:30 UTC on Monday it is already Tuesday in Marseille: Tuesday's guests are today's."""
    [visitor] = _expect(db, scene, at=time(8))
    late = paris("2026-12-01", 0, 30)
    assert late.astimezone(UTC).date() == date(2026, 11, 30)
    _venue, day, expected = visitors.expected_on(db, actor=scene.manager, now=late)
    assert day == TUESDAY and expected == [visitor]


def test_a_walk_in_is_checked_in_at_once_and_the_host_told(db, scene):
    visitor = visitors.add_walk_in(db, actor=scene.manager, host=scene.hugo, name="  Léa   Martin ",
                                   organisation="Région Sud", reason="", now=NOW)
    assert visitor.walk_in and visitor.checked_in_at == NOW and visitor.name == "Léa Martin" and visitor.email is None
    assert len(_mails_to(db, scene.hugo.email)) == 1
    with pytest.raises(Forbidden):
        visitors.add_walk_in(db, actor=scene.nadia, host=scene.hugo, name="X", organisation="", reason="", now=NOW)


def test_a_code_is_found_whatever_its_case_and_spaces_and_only_by_the_desk(db, scene):
    [visitor] = _expect(db, scene)
    typed = f" {visitor.code[:4].lower()} {visitor.code[4:]} "
    assert visitors.find_by_code(db, actor=scene.manager, code=typed) is visitor
    with pytest.raises(NotFound) as unknown:
        visitors.find_by_code(db, actor=scene.manager, code="ZZZZ9999")
    assert unknown.value.code == "no_such_visit_code"
    with pytest.raises(Forbidden):
        visitors.find_by_code(db, actor=scene.nadia, code=visitor.code)


def test_another_start_up_never_sees_a_hosts_guest(db, scene):
    [visitor] = _expect(db, scene)
    assert visitors.get_visitor(db, actor=scene.nadia, visitor_id=visitor.id) is visitor
    with pytest.raises(NotFound):
        visitors.get_visitor(db, actor=scene.hugo, visitor_id=visitor.id)
    with pytest.raises(NotFound):
        visitors.get_visitor(db, actor=scene.karim, visitor_id=visitor.id)  # the host's own start-up: the host's guest
    assert visitors.list_for_day(db, actor=scene.hugo, day=TUESDAY, now=NOW) == []
    assert visitors.list_for_day(db, actor=scene.manager, day=TUESDAY, now=NOW) == [visitor]


def test_visitors_past_the_retention_period_are_purged(db, scene):
    [old] = _expect(db, scene)
    [recent] = _expect(db, scene, day=date(2026, 12, 2))
    settings = get_settings()
    later = paris("2026-12-01", 12) + timedelta(days=settings.retention_visitors_days)

    listed = retention.purge(db, now=later, settings=settings, dry_run=True)
    assert [item.id for item in listed] == [old.id] and db.get(Visitor, old.id) is not None

    purged = retention.purge(db, now=later, settings=settings)
    db.expire_all()
    assert [item.id for item in purged] == [old.id] and shown(retention.describe(purged), "en") == "deleted 1 visitor record"
    assert db.get(Visitor, old.id) is None and db.get(Visitor, recent.id) is not None
    assert any(item.kind == "visitor" for item in erasure.purge_personal_data(
        db, now=later + timedelta(days=2), dry_run=True))


def test_visitors_are_in_the_hosts_and_the_visitors_data_and_go_with_their_erasure(db, scene):
    admin = make_person(db, email="admin@cite-innovation.fr", role="admin")
    [hosted] = _expect(db, scene, visitors.Guest("Hugo Visiting", scene.hugo.email))
    document = personal_data.export(db, scene.nadia, NOW)
    assert [row["name"] for row in document["visitors_hosted"]] == ["Hugo Visiting"]
    assert [row["id"] for row in personal_data.export(db, scene.hugo, NOW)["visits"]] == [hosted.id]

    erasure.erase_person(db, actor=admin, user=scene.hugo, now=NOW)
    db.refresh(hosted)
    assert hosted.email is None and hosted.name == erasure.erased_name(scene.hugo.id)

    [expected] = _expect(db, scene)
    erasure.erase_person(db, actor=admin, user=scene.nadia, now=NOW)
    db.refresh(expected)
    assert expected.cancelled_at == NOW and expected.reason == ""
