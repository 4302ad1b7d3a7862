"""Each operator's monthly report: room hours of real bookings against real quotas, desks and start-ups hosted; the
building's admin sees every operator side by side (table, chart, CSV), an operator's manager only their own."""
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy.orm import Session

from spaces.booking import service
from spaces.occupancy import operators as report
from spaces.operators import service as operators
from spaces.venues import access
from tests.helpers import api_token, login
from tests.spaces.conftest import make_person, paris, startup_id
from tests.spaces.factories import make_floor, make_space, make_venue
from tests.spaces.operators.factories import join_operator, make_operator
from tests.totem.factories import PASSWORD
from totem import clock
from totem.errors import Invalid, NotFound

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
DECEMBER = date(2026, 12, 1)


@pytest.fixture
def building(db: Session, monkeypatch):  # type: ignore[no-untyped-def]
    """Two operators: Métropole (10 room hours, OceanWatt with a dedicated desk) and Lavande (4 hours, Kelp Studio)."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    venue = make_venue(db, opens=time(0), closes=time(23, 59), weekdays=range(7))
    floor = make_floor(db, venue=venue)
    rooms = [make_space(db, floor=floor, name=name) for name in ("Calanques", "Frioul")]
    booth = make_space(db, floor=floor, name="Cabine 1", kind="phone_booth", capacity=1)
    desk = make_space(db, floor=floor, name="D-1", kind="dedicated_desk", capacity=1)
    admin = make_person(db, role="admin", email="admin@cite.fr")
    lea = make_person(db, role="manager", email="lea@cite.fr")
    ines = make_person(db, role="manager", email="ines@lavande.fr")
    nadia = make_person(db, email="nadia@oceanwatt.fr", startup="OceanWatt")
    hugo = make_person(db, email="hugo@kelpstudio.fr", startup="Kelp Studio")
    metropole = make_operator(db, admin=admin, now=NOW, name="Métropole", meeting_room_hours=10, managers=(lea,))
    lavande = make_operator(db, admin=admin, now=NOW, name="Maison Lavande", meeting_room_hours=4, managers=(ines,))
    operators.update_operator(db, actor=admin, operator_id=lavande.id, now=NOW, data=operators.OperatorData(
        "Maison Lavande", "corporate_programme", "Lavande Beauty Lab"))
    oceanwatt, kelp = startup_id(db, "OceanWatt"), startup_id(db, "Kelp Studio")
    join_operator(db, admin=admin, operator=metropole, venue=venue, organisation_id=oceanwatt, now=NOW)
    join_operator(db, admin=admin, operator=lavande, venue=venue, organisation_id=kelp, now=NOW)
    access.allocate_desk(db, actor=admin, space_id=desk.id, organisation_id=oceanwatt, starts_on=date(2026, 12, 15),
                         ends_on=date(2027, 3, 31), now=NOW, source_key=f"test-{metropole.id}")

    def book(person, space, day, start, end):  # type: ignore[no-untyped-def]
        return service.create_booking(db, actor=person, space_id=space.id, starts_at=paris(day, start),
                                      ends_at=paris(day, end), now=NOW)

    book(nadia, rooms[0], "2026-12-02", 10, 12)
    book(nadia, rooms[1], "2026-12-09", 14, 17)
    book(lea, rooms[0], "2026-12-10", 9, 10)  # the operator's manager books on its quota too
    book(nadia, booth, "2026-12-03", 9, 10)  # no quota of phone booths: counted, no limit
    cancelled = book(nadia, rooms[0], "2026-12-16", 9, 11)
    service.cancel_booking(db, actor=nadia, booking_id=cancelled.id, now=NOW)
    book(nadia, rooms[0], "2027-01-05", 9, 11)  # next month
    book(hugo, rooms[1], "2026-12-02", 17, 20)  # after the peak hours: its fair share of rooms then is none
    db.commit()
    return admin, lea, ines, metropole, lavande


def test_the_figures_come_from_the_bookings_against_the_quotas(db, building):
    admin, _lea, _ines, metropole, lavande = building

    month = report.building_month(db, actor=admin, month=DECEMBER, now=NOW)

    # Accélérateur M, the building's first operator (revision 0012), has nothing this month: zeros, no rooms.
    assert [row.operator.display_name for row in month.operators] == [
        "Accélérateur M", "Lavande Beauty Lab", "Métropole"]
    first, lavande_month, metropole_month = month.operators
    assert (first.rooms, first.startups, first.room_hours) == ([], 0, 0)
    assert [(r.space_kind, r.used_hours, r.quota_hours) for r in metropole_month.rooms] == [
        ("meeting_room", 6.0, 10), ("phone_booth", 1.0, None)]
    assert metropole_month.room("meeting_room").share_used == pytest.approx(0.6)
    assert (metropole_month.startups, metropole_month.dedicated_desks, metropole_month.desk_days) == (1, 1, 17)
    assert [(r.space_kind, r.used_hours, r.quota_hours) for r in lavande_month.rooms] == [("meeting_room", 3.0, 4)]
    assert (lavande_month.startups, lavande_month.dedicated_desks) == (1, 0)
    assert month.kinds == ["meeting_room", "phone_booth"]
    january = report.operator_month(db, actor=admin, operator_id=metropole.id, month=date(2027, 1, 1), now=NOW)
    assert (january.room("meeting_room").used_hours, january.desk_days) == (2.0, 31)
    assert report.operator_month(db, actor=admin, operator_id=lavande.id, month=date(2026, 11, 1), now=NOW).room_hours == 0


def test_a_manager_reads_only_their_own_operator(db, building):
    _admin, lea, ines, metropole, lavande = building
    assert [row.operator.id for row in report.building_month(db, actor=lea, month=DECEMBER, now=NOW).operators] == [
        metropole.id]
    with pytest.raises(NotFound):
        report.operator_month(db, actor=ines, operator_id=metropole.id, month=DECEMBER, now=NOW)


def test_the_month_is_checked():
    today = date(2026, 11, 30)
    assert report.parse_month("", today=today) == date(2026, 11, 1)
    assert report.parse_month("2026-12", today=today) == DECEMBER
    for wrong in ("2026-13", "next", "1500-01", "9999-01"):
        with pytest.raises(Invalid):
            report.parse_month(wrong, today=today)


def test_the_admin_sees_every_operator_side_by_side_with_a_chart_and_a_csv(client, building):
    login(client, "admin@cite.fr", PASSWORD)
    page = client.get("/admin/reports/operators?month=2026-12")
    assert page.status_code == 200
    assert "Lavande Beauty Lab" in page.text and "Métropole" in page.text
    assert "/admin/reports/operators/rooms.svg?month=2026-12" in page.text
    chart = client.get("/admin/reports/operators/rooms.svg?month=2026-12")
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert "Lavande Beauty Lab · Meeting room" in chart.text and "Métropole · Meeting room" in chart.text
    csv = client.get("/admin/reports/operators/report.csv?month=2026-12")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("Operator,Month,Start-ups hosted,Dedicated desks,Desk-days,Hot-desk hours,")
    # Start-ups, desks, hot desks, events (held, registered, came, no-shows; none here), then rooms by kind.
    assert lines[1:] == ["Accélérateur M,2026-12,0,0,0,0.0,0,0,0,0,0,,0,",
                         "Lavande Beauty Lab,2026-12,1,0,0,0.0,0,0,0,0,3.0,4,0,",
                         "Métropole,2026-12,1,1,17,0.0,0,0,0,0,6.0,10,1.0,"]
    wrong = client.get("/admin/reports/operators?month=someday")
    assert wrong.status_code == 422 and "Choose a month" in wrong.text


def test_an_operators_manager_sees_only_their_report(client, building):
    _admin, _lea, _ines, metropole, lavande = building
    login(client, "lea@cite.fr", PASSWORD)
    listing = client.get("/admin/reports/operators?month=2026-12")
    assert "Métropole" in listing.text and "Lavande Beauty Lab" not in listing.text
    own = client.get(f"/admin/reports/operators/{metropole.id}?month=2026-12")
    assert own.status_code == 200 and "Métropole" in own.text
    assert client.get(f"/admin/reports/operators/{lavande.id}?month=2026-12").status_code == 404
    csv = client.get("/admin/reports/operators/report.csv?month=2026-12").text
    assert "Lavande" not in csv and "Métropole" in csv


def test_members_get_no_report(client, building):
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.get("/admin/reports/operators").status_code == 403


def test_the_api_gives_the_month_of_the_operators_one_may_read(client, building):
    _admin, _lea, _ines, metropole, _lavande = building
    headers = api_token(client, "lea@cite.fr", PASSWORD)
    answer = client.get("/api/v1/reports/operators?month=2026-12", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == [{
        "operator_id": metropole.id, "name": "Métropole", "month": "2026-12", "startups": 1, "dedicated_desks": 1,
        "desk_days": 17, "hot_desk_hours": 0.0, "events_held": 0, "registrations": 0, "attended": 0, "no_shows": 0,
        "rooms": [{"space_kind": "meeting_room", "used_hours": 6.0, "quota_hours": 10},
                  {"space_kind": "phone_booth", "used_hours": 1.0, "quota_hours": None}]}]
    admin = api_token(client, "admin@cite.fr", PASSWORD)
    assert len(client.get("/api/v1/reports/operators?month=2026-12", headers=admin).json()) == 3
    wrong = client.get("/api/v1/reports/operators?month=soon", headers=admin)
    assert (wrong.status_code, wrong.json()["code"]) == (422, "invalid")
    member = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.get("/api/v1/reports/operators", headers=member).status_code == 403
