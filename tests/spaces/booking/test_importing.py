"""Importing and exporting spaces, bookings and calendars: round trips, refusals, dry runs, re-runs, the pages."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import spaces.booking.importing  # noqa: F401  (registers the kinds of bookings)
import spaces.venues.importing  # noqa: F401  (registers the kind of spaces)
from spaces.booking.models import Booking
from spaces.venues.models import BookingRule, Floor, OpeningHours, Space, Venue, Zone
from tests.helpers import csrf_from, login
from tests.spaces.conftest import NOW, Scene, make_person, paris
from tests.totem.factories import PASSWORD
from totem.identity import service as identity
from totem.importing import ImportResult, Options, export_csv, run_import

SPACES_CSV = """venue;floor;zone;name;kind;capacity;amenities;level;timezone
Cité de l'innovation;1er étage;Mer;Calanques;meeting_room;8;screen|videoconference;1;Europe/Paris
Cité de l'innovation;1er étage;Mer;Frioul;meeting_room;4;;1;Europe/Paris
Cité de l'innovation;Rez-de-chaussée;;Agora;event_space;200;stage;0;Europe/Paris
Harbour Lab;Ground;;Pier;meeting_room;6;screen;0;America/New_York
"""

BOOKINGS_CSV = """space,starts_at,ends_at,status,booker_email,title,startup
Calanques,2026-12-01 09:00,2026-12-01 10:00,confirmed,nadia@oceanwatt.fr,Point hebdo,OceanWatt
Calanques,2026-12-01T10:00:00+01:00,2026-12-01T11:00:00+01:00,pending,hugo@kelpstudio.fr,,
Calanques,2025-03-03 09:00,2025-03-03 12:00,checked_in,nadia@oceanwatt.fr,History,
Calanques,2026-12-01 09:30,2026-12-01 10:30,cancelled,hugo@kelpstudio.fr,Cancelled,
Pier,2026-12-01 09:00,2026-12-01 10:00,confirmed,hugo@kelpstudio.fr,New York,
"""

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//EN
BEGIN:VEVENT
UID:weekly@test
DTSTART;TZID=Europe/Paris:20261207T090000
DTEND;TZID=Europe/Paris:20261207T100000
RRULE:FREQ=WEEKLY;COUNT=4
EXDATE;TZID=Europe/Paris:20261214T090000
SUMMARY:Comité
ORGANIZER:mailto:nadia@oceanwatt.fr
LOCATION:Calanques
END:VEVENT
BEGIN:VEVENT
UID:weekly@test
RECURRENCE-ID;TZID=Europe/Paris:20261221T090000
DTSTART;TZID=Europe/Paris:20261221T140000
DTEND;TZID=Europe/Paris:20261221T150000
SUMMARY:Comité (moved)
ORGANIZER:mailto:nadia@oceanwatt.fr
LOCATION:Calanques
END:VEVENT
BEGIN:VEVENT
UID:one@test
DTSTART:20261208T130000
DTEND:20261208T140000
SUMMARY:Floating time
LOCATION:Calanques
END:VEVENT
END:VCALENDAR
"""


def _import(db: Session, kind: str, data: str | bytes, *, dry_run: bool = False, actor=None, **extra) -> ImportResult:  # type: ignore[no-untyped-def]
    raw = data.encode() if isinstance(data, str) else data
    actor = actor or identity.system_actor(db, now=NOW)  # the command line's
    result = run_import(db, kind=kind, data=raw, dry_run=dry_run, options=Options(actor=actor, now=NOW, extra=extra))
    db.commit()
    return result


def _empty_spaces(db: Session) -> None:
    for model in (Booking, BookingRule, Space, Zone, Floor, OpeningHours, Venue):
        db.execute(delete(model))
    db.commit()


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def _reasons(result: ImportResult) -> list[tuple[int, str]]:
    return [(refusal.line, refusal.reason.render()) for refusal in result.sorted_refusals()]


@pytest.fixture
def people(db: Session, fixed_clock: datetime) -> None:
    make_person(db, email="nadia@oceanwatt.fr", startup="OceanWatt")
    make_person(db, email="hugo@kelpstudio.fr", startup="Kelp Studio")
    db.commit()


def test_spaces_round_trip_through_an_empty_database(db: Session, fixed_clock: datetime) -> None:
    result = _import(db, "spaces", SPACES_CSV)
    assert not result.refused and len(result.created) == 4
    exported = export_csv(db, "spaces")
    assert "Harbour Lab,Ground,,Pier,meeting_room,6,screen,0,America/New_York,yes" in exported
    assert "Calanques,meeting_room,8,screen|videoconference" in exported

    _empty_spaces(db)
    again = _import(db, "spaces", exported)
    assert not again.refused and len(again.created) == 4
    assert export_csv(db, "spaces") == exported


def test_spaces_rerun_updates_and_never_duplicates(db: Session, fixed_clock: datetime) -> None:
    _import(db, "spaces", SPACES_CSV)
    changed = SPACES_CSV.replace("Frioul;meeting_room;4", "Frioul;meeting_room;6")
    result = _import(db, "spaces", changed)
    assert [line.line for line in result.updated] == [3] and not result.created and result.unchanged == 3
    assert _count(db, Space) == 4 and _count(db, Venue) == 2 and _count(db, Zone) == 1
    assert db.scalar(select(Space.capacity).where(Space.name == "Frioul")) == 6


def test_bookings_round_trip_keeps_times_statuses_and_start_ups(db: Session, people: None) -> None:
    _import(db, "spaces", SPACES_CSV)
    result = _import(db, "bookings", BOOKINGS_CSV)
    assert _reasons(result) == [] and len(result.created) == 5
    # A time without an offset is on the venue's clock: 09:00 in Paris, 09:00 in New York.
    starts = dict(db.execute(select(Booking.title, Booking.starts_at)).tuples().all())
    assert starts["Point hebdo"] == paris("2026-12-01", 9)
    assert starts["New York"] == datetime(2026, 12, 1, 14, tzinfo=UTC)
    assert starts["History"] == paris("2025-03-03", 9)  # past bookings are history: allowed
    exported = export_csv(db, "bookings")
    assert "Calanques,2026-12-01T09:00:00+01:00,2026-12-01T10:00:00+01:00,confirmed,nadia@oceanwatt.fr" in exported

    db.execute(delete(Booking))
    db.commit()
    again = _import(db, "bookings", exported)
    assert _reasons(again) == [] and len(again.created) == 5
    assert export_csv(db, "bookings") == exported


def test_bookings_rerun_updates_the_same_bookings(db: Session, people: None) -> None:
    _import(db, "spaces", SPACES_CSV)
    _import(db, "bookings", BOOKINGS_CSV)
    result = _import(db, "bookings", BOOKINGS_CSV.replace("Point hebdo", "Point mensuel"))
    assert [line.line for line in result.updated] == [2] and not result.created and result.unchanged == 4
    assert _count(db, Booking) == 5
    assert db.scalar(select(func.count()).where(Booking.title == "Point mensuel")) == 1


def test_dry_run_writes_nothing(db: Session, people: None) -> None:
    result = _import(db, "spaces", SPACES_CSV, dry_run=True)
    assert len(result.created) == 4 and not result.refused
    assert _count(db, Space) == 0 and _count(db, Venue) == 0


BAD_FILES = [
    pytest.param("Calanques,2026-12-02 09:00,2026-12-02 10:00,nadia@oceanwatt.fr\n".encode("utf-16"), 0,
                 "not UTF-8", id="wrong encoding"),
    pytest.param(b"space,starts_at,booker_email\nCalanques,2026-12-02 09:00,nadia@oceanwatt.fr\n", 0,
                 "Missing column: ends_at", id="missing column"),
    pytest.param(b"space,starts_at,ends_at,booker_email\nCalanques,2026-12 09:00,2026-12-02 10:00,nadia@oceanwatt.fr\n",
                 2, "Bad date 2026-12 09:00", id="date without a day"),
    pytest.param(b"space,starts_at,ends_at,booker_email\n"
                 b"Calanques,2026-12-02 09:00,2026-12-02 10:00,nadia@oceanwatt.fr\n"
                 b"Calanques,2026-12-02 09:45,2026-12-02 11:00,hugo@kelpstudio.fr\n",
                 3, "Overlaps line 2: Calanques is booked 09:00\u201310:00 on 2026-12-02", id="two overlapping lines"),
    pytest.param(b"space,starts_at,ends_at,booker_email\n"
                 b"Frioul,2026-12-03 09:00,2026-12-03 10:00,nadia@oceanwatt.fr\n"
                 b"Calanques,2026-12-01 08:30,2026-12-01 09:30,hugo@kelpstudio.fr\n",
                 3, "Overlaps an existing booking: Calanques is booked 09:00\u201310:00 on 2026-12-01",
                 id="overlapping an existing booking"),
    pytest.param(b"space,starts_at,ends_at,booker_email\nAtlantis,2026-12-02 09:00,2026-12-02 10:00,nadia@oceanwatt.fr\n",
                 2, "Unknown space Atlantis", id="unknown space"),
]


@pytest.mark.parametrize("zone", ["Mars/Olympus", "x" * 300, "../../etc/passwd"])
def test_a_space_in_an_unknown_time_zone_is_refused_with_its_line(db: Session, zone: str) -> None:
    csv = f"venue;floor;name;kind;capacity;timezone\nHarbour Lab;Ground;Pier;meeting_room;6;{zone}\n"
    result = _import(db, "spaces", csv)
    assert _reasons(result) == [(2, f"Unknown time zone {zone}.")]
    assert not result.is_written


@pytest.mark.parametrize(("data", "line", "reason"), BAD_FILES)
def test_a_bad_file_gives_its_line_and_reason_and_changes_nothing(
    db: Session, people: None, data: bytes, line: int, reason: str
) -> None:
    _import(db, "spaces", SPACES_CSV)
    _import(db, "bookings", BOOKINGS_CSV)
    before = export_csv(db, "bookings")
    result = _import(db, "bookings", data)
    assert [refusal.line for refusal in result.refused] == [line]
    assert reason in result.refused[0].reason.render()
    assert not result.is_written and export_csv(db, "bookings") == before


def test_a_calendar_expands_its_repeats_on_the_venue_clock_and_imports_once(db: Session, people: None) -> None:
    _import(db, "spaces", SPACES_CSV)
    result = _import(db, "ics", CALENDAR, booker="hugo@kelpstudio.fr")
    assert _reasons(result) == []
    rows = db.execute(select(Booking.title, Booking.starts_at).order_by(Booking.starts_at)).all()
    # Four Mondays but the 14th (EXDATE); the 21st moved to 14:00; the floating event at 13:00 in Paris.
    assert [(title, start) for title, start in rows] == [
        ("Comité", paris("2026-12-07", 9)), ("Floating time", paris("2026-12-08", 13)),
        ("Comité (moved)", paris("2026-12-21", 14)), ("Comité", paris("2026-12-28", 9)),
    ]
    again = _import(db, "ics", CALENDAR, booker="hugo@kelpstudio.fr")
    assert not again.created and again.unchanged == 4 and _count(db, Booking) == 4

    exported = export_csv(db, "bookings")
    db.execute(delete(Booking))
    db.commit()
    assert not _import(db, "bookings", exported).refused
    assert export_csv(db, "bookings") == exported


def test_a_calendar_event_overlapping_a_booking_is_refused_with_its_line(db: Session, people: None) -> None:
    _import(db, "spaces", SPACES_CSV)
    _import(db, "bookings", "space,starts_at,ends_at,booker_email\nCalanques,2026-12-21 09:30,2026-12-21 10:00,"
                            "nadia@oceanwatt.fr\n")
    result = _import(db, "ics", CALENDAR.replace("RECURRENCE-ID", "X-IGNORED"), booker="hugo@kelpstudio.fr")
    assert [refusal.line for refusal in result.refused] == [4]
    assert "Overlaps an existing booking" in result.refused[0].reason.render()
    assert _count(db, Booking) == 1


def test_managers_preview_then_confirm_an_import_on_the_page(client, scene: Scene, db: Session) -> None:  # type: ignore[no-untyped-def]
    login(client, scene.manager.email, PASSWORD)
    page = client.get("/import")
    assert page.status_code == 200
    data = b"space,starts_at,ends_at,booker_email,title\nCalanques,2026-12-02 09:00,2026-12-02 10:00,nadia@oceanwatt.fr,Sync\n"
    preview = client.post("/import", data={"kind": "bookings", "csrf_token": csrf_from(page)},
                          files={"file": ("bookings.csv", data, "text/csv")})
    assert preview.status_code == 200 and "Calanques 2026-12-02 09:00" in preview.text
    assert _count(db, Booking) == 0  # a preview writes nothing
    token = preview.text.split('name="token" value="')[1].split('"')[0]
    done = client.post("/import/confirm", data={"kind": "bookings", "token": token, "csrf_token": csrf_from(preview)},
                       follow_redirects=False)
    assert done.status_code == 303
    assert db.scalar(select(Booking.title).where(Booking.space_id == scene.room.id)) == "Sync"

    export = client.get("/export/bookings.csv")
    assert export.status_code == 200 and "Calanques,2026-12-02T09:00:00+01:00" in export.text

    bad = client.post("/import", data={"kind": "bookings", "csrf_token": csrf_from(page)},
                      files={"file": ("bookings.csv", data.replace(b"Calanques", b"Atlantis"), "text/csv")})
    assert bad.status_code == 422 and "Unknown space Atlantis" in bad.text and 'name="token"' not in bad.text


def test_members_may_not_import_or_export(client, scene: Scene) -> None:  # type: ignore[no-untyped-def]
    login(client, scene.nadia.email, PASSWORD)
    assert client.get("/import").status_code == 403
    assert client.get("/export/bookings.csv").status_code == 403
