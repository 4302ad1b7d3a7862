"""The spaces jobs as the scheduler and the CLI see them, and the monthly credit reset run by the runner."""
from datetime import date, timedelta

from sqlalchemy import select

from spaces.booking.models import Booking
from spaces.booking.waitlist.models import WaitlistEntry
from spaces.credits import service as credits
from spaces.credits.models import CreditAccount, CreditEntry
from spaces.series import service as series
from spaces.venues import access
from tests.spaces.conftest import NOW, paris
from tests.spaces.factories import PARIS
from totem.cli import main
from totem.i18n import shown
from totem.jobs.registry import collect_jobs, next_fire_time
from totem.jobs.runner import run_fire, run_now
from totem.settings import get_settings

SPACES_JOBS = ("spaces.expire_waitlist_offers", "spaces.materialise_series", "spaces.release_no_shows",
               "spaces.reset_credits", "spaces.roll_up_occupancy", "spaces.send_booking_reminders")


def _ledger(db, organisation_id):  # type: ignore[no-untyped-def]
    return [(entry.reason, entry.amount) for entry in db.scalars(
        select(CreditEntry).join(CreditAccount, CreditAccount.id == CreditEntry.account_id)
        .where(CreditAccount.organisation_id == organisation_id).order_by(CreditEntry.id))]


def _account(db, organisation_id):  # type: ignore[no-untyped-def]
    db.expire_all()
    account = db.scalars(select(CreditAccount).where(CreditAccount.organisation_id == organisation_id)).one()
    return account.balance, account.allowance, account.period_start


def test_the_jobs_fire_when_expected_on_the_venue_clock():
    jobs = collect_jobs()

    assert set(SPACES_JOBS) <= set(jobs)
    assert next_fire_time(jobs["spaces.roll_up_occupancy"], NOW, PARIS) == paris("2026-12-01", 2, 30)
    assert next_fire_time(jobs["spaces.reset_credits"], NOW, PARIS) == paris("2026-12-01", 0, 5)
    assert next_fire_time(jobs["spaces.send_booking_reminders"], NOW + timedelta(seconds=1), PARIS) == (
        NOW + timedelta(minutes=5))
    # A reset missed while the service was down is still run weeks later: it only ever resets once a month.
    assert jobs["spaces.reset_credits"].misfire_grace_seconds >= 20 * 24 * 3600
    assert jobs["spaces.roll_up_occupancy"].misfire_grace_seconds >= 12 * 3600


def test_the_credit_reset_runs_once_a_month_from_the_access_grants(db, session_factory, scene):
    access.grant_access(db, actor=scene.manager, organisation_id=scene.oceanwatt_id, venue_id=scene.venue.id,
                        starts_on=date(2026, 11, 1), ends_on=date(2027, 6, 30), monthly_credits=40, now=NOW,
                        source_key="cohort-7")
    credits.adjust(db, actor=scene.manager, organisation_id=scene.kelp_id, amount=10, note="Geste commercial",
                   now=NOW)
    db.commit()
    job = collect_jobs()["spaces.reset_credits"]
    assert get_settings().timezone == "Europe/Paris"

    # 00:05 on 1 December in Paris is still 30 November in UTC: the month is December all the same.
    december = run_fire(session_factory, job, paris("2026-12-01", 0, 5))

    assert (december.status, shown(december.summary, "en")) == ("succeeded", "reset 2 credit accounts for 2026-12")
    assert _account(db, scene.oceanwatt_id) == (40, 40, date(2026, 12, 1))
    assert _account(db, scene.kelp_id) == (0, 0, date(2026, 12, 1))

    credits.adjust(db, actor=scene.manager, organisation_id=scene.oceanwatt_id, amount=-15, note="Salle perdue",
                   now=paris("2026-12-10", 9))
    db.commit()
    again = run_now(session_factory, job, paris("2026-12-15", 12))

    assert shown(again.summary, "en") == "reset 0 credit accounts for 2026-12"
    assert _account(db, scene.oceanwatt_id) == (25, 40, date(2026, 12, 1))

    january = run_fire(session_factory, job, paris("2027-01-01", 0, 5))

    assert shown(january.summary, "en") == "reset 2 credit accounts for 2027-01"
    assert _account(db, scene.oceanwatt_id) == (40, 40, date(2027, 1, 1))
    assert _ledger(db, scene.oceanwatt_id) == [("allowance", 40), ("adjustment", -15), ("expiry", -25),
                                               ("allowance", 40)]
    assert _ledger(db, scene.kelp_id) == [("adjustment", 10), ("expiry", -10)]


def test_jobs_list_shows_the_spaces_jobs(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TOTEM_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    try:
        assert main(["db", "upgrade"]) == 0
        capsys.readouterr()
        assert main(["jobs", "list"]) == 0
        lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.startswith("spaces.")}
    finally:
        get_settings.cache_clear()

    assert set(SPACES_JOBS) <= set(lines)
    assert "cron day=1 hour=0 minute=5 (Europe/Paris)" in lines["spaces.reset_credits"]
    assert "every 300 s" in lines["spaces.send_booking_reminders"]


def test_the_waitlist_job_ends_the_waits_whose_start_passed_once(db, session_factory, scene):
    entry = WaitlistEntry(space_id=scene.room.id, user_id=scene.hugo.id, starts_at=paris("2026-12-01", 9),
                          ends_at=paris("2026-12-01", 10), status="waiting", created_at=NOW)
    db.add(entry)
    db.commit()
    job = collect_jobs()["spaces.expire_waitlist_offers"]

    first = run_fire(session_factory, job, paris("2026-12-01", 9, 2))
    second = run_fire(session_factory, job, paris("2026-12-01", 9, 4))

    assert (first.status, shown(first.summary, "en")) == ("succeeded", "expired 1 waitlist entry")
    assert shown(second.summary, "en") == "expired 0 waitlist entries"
    db.expire_all()
    assert db.get(WaitlistEntry, entry.id).status == "expired"


def test_the_series_job_books_the_dates_that_came_within_the_window_once(db, session_factory, scene):
    # Members book rooms 30 days ahead: five Tuesdays now, one more each week as the window moves.
    weekly = series.create_series(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris("2026-12-01", 10),
                                  ends_at=paris("2026-12-01", 11), rrule="FREQ=WEEKLY;BYDAY=TU", now=NOW).series
    db.commit()
    job = collect_jobs()["spaces.materialise_series"]

    first = run_fire(session_factory, job, paris("2026-12-07", 3))
    second = run_fire(session_factory, job, paris("2026-12-07", 3, 5))

    assert (first.status, shown(first.summary, "en")) == ("succeeded", "booked 1 occurrence")
    assert shown(second.summary, "en") == "booked 0 occurrences"
    db.expire_all()
    days = db.scalars(select(Booking.series_day).where(Booking.series_id == weekly.id).order_by(Booking.starts_at))
    assert list(days)[-1] == date(2027, 1, 5)
