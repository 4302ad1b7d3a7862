"""Thirteen weeks of the building's past for the demo, so that every report has something true to show.

A resident for each enrolled start-up that has none, desks used on most open days (checked in, or released
as no-shows), meetings in the rooms and calls in the booths (each on its start-up's operator's quota, within
it, so that the operators' monthly reports read true), and this week's matching run, as the job would
have left it (the occupancy part rolls the days up once every demo is in: `spaces.occupancy.demo`). All of
it derived from the load instant on the venue's calendar and from fixed tables, never from randomness; the
past is written straight to the tables (the booking rules refuse a start in the past), the matching
through its service.
"""
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from cohorts.matching import service as matching
from cohorts.mentoring.enums import MentorMode, RequestStatus, Urgency
from cohorts.mentoring.models import ExpertiseTag, SessionRequest
from cohorts.programs import enrolment
from cohorts.programs.enums import EnrolmentStatus
from cohorts.programs.models import Cohort, Enrolment, Track
from spaces.booking.enums import ACTIVE_STATUSES, BookingStatus
from spaces.booking.models import Booking
from spaces.venues.enums import SpaceKind
from spaces.operators.models import OperatorQuota
from spaces.venues import access
from spaces.venues.models import AccessGrant, ClosureDay, Floor, OpeningHours, Space, Venue
from spaces.venues.rules import local_moment, local_time, public_holiday
from totem.identity import service as identity
from totem.identity.models import Membership, Organisation, User
from totem.notifications.models import OutboxMessage

WEEKS = 13  # the occupancy report's default period
# Each track's residents sit on its floor; the corporate programme's on the first.
FLOOR_OF_TRACK = {"Mer": 1, "Industries créatives": 2, "Aménagement urbain": 3}
FIRST_NAMES = ("Camille", "Lucas", "Inès", "Hugo", "Manon", "Yanis", "Léa", "Nathan", "Chloé", "Rayan", "Sarah",
               "Théo", "Jade", "Adam", "Lina", "Louis", "Emma", "Karim", "Zoé", "Malik", "Clara", "Noah", "Amel")
LAST_NAMES = ("Martin", "Bernard", "Haddad", "Roux", "Fontaine", "Mercier", "Benali", "Garcia", "Lopez", "Girard",
              "Morel", "Nguyen", "Aubert", "Rossi", "Caron", "Diallo", "Faure", "Blanc", "Leroy", "Marchetti")
# (room, local start, minutes) of each open day's meetings, shifted by a day's index so the week varies.
MEETINGS = (("Calanques", time(10), 60), ("Canebière", time(14), 90), ("Vieux-Port", time(9, 30), 60),
            ("Joliette", time(15), 120), ("Goudes", time(11), 60), ("Belle de Mai", time(16), 60),
            ("Sormiou", time(9), 60), ("Pharo", time(13), 30), ("Prado", time(10, 30), 90),
            ("Longchamp", time(17), 60), ("Frioul", time(11, 30), 45), ("Castellane", time(14, 30), 60),
            ("Estaque", time(9, 30), 60), ("Panier", time(16), 90), ("Morgiou", time(10), 60),
            ("Sugiton", time(15, 30), 60), ("Borély", time(11), 60), ("Endoume", time(14), 60),
            ("Vallon des Auffes", time(9), 30), ("Major", time(16, 30), 45))
# Made-up residents of each enrolled start-up that has no member: enough for the desks to look lived in.
RESIDENTS_PER_STARTUP = 2
BOOTHS = tuple(f"Cabine {n}" for n in range(1, 9))
# Requests asked since this week's matching ran: (start-up, topic, expertise, to Yves Roux, hours ago).
ASKED_SINCE = (
    ("Halieutix", "Exporter vers l'Union européenne", ("go-to-market",), False, 20),
    ("Cinétik", "Fixer nos prix pour les rédactions", ("go-to-market",), False, 8),
    ("Smart Souk", "Préparer notre première levée", ("levée de fonds",), False, 5),
    ("Tidal Loop", "Tester nos capteurs en mer", ("énergies marines",), True, 2),
)


def load_history(db: Session, *, venue: Venue, manager: User, now: datetime) -> None:
    """The past weeks' bookings and a matching run; once (bookings that old mark it loaded)."""
    if db.scalar(select(Booking.id).where(Booking.starts_at < now - timedelta(days=WEEKS * 7 - 7)).limit(1)):
        return
    days = _open_days(db, venue, now)
    residents = _residents(db, now)
    spaces = {name: space_id for name, space_id in db.execute(
        select(Space.name, Space.id).join(Floor, Floor.id == Space.floor_id).where(Floor.venue_id == venue.id))}
    desks = _desks(db, venue, residents)
    taken = _taken(db, venue, days)
    rows: list[dict[str, Any]] = []
    for index, day in enumerate(days):
        rows += _desk_days(venue, day, index, residents, desks)
        rows += _meetings(venue, day, index, residents, spaces, taken)
    _rights_since(db, manager, days[0] if days else local_time(now, venue).date(), now)
    rows = _on_quotas(db, venue, rows)
    if rows:
        db.execute(insert(Booking), rows)
    _weekly_matching(db, manager, venue, now)
    db.flush()


def _rights_since(db: Session, manager: User, first_day: date, now: datetime) -> None:
    """The enrolled start-ups the history shows at work held their program's rights then: each one's cohort grant
    begins with its cohort (never before the history), as if it had been enrolled at the start."""
    for row, cohort in db.execute(select(Enrolment, Cohort).join(Cohort, Cohort.id == Enrolment.cohort_id)
                                  .where(Enrolment.status == EnrolmentStatus.ACTIVE)).tuples():
        grant = access.find_grant(db, organisation_id=row.organisation_id, source_key=enrolment.source_key(cohort))
        first = max(cohort.starts_on, first_day)
        if grant is not None and first < grant.starts_on:
            access.grant_access(db, actor=manager, organisation_id=grant.organisation_id, venue_id=grant.venue_id,
                                starts_on=first, ends_on=grant.ends_on, now=now, space_kinds=grant.space_kinds,
                                monthly_credits=grant.monthly_credits, source_key=grant.source_key,
                                label=grant.label, operator_id=grant.operator_id)


def _on_quotas(db: Session, venue: Venue, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each booking counts against the operator whose program's grant its start-up held that day, as a booking made
    then would have; one its operator's monthly quota of that kind of space could no longer take is left out, as the
    booking rules would have refused it. The earliest in each month come first."""
    grants: dict[int, list[tuple[int, date, date]]] = {}
    for organisation_id, operator_id, starts_on, ends_on in db.execute(
            select(AccessGrant.organisation_id, AccessGrant.operator_id, AccessGrant.starts_on, AccessGrant.ends_on)
            .where(AccessGrant.operator_id.is_not(None))).tuples():
        grants.setdefault(organisation_id, []).append((operator_id, starts_on, ends_on))
    kinds = dict(db.execute(select(Space.id, Space.kind)).tuples().all())
    quotas = {(quota.operator_id, quota.space_kind): quota.monthly_hours for quota in db.scalars(select(OperatorQuota))}
    used: dict[tuple[int, str, date], float] = {}
    kept = []
    for row in sorted(rows, key=lambda row: row["starts_at"]):
        day = local_time(row["starts_at"], venue).date()
        row["operator_id"] = next((operator_id for operator_id, first, last in grants.get(row["organisation_id"], ())
                                   if first <= day <= last), None)
        if row["operator_id"] is not None and row["status"] in ACTIVE_STATUSES:
            key = (row["operator_id"], kinds[row["space_id"]], day.replace(day=1))
            hours = (row["ends_at"] - row["starts_at"]) / timedelta(hours=1)
            quota = quotas.get(key[:2])
            if quota is not None and used.get(key, 0.0) + hours > quota:
                continue
            used[key] = used.get(key, 0.0) + hours
        kept.append(row)
    return kept


def _weekly_matching(db: Session, manager: User, venue: Venue, now: datetime) -> None:
    """This week's run over the demo's open requests, then the requests asked since, waiting for the next run."""
    matching.run_weekly(db, actor=manager, now=now, venue_id=venue.id, time_limit=2)
    # The run proposed sessions to made-up mentors too: made-up people get no e-mail.
    db.execute(delete(OutboxMessage).where(OutboxMessage.created_at == now,
                                           OutboxMessage.to_address.like("%.example")))
    tags = {tag.name: tag for tag in db.scalars(select(ExpertiseTag))}
    startups = dict(db.execute(select(Organisation.name, Organisation.id)).tuples().all())
    tracks = dict(db.execute(select(Enrolment.organisation_id, Enrolment.track_id)).tuples().all())
    yves = identity.get_user_by_email(db, "yves.roux@mentors-sud.fr")
    for startup, topic, wanted, with_yves, hours_ago in ASKED_SINCE:
        if startup not in startups or (with_yves and yves is None):
            continue
        asked = now - timedelta(hours=hours_ago)
        db.add(SessionRequest(
            organisation_id=startups[startup], requested_by=None, topic=topic, details="",
            track_id=tracks.get(startups[startup]), urgency=Urgency.NORMAL, mode=MentorMode.EITHER,
            duration_minutes=60, status=RequestStatus.OPEN, proposed_times=[], created_at=asked, updated_at=asked,
            preferred_mentor_id=yves.id if with_yves and yves else None,
            expertise=[tags[name] for name in wanted if name in tags], declines=[]))


def _open_days(db: Session, venue: Venue, now: datetime) -> list[date]:
    today = local_time(now, venue).date()
    hours = set(db.scalars(select(OpeningHours.weekday).where(OpeningHours.venue_id == venue.id)))
    closed = set(db.scalars(select(ClosureDay.day).where(ClosureDay.venue_id == venue.id)))
    first = today - timedelta(weeks=WEEKS)
    return [day for day in (first + timedelta(days=n) for n in range((today - first).days))
            if day.weekday() in hours and day not in closed
            and not (venue.observes_public_holidays and public_holiday(day))]


def _residents(db: Session, now: datetime) -> list[tuple[User, int, int]]:
    """(person, start-up, floor level) for each enrolled start-up: its members, or one made-up resident."""
    enrolled = list(db.execute(
        select(Organisation.id, Organisation.name, Track.name).join(Enrolment, Enrolment.organisation_id ==
                                                                      Organisation.id)
        .join(Track, Track.id == Enrolment.track_id, isouter=True)
        .where(Enrolment.status == EnrolmentStatus.ACTIVE).order_by(Organisation.id)).tuples())
    members = {organisation_id: user for organisation_id, user in db.execute(
        select(Membership.organisation_id, User).join(User, User.id == Membership.user_id)
        .where(User.is_active).order_by(User.id)).tuples()}
    residents = []
    for index, (organisation_id, name, track) in enumerate(enrolled):
        level = FLOOR_OF_TRACK.get(track or "", 1)
        if organisation_id in members:
            residents.append((members[organisation_id], organisation_id, level))
            continue
        slug = "".join(c for c in name.lower() if c.isalnum()) or f"startup{organisation_id}"
        for n in range(RESIDENTS_PER_STARTUP):
            number = index * RESIDENTS_PER_STARTUP + n
            first, last = FIRST_NAMES[number % len(FIRST_NAMES)], LAST_NAMES[(number * 3) % len(LAST_NAMES)]
            email = f"{first.lower()}.{last.lower()}@{slug}.example"
            person = identity.get_user_by_email(db, email) or identity.create_user(
                db, actor=None, email=email, name=f"{first} {last}", roles=["member"], now=now)
            identity.add_membership(db, actor=None, user=person, organisation=db.get(Organisation, organisation_id),
                                    now=now)
            residents.append((person, organisation_id, level))
    return residents


def _desks(db: Session, venue: Venue, residents: list[tuple[User, int, int]]) -> list[int]:
    """A hot desk of their floor for each resident, each their own; the floor's first free ones."""
    by_level: dict[int, list[int]] = {}
    for level, space_id in db.execute(
            select(Floor.level, Space.id).join(Floor, Floor.id == Space.floor_id)
            .where(Floor.venue_id == venue.id, Space.kind == SpaceKind.HOT_DESK, Space.is_active)
            .order_by(Floor.level, Space.name)):
        by_level.setdefault(level, []).append(space_id)
    every = [space_id for level in sorted(by_level) for space_id in by_level[level]]
    chosen: list[int] = []
    for _person, _startup, level in residents:
        free = [space_id for space_id in by_level.get(level, every) if space_id not in chosen]
        chosen.append((free or [space_id for space_id in every if space_id not in chosen])[0])
    return chosen


def _taken(db: Session, venue: Venue, days: list[date]) -> dict[int, list[tuple[datetime, datetime]]]:
    """What the demo already holds in those days (the mentors' past sessions' rooms): meetings go around it."""
    if not days:
        return {}
    taken: dict[int, list[tuple[datetime, datetime]]] = {}
    for space_id, starts_at, ends_at in db.execute(
            select(Booking.space_id, Booking.starts_at, Booking.ends_at)
            .where(Booking.starts_at >= local_moment(days[0], time(), venue),
                   Booking.starts_at < local_moment(days[-1] + timedelta(days=1), time(), venue))):
        taken.setdefault(space_id, []).append((starts_at, ends_at))
    return taken


def _booking(venue: Venue, space_id: int, person: User, startup: int, day: date, starts: time, minutes: int,
             title: str, no_show: bool) -> dict[str, Any]:
    starts_at = local_moment(day, starts, venue)
    return {
        "space_id": space_id, "user_id": person.id, "organisation_id": startup, "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes), "title": title,
        "status": BookingStatus.RELEASED if no_show else BookingStatus.CHECKED_IN,
        "checked_in_at": None if no_show else starts_at + timedelta(minutes=4),
        "created_at": starts_at - timedelta(days=2), "created_by": person.id, "hosted": False,
        "cancelled_at": None, "series_id": None,
    }


def _desk_days(venue: Venue, day: date, index: int, residents: list[tuple[User, int, int]],
               desks: list[int]) -> list[dict[str, Any]]:
    """Most residents come most days (fewer on Fridays); about one booking in eight is a no-show."""
    rows = []
    for number, (person, startup, _level) in enumerate(residents):
        if (number * 7 + index * 3) % 10 >= (5 if day.weekday() == 4 else 8):
            continue
        starts = time(8 + (number + index) % 3, 30 * ((number + index) % 2))
        rows.append(_booking(venue, desks[number], person, startup, day, starts, 60 * (7 + (number + index) % 3),
                             "", no_show=(number + index) % 8 == 0))
    return rows


def _meetings(venue: Venue, day: date, index: int, residents: list[tuple[User, int, int]], spaces: dict[str, int],
              taken: dict[int, list[tuple[datetime, datetime]]]) -> list[dict[str, Any]]:
    """Rooms busiest mid-week, a few calls in the booths; around what the day already holds."""
    rows = []
    count = len(MEETINGS) - abs(day.weekday() - 2) * 4
    for number in range(count):
        room, starts, minutes = MEETINGS[(number + index) % len(MEETINGS)]
        person, startup, _level = residents[(number * 5 + index) % len(residents)]
        rows.append(_booking(venue, spaces[room], person, startup, day, starts, minutes, "Réunion d'équipe",
                             no_show=(number + index) % 9 == 0))
    for number in range(3):
        person, startup, _level = residents[(number * 11 + index * 2) % len(residents)]
        rows.append(_booking(venue, spaces[BOOTHS[(number + index) % len(BOOTHS)]], person, startup, day,
                             time(10 + 2 * number, 15), 30, "Appel", no_show=False))
    return [row for row in rows if not any(start < row["ends_at"] and row["starts_at"] < end
                                           for start, end in taken.get(row["space_id"], ()))]
