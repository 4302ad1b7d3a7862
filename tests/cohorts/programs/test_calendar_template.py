"""The cohort's calendar template: a preview shows every conflict before anything is booked; booking takes the free
dates once; when the cohort ends, its bookings to come are released."""
from datetime import date, time

from sqlalchemy import func, select

from cohorts.programs import events
from cohorts.programs import cohorts as cohort_service
from spaces.booking.models import Booking
from tests.cohorts.conftest import Accelerator
from tests.helpers import form_post, login
from tests.spaces.conftest import NOW, paris
from tests.spaces.factories import make_booking
from tests.totem.factories import PASSWORD


def _bookings(db):  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count()).select_from(Booking))


def test_preview_then_book_the_free_dates_then_release_them_at_the_end(client, db, accelerator: Accelerator):
    scene, cohort = accelerator.scene, accelerator.cohort
    manager = scene.manager
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2027-01-12", 10, 30),
                 ends_at=paris("2027-01-12", 11, 30), title="Atelier Kelp")
    events.add_event(db, actor=manager, cohort_id=cohort.id, now=NOW, data=events.EventData(
        title="Réunion Mer", space_id=scene.room.id, weekday=1, start_time=time(10), duration_minutes=60,
        first_day=date(2027, 1, 4), last_day=date(2027, 1, 31)))
    db.commit()
    before = _bookings(db)

    login(client, "lea@cite-innovation.fr", PASSWORD)
    page = client.get(f"/cohorts/{cohort.id}/calendar")
    assert page.status_code == 200
    assert "Room Calanques is already booked 10:30–11:30 on 12 Jan 2027." in page.text
    occurrences = events.preview(db, actor=manager, cohort_id=cohort.id, now=NOW)
    assert [(o.day, o.problem is None) for o in occurrences] == [
        (date(2027, 1, 5), True), (date(2027, 1, 12), False), (date(2027, 1, 19), True), (date(2027, 1, 26), True)]
    assert _bookings(db) == before  # the preview wrote nothing

    booked = form_post(client, f"/cohorts/{cohort.id}/calendar", f"/cohorts/{cohort.id}/calendar/book", {})
    assert booked.status_code == 303
    titles = db.scalars(select(Booking.starts_at).where(Booking.title == "Promo 2027 — Réunion Mer")
                        .order_by(Booking.starts_at)).all()
    assert titles == [paris("2027-01-05", 10), paris("2027-01-19", 10), paris("2027-01-26", 10)]
    assert events.book_template(db, actor=manager, cohort_id=cohort.id, now=NOW)[0] == 0  # twice: nothing more

    cohort_service.force_phase(db, actor=manager, cohort_id=cohort.id, phase="alumni", now=paris("2027-01-15", 10))
    statuses = db.scalars(select(Booking.status).where(Booking.title == "Promo 2027 — Réunion Mer")
                          .order_by(Booking.starts_at)).all()
    assert statuses == ["confirmed", "cancelled", "cancelled"]
    assert db.scalar(select(Booking.status).where(Booking.title == "Atelier Kelp")) == "confirmed"
