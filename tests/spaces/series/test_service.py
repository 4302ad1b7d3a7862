"""Recurring series in the service: wall-clock times across DST, all or nothing, skipped dates, changes, the job."""
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spaces.booking.models import Booking
from spaces.credits import service as credits
from spaces.credits.models import CreditEntry
from spaces.series import changes
from spaces.series import service as series
from spaces.series.models import BookingSeries, SeriesException
from spaces.series.occurrences import SeriesConflict
from spaces.venues.models import BookingRule
from tests.spaces.conftest import NOW, Scene, paris
from tests.spaces.factories import make_booking, make_floor, make_space, make_venue
from totem.audit.models import AuditEntry
from totem.i18n import shown
from totem.identity.service import system_actor
from totem.errors import Forbidden, Invalid, NotFound


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def book_weekly(db: Session, scene: Scene, *, first: str, hour: int = 10, rrule: str, now: datetime = NOW,
                skip: bool = False, user=None):  # type: ignore[no-untyped-def]
    return series.create_series(
        db, actor=user or scene.nadia, space_id=scene.room.id, starts_at=paris(first, hour),
        ends_at=paris(first, hour + 1), rrule=rrule, now=now, skip_conflicts=skip,
    )


def active_days(db: Session, series_id: int) -> list[date]:
    db.expire_all()
    return list(db.scalars(select(Booking.series_day).where(Booking.series_id == series_id,
                                                            Booking.status == "confirmed")
                           .order_by(Booking.series_day)))


# -- time ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "rule", "now", "utc_hours"), [
    # The last Sunday of March 2027 (the 28th): Paris moves from UTC+1 to UTC+2.
    ("2027-03-14", "FREQ=WEEKLY;BYDAY=SU;UNTIL=20270411", datetime(2027, 3, 1, tzinfo=UTC), [8, 8, 7, 7, 7]),
    # The last Sunday of October 2027 (the 31st): back to UTC+1.
    ("2027-10-17", "FREQ=WEEKLY;BYDAY=SU;COUNT=4", datetime(2027, 10, 1, tzinfo=UTC), [7, 7, 8, 8]),
], ids=["march", "october"])
def test_a_weekly_series_stays_at_nine_in_paris_across_daylight_saving(db, scene: Scene, first, rule, now, utc_hours):
    venue = make_venue(db, weekdays=range(7))  # open on Sundays
    room = make_space(db, floor=make_floor(db, venue=venue), name="Frioul")

    result = series.create_series(db, actor=scene.nadia, space_id=room.id, starts_at=paris(first, 9),
                                  ends_at=paris(first, 10), rrule=rule, now=now)

    assert result.skipped == []
    assert [b.starts_at.astimezone(paris(first, 9).tzinfo).strftime("%a %H:%M") for b in result.bookings] == \
        ["Sun 09:00"] * len(utc_hours)
    db.expire_all()
    stored = db.scalars(select(Booking).where(Booking.series_id == result.series.id)
                        .order_by(Booking.starts_at)).all()
    assert [(b.starts_at.hour, b.ends_at.hour, b.starts_at.tzinfo) for b in stored] == \
        [(hour, hour + 1, UTC) for hour in utc_hours]
    assert [b.series_day for b in stored] == [date.fromisoformat(first) + timedelta(weeks=n)
                                              for n in range(len(utc_hours))]
    assert result.series.start_time == time(9) and result.series.duration_minutes == 60


def test_only_weekly_rules_of_at_most_a_year_are_accepted(db, scene: Scene):
    for rule, words in [("FREQ=DAILY", "Only weekly rules"), ("FREQ=WEEKLY;BYMONTH=1", "Only weekly rules"),
                        ("FREQ=WEEKLY;BYDAY=1MO", "weekdays"), ("nonsense", "not a valid"),
                        ("FREQ=WEEKLY;COUNT=2;UNTIL=20270101", "not both"),
                        ("FREQ=WEEKLY;UNTIL=20280101", "at most a year")]:
        with pytest.raises(Invalid) as refused:
            book_weekly(db, scene, first="2026-12-01", rrule=rule)
        assert words in refused.value.message.format(**refused.value.params), rule
    assert count(db, BookingSeries) == 0


# -- all or nothing, or skip ---------------------------------------------------------------------


def test_all_or_nothing_refuses_naming_the_dates_and_writes_nothing(db, scene: Scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-18", 10, 30))
    before = count(db, Booking)

    with pytest.raises(SeriesConflict) as refused:
        book_weekly(db, scene, first="2026-12-11", rrule="FREQ=WEEKLY;BYDAY=FR;COUNT=3")

    error = refused.value
    assert error.status_code == 409 and error.params["dates"] == "2026-12-18, 2026-12-25"
    assert [(f.day, f.reason) for f in error.failures] == [(date(2026, 12, 18), "conflict"),
                                                           (date(2026, 12, 25), "closed")]
    assert error.failures[0].message.format(**error.failures[0].params) == \
        "Room Calanques is already booked 10:30–11:30 on 2026-12-18."
    assert "public holiday" in error.failures[1].message
    assert (count(db, Booking), count(db, BookingSeries), count(db, SeriesException)) == (before, 0, 0)


def test_skip_mode_books_the_other_dates_and_keeps_the_reasons(db, scene: Scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-18", 10, 30))

    result = book_weekly(db, scene, first="2026-12-11", rrule="FREQ=WEEKLY;BYDAY=FR;COUNT=3", skip=True)

    assert [b.series_day for b in result.bookings] == [date(2026, 12, 11)]
    assert [(s.day, s.reason) for s in result.skipped] == [(date(2026, 12, 18), "conflict"),
                                                           (date(2026, 12, 25), "closed")]
    db.expire_all()
    stored = series.get_series(db, actor=scene.nadia, series_id=result.series.id)
    assert [(s.day, s.reason, s.message.format(**s.params)) for s in series.skipped_days(stored)] == [
        (date(2026, 12, 18), "conflict", "Room Calanques is already booked 10:30–11:30 on 2026-12-18."),
        (date(2026, 12, 25), "closed", "Cité de l'innovation is closed on 2026-12-25, a public holiday."),
    ]
    assert stored.until_day == date(2026, 12, 25) and stored.skip_conflicts
    # The audit log gives the rule in words, never the RRULE, and its days as each reader writes them.
    summary = db.scalars(select(AuditEntry.summary).where(AuditEntry.action == "series.create")).one()
    assert shown(summary, "en") == ("Calanques, every week on Friday at 10:00 for 60 min, from 11 Dec 2026 to "
                                    "25 Dec 2026: 1 booked, 2 skipped")
    assert shown(summary, "fr") == ("Calanques, chaque semaine le Vendredi à 10:00 pendant 60 min, du 11 déc. 2026 au "
                                    "25 déc. 2026 : réservées : 1, sautées : 2")
    assert "FREQ" not in shown(summary, "fr")


def test_one_refusal_on_every_date_is_that_refusal(db, scene: Scene):
    with pytest.raises(Invalid) as refused:
        series.create_series(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris("2026-12-01", 10),
                             ends_at=paris("2026-12-01", 10, 15), rrule="FREQ=WEEKLY;COUNT=3", now=NOW)
    assert refused.value.message == "A booking of this space lasts at least {minutes} minutes."


def test_members_get_the_dates_within_the_advance_window_and_the_job_books_the_rest(db, scene: Scene):
    # The rule lets members book 30 days ahead: from Tuesday 1 December, five Tuesdays now.
    result = book_weekly(db, scene, first="2026-12-01", rrule="FREQ=WEEKLY;BYDAY=TU")
    assert [b.series_day.isoformat() for b in result.bookings] == \
        ["2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29"]
    assert result.series.until_day is None and result.series.materialised_until == date(2026, 12, 30)

    assert series.materialise_series(db, now=NOW) == 0
    a_week_later = NOW + timedelta(days=7)
    assert series.materialise_series(db, now=a_week_later) == 1
    assert series.materialise_series(db, now=a_week_later) == 0
    assert active_days(db, result.series.id)[-1] == date(2027, 1, 5)
    made_by_job = db.scalars(select(AuditEntry).where(AuditEntry.action == "booking.create")
                             .order_by(AuditEntry.id.desc())).first()
    assert made_by_job.actor_id == system_actor(db, now=NOW).id and "series" in made_by_job.summary


def test_the_job_skips_a_taken_date_and_a_bad_series_does_not_stop_it(db, scene: Scene):
    weekly = book_weekly(db, scene, first="2026-12-01", rrule="FREQ=WEEKLY;BYDAY=TU").series
    other = book_weekly(db, scene, first="2026-12-02", rrule="FREQ=WEEKLY;BYDAY=WE").series
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2027-01-05", 10))
    other.rrule = "FREQ=WEEKLY;BYDAY=NOPE"  # broken by hand: the job logs it and goes on

    assert series.materialise_series(db, now=NOW + timedelta(days=7)) == 0

    db.expire_all()
    skipped = db.scalars(select(SeriesException).where(SeriesException.series_id == weekly.id)).all()
    assert [(s.day, s.reason) for s in skipped] == [(date(2027, 1, 5), "conflict")]
    assert db.get(BookingSeries, weekly.id).materialised_until == date(2027, 1, 6)
    assert series.materialise_series(db, now=NOW + timedelta(days=7)) == 0
    assert count(db, SeriesException) == 1


# -- credits -------------------------------------------------------------------------------------


def test_each_occurrence_is_charged_and_a_timely_cancellation_refunds_it(db, scene: Scene):
    db.scalars(select(BookingRule)).one().credits_per_hour = 2
    credits.adjust(db, actor=scene.manager, organisation_id=scene.oceanwatt_id, amount=7, note="Welcome", now=NOW)

    with pytest.raises(SeriesConflict) as refused:  # four hours at 2 credits: 8 > 7
        book_weekly(db, scene, first="2026-12-07", rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=4")
    assert refused.value.params["dates"] == "2026-12-28"
    assert "credits left" in refused.value.failures[0].message

    made = book_weekly(db, scene, first="2026-12-07", rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=3")
    assert credits.balance_of(db, scene.oceanwatt_id) == 1
    charged = db.scalars(select(CreditEntry.amount).where(CreditEntry.reason == "booking")).all()
    assert charged == [-2, -2, -2]

    changes.cancel_series(db, actor=scene.nadia, series_id=made.series.id, scope="all", now=NOW)
    assert credits.balance_of(db, scene.oceanwatt_id) == 7


# -- cancelling ----------------------------------------------------------------------------------


@pytest.fixture
def mondays(db: Session, scene: Scene) -> BookingSeries:
    """Mondays 10:00–11:00 from 7 December, five of them."""
    return book_weekly(db, scene, first="2026-12-07", rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=5",
                       user=scene.manager).series


def test_cancel_one_date(db, scene: Scene, mondays: BookingSeries):
    cancelled = changes.cancel_series(db, actor=scene.manager, series_id=mondays.id, scope="one",
                                      day=date(2026, 12, 14), now=NOW)
    assert [b.series_day for b in cancelled] == [date(2026, 12, 14)]
    assert active_days(db, mondays.id) == [date(2026, 12, 7), date(2026, 12, 21), date(2026, 12, 28),
                                           date(2027, 1, 4)]
    with pytest.raises(Invalid):
        changes.cancel_series(db, actor=scene.manager, series_id=mondays.id, scope="one", day=date(2026, 12, 15),
                              now=NOW)


def test_cancel_this_and_the_following_dates_ends_the_series(db, scene: Scene, mondays: BookingSeries):
    changes.cancel_series(db, actor=scene.manager, series_id=mondays.id, scope="following", day=date(2026, 12, 21),
                          now=NOW)
    assert active_days(db, mondays.id) == [date(2026, 12, 7), date(2026, 12, 14)]
    assert db.get(BookingSeries, mondays.id).until_day == date(2026, 12, 20)


def test_cancel_all_stops_the_series(db, scene: Scene, mondays: BookingSeries):
    changes.cancel_series(db, actor=scene.manager, series_id=mondays.id, scope="all", now=NOW)
    assert active_days(db, mondays.id) == []
    assert db.get(BookingSeries, mondays.id).cancelled_at == NOW
    assert series.materialise_series(db, now=NOW + timedelta(days=60)) == 0


def test_cancel_a_period(db, scene: Scene, mondays: BookingSeries):
    changes.cancel_series(db, actor=scene.manager, series_id=mondays.id, scope="range", day=date(2026, 12, 14),
                          until=date(2026, 12, 28), now=NOW)
    assert active_days(db, mondays.id) == [date(2026, 12, 7), date(2027, 1, 4)]


def test_cancelling_dates_not_booked_yet_keeps_the_job_off_them(db, scene: Scene):
    weekly = book_weekly(db, scene, first="2026-12-01", rrule="FREQ=WEEKLY;BYDAY=TU").series  # booked to 29 Dec
    changes.cancel_series(db, actor=scene.nadia, series_id=weekly.id, scope="range", day=date(2027, 1, 5),
                          until=date(2027, 1, 12), now=NOW)
    changes.cancel_series(db, actor=scene.nadia, series_id=weekly.id, scope="one", day=date(2027, 1, 26), now=NOW)
    assert series.materialise_series(db, now=NOW + timedelta(days=28)) == 1  # 19 January only
    assert active_days(db, weekly.id)[-2:] == [date(2026, 12, 29), date(2027, 1, 19)]
    assert db.scalars(select(Booking.status).where(Booking.series_day == date(2027, 1, 26))).all() == ["cancelled"]


# -- moving --------------------------------------------------------------------------------------


def test_moving_this_and_the_following_dates_splits_the_series(db, scene: Scene, mondays: BookingSeries):
    rest = changes.edit_series(db, actor=scene.manager, series_id=mondays.id, scope="following",
                               day=date(2026, 12, 21), starts_at_time=time(14), now=NOW)

    db.expire_all()
    old, new = db.get(BookingSeries, mondays.id), db.get(BookingSeries, rest.id)
    assert (old.first_day, old.until_day, old.start_time) == (date(2026, 12, 7), date(2026, 12, 20), time(10))
    assert (new.first_day, new.until_day, new.start_time) == (date(2026, 12, 21), date(2027, 1, 4), time(14))
    assert [b.starts_at for b in series.list_occurrences(db, old)] == [paris("2026-12-07", 10),
                                                                       paris("2026-12-14", 10)]
    assert [b.starts_at for b in series.list_occurrences(db, new)] == [paris("2026-12-21", 14),
                                                                       paris("2026-12-28", 14),
                                                                       paris("2027-01-04", 14)]


def test_a_move_that_fails_on_one_date_changes_nothing(db, scene: Scene, mondays: BookingSeries):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-28", 14))

    with pytest.raises(SeriesConflict) as refused:
        changes.edit_series(db, actor=scene.manager, series_id=mondays.id, scope="following",
                            day=date(2026, 12, 21), starts_at_time=time(14), now=NOW)

    assert refused.value.params["dates"] == "2026-12-28"
    db.expire_all()
    assert count(db, BookingSeries) == 1 and db.get(BookingSeries, mondays.id).until_day == date(2027, 1, 4)
    assert {b.starts_at.astimezone(paris("2026-12-07", 0).tzinfo).hour
            for b in series.list_occurrences(db, mondays)} == {10}


def test_move_one_date_or_all(db, scene: Scene, mondays: BookingSeries):
    changes.edit_series(db, actor=scene.manager, series_id=mondays.id, scope="one", day=date(2026, 12, 14),
                        duration_minutes=90, now=NOW)
    moved = changes.edit_series(db, actor=scene.manager, series_id=mondays.id, scope="all", starts_at_time=time(16),
                                now=NOW)
    assert moved.id == mondays.id and moved.start_time == time(16)
    # "all" puts every date at the series' time and length.
    assert [(b.starts_at, b.ends_at - b.starts_at) for b in series.list_occurrences(db, mondays)][:2] == [
        (paris("2026-12-07", 16), timedelta(hours=1)), (paris("2026-12-14", 16), timedelta(hours=1)),
    ]


# -- who may -------------------------------------------------------------------------------------


def test_another_startup_cannot_see_or_change_a_series_and_a_teammate_only_reads_it(db, scene: Scene):
    made = book_weekly(db, scene, first="2026-12-07", rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=2").series
    for action in (lambda: series.get_series(db, actor=scene.hugo, series_id=made.id),
                   lambda: changes.cancel_series(db, actor=scene.hugo, series_id=made.id, scope="all", now=NOW),
                   lambda: changes.edit_series(db, actor=scene.hugo, series_id=made.id, scope="all",
                                               starts_at_time=time(14), now=NOW)):
        with pytest.raises(NotFound):
            action()
    assert series.get_series(db, actor=scene.karim, series_id=made.id).id == made.id
    with pytest.raises(Forbidden):
        changes.cancel_series(db, actor=scene.karim, series_id=made.id, scope="all", now=NOW)
    assert len(active_days(db, made.id)) == 2


def test_splitting_a_series_carries_its_later_skipped_dates_to_the_new_one(db, scene: Scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-18", 10, 30))
    result = book_weekly(db, scene, first="2026-12-04", rrule="FREQ=WEEKLY;BYDAY=FR;COUNT=4", skip=True)

    rest = changes.edit_series(db, actor=scene.manager, series_id=result.series.id, scope="following",
                               day=date(2026, 12, 11), starts_at_time=time(15), now=NOW)

    db.expire_all()
    old = series.get_series(db, actor=scene.manager, series_id=result.series.id)
    new = series.get_series(db, actor=scene.manager, series_id=rest.id)
    assert series.skipped_days(old) == []
    assert [(s.day, s.reason) for s in series.skipped_days(new)] == [(date(2026, 12, 18), "conflict"),
                                                                     (date(2026, 12, 25), "closed")]
    assert [b.starts_at for b in series.list_occurrences(db, new)] == [paris("2026-12-11", 15)]
