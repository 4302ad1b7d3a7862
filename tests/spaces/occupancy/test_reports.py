"""Managers' occupancy reports: hand-counted figures, the API, the exports, the home panels and who may see them."""
from datetime import date

import pytest

from spaces.occupancy import analytics, rollup
from spaces.occupancy import today as building_today
from tests.helpers import api_token, login
from tests.spaces.conftest import make_person, paris
from tests.spaces.factories import make_booking, make_space
from tests.totem.factories import PASSWORD

MONDAY, FRIDAY = date(2026, 11, 16), date(2026, 11, 20)


@pytest.fixture
def week(db, scene):  # type: ignore[no-untyped-def]
    """Week of 16 November, open Monday–Friday 08:00–20:00: the room Calanques and desk D-1.

    Room: Monday 9:00–11:00 checked in, Tuesday 9:00–10:00 released (a no-show), Wednesday 14:00–15:30 checked in.
    Desk: Monday 9:00–13:00 checked in. Capacity: 5 days x 12 h x 60 min x 2 spaces = 7,200 space-minutes.
    """
    desk = make_space(db, floor=scene.floor, name="D-1", kind="hot_desk", capacity=1)
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-11-16", 9),
                 ends_at=paris("2026-11-16", 11), status="checked_in")
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-11-17", 9), status="released")
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-11-18", 14),
                 ends_at=paris("2026-11-18", 15, 30), status="checked_in")
    make_booking(db, space=desk, user=scene.karim, starts_at=paris("2026-11-16", 9), ends_at=paris("2026-11-16", 13),
                 status="checked_in")
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-11-19", 9), status="cancelled")
    rollup.roll_up(db, now=paris("2026-11-21", 2, 30))
    db.commit()
    return desk


def _scope(scene, **kwargs):  # type: ignore[no-untyped-def]
    return analytics.Scope(scene.venue.id, MONDAY, FRIDAY, **kwargs)


def test_figures_match_the_hand_counted_week(db, scene, week):
    report = analytics.occupancy_report(db, _scope(scene))

    # Booked: 120 + 60 + 90 + 240 = 510 minutes; used (checked in): 450; four bookings, one no-show.
    assert report.total == rollup.Figures(capacity_minutes=7200, booked_minutes=510, used_minutes=450,
                                             bookings=4, check_ins=3, no_shows=1)
    assert report.total.booked_rate == pytest.approx(510 / 7200)
    assert report.total.check_in_rate == 0.75 and report.total.no_show_rate == 0.25
    monday_nine = next(h for h in report.by_hour if (h.weekday, h.hour) == (0, 9))
    assert (monday_nine.capacity_minutes, monday_nine.booked_minutes, monday_nine.bookings) == (120, 120, 2)
    assert report.peak_hours[0].booked_rate == 1.0  # Monday 9:00 and 10:00: both spaces taken
    assert [w.week for w in report.weeks] == [MONDAY] and report.weeks[0].booked_minutes == 510
    assert [(s.name, s.booked_minutes, s.capacity_minutes) for s in report.spaces] == [
        ("Calanques", 270, 3600), ("D-1", 240, 3600)]


def test_a_kind_keeps_its_own_spaces(db, scene, week):
    desks = analytics.occupancy_report(db, _scope(scene, kind="hot_desk"))

    assert desks.total == rollup.Figures(capacity_minutes=3600, booked_minutes=240, used_minutes=240, bookings=1,
                                            check_ins=1)


def test_the_api_gives_the_contract_fields(client, scene, week):
    headers = api_token(client, scene.manager.email, PASSWORD)

    body = client.get(f"/api/v1/reports/occupancy?from=2026-11-16&to=2026-11-20&venue_id={scene.venue.id}",
                      headers=headers).json()

    assert body["utilisation"] == pytest.approx(510 / 7200)
    assert (body["check_in_rate"], body["no_show_rate"], body["from"]) == (0.75, 0.25, "2026-11-16")
    assert {"weekday": 0, "hour": 9, "bookings": 2, "utilisation": 1.0}.items() <= body["by_hour"][1].items()


def test_bad_periods_are_refused_with_a_message(client, scene, week):
    headers = api_token(client, scene.manager.email, PASSWORD)

    response = client.get("/api/v1/reports/occupancy?from=2026-11-20&to=2026-11-16", headers=headers)

    assert response.status_code == 422 and "detail" in response.json()


def test_members_and_mentors_may_not_read_reports(client, db, scene, week):
    mentor = make_person(db, email="yves@mentors.fr", role="mentor")
    db.commit()
    for person in (scene.nadia, mentor):
        headers = api_token(client, person.email, PASSWORD)
        assert client.get("/api/v1/reports/occupancy", headers=headers).status_code == 403
        login(client, person.email, PASSWORD)
        for page in ("/admin/reports/occupancy", "/admin/reports/occupancy.csv?table=spaces",
                     "/admin/reports/occupancy/heatmap.svg", "/admin/reports/today"):
            assert client.get(page).status_code == 403, page
        client.cookies.clear()


def test_the_page_its_charts_and_exports(client, scene, week):
    login(client, scene.manager.email, PASSWORD)
    query = f"venue_id={scene.venue.id}&from=2026-11-16&to=2026-11-20"

    page = client.get(f"/admin/reports/occupancy?{query}")
    chart = client.get(f"/admin/reports/occupancy/heatmap.svg?{query}")
    spaces_csv = client.get(f"/admin/reports/occupancy.csv?table=spaces&{query}")

    assert page.status_code == 200 and "Calanques" in page.text
    assert chart.headers["content-type"] == "image/svg+xml" and "<svg" in chart.text
    assert spaces_csv.text.splitlines()[1].startswith("Calanques,meeting_room,1er étage,3600,270,210,3,2,1,")
    assert client.get(f"/admin/reports/occupancy?{query.replace('2026-11-16', 'nope')}").status_code == 422


def test_the_managers_home_counts_the_building_now_and_today(client, db, scene, week):
    # The fixed clock says Monday 30 November, 09:00 in Paris.
    desk = week
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-11-30", 8, 30),
                 ends_at=paris("2026-11-30", 10), status="checked_in")
    make_booking(db, space=desk, user=scene.hugo, starts_at=paris("2026-11-30", 9), status="confirmed")
    make_booking(db, space=desk, user=scene.hugo, starts_at=paris("2026-11-30", 8), status="released",
                 ends_at=paris("2026-11-30", 8, 45))
    db.commit()

    floors = building_today.occupancy_now(db, now=paris("2026-11-30", 9))
    today = building_today.today(db, now=paris("2026-11-30", 9))

    assert [(f.floor, f.rooms.in_use, f.rooms.free, f.desks.booked, f.desks.free) for f in floors] == [
        ("1er étage", 1, 0, 1, 0)]
    assert (today.check_ins, today.no_shows, today.expected) == (1, 1, 1)
    login(client, scene.manager.email, PASSWORD)
    home = client.get("/").text
    assert 'href="/admin/reports/today?status=released">1<' in home
    assert [r.holder for r in building_today.list_today(db, now=paris("2026-11-30", 9), which="released")] == [scene.hugo.name]
    login(client, scene.nadia.email, PASSWORD)
    assert "Calanques" in client.get("/").text  # her own booking of the day
