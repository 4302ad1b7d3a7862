"""Availability over HTTP: the JSON API, the mentor's calendar feed and the availability editor page."""
from datetime import date, datetime, time

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.mentoring.jobs import materialise_office_hours
from cohorts.mentoring.models import AvailabilityException, MentorProfile, OfficeHours
from tests.cohorts.mentoring.factories import make_mentor
from tests.helpers import api_token, assert_refused, form_post, login
from tests.spaces.conftest import NOW, PARIS, Scene, paris
from tests.totem.factories import PASSWORD
from totem import clock

TUE_THU_AFTERNOONS = {"weekdays": [1, 3], "starts_at": "14:00", "ends_at": "17:00", "first_day": "2026-12-01"}


@pytest.fixture
def mentors(db: Session, scene: Scene) -> tuple[MentorProfile, MentorProfile]:
    yves = make_mentor(db, venue=scene.venue, email="yves@mentors.fr", now=NOW)
    claire = make_mentor(db, venue=scene.venue, email="claire@mentors.fr", now=NOW)
    db.commit()
    return yves, claire


def _office_hours_url(mentor: MentorProfile) -> str:
    return f"/api/v1/mentors/{mentor.user_id}/office-hours"


def test_a_mentor_publishes_office_hours_and_members_see_the_free_slots(client, scene, mentors):
    yves, _claire = mentors
    headers = api_token(client, "yves@mentors.fr", PASSWORD)
    created = client.post(_office_hours_url(yves), json=TUE_THU_AFTERNOONS, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json() | {"id": 0} == {
        "id": 0, "mentor_id": yves.user_id, "weekdays": [1, 3], "starts_at": "14:00:00", "ends_at": "17:00:00",
        "first_day": "2026-12-01", "last_day": None, "every_weeks": 1, "rrule": "FREQ=WEEKLY;BYDAY=TU,TH",
        "timezone": "Europe/Paris"}

    member = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    assert [item["id"] for item in client.get(_office_hours_url(yves), headers=member).json()] == [
        created.json()["id"]]
    slots = client.get(f"/api/v1/mentors/{yves.user_id}/free-slots",
                       params={"duration_minutes": 90, "from": "2026-12-01T00:00:00+01:00",
                               "to": "2026-12-04T00:00:00+01:00"}, headers=member)
    assert slots.status_code == 200, slots.text
    assert slots.json() == [
        {"starts_at": "2026-12-01T14:00:00+01:00", "ends_at": "2026-12-01T15:30:00+01:00"},
        {"starts_at": "2026-12-01T15:30:00+01:00", "ends_at": "2026-12-01T17:00:00+01:00"},
        {"starts_at": "2026-12-03T14:00:00+01:00", "ends_at": "2026-12-03T15:30:00+01:00"},
        {"starts_at": "2026-12-03T15:30:00+01:00", "ends_at": "2026-12-03T17:00:00+01:00"}]
    too_long = client.get(f"/api/v1/mentors/{yves.user_id}/free-slots", params={"to": "2027-06-01T00:00:00Z"},
                          headers=member)
    assert too_long.status_code == 422 and "detail" in too_long.json()


def test_overlapping_office_hours_are_a_conflict(client, scene, mentors):
    yves, _claire = mentors
    headers = api_token(client, "yves@mentors.fr", PASSWORD)
    assert client.post(_office_hours_url(yves), json=TUE_THU_AFTERNOONS, headers=headers).status_code == 201
    clash = client.post(_office_hours_url(yves), json={**TUE_THU_AFTERNOONS, "weekdays": [3], "starts_at": "16:00",
                                                       "ends_at": "18:00"}, headers=headers)
    assert clash.status_code == 409
    assert "2026-12-03" in clash.json()["detail"]
    assert_refused(lambda language: client.post(_office_hours_url(yves), headers={**headers, **language}, json={
        **TUE_THU_AFTERNOONS, "weekdays": [3], "starts_at": "16:00", "ends_at": "18:00"}),
        409, "office_hours_overlap", "These office hours overlap others on 2026-12-03",
        "Ces permanences chevauchent d'autres le 2026-12-03")
    bad = client.post(_office_hours_url(yves), json={**TUE_THU_AFTERNOONS, "ends_at": "13:00"}, headers=headers)
    assert bad.status_code == 422
    assert len(client.get(_office_hours_url(yves), headers=headers).json()) == 1


def test_a_mentor_cannot_change_another_mentors_availability_but_staff_can(client, db, scene, mentors):
    yves, claire = mentors
    as_claire = api_token(client, "claire@mentors.fr", PASSWORD)
    assert client.post(_office_hours_url(yves), json=TUE_THU_AFTERNOONS, headers=as_claire).status_code == 403
    assert client.get(f"/api/v1/mentors/{yves.user_id}/exceptions", headers=as_claire).status_code == 403
    as_member = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.post(f"/api/v1/mentors/{yves.user_id}/exceptions", json={"first_day": "2026-12-08",
                       "last_day": "2026-12-08"}, headers=as_member).status_code == 403
    assert client.get("/api/v1/mentors/999999/office-hours", headers=as_member).status_code == 404

    as_staff = api_token(client, "lea@cite-innovation.fr", PASSWORD)
    created = client.post(_office_hours_url(yves), json=TUE_THU_AFTERNOONS, headers=as_staff)
    assert created.status_code == 201
    office_hours_id = created.json()["id"]
    # Claire's URL does not reach Yves's office hours; Claire cannot remove them from his either.
    assert client.delete(f"{_office_hours_url(claire)}/{office_hours_id}", headers=as_claire).status_code == 404
    assert client.delete(f"{_office_hours_url(yves)}/{office_hours_id}", headers=as_claire).status_code == 403
    assert db.get(OfficeHours, office_hours_id) is not None

    away = client.post(f"/api/v1/mentors/{yves.user_id}/exceptions",
                       json={"first_day": "2026-12-08", "last_day": "2026-12-10", "reason": "Salon"}, headers=as_staff)
    assert away.status_code == 201, away.text
    assert_refused(lambda language: client.post(f"/api/v1/mentors/{yves.user_id}/exceptions", json={
        "first_day": "2026-12-09", "last_day": "2026-12-11"}, headers={**as_staff, **language}),
        409, "already_away", "You are already marked away from 2026-12-08 to 2026-12-10.",
        "Vous êtes déjà absent du 2026-12-08 au 2026-12-10.")
    as_yves = api_token(client, "yves@mentors.fr", PASSWORD)
    assert [item["reason"] for item in client.get(f"/api/v1/mentors/{yves.user_id}/exceptions",
                                                  headers=as_yves).json()] == ["Salon"]
    assert client.delete(f"/api/v1/mentors/{yves.user_id}/exceptions/{away.json()['id']}",
                         headers=as_yves).status_code == 204
    assert client.delete(f"{_office_hours_url(yves)}/{office_hours_id}", headers=as_yves).status_code == 204
    db.expire_all()
    assert db.get(OfficeHours, office_hours_id) is None
    assert db.scalars(select(AvailabilityException)).all() == []


def _feed(client, db: Session, mentor: MentorProfile) -> Calendar:
    db.refresh(mentor, attribute_names=["user"])
    response = client.get(f"/calendar/{mentor.user.calendar_token}.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def test_the_calendar_feed_keeps_office_hours_on_paris_time_across_daylight_saving(client, db, scene, mentors,
                                                                                  monkeypatch):
    yves, _claire = mentors
    headers = api_token(client, "yves@mentors.fr", PASSWORD)
    assert client.post(_office_hours_url(yves), headers=headers, json={
        "weekdays": [1], "starts_at": "14:00", "ends_at": "17:00", "first_day": "2027-03-16",
        "last_day": "2027-11-09"}).status_code == 201
    assert client.post(f"/api/v1/mentors/{yves.user_id}/exceptions", headers=headers,
                       json={"first_day": "2027-04-06", "last_day": "2027-04-06"}).status_code == 201

    calendar = _feed(client, db, yves)
    [event] = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("office-hours-")]
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event["DTSTART"].dt == datetime(2027, 3, 16, 14, tzinfo=PARIS)
    assert event["DTEND"].dt.time() == time(17)
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["TU"]
    assert event["RRULE"]["UNTIL"][0] == paris("2027-11-09", 14)
    assert [moment.dt for moment in event["EXDATE"].dts] == [datetime(2027, 4, 6, 14, tzinfo=PARIS)]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]

    # Once the daily job has reached them, the slots after both daylight-saving changes of 2027 are at 14:00
    # on Paris clocks.
    for day, now in (("2027-03-30", datetime(2027, 3, 20, tzinfo=PARIS)),
                     ("2027-11-02", datetime(2027, 10, 23, tzinfo=PARIS))):
        monkeypatch.setattr(clock, "now", lambda now=now: now)
        materialise_office_hours(db, now)
        db.commit()
        slots = client.get(f"/api/v1/mentors/{yves.user_id}/free-slots", headers=headers,
                           params={"duration_minutes": 180, "from": f"{day}T00:00:00Z", "to": f"{day}T23:00:00Z"})
        assert [slot["starts_at"] for slot in slots.json()] == [paris(day, 14).isoformat()]


def test_the_availability_editor_adds_and_removes_office_hours_and_days_away(client, db, scene, mentors):
    yves, _claire = mentors
    login(client, "yves@mentors.fr", PASSWORD)
    added = form_post(client, "/mentor/availability", f"/mentors/{yves.user_id}/availability/office-hours",
                      {"weekdays": ["1", "3"], "starts_at": "14:00", "ends_at": "17:00", "first_day": "2026-12-01",
                       "last_day": "", "every_weeks": "1"})
    assert added.status_code == 303 and added.headers["location"] == "/mentor/availability"
    page = client.get("/mentor/availability")
    assert page.status_code == 200
    assert "Tuesdays and Thursdays, 14:00–17:00, from December 1, 2026" in page.text
    assert "Tuesday 1 December</strong> · 14:00–17:00" in page.text  # free time ahead
    db.refresh(yves, attribute_names=["user"])
    yves.user.locale = "fr"
    db.commit()
    assert "Mardis et jeudis, 14:00–17:00, à partir du 1 décembre 2026" in client.get("/mentor/availability").text

    clash = form_post(client, "/mentor/availability", f"/mentors/{yves.user_id}/availability/office-hours",
                      {"weekdays": ["3"], "starts_at": "16:00", "ends_at": "18:00", "first_day": "2026-12-01",
                       "last_day": "", "every_weeks": "1"})
    assert clash.status_code == 409 and "2026-12-03" in clash.text
    assert 'value="16:00"' in clash.text  # the user's input is kept

    away = form_post(client, "/mentor/availability", f"/mentors/{yves.user_id}/availability/exceptions",
                     {"away_first_day": "2026-12-08", "away_last_day": "", "away_reason": "Salon"})
    assert away.status_code == 303
    [exception] = db.scalars(select(AvailabilityException)).all()
    assert (exception.first_day, exception.last_day) == (date(2026, 12, 8), date(2026, 12, 8))
    [office_hours] = db.scalars(select(OfficeHours)).all()
    removed = form_post(client, "/mentor/availability",
                        f"/mentors/{yves.user_id}/availability/office-hours/{office_hours.id}/remove", {})
    assert removed.status_code == 303
    db.expire_all()
    assert db.scalars(select(OfficeHours)).all() == []


def test_only_the_mentor_and_staff_open_the_availability_editor(client, scene, mentors):
    yves, claire = mentors
    login(client, "claire@mentors.fr", PASSWORD)
    assert client.get(f"/mentors/{yves.user_id}/availability").status_code == 403
    assert client.get("/mentor/availability").status_code == 200
    client.cookies.clear()
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.get("/mentor/availability").status_code == 404
    client.cookies.clear()
    login(client, "lea@cite-innovation.fr", PASSWORD)
    page = client.get(f"/mentors/{yves.user_id}/availability")
    assert page.status_code == 200 and f'action="/mentors/{yves.user_id}/availability/office-hours"' in page.text
