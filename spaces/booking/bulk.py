"""Importing bookings in bulk: the same overlap rule as booking one by one, checked over the whole file at once.

A booking is known by its space, its start and its booker: importing a file
again updates those bookings (end, status, title, start-up) and adds none.
Active bookings may not overlap each other, in the file or in the database;
past bookings are allowed (they are history). Opening hours, durations,
buffers and credits are not applied: an import is the house's own record,
not a member's request. Nothing is mailed.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from spaces.booking.checks import TITLE_MAX_LENGTH
from spaces.booking.enums import ACTIVE_STATUSES, BookingStatus
from spaces.booking.models import Booking
from spaces.booking.queries import LONGEST_BOOKING
from spaces.venues.models import Floor, Space, Venue
from totem.i18n import N_
from totem.identity.models import Organisation, User
from totem.importing import ImportResult, Line, Options

STATUSES = {status.value for status in BookingStatus}
ACTIVE = {status.value for status in ACTIVE_STATUSES}
CHUNK = 5_000  # rows per INSERT/UPDATE statement and per IN (...) list


@dataclass
class BookingLine:
    """One booking the file asks for, checked but not yet written."""

    line: int
    space_id: int
    starts_at: datetime  # UTC
    ends_at: datetime
    user_id: int
    status: str
    title: str
    organisation_id: int | None
    existing_id: int | None = None


@dataclass(frozen=True)
class SpaceRef:
    id: int
    name: str
    floor: str
    venue: str
    zone: ZoneInfo


class Directory:
    """Spaces, people and start-ups by the names a file uses, read once for the whole file."""

    def __init__(self, db: Session) -> None:
        self.spaces: dict[str, list[SpaceRef]] = defaultdict(list)
        zones: dict[str, ZoneInfo] = {}
        query = select(Space.id, Space.name, Floor.name, Venue.name, Venue.timezone).join(
            Floor, Floor.id == Space.floor_id).join(Venue, Venue.id == Floor.venue_id)
        for space_id, name, floor, venue, timezone in db.execute(query):
            zone = zones.setdefault(timezone, ZoneInfo(timezone))
            self.spaces[name.lower()].append(SpaceRef(space_id, name, floor, venue, zone))
        self.by_id = {ref.id: ref for refs in self.spaces.values() for ref in refs}
        self.users = {email: user_id for email, user_id in db.execute(select(User.email, User.id))}
        self.startups = {name.lower(): organisation_id for organisation_id, name
                         in db.execute(select(Organisation.id, Organisation.name))}

    def find_space(self, name: str, venue: str = "", floor: str = "") -> list[SpaceRef]:
        return [ref for ref in self.spaces.get(name.strip().lower(), ())
                if (not venue or ref.venue == venue) and (not floor or ref.floor == floor)]


def check_line(result: ImportResult, line: int, space_id: int, starts_at: datetime, ends_at: datetime, user_id: int,
               status: str, title: str, organisation_id: int | None) -> BookingLine | None:
    """The rules of one booking taken alone; overlaps are checked over the whole file afterwards."""
    if ends_at <= starts_at:
        result.refuse(line, N_("The end must be after the start."))
        return None
    if ends_at - starts_at > LONGEST_BOOKING:
        result.refuse(line, N_("A booking lasts a day at most."))
        return None
    if len(title) > TITLE_MAX_LENGTH:
        result.refuse(line, N_("Keep the title under {length} characters."), length=TITLE_MAX_LENGTH + 1)
        return None
    return BookingLine(line, space_id, starts_at, ends_at, user_id, status, title, organisation_id)


def save_bookings(db: Session, lines: list[BookingLine], result: ImportResult, options: Options,
                  directory: Directory) -> None:
    """Match the lines to existing bookings, refuse overlaps, then write them all in a few statements."""
    if not lines:
        return
    space_ids = sorted({line.space_id for line in lines})
    # Bookings of one space wait for each other on PostgreSQL, as when booking one by one.
    db.execute(select(Space.id).where(Space.id.in_(space_ids)).with_for_update())
    existing = _existing(db, space_ids, min(line.starts_at for line in lines) - LONGEST_BOOKING,
                         max(line.ends_at for line in lines))
    by_key = {(b.space_id, b.starts_at, b.user_id): b for b in reversed(existing)}
    first_line: dict[tuple[int, datetime, int], int] = {}
    kept = []
    for line in lines:
        key = (line.space_id, line.starts_at, line.user_id)
        if key in first_line:
            result.refuse(line.line, N_("Line {line} already books this space at this time for this person."),
                          line=first_line[key])
            continue
        first_line[key] = line.line
        if key in by_key:
            line.existing_id = by_key[key].id
        kept.append(line)
    replaced = {line.existing_id for line in kept if line.existing_id is not None}
    _refuse_overlaps(result, kept, [b for b in existing if b.id not in replaced and b.status in ACTIVE], directory)
    by_id = {b.id: b for b in existing}
    _tally(result, kept, by_id, directory)
    if not result.refused and not result.dry_run:
        _write(db, kept, by_id, options)


def _existing(db: Session, space_ids: list[int], since: datetime, until: datetime) -> list:
    columns = (Booking.id, Booking.space_id, Booking.user_id, Booking.starts_at, Booking.ends_at, Booking.status,
               Booking.title, Booking.organisation_id)
    found = []
    for start in range(0, len(space_ids), CHUNK):
        found.extend(db.execute(select(*columns).where(
            Booking.space_id.in_(space_ids[start:start + CHUNK]), Booking.starts_at < until, Booking.ends_at > since,
        ).order_by(Booking.id)))
    return found


def _refuse_overlaps(result: ImportResult, lines: list[BookingLine], existing: list, directory: Directory) -> None:
    """Sweep each space's active intervals by start: one that starts before the longest-running one ends overlaps it."""
    per_space: dict[int, list[tuple[datetime, datetime, int, object]]] = defaultdict(list)
    for line in lines:
        if line.status in ACTIVE:
            per_space[line.space_id].append((line.starts_at, line.ends_at, line.line, line))
    for booking in existing:
        if booking.space_id in per_space:
            per_space[booking.space_id].append((booking.starts_at, booking.ends_at, 0, booking))
    refused: set[int] = set()
    for space_id, intervals in per_space.items():
        intervals.sort(key=lambda item: (item[0], item[1], item[2]))
        holder = intervals[0]
        for item in intervals[1:]:
            if item[0] < holder[1]:
                _refuse_pair(result, refused, holder, item, directory.by_id[space_id])
            if item[1] > holder[1]:
                holder = item


def _refuse_pair(result: ImportResult, refused: set[int], first: tuple, second: tuple, space: SpaceRef) -> None:
    later, earlier = (second, first) if second[2] else (first, second)
    if not later[2] or later[2] in refused:
        return  # two bookings already in the database, or this line's refusal is already told
    refused.add(later[2])
    if earlier[2]:
        result.refuse(later[2], N_("Overlaps line {line}: {space} is booked {start}–{end} on {day}."),
                      line=earlier[2], **_slot(space, earlier))
    else:
        result.refuse(later[2], N_("Overlaps an existing booking: {space} is booked {start}–{end} on {day}."),
                      **_slot(space, earlier))


def _slot(space: SpaceRef, interval: tuple) -> dict[str, str]:
    start, end = interval[0].astimezone(space.zone), interval[1].astimezone(space.zone)
    return {"space": space.name, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "day": f"{start:%Y-%m-%d}"}


def _tally(result: ImportResult, lines: list[BookingLine], existing: dict, directory: Directory) -> None:
    refused = {refusal.line for refusal in result.refused}
    for line in lines:
        if line.line in refused:
            continue
        space = directory.by_id[line.space_id]
        summary = f"{space.name} {line.starts_at.astimezone(space.zone):%Y-%m-%d %H:%M}"
        if line.existing_id is None:
            result.created.append(Line(line.line, summary))
        elif _changes(line, existing[line.existing_id]):
            result.updated.append(Line(line.line, summary))
        else:
            result.unchanged += 1


def _changes(line: BookingLine, booking) -> dict:  # type: ignore[no-untyped-def]
    wanted = {"ends_at": line.ends_at, "status": line.status, "title": line.title,
              "organisation_id": line.organisation_id}
    return {name: value for name, value in wanted.items() if getattr(booking, name) != value}


def _write(db: Session, lines: list[BookingLine], existing: dict, options: Options) -> None:
    actor_id = options.actor.id
    new = [{"space_id": line.space_id, "user_id": line.user_id, "organisation_id": line.organisation_id,
            "starts_at": line.starts_at, "ends_at": line.ends_at, "status": line.status, "title": line.title,
            "created_at": options.now, "created_by": actor_id, "hosted": False,
            "checked_in_at": line.starts_at if line.status == BookingStatus.CHECKED_IN else None,
            "cancelled_at": options.now if line.status == BookingStatus.CANCELLED else None}
           for line in lines if line.existing_id is None]
    changed = [{"id": line.existing_id, **changes} for line in lines
               if line.existing_id is not None and (changes := _changes(line, existing[line.existing_id]))]
    for start in range(0, len(new), CHUNK):
        db.execute(insert(Booking), new[start:start + CHUNK])
    # Rows of one statement share their columns: group the updates by what they change.
    by_columns: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for values in changed:
        by_columns[tuple(sorted(values))].append(values)
    for group in by_columns.values():
        for start in range(0, len(group), CHUNK):
            db.execute(update(Booking), group[start:start + CHUNK])

