"""What the mentoring pages show and read: labels, times on the venue's clock in the reader's language, names,
typed form fields, and who sees which entry of the navigation. Read-only queries only."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from babel import Locale
from babel.dates import format_datetime
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from starlette.datastructures import FormData
from starlette.requests import Request

from cohorts.mentoring import availability, mentors, session_requests
from cohorts.mentoring.enums import (
    PENDING_REQUESTS,
    MentorMode,
    NoShow,
    RequestStatus,
    SessionMode,
    SessionStatus,
    Side,
    Urgency,
)
from cohorts.mentoring.models import MentorProfile, MentorSession, SessionFeedback, SessionRequest
from cohorts.programs.models import Cohort, Program, Track
from spaces.booking.models import Booking
from spaces.venues.models import Space, Venue
from spaces.venues.rules import local_moment, local_time
from totem.errors import Invalid
from totem.i18n import N_, translate
from totem.identity.enums import Role
from totem.identity.models import Organisation, User
from totem.permissions import is_staff, rule

REQUEST_LABELS = {
    RequestStatus.OPEN: N_("Waiting for a mentor"),
    RequestStatus.PROPOSED: N_("Times proposed"),
    RequestStatus.SCHEDULED: N_("Scheduled"),
    RequestStatus.DECLINED: N_("Declined"),
    RequestStatus.CANCELLED: N_("Withdrawn by the start-up"),
}
SESSION_LABELS = {
    SessionStatus.PROPOSED: N_("To confirm"),
    SessionStatus.CONFIRMED: N_("Confirmed"),
    SessionStatus.AWAITING_ATTENDANCE: N_("Attendance to record"),
    SessionStatus.COMPLETED: N_("Held"),
    SessionStatus.CANCELLED: N_("Cancelled"),
    SessionStatus.NO_SHOW: N_("No-show"),
}
# Badge colours of the shared style sheet, by state.
REQUEST_BADGES = {RequestStatus.OPEN: "warn", RequestStatus.PROPOSED: "warn", RequestStatus.SCHEDULED: "ok",
                  RequestStatus.DECLINED: "muted", RequestStatus.CANCELLED: "muted"}
SESSION_BADGES = {SessionStatus.PROPOSED: "warn", SessionStatus.CONFIRMED: "ok",
                  SessionStatus.AWAITING_ATTENDANCE: "warn", SessionStatus.COMPLETED: "ok",
                  SessionStatus.CANCELLED: "muted", SessionStatus.NO_SHOW: "error"}
URGENCY_LABELS = {Urgency.LOW: N_("Whenever suits"), Urgency.NORMAL: N_("Within two weeks"),
                  Urgency.HIGH: N_("Urgent")}
MODE_LABELS = {MentorMode.IN_PERSON: N_("In person"), MentorMode.ONLINE: N_("Online"),
               MentorMode.EITHER: N_("In person or online")}
SESSION_MODE_LABELS = {SessionMode.IN_PERSON: N_("In person"), SessionMode.ONLINE: N_("Online")}
NO_SHOW_LABELS = {NoShow.STARTUP: N_("The start-up did not come."), NoShow.MENTOR: N_("The mentor did not come."),
                  NoShow.BOTH: N_("Neither side came.")}
SIDE_LABELS = {Side.STARTUP: N_("Start-up"), Side.MENTOR: N_("Mentor")}
DURATIONS = (30, 45, 60, 90, 120)
LANGUAGES = ("fr", "en", "es", "it", "de", "ar", "pt")
WHEN_FORMAT = "EEE d MMM, HH:mm"
AHEAD = timedelta(days=14)
SLOTS_SHOWN = 6


@rule("mentoring.ask")
def _may_ask(user: User, _obj: Any) -> bool:
    """Members ask mentors for sessions and browse the directory (staff reach it from their own page)."""
    return user.has_role(Role.MEMBER) and not is_staff(user)


@rule("mentoring.mentor_home")
def _mentor_home(user: User, _obj: Any) -> bool:
    return user.has_role(Role.MENTOR)


# -- shown ----------------------------------------------------------------------------------------


def when(moment: datetime, venue: Venue, locale: str) -> str:
    """"mar. 1 déc., 14:00" on the venue's clock."""
    return format_datetime(local_time(moment, venue), WHEN_FORMAT, locale=locale)


def language_names(codes: Iterable[str], locale: str) -> list[str]:
    names = Locale.parse(locale).languages
    return [names.get(code, code) for code in codes]


def language_options(locale: str) -> list[tuple[str, str]]:
    return list(zip(LANGUAGES, language_names(LANGUAGES, locale)))


def venues_by_id(db: Session, ids: Iterable[int]) -> dict[int, Venue]:
    wanted = set(ids)
    return {venue.id: venue for venue in db.scalars(select(Venue).where(Venue.id.in_(wanted)))} if wanted else {}


def first_venue(db: Session) -> Venue | None:
    return db.scalar(select(Venue).order_by(Venue.id).limit(1))


def organisation_names(db: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.execute(select(Organisation.id, Organisation.name)
                           .where(Organisation.id.in_(wanted))).tuples().all())


def user_names(db: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.execute(select(User.id, User.name).where(User.id.in_(wanted))).tuples().all())


def track_names(db: Session) -> dict[int, str]:
    return dict(db.execute(select(Track.id, Track.name)).tuples().all())


def mentor_venues(db: Session, mentor_ids: Iterable[int | None]) -> dict[int, Venue]:
    """Each mentor's venue, whose clock their times are shown on."""
    wanted = {i for i in mentor_ids if i is not None}
    if not wanted:
        return {}
    return {mentor_id: venue for mentor_id, venue in db.execute(
        select(MentorProfile.user_id, Venue).join(Venue, Venue.id == MentorProfile.venue_id)
        .where(MentorProfile.user_id.in_(wanted))).tuples()}


def tracks_with_programs(db: Session) -> list[tuple[int, str]]:
    """Every track as "Mer · Accélérateur Métropole", by program."""
    return [(track_id, f"{name} · {program}") for track_id, name, program in db.execute(
        select(Track.id, Track.name, Program.name).join(Program, Program.id == Track.program_id)
        .order_by(Program.name, Track.name)).tuples()]


def cohort_names(db: Session) -> dict[int, str]:
    return dict(db.execute(select(Cohort.id, Cohort.name)).tuples().all())


def room_names(db: Session, booking_ids: Iterable[int | None]) -> dict[int, str]:
    """The meeting room of each session's booking."""
    wanted = {i for i in booking_ids if i is not None}
    if not wanted:
        return {}
    return dict(db.execute(select(Booking.id, Space.name).join(Space, Space.id == Booking.space_id)
                           .where(Booking.id.in_(wanted))).tuples().all())


def sessions_awaiting_feedback(db: Session, *, mentor_id: int, since: datetime, now: datetime) -> list[MentorSession]:
    """The mentor's sessions held since `since` on which they have not given feedback yet."""
    given = select(SessionFeedback.session_id).where(SessionFeedback.side == Side.MENTOR)
    return list(db.scalars(select(MentorSession).options(
        selectinload(MentorSession.mentor).selectinload(MentorProfile.user)).where(
        MentorSession.mentor_id == mentor_id, MentorSession.status == SessionStatus.COMPLETED,
        MentorSession.starts_at >= since, MentorSession.ends_at <= now, MentorSession.id.not_in(given))
        .order_by(MentorSession.starts_at.desc())))


@dataclass(frozen=True)
class SessionRow:
    """A session as a list shows it."""

    session: MentorSession
    when: str
    where: str  # the room, or "Online"
    mentor: str
    startup: str
    status: str
    badge: str


def session_rows(db: Session, found: list[MentorSession], locale: str) -> list[SessionRow]:
    """The sessions (their mentor and mentor's user loaded) with their time, place and names."""
    venues = venues_by_id(db, (s.mentor.venue_id for s in found))
    startups = organisation_names(db, (s.organisation_id for s in found))
    rooms = room_names(db, (s.booking_id for s in found))
    return [SessionRow(
        session, when(session.starts_at, venues[session.mentor.venue_id], locale),
        rooms.get(session.booking_id or 0, "") if session.mode == SessionMode.IN_PERSON
        else translate(locale, SESSION_MODE_LABELS[SessionMode.ONLINE]),
        session.mentor.user.name, startups.get(session.organisation_id, ""),
        translate(locale, SESSION_LABELS[SessionStatus(session.status)]), SESSION_BADGES[SessionStatus(session.status)],
    ) for session in found]


# -- read from forms ------------------------------------------------------------------------------


def optional_id(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid("Choose from the list.", field=field)
    return int(value)


def moment(value: str, field: str) -> datetime:
    """An ISO 8601 time with its offset, as the pages' buttons post it."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("Choose one of the times shown.", field=field) from None
    if parsed.tzinfo is None:
        raise Invalid("Choose one of the times shown.", field=field)
    return parsed


def local_moments(form: FormData, names: Iterable[str], venue: Venue) -> list[datetime]:
    """The filled `datetime-local` inputs, read on the venue's clock."""
    found = []
    for name in names:
        value = str(form.get(name, "")).strip()
        if not value:
            continue
        try:
            naive = datetime.fromisoformat(value)
        except ValueError:
            raise Invalid("Enter a day and a time.", field="times") from None
        found.append(local_moment(naive.date(), time(naive.hour, naive.minute), venue))
    return found


def checked(form: FormData, name: str) -> bool:
    return str(form.get(name, "")) in ("1", "on", "yes", "true")


def this_month(now: datetime, venue: Venue) -> date:
    return local_time(now, venue).date().replace(day=1)


# -- requests as the pages show them ---------------------------------------------------------------


def request_rows(db: Session, found: list[SessionRequest], locale: str) -> list[dict[str, Any]]:
    venues = mentor_venues(db, [r.proposed_by or r.preferred_mentor_id for r in found])
    fallback = first_venue(db)
    names = user_names(db, [r.preferred_mentor_id for r in found])
    startups = organisation_names(db, [r.organisation_id for r in found])
    rows = []
    for item in found:
        venue = venues.get(item.proposed_by or item.preferred_mentor_id or 0, fallback)
        times = [datetime.fromisoformat(value) for value in item.proposed_times] \
            if item.status == RequestStatus.PROPOSED and item.proposed_by else []
        rows.append({
            "request": item, "startup": startups.get(item.organisation_id, ""),
            "mentor": names.get(item.preferred_mentor_id or 0) or translate(locale, N_("Anyone who fits")),
            "status": translate(locale, REQUEST_LABELS[RequestStatus(item.status)]),
            "badge": REQUEST_BADGES[RequestStatus(item.status)],
            "asked": when(item.created_at, venue, locale) if venue else "",
            "times": [(moment.isoformat(), when(moment, venue, locale)) for moment in times] if venue else [],
            "may_withdraw": item.status in PENDING_REQUESTS,
            "declines": [decline.reason for decline in item.declines],
        })
    return rows


def open_request_rows(db: Session, profile: MentorProfile, locale: str, now: datetime) -> list[dict[str, Any]]:
    """The requests open to the mentor, each with their next free slots of its length and the ways to meet."""
    found = session_requests.requests_open_to(db, mentor_id=profile.user_id)
    startups = organisation_names(db, [r.organisation_id for r in found])
    slots: dict[int, list[tuple[str, str]]] = {}
    rows = []
    for item in found:
        if item.duration_minutes not in slots:
            slots[item.duration_minutes] = [
                (slot.starts_at.isoformat(), when(slot.starts_at, profile.venue, locale))
                for slot in availability.free_slots(db, mentor_id=profile.user_id, now=now, until=now + AHEAD,
                                                    duration_minutes=item.duration_minutes)[:SLOTS_SHOWN]]
        modes = [(mode.value, translate(locale, SESSION_MODE_LABELS[mode])) for mode in SessionMode
                 if mentors.meets_the_way(profile.mode, mode) and mentors.meets_the_way(item.mode, mode)]
        rows.append({
            "request": item, "startup": startups.get(item.organisation_id, ""), "slots": slots[item.duration_minutes],
            "modes": modes, "named_me": item.preferred_mentor_id == profile.user_id,
            "urgency": translate(locale, URGENCY_LABELS[item.urgency]),
            "mode": translate(locale, MODE_LABELS[MentorMode(item.mode)]),
            "language": language_names([item.language], locale)[0] if item.language else "",
            "asked": when(item.created_at, profile.venue, locale),
            "proposed_by_me": item.status == RequestStatus.PROPOSED and item.proposed_by == profile.user_id,
        })
    return rows


def locale_of(request: Request) -> str:
    """The viewer's language."""
    return request.state.viewer.locale


def options(request: Request, labels: dict[Any, str]) -> list[tuple[str, str]]:
    """(value, label) pairs of a select, the labels in the viewer's language."""
    return [(str(value), translate(locale_of(request), label)) for value, label in labels.items()]
