"""The bookings' kinds of import and export: CSV files of bookings, and calendars (.ics).

Registered on import of this module; the columns are documented in the README ("Import and export")."""
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaces.booking.bulk import STATUSES, Directory, check_line, save_bookings
from spaces.booking.enums import BookingStatus
from spaces.booking.ics import import_calendar
from spaces.booking.models import Booking
from spaces.venues.models import Floor, Space, Venue
from totem.i18n import N_
from totem.identity.models import Organisation, User
from totem.importing import ImportResult, Options, read_csv, register_kind


BOOKING_COLUMNS = ("venue", "floor", "space", "starts_at", "ends_at", "status", "booker_email", "title", "startup")


def parse_moment(value: str, zone: ZoneInfo) -> datetime | None:
    """An ISO 8601 date and time; without an offset it is the venue's wall-clock time. None if it is not one."""
    if len(value) < 16:  # a date alone, or a month without its day, is no moment
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def import_bookings(db: Session, data: bytes, result: ImportResult, options: Options) -> None:
    """Bookings from CSV: space, starts_at, ends_at, booker_email (and venue, floor, status, title, startup)."""
    rows = read_csv(data, required=("space", "starts_at", "ends_at", "booker_email"), optional=BOOKING_COLUMNS)
    directory = Directory(db)
    lines = []
    for row in rows:
        refs = directory.find_space(row.get("space"), row.get("venue"), row.get("floor"))
        if not refs:
            result.refuse(row.line, N_("Unknown space {space}."), space=row.get("space"))
            continue
        if len(refs) > 1:
            result.refuse(row.line, N_("Several spaces are called {space}: add the venue and floor columns."),
                          space=row.get("space"))
            continue
        space = refs[0]
        starts_at, ends_at = parse_moment(row.get("starts_at"), space.zone), parse_moment(row.get("ends_at"), space.zone)
        if starts_at is None or ends_at is None:
            result.refuse(row.line, N_("Bad date {value}: write a day and a time, as 2026-12-01T09:00 or 2026-12-01 09:00+01:00."),
                          value=row.get("starts_at") if starts_at is None else row.get("ends_at"))
            continue
        status = row.get("status").lower() or BookingStatus.CONFIRMED.value
        if status not in STATUSES:
            result.refuse(row.line, N_("Unknown status {status}: write one of {statuses}."), status=status,
                          statuses=", ".join(sorted(STATUSES)))
            continue
        user_id = directory.users.get(row.get("booker_email").lower())
        if user_id is None:
            result.refuse(row.line, N_("Nobody has the e-mail {email}: import them first (members or mentors)."),
                          email=row.get("booker_email"))
            continue
        organisation_id = None
        if row.get("startup"):
            organisation_id = directory.startups.get(row.get("startup").lower())
            if organisation_id is None:
                result.refuse(row.line, N_("Unknown start-up {startup}."), startup=row.get("startup"))
                continue
        booking = check_line(result, row.line, space.id, starts_at, ends_at, user_id, status, row.get("title"),
                             organisation_id)
        if booking is not None:
            lines.append(booking)
    save_bookings(db, lines, result, options, directory)


def export_bookings(db: Session) -> Iterator[Sequence[str]]:
    """Every booking, whatever its state, with its times on its venue's clock and their offset."""
    yield BOOKING_COLUMNS
    query = (select(Booking.starts_at, Booking.ends_at, Booking.status, Booking.title, Space.name, Floor.name,
                    Venue.name, Venue.timezone, User.email, Organisation.name)
             .join(Space, Space.id == Booking.space_id).join(Floor, Floor.id == Space.floor_id)
             .join(Venue, Venue.id == Floor.venue_id).join(User, User.id == Booking.user_id)
             .outerjoin(Organisation, Organisation.id == Booking.organisation_id)
             .order_by(Venue.name, Floor.level, Floor.name, Space.name, Booking.starts_at, Booking.id))
    zones: dict[str, ZoneInfo] = {}
    for starts_at, ends_at, status, title, space, floor, venue, timezone, email, startup in db.execute(query):
        zone = zones.setdefault(timezone, ZoneInfo(timezone))
        yield (venue, floor, space, starts_at.astimezone(zone).isoformat(), ends_at.astimezone(zone).isoformat(),
               status, email, title, startup or "")


# After the spaces (`spaces.venues.importing`): the import page lists the kinds in this order.
register_kind("bookings", import_bookings, export_bookings, label=N_("Bookings"))
register_kind("ics", import_calendar, None, label=N_("Bookings from a calendar (.ics)"), accepts=".ics,text/calendar")
