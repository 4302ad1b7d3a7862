"""A person's week: bookings and mentor sessions day by day on the venue's clock, week after week."""
import re
from datetime import timedelta

from tests.cohorts.conftest import NOW
from tests.cohorts.mentoring.factories import make_mentor, make_session
from tests.helpers import login
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking, make_space
from tests.totem.factories import PASSWORD


def _days(page: str) -> list[str]:
    """Each day's column: its heading and what it lists, in the order shown."""
    return re.findall(r'<li class="week-day[^"]*">(.*?)</li>\s*(?=<li class="week-day|</ol>)', page, re.S)


def test_the_week_shows_bookings_and_sessions_on_their_days(client, db, accelerator):
    scene = accelerator.scene
    desk = make_space(db, floor=scene.floor, name="1-042", kind="hot_desk", capacity=1)
    make_booking(db, space=desk, user=scene.nadia, starts_at=paris("2026-12-02", 9), ends_at=paris("2026-12-02", 18))
    make_booking(db, space=desk, user=scene.nadia, starts_at=paris("2026-12-03", 9), status="cancelled")
    mentor = make_mentor(db, venue=scene.venue, email="yves@mentors.fr", now=NOW)
    make_session(db, scene, mentor, starts_at=paris("2026-12-04", 15), topic="Pricing")
    db.commit()
    login(client, scene.nadia.email, PASSWORD)

    page = client.get("/week", params={"day": "2026-12-02"}).text
    days = _days(page)

    assert len(days) == 7 and "Monday 30 November" in days[0] and "Sunday 6 December" in days[6]
    assert "09:00–18:00" in days[2] and "1-042" in days[2]  # Wednesday's desk
    assert "1-042" not in days[3]  # cancelled
    assert "15:00–16:00" in days[4] and "Mentor session: Pricing" in days[4]
    assert days[4].count("Pricing") == 1  # the session's room booking is the session, shown once
    assert 'href="/week?day=2026-11-23"' in page and 'href="/week?day=2026-12-07"' in page


def test_a_week_across_the_clock_change_keeps_its_days_and_local_times(client, db, accelerator):
    scene = accelerator.scene
    desk = make_space(db, floor=scene.floor, name="1-042", kind="hot_desk", capacity=1)
    # Sunday 28 March 2027 the clocks go forward: Monday's 09:00 is 07:00 UTC, the Friday before 08:00 UTC.
    make_booking(db, space=desk, user=scene.nadia, starts_at=paris("2027-03-26", 9))
    make_booking(db, space=desk, user=scene.nadia, starts_at=paris("2027-03-28", 23, 30),
                 ends_at=paris("2027-03-28", 23, 45))
    make_booking(db, space=desk, user=scene.nadia, starts_at=paris("2027-03-29", 9))
    db.commit()
    login(client, scene.nadia.email, PASSWORD)

    before = _days(client.get("/week", params={"day": "2027-03-28"}).text)
    after = _days(client.get("/week", params={"day": "2027-03-29"}).text)

    assert "09:00–10:00" in before[4]  # Friday
    assert "23:30–23:45" in before[6]  # late on the Sunday of the change, still on that Sunday
    assert "09:00–10:00" in after[0] and "Monday 29 March" in after[0]


def test_another_persons_bookings_are_not_in_my_week(client, db, accelerator):
    scene = accelerator.scene
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-02", 10), title="Kelp secret")
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    assert "Kelp secret" not in client.get("/week", params={"day": "2026-12-02"}).text


def test_a_wrong_day_shows_this_week(client, db, accelerator):
    login(client, accelerator.scene.nadia.email, PASSWORD)
    for value in ("soon", "2026-13-40", "9" * 30):
        page = client.get("/week", params={"day": value})
        assert page.status_code == 200 and "Monday 30 November" in page.text


def test_the_home_page_lists_the_coming_days(client, db, accelerator):
    scene = accelerator.scene
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=NOW + timedelta(days=2), title="Board meeting")
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    home = client.get("/").text
    assert "Coming up" in home and "Board meeting" in home and 'href="/week"' in home
