"""The booking rules, called as the services: local time across daylight saving, buffers, holidays, windows."""
from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.rrule import MO, WEEKLY, rrule
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from spaces.booking import availability, checks, service
from spaces.booking.models import Booking
from tests.spaces.conftest import NOW, Scene, paris
from tests.spaces.factories import PARIS, make_booking, make_rule, make_space, make_zone
from totem.audit.models import AuditEntry
from totem.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from totem.i18n import shown, translate


def book(db: Session, scene: Scene, starts_at: datetime, ends_at: datetime, *, now: datetime = NOW, space=None,
         actor=None, **extra) -> Booking:  # type: ignore[no-untyped-def]
    return service.create_booking(db, actor=actor or scene.nadia, space_id=(space or scene.room).id,
                                  starts_at=starts_at, ends_at=ends_at, now=now, **extra)


def said(error: DomainError) -> str:
    """The message as an English-speaking user reads it."""
    return translate("en", error.message, **error.params)


def count_bookings(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Booking)) or 0


# -- (b) wall-clock time across daylight saving ---------------------------------------------------


@pytest.mark.parametrize(("first_monday", "utc_hours"), [
    (datetime(2026, 3, 23, 9, 0, tzinfo=PARIS), [8, 7]),  # summer time starts on Sunday 29 March
    (datetime(2026, 10, 19, 9, 0, tzinfo=PARIS), [7, 8]),  # and ends on Sunday 25 October
])
def test_a_weekly_booking_stays_at_nine_in_paris_across_daylight_saving(db, scene, first_monday, utc_hours):
    now = first_monday - timedelta(days=7)
    mondays = list(rrule(WEEKLY, byweekday=MO, dtstart=first_monday, count=2))

    for monday in mondays:
        book(db, scene, monday, monday + timedelta(hours=1), now=now)
    db.commit()
    db.expire_all()

    stored = db.scalars(select(Booking).order_by(Booking.starts_at)).all()
    assert [b.starts_at for b in stored] == [
        datetime.combine(monday.date(), datetime.min.time(), tzinfo=UTC).replace(hour=hour)
        for monday, hour in zip(mondays, utc_hours)
    ]
    assert [b.starts_at.astimezone(PARIS).strftime("%H:%M") for b in stored] == ["09:00", "09:00"]
    assert [b.ends_at - b.starts_at for b in stored] == [timedelta(hours=1)] * 2


def test_opening_hours_are_judged_on_the_local_clock_of_each_side_of_the_change(db, scene):
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    # 06:30Z is 07:30 in winter (closed) but 08:30 in summer (open).
    with pytest.raises(Invalid) as winter:
        book(db, scene, datetime(2026, 3, 23, 6, 30, tzinfo=UTC), datetime(2026, 3, 23, 7, 30, tzinfo=UTC), now=now)
    assert said(winter.value) == "On 2026-03-23, Cité de l'innovation is open from 08:00 to 20:00."
    summer = book(db, scene, datetime(2026, 3, 30, 6, 30, tzinfo=UTC), datetime(2026, 3, 30, 7, 30, tzinfo=UTC),
                  now=now)
    assert summer.starts_at.astimezone(PARIS).hour == 8


# -- (f) buffers, holidays, the advance window -----------------------------------------------------


def test_the_buffer_keeps_minutes_free_on_both_sides_of_a_booking(db, scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 10),
                 ends_at=paris("2026-12-01", 11))

    with pytest.raises(Conflict) as after:
        book(db, scene, paris("2026-12-01", 11, 5), paris("2026-12-01", 12))
    with pytest.raises(Conflict):
        book(db, scene, paris("2026-12-01", 9), paris("2026-12-01", 9, 55))
    assert after.value.params == {"minutes": 10, "space": "Calanques", "start": "10:00", "end": "11:00",
                                  "day": "2026-12-01"}
    assert book(db, scene, paris("2026-12-01", 11, 10), paris("2026-12-01", 12)).status == "confirmed"
    assert book(db, scene, paris("2026-12-01", 9), paris("2026-12-01", 9, 50)).status == "confirmed"


def test_without_a_buffer_bookings_may_touch(db, scene):
    booth = make_space(db, floor=scene.floor, name="Cabine 1", kind="phone_booth", capacity=1)
    book(db, scene, paris("2026-12-01", 10), paris("2026-12-01", 11), space=booth)

    touching = book(db, scene, paris("2026-12-01", 11), paris("2026-12-01", 12), space=booth, actor=scene.hugo)

    assert touching.status == "confirmed"


@pytest.mark.parametrize("day", ["2026-12-25", "2027-01-01", "2027-03-29"])  # Christmas, New Year, Easter Monday
def test_french_public_holidays_are_closed(db, scene, day):
    make_rule(db, venue=scene.venue, space_kind="hot_desk", max_days_ahead=None)
    desk = make_space(db, floor=scene.floor, name="1-001", kind="hot_desk", capacity=1)

    with pytest.raises(Invalid) as refused:
        book(db, scene, paris(day, 9), paris(day, 10), space=desk)

    assert f"closed on {day}, a public holiday" in said(refused.value)
    assert refused.value.field == "starts_at"
    assert availability.list_free_slots(db, space_id=desk.id, day=date.fromisoformat(day)) == []


def test_a_venue_that_ignores_public_holidays_opens_on_them(db, scene):
    scene.venue.observes_public_holidays = False

    booking = book(db, scene, paris("2026-12-25", 9), paris("2026-12-25", 10))

    assert booking.status == "confirmed"


def test_the_advance_window_counts_the_venues_days(db, scene):
    # 30 days from Monday 30 November: any time on Wednesday 30 December, nothing on the 31st.
    assert book(db, scene, paris("2026-12-30", 19), paris("2026-12-30", 20)).status == "confirmed"
    with pytest.raises(Invalid) as too_far:
        book(db, scene, paris("2026-12-31", 8), paris("2026-12-31", 9))
    assert said(too_far.value) == "This space can be booked at most 30 days ahead."
    assert too_far.value.field == "starts_at"
    # Staff plan further ahead.
    assert book(db, scene, paris("2027-01-05", 9), paris("2027-01-05", 10), actor=scene.manager)


def test_a_zones_rule_wins_over_its_kinds_rule(db, scene):
    lounge = make_zone(db, floor=scene.floor, name="Salons mentors")
    room = make_space(db, floor=scene.floor, zone=lounge, name="Borély")
    make_rule(db, venue=scene.venue, zone=lounge, allowed_roles=["mentor"], max_minutes=60)

    with pytest.raises(Forbidden):
        book(db, scene, paris("2026-12-01", 9), paris("2026-12-01", 10), space=room)
    booked = book(db, scene, paris("2026-12-01", 9), paris("2026-12-01", 10), space=room, actor=scene.manager)
    assert booked.status == "confirmed"


def test_a_title_must_fit(db, scene):
    with pytest.raises(Invalid) as refused:
        book(db, scene, paris("2026-12-01", 9), paris("2026-12-01", 10), title="x" * 201)

    assert refused.value.field == "title"
    assert book(db, scene, paris("2026-12-01", 9), paris("2026-12-01", 10), title=f"  {'x' * 200} ").title == "x" * 200


def test_an_inactive_space_cannot_be_booked(db, scene):
    old = make_space(db, floor=scene.floor, name="Ancienne salle", is_active=False)

    with pytest.raises(Invalid) as refused:
        book(db, scene, paris("2026-12-01", 9), paris("2026-12-01", 10), space=old)

    assert refused.value.field == "space_id"


def test_a_booking_is_written_to_the_audit_log(db, scene):
    booking = book(db, scene, paris("2026-12-01", 9), paris("2026-12-01", 10))
    service.cancel_booking(db, actor=scene.nadia, booking_id=booking.id, now=NOW)

    entries = db.scalars(select(AuditEntry).where(AuditEntry.object_type == "booking")).all()

    assert [(e.action, e.actor_id, e.object_id) for e in entries] == [
        ("booking.create", scene.nadia.id, str(booking.id)), ("booking.cancel", scene.nadia.id, str(booking.id)),
    ]
    # Shown in the reader's language, the day as they write it and the time on the venue's clock: no code, no UTC.
    assert shown(entries[0].summary, "en") == "Calanques, 1 Dec 2026, 09:00–10:00 (Confirmed)"
    assert shown(entries[0].summary, "fr") == "Calanques, 1 déc. 2026, 09:00–10:00 (Confirmée)"


# -- check-in and cancellation ---------------------------------------------------------------------


def test_check_in_is_open_from_a_quarter_before_the_start_to_the_grace_period_after(db, scene):
    booking = book(db, scene, paris("2026-12-01", 9), paris("2026-12-01", 10))

    with pytest.raises(Conflict, match="Check-in opens at"):
        service.check_in(db, actor=scene.nadia, booking_id=booking.id, now=paris("2026-12-01", 8, 44))
    with pytest.raises(Conflict, match="Check-in closed at") as late:
        service.check_in(db, actor=scene.nadia, booking_id=booking.id, now=paris("2026-12-01", 9, 16))
    assert late.value.params == {"time": "09:15"}
    with pytest.raises(Forbidden):
        service.check_in(db, actor=scene.karim, booking_id=booking.id, now=paris("2026-12-01", 8, 45))
    with pytest.raises(NotFound):
        service.check_in(db, actor=scene.hugo, booking_id=booking.id, now=paris("2026-12-01", 8, 45))

    checked_in = service.check_in(db, actor=scene.nadia, booking_id=booking.id, now=paris("2026-12-01", 9, 15))
    assert checked_in.status == "checked_in" and checked_in.checked_in_at == paris("2026-12-01", 9, 15)
    # Twice is once; a used booking is no longer cancelled.
    assert service.check_in(db, actor=scene.nadia, booking_id=booking.id, now=paris("2026-12-01", 9, 20)) is checked_in
    with pytest.raises(Conflict):
        service.cancel_booking(db, actor=scene.nadia, booking_id=booking.id, now=paris("2026-12-01", 9, 20))


def test_a_pending_or_cancelled_booking_cannot_be_checked_in(db, scene):
    pending = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 9), status="pending")
    cancelled = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 9),
                             status="cancelled")

    for booking, words in ((pending, "waiting for approval"), (cancelled, "no longer active")):
        with pytest.raises(Conflict, match=words):
            service.check_in(db, actor=scene.nadia, booking_id=booking.id, now=paris("2026-12-01", 9))


def test_a_booking_cannot_be_cancelled_once_over(db, scene):
    booking = book(db, scene, paris("2026-12-01", 9), paris("2026-12-01", 10))

    with pytest.raises(Conflict, match="over"):
        service.cancel_booking(db, actor=scene.nadia, booking_id=booking.id, now=paris("2026-12-01", 10))
    cancelled = service.cancel_booking(db, actor=scene.nadia, booking_id=booking.id, now=paris("2026-12-01", 9, 30))
    assert cancelled.status == "cancelled"
    assert service.cancel_booking(db, actor=scene.nadia, booking_id=booking.id, now=NOW).cancelled_at == cancelled.cancelled_at


# -- free slots -----------------------------------------------------------------------------------


def test_the_free_slots_of_a_room_leave_out_its_bookings_and_their_buffers(db, scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 10),
                 ends_at=paris("2026-12-01", 11))
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 14), status="cancelled")
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 19, 30),
                 ends_at=paris("2026-12-01", 20))

    slots = availability.list_free_slots(db, space_id=scene.room.id, day=date(2026, 12, 1))

    assert [(s.starts_at.astimezone(PARIS).strftime("%H:%M"), s.ends_at.astimezone(PARIS).strftime("%H:%M"))
            for s in slots] == [("08:00", "09:50"), ("11:10", "19:20")]
    assert availability.list_free_slots(db, space_id=scene.room.id, day=date(2026, 12, 5)) == []  # a Saturday
    later = availability.list_free_slots(db, space_id=scene.room.id, day=date(2026, 12, 1), now=paris("2026-12-01", 12))
    assert later[0].starts_at == paris("2026-12-01", 12)


# -- the database refuses overlaps on PostgreSQL ---------------------------------------------------


def test_postgresql_refuses_two_active_overlapping_bookings(db, scene, database):
    if database.name != "postgresql":
        pytest.skip("SQLite has no exclusion constraint; its writers are serialised instead")
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 9))
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 9, 30), status="cancelled")
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 10))  # touching is fine

    with pytest.raises(IntegrityError, match="ex_booking_no_overlap"), db.begin_nested():
        make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-01", 9, 30))


def test_the_constraint_violation_becomes_the_same_conflict(db, scene, database, monkeypatch):
    if database.name != "postgresql":
        pytest.skip("SQLite has no exclusion constraint")
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-01", 9))
    before = count_bookings(db)
    # As if a concurrent transaction had committed between the check and the insert.
    monkeypatch.setattr(checks, "check_free", lambda *args, **kwargs: None)

    with pytest.raises(Conflict) as refused:
        book(db, scene, paris("2026-12-01", 9, 30), paris("2026-12-01", 10, 30))

    assert refused.value.message == "Room {space} is already booked {start}–{end} on {day}."
    assert refused.value.params == {"space": "Calanques", "start": "09:00", "end": "10:00", "day": "2026-12-01"}
    assert count_bookings(db) == before
    # The transaction is still usable.
    assert book(db, scene, paris("2026-12-01", 11), paris("2026-12-01", 12)).id
