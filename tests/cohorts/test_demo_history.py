"""A fresh demo has a past: thirteen weeks of desks, rooms, check-ins and no-shows rolled up, and a matching run,
so that the reports show true figures; the percent charts read in percent."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from cohorts.matching.models import MatchingRun
from spaces.booking.models import Booking
from spaces.occupancy import analytics
from spaces.occupancy.models import OccupancyDayHour
from spaces.venues.models import Venue
from spaces.venues.rules import local_time, public_holiday
from tests.helpers import login
from totem import clock, demo
from totem.web import charts

# Monday 7 December 2026, 09:30 in Paris: the history's weeks reach back to early September.
NOW = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)


def test_the_demo_reports_thirteen_weeks_of_true_figures(db):
    demo.load_demo(db, NOW)
    venue = db.scalars(select(Venue)).one()
    today = local_time(NOW, venue).date()

    scope = analytics.parse_scope(db, venue_id=None, first=None, last=None, floor_id=None, zone_id=None, kind=None,
                                  today=today)
    report = analytics.occupancy_report(db, scope)

    assert 0.03 < report.total.booked_rate < 0.5
    assert 0.7 < report.total.check_in_rate < 0.98 and 0.02 < report.total.no_show_rate < 0.3
    assert report.total.bookings > 1000
    assert all(week.booked_rate for week in report.weeks[1:])  # every week has figures, not only the last
    assert report.peak_hours[0].booked_rate > 0.05 and report.peak_hours[0].weekday < 5
    assert any(value for row in report.heat() for value in row if value)
    assert report.most_used[0].booked_rate > 0.5  # a resident's desk, used most days


def test_the_history_lies_in_the_past_within_the_opening_hours(db):
    demo.load_demo(db, NOW)
    venue = db.scalars(select(Venue)).one()
    past = db.scalars(select(Booking).where(Booking.starts_at < NOW)).all()
    assert {booking.status for booking in past} == {"checked_in", "released"}
    assert all(booking.ends_at <= NOW for booking in past)
    for booking in past:
        start, end = local_time(booking.starts_at, venue), local_time(booking.ends_at, venue)
        assert start.weekday() < 5 and not public_holiday(start.date()) and 8 <= start.hour and end.hour <= 20
    days = db.scalar(select(func.count(func.distinct(OccupancyDayHour.day))))
    assert days >= 55  # thirteen weeks of open days, rolled up
    assert min(booking.starts_at for booking in past) >= NOW - timedelta(weeks=13, days=1)


def test_the_demo_has_run_the_weekly_matching_and_has_requests_for_the_next(db):
    demo.load_demo(db, NOW)
    run = db.scalars(select(MatchingRun)).one()
    assert run.proposed > 0 and run.status in ("optimal", "feasible")
    counts = db.scalar(select(func.count()).select_from(Booking))

    demo.load_demo(db, NOW)  # loaded once

    assert db.scalar(select(func.count()).select_from(Booking)) == counts
    assert db.scalar(select(func.count()).select_from(MatchingRun)) == 1


def test_the_occupancy_page_of_a_fresh_demo_is_not_empty(client, db, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    demo.load_demo(db, NOW)
    db.commit()
    login(client, "lea.martin@cite-innovation.fr", demo.DEMO_PASSWORD)
    page = client.get("/admin/reports/occupancy").text
    assert "0 %</dd>" not in page.split("report-kpis")[1].split("</dl>")[0]
    matching = client.get("/admin/matching").text
    assert "The matching has not run yet." not in matching


def test_percent_bars_have_a_percent_axis():
    svg = charts.bars(["Calanques", "1-001"], [62.5, 8.0], unit=" %")
    assert "100 %" in svg and "50 %" in svg and "62.5 %" in svg
