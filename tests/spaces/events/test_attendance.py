"""Attendance: per event (registered, checked in, no-shows once over), per operator and month for the reports, and
the CSV export (the venue's clock, formula-safe cells, a safe file name, the event's staff only)."""
import csv
import io
from datetime import date, timedelta

import pytest

from spaces.events import attendance, checkin, registrations
from spaces.events import service as events
from tests.spaces.conftest import NOW, make_person, paris
from tests.spaces.events.factories import make_event
from tests.helpers import api_token, login
from tests.totem.factories import PASSWORD
from totem import clock
from totem.errors import NotFound

EVENING = (paris("2026-12-08", 17), paris("2026-12-08", 19, 30))
AT_THE_DOOR = paris("2026-12-08", 17, 5)
AFTER = paris("2026-12-09", 9)


def _register(db, event, n, **fields):  # type: ignore[no-untyped-def]
    applicant = registrations.Applicant(**{"name": f"Person {n}", "email": f"person{n}@example.fr",
                                           "organisation": "Ports", "consent": True, **fields})
    return registrations.register(db, event_id=event.id, applicant=applicant, now=NOW).registration


def _in(db, building, event, registration, now=AT_THE_DOOR):  # type: ignore[no-untyped-def]
    return checkin.check_in(db, actor=building.lea, event=event, registration=registration, now=now)


@pytest.fixture
def event(db, building):  # type: ignore[no-untyped-def]
    return make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, capacity=3)


def test_the_events_figures_before_and_after_its_end(db, building, event):
    people = [_register(db, event, n) for n in range(1, 6)]  # three seated, two waiting
    registrations.cancel(db, registration=people[2], now=NOW)  # the first waiting is offered the seat
    _in(db, building, event, people[0]), _in(db, building, event, people[1])

    during = attendance.event_attendance(db, event=event, now=AT_THE_DOOR)
    after = attendance.event_attendance(db, event=event, now=AFTER)

    assert (during.registered, during.checked_in, during.no_shows, during.waitlisted, during.cancelled) == (2, 2, 0, 2, 1)
    assert not during.is_over and during.rate is None
    assert (after.no_shows, after.is_over) == (0, True) and after.rate == 1.0
    registrations.accept_offer(db, registration=people[3], now=NOW)
    late = attendance.event_attendance(db, event=event, now=AFTER)
    assert (late.registered, late.checked_in, late.no_shows, late.waitlisted) == (3, 2, 1, 1)
    assert [attendance.registration_state(person, event, AFTER) for person in people] == [
        "checked_in", "checked_in", "cancelled", "no_show", "waitlisted"]
    assert attendance.registration_state(people[3], event, AT_THE_DOOR) == "registered"


def test_the_month_per_operator_counts_the_events_held_and_who_came(db, building, event):
    seated = [_register(db, event, n) for n in range(1, 4)]
    _in(db, building, event, seated[0]), _in(db, building, event, seated[1])
    # Marc's operator: one held event with nobody in; one cancelled; one next month (on the venue's clock).
    harbour = make_event(db, building, actor=building.marc, starts_at=paris("2026-12-10", 9),
                         ends_at=paris("2026-12-10", 11), now=NOW, title="Harbour breakfast")
    _register(db, harbour, 10)
    cancelled = make_event(db, building, actor=building.marc, starts_at=paris("2026-12-11", 9),
                           ends_at=paris("2026-12-11", 11), now=NOW, title="Called off")
    events.cancel_event(db, actor=building.marc, event_id=cancelled.id, now=NOW)
    new_year = make_event(db, building, actor=building.marc, starts_at=paris("2027-01-04", 10),
                          ends_at=paris("2027-01-04", 12), now=NOW, title="New year")
    # Moved past the booking rules: 00:30 in Paris on 1 January is still 31 December in UTC.
    new_year.starts_at, new_year.ends_at = paris("2027-01-01", 0, 30), paris("2027-01-01", 2)
    db.flush()

    figures = attendance.monthly_attendance(db, month=date(2026, 12, 1), now=paris("2027-01-05", 9))

    assert figures == {
        building.metropole.id: attendance.MonthAttendance(building.metropole.id, 1, 3, 2, 1),
        building.harbour.id: attendance.MonthAttendance(building.harbour.id, 1, 1, 0, 1),
    }
    january = attendance.monthly_attendance(db, month=date(2027, 1, 15), now=paris("2027-02-01", 9),
                                            operator_ids=[building.metropole.id, building.harbour.id])
    assert january[building.metropole.id] == attendance.MonthAttendance(building.metropole.id, 0, 0, 0, 0)
    assert january[building.harbour.id].events_held == 1
    # Before an event has ended it is not held yet; one operator's figures alone on asking.
    early = attendance.monthly_attendance(db, month=date(2026, 12, 1), now=AT_THE_DOOR,
                                          operator_ids=[building.harbour.id])
    assert early == {building.harbour.id: attendance.MonthAttendance(building.harbour.id, 0, 0, 0, 0)}


def test_the_operators_report_shows_the_events_held_and_who_came(client, db, building, event, monkeypatch):
    seated = [_register(db, event, n) for n in range(1, 4)]
    _in(db, building, event, seated[0]), _in(db, building, event, seated[1])
    db.commit()
    monkeypatch.setattr(clock, "now", lambda: AFTER)
    login(client, building.lea.email, PASSWORD)

    page = client.get("/admin/reports/operators?month=2026-12").text
    row = page.split("Events and attendance", 1)[1].split("</tbody>", 1)[0]
    assert [cell.split("<", 1)[0] for cell in row.split('<td class="num">')[1:]] == ["1", "3", "2", "1"]
    one = client.get(f"/admin/reports/operators/{building.metropole.id}?month=2026-12").text
    assert "Events held" in one and "1 no-shows" in one
    exported = _rows(client.get("/admin/reports/operators/report.csv?month=2026-12").text)
    assert dict(zip(exported[0], exported[1], strict=True))["Came"] == "2"
    answer = client.get("/api/v1/reports/operators?month=2026-12",
                        headers=api_token(client, building.lea.email, PASSWORD)).json()
    assert [(o["events_held"], o["registrations"], o["attended"], o["no_shows"]) for o in answer] == [(1, 3, 2, 1)]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_lists_everyone_with_their_state_and_the_local_check_in_time(db, building, event):
    first = _register(db, event, 1, name="Camille Durand", organisation="Ports de Provence")
    _register(db, event, 2, name="=HYPERLINK(\"http://evil\")", organisation="+33 6 12 34 56 78")
    _register(db, event, 3, name="@SUM(A1)", organisation="-2+3")
    _register(db, event, 4, name="\tTab", organisation="")  # the fourth waits
    _in(db, building, event, first)

    filename, text = attendance.attendance_csv(db, actor=building.lea, event_id=event.id, now=AFTER)

    assert filename == f"attendance-{event.slug}.csv" and filename.endswith("-2026-12-08.csv")
    rows = _rows(text)
    assert rows[0] == ["name", "email", "organisation", "status", "checked_in_at"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Camille Durand"] == ["Camille Durand", "person1@example.fr", "Ports de Provence", "checked_in",
                                         "2026-12-08T17:05:00+01:00"]
    assert by_name["'=HYPERLINK(\"http://evil\")"][2:4] == ["'+33 6 12 34 56 78", "no_show"]
    assert by_name["'@SUM(A1)"][2] == "'-2+3"
    assert by_name["Tab"][3] == "waitlisted"  # the name's spaces were tidied at registration
    for row in rows[1:]:
        assert not row[0].startswith(("=", "+", "-", "@", "\t"))


def test_the_csv_is_for_the_events_operator_and_the_admins_only(db, building, event, scene):
    _register(db, event, 1)
    assert attendance.attendance_csv(db, actor=building.admin, event_id=event.id, now=AFTER)[1].count("\n") == 2
    front_desk = make_person(db, role="manager", email="accueil@cite-innovation.fr")
    for refused in (building.marc, scene.nadia, front_desk):
        with pytest.raises(NotFound):
            attendance.attendance_csv(db, actor=refused, event_id=event.id, now=AFTER)


@pytest.mark.parametrize(("slug", "expected"), [
    ("meetup-mer-2026-12-08", "attendance-meetup-mer-2026-12-08.csv"),
    ('a"b\r\nContent-Type: x', "attendance-a-b-content-type-x-2026-12-08.csv"),
    ("", None),
])
def test_the_file_name_is_letters_digits_and_dashes(db, building, event, slug, expected):
    event.slug = slug
    name = attendance.csv_filename(event)
    assert name == (expected or f"attendance-event-{event.id}-2026-12-08.csv")


def test_safe_cells():
    assert [attendance.safe_cell(value) for value in ("=1+1", "+1", "-1", "@a", "\tx", "\rx", "ok", None, 7)] == [
        "'=1+1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "ok", "", "7"]


def test_an_event_without_anyone(db, building, event):
    figures = attendance.event_attendance(db, event=event, now=AFTER + timedelta(days=1))
    assert (figures.registered, figures.checked_in, figures.no_shows, figures.rate) == (0, 0, 0, None)
