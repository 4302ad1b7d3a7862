"""Reliability records: missed room check-ins collected once, session no-shows on each side, never a cancelled
session, a managers' alert at the third miss, and pages and API for staff only."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from cohorts.mentoring import reliability
from cohorts.mentoring import jobs as mentoring_jobs
from cohorts.mentoring.models import ReliabilityAlert, ReliabilityEntry
from spaces.booking.hosted import release_room
from spaces.booking.models import Booking
from tests.cohorts.mentoring.factories import make_mentor, make_session
from tests.helpers import api_token, login
from tests.spaces.conftest import NOW, paris
from tests.spaces.factories import make_booking
from tests.totem.factories import PASSWORD
from totem.notifications.models import OutboxMessage
from totem.i18n import shown


def _mentor(db, scene):  # type: ignore[no-untyped-def]
    return make_mentor(db, venue=scene.venue, email="yves@mentors.fr", now=NOW)


def _released(db, scene, user, starts_at):  # type: ignore[no-untyped-def]
    return make_booking(db, space=scene.room, user=user, starts_at=starts_at, status="released",
                        organisation_id=scene.oceanwatt_id)


def _entries(db):  # type: ignore[no-untyped-def]
    return sorted((e.user_id, e.kind, e.organisation_id) for e in db.scalars(select(ReliabilityEntry)))


def _no_show(db, session, who):  # type: ignore[no-untyped-def]
    session.status, session.no_show = "no_show", who
    db.flush()
    return reliability.record_session_no_show(db, session, NOW)


def test_released_bookings_of_the_last_week_are_collected_once(db, scene):
    _released(db, scene, scene.nadia, paris("2026-11-27", 10))
    _released(db, scene, scene.nadia, paris("2026-11-10", 10))  # over a week ago: the look-back ends before
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-11-27", 14), status="checked_in")
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-11-26", 14), status="cancelled")

    assert reliability.collect_missed_check_ins(db, now=NOW) == 1
    assert reliability.collect_missed_check_ins(db, now=NOW + timedelta(hours=1)) == 0
    assert _entries(db) == [(scene.nadia.id, "missed_check_in", scene.oceanwatt_id)]


@pytest.mark.parametrize(("who", "blamed"), [("startup", {"nadia"}), ("mentor", {"yves"}), ("both", {"nadia", "yves"})])
def test_a_session_no_show_lands_in_the_record_of_who_did_not_come(db, scene, who, blamed):
    mentor = _mentor(db, scene)
    session = make_session(db, scene, mentor, starts_at=paris("2026-11-27", 10), in_room=False,
                           created_at=paris("2026-11-20", 9))
    people = {"nadia": (scene.nadia.id, "session_no_show", scene.oceanwatt_id),
              "yves": (mentor.user_id, "session_no_show", None)}

    _no_show(db, session, who)
    _no_show(db, session, who)

    assert _entries(db) == sorted(people[name] for name in blamed)


def test_a_corrected_attendance_takes_the_entry_back(db, scene):
    session = make_session(db, scene, _mentor(db, scene), starts_at=paris("2026-11-27", 10), in_room=False,
                           created_at=paris("2026-11-20", 9))
    _no_show(db, session, "both")
    _no_show(db, session, "mentor")
    assert _entries(db) == [(session.mentor_id, "session_no_show", None)]


def test_a_cancelled_session_is_never_a_no_show_nor_a_missed_check_in(db, scene):
    session = make_session(db, scene, _mentor(db, scene), starts_at=paris("2026-12-01", 10))
    session.status, session.cancelled_at = "cancelled", NOW
    release_room(db, actor=scene.manager, booking_id=session.booking_id, now=NOW)

    assert reliability.record_session_no_show(db, session, NOW) == []
    session.no_show = "startup"  # a careless caller: still refused
    assert reliability.record_session_no_show(db, session, NOW) == []
    session.no_show = None
    assert reliability.collect_missed_check_ins(db, now=paris("2026-12-02", 9)) == 0
    assert _entries(db) == []


def test_the_room_of_a_session_is_not_counted_twice_with_its_attendance(db, scene):
    session = make_session(db, scene, _mentor(db, scene), starts_at=paris("2026-11-27", 10),
                           created_at=paris("2026-11-20", 9))
    db.get_one(Booking, session.booking_id).status = "released"
    _no_show(db, session, "startup")

    assert reliability.collect_missed_check_ins(db, now=NOW) == 0
    assert _entries(db) == [(scene.nadia.id, "session_no_show", scene.oceanwatt_id)]


def test_managers_are_alerted_once_at_the_third_miss(db, scene):
    _released(db, scene, scene.nadia, paris("2026-11-26", 10))
    _released(db, scene, scene.nadia, paris("2026-11-27", 10))
    reliability.collect_missed_check_ins(db, now=NOW)
    assert reliability.send_alerts(db, now=NOW) == 0

    session = make_session(db, scene, _mentor(db, scene), starts_at=paris("2026-11-27", 14), in_room=False,
                           created_at=paris("2026-11-20", 9))
    _no_show(db, session, "startup")
    assert reliability.send_alerts(db, now=NOW) == 1
    assert reliability.send_alerts(db, now=NOW + timedelta(days=1)) == 0

    alert = db.scalars(select(ReliabilityAlert)).one()
    assert (alert.user_id, alert.misses) == (scene.nadia.id, 3)
    (mail,) = db.scalars(select(OutboxMessage))
    assert mail.to_address == "lea@cite-innovation.fr" and mail.subject == f"Repeated no-shows: {scene.nadia.name}"
    assert "OceanWatt" in mail.body_text and "Room bookings not checked in: 2" in mail.body_text
    assert f"/admin/reliability/{scene.nadia.id}" in mail.body_text


def test_the_job_collects_and_alerts_and_a_second_run_does_nothing_more(db, scene):
    for day in ("2026-11-25", "2026-11-26", "2026-11-27"):
        _released(db, scene, scene.nadia, paris(day, 10))

    assert shown(mentoring_jobs.flag_no_shows(db, NOW), "en") == "recorded 3 missed check-ins, sent 1 alerts"
    assert shown(mentoring_jobs.flag_no_shows(db, NOW + timedelta(hours=1)), "en") == "recorded 0 missed check-ins, sent 0 alerts"


def test_staff_see_the_records_and_nobody_else_does(client, db, scene):
    mentor = _mentor(db, scene)
    _released(db, scene, scene.nadia, paris("2026-11-27", 10))
    reliability.collect_missed_check_ins(db, now=NOW)
    db.commit()
    pages = ["/admin/reliability", f"/admin/reliability/{scene.nadia.id}"]
    api = ["/api/v1/reliability", f"/api/v1/reliability/{scene.nadia.id}"]

    for email in (scene.nadia.email, "yves@mentors.fr"):
        login(client, email, PASSWORD)
        assert [client.get(page).status_code for page in pages] == [403, 403]
        headers = api_token(client, email, PASSWORD)
        assert [client.get(url, headers=headers).status_code for url in api] == [403, 403]
        client.cookies.clear()

    login(client, scene.manager.email, PASSWORD)
    index = client.get(pages[0])
    assert index.status_code == 200 and scene.nadia.name in index.text and "OceanWatt" in index.text
    record = client.get(pages[1])
    assert record.status_code == 200 and "Calanques" in record.text
    headers = api_token(client, scene.manager.email, PASSWORD)
    (row,) = client.get(api[0], headers=headers).json()
    assert (row["user_id"], row["startup"]["name"], row["missed_check_ins"], row["session_no_shows"]) == (
        scene.nadia.id, "OceanWatt", 1, 0)
    (entry,) = client.get(api[1], headers=headers).json()
    assert entry["kind"] == "missed_check_in" and entry["startup_id"] == scene.oceanwatt_id
    assert client.get(f"/api/v1/reliability/{mentor.user_id + 999}", headers=headers).status_code == 404
