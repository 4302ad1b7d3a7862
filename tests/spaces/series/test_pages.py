"""Repeat weekly and a series' page: book, see the dates not booked, cancel and move; others' series stay hidden."""
from datetime import date

from sqlalchemy import event, select

from spaces.booking.models import Booking
from spaces.series.models import BookingSeries
from tests.helpers import form_post, login
from tests.spaces.conftest import Scene, paris
from tests.spaces.factories import make_booking
from tests.totem.factories import PASSWORD

FORM = {"space_id": "", "first_day": "2026-12-11", "start": "10:00", "end": "11:00", "weekdays": ["4"],
        "interval": "1", "until": "", "weeks": "3", "title": "Revue", "on_conflict": "fail"}


def series_days(db, series_id: int, status: str = "confirmed") -> list[date]:
    db.expire_all()
    return list(db.scalars(select(Booking.series_day).where(Booking.series_id == series_id, Booking.status == status)
                           .order_by(Booking.series_day)))


def test_the_form_books_nothing_and_lists_the_dates_then_books_the_others(client, db, scene: Scene):
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-18", 10, 30))
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    page = client.get("/book/series", params={"space_id": scene.room.id, "day": "2026-12-11"})
    assert page.status_code == 200 and f'<option value="{scene.room.id}" selected>Calanques' in page.text
    form = {**FORM, "space_id": scene.room.id}

    refused = form_post(client, "/book/series", "/book/series", form)

    assert refused.status_code == 409
    assert "Nothing was booked: these dates are not available: 2026-12-18, 2026-12-25." in refused.text
    assert "Room Calanques is already booked 10:30–11:30 on 2026-12-18." in refused.text
    assert "closed on 2026-12-25, a public holiday" in refused.text
    assert 'value="Revue"' in refused.text  # the input is kept
    assert db.scalars(select(BookingSeries)).all() == []

    booked = form_post(client, "/book/series", "/book/series", {**form, "on_conflict": "skip"})

    assert booked.status_code == 303
    made = db.scalars(select(BookingSeries)).one()
    assert booked.headers["location"] == f"/my-bookings/series/{made.id}"
    assert series_days(db, made.id) == [date(2026, 12, 11)]
    detail = client.get(booked.headers["location"])
    assert "Bookings made: 1. Skipped: 2026-12-18, 2026-12-25." in detail.text
    assert "Every week on Friday, 10:00–11:00" in detail.text
    assert "Taken" in detail.text and "Venue closed" in detail.text
    assert client.get("/my-bookings/series").text.count(f"/my-bookings/series/{made.id}") == 1


def test_a_bad_form_is_shown_again_with_the_reason(client, db, scene: Scene):
    login(client, scene.nadia.email, PASSWORD)
    both_ends = form_post(client, "/book/series", "/book/series",
                          {**FORM, "space_id": scene.room.id, "until": "2027-01-01"})
    assert both_ends.status_code == 422 and "Give an end date or a number of weeks, not both." in both_ends.text
    no_space = form_post(client, "/book/series", "/book/series", FORM)
    assert no_space.status_code == 422 and "Choose a space." in no_space.text


def test_cancel_and_move_from_the_series_page(client, db, scene: Scene):
    login(client, scene.nadia.email, PASSWORD)
    made = form_post(client, "/book/series", "/book/series", {**FORM, "space_id": scene.room.id, "weeks": "2",
                                                              "first_day": "2026-12-07", "weekdays": ["0", "3"]})
    page = made.headers["location"]
    series_id = int(page.rsplit("/", 1)[1])
    assert series_days(db, series_id) == [date(2026, 12, 7), date(2026, 12, 10), date(2026, 12, 14),
                                          date(2026, 12, 17)]

    one = form_post(client, page, f"{page}/cancel", {"scope": "one", "day": "2026-12-10"})
    assert one.status_code == 303 and one.headers["location"] == page
    assert "Dates cancelled: 1." in client.get(page).text

    moved = form_post(client, page, f"{page}/edit", {"scope": "following", "day": "2026-12-14", "start": "15:00",
                                                     "end": "16:30", "space_id": ""})
    assert moved.status_code == 303
    rest = db.scalars(select(BookingSeries).where(BookingSeries.id != series_id)).one()
    assert moved.headers["location"] == f"/my-bookings/series/{rest.id}"
    assert [(b.starts_at, b.ends_at) for b in db.scalars(select(Booking).where(Booking.series_id == rest.id)
                                                          .order_by(Booking.starts_at))] == [
        (paris("2026-12-14", 15), paris("2026-12-14", 16, 30)), (paris("2026-12-17", 15), paris("2026-12-17", 16, 30))]
    assert "Dates moved to 15:00–16:30." in client.get(moved.headers["location"]).text

    make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-12-17", 9))
    db.commit()
    clash = form_post(client, page, f"/my-bookings/series/{rest.id}/edit",
                      {"scope": "following", "day": "2026-12-14", "start": "09:00", "end": "10:00"})
    assert clash.status_code == 303
    shown = client.get(clash.headers["location"]).text
    assert "Nothing was changed: these dates are not available: 2026-12-17." in shown
    assert series_days(db, rest.id) == [date(2026, 12, 14), date(2026, 12, 17)]

    period = form_post(client, page, f"/my-bookings/series/{rest.id}/cancel",
                       {"scope": "range", "day": "2026-12-15", "until": "2026-12-31"})
    assert period.status_code == 303 and series_days(db, rest.id) == [date(2026, 12, 14)]
    everything = form_post(client, page, f"{page}/cancel", {"scope": "all"})
    assert everything.status_code == 303 and series_days(db, series_id) == []


def test_another_startups_member_gets_404_on_the_page_and_its_forms(client, db, scene: Scene):
    login(client, scene.nadia.email, PASSWORD)
    page = form_post(client, "/book/series", "/book/series", {**FORM, "space_id": scene.room.id,
                                                              "weeks": "1"}).headers["location"]
    client.cookies.clear()
    login(client, scene.hugo.email, PASSWORD)

    assert client.get(page).status_code == 404
    assert form_post(client, "/book", f"{page}/cancel", {"scope": "all"}).status_code == 404
    assert form_post(client, "/book", f"{page}/edit", {"scope": "all", "start": "14:00", "end": "15:00"}).status_code \
        == 404
    assert "Revue" not in client.get("/my-bookings/series").text
    assert len(series_days(db, int(page.rsplit("/", 1)[1]))) == 1


def test_the_pages_run_the_same_queries_however_many_dates_and_series(client, db, scene: Scene, connection):
    login(client, scene.nadia.email, PASSWORD)

    def queries(url: str) -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(connection, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(connection, "before_cursor_execute", listener)
        return len(statements)

    short = form_post(client, "/book/series", "/book/series", {**FORM, "space_id": scene.room.id, "weeks": "1"})
    page = short.headers["location"]
    few_dates, few_series = queries(page), queries("/my-bookings/series")
    long = form_post(client, "/book/series", "/book/series", {**FORM, "space_id": scene.room.id, "weeks": "4",
                                                              "first_day": "2026-12-07", "weekdays": ["0", "1"]})
    assert queries(long.headers["location"]) == few_dates
    assert queries("/my-bookings/series") == few_series
