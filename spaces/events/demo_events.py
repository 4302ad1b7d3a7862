"""The demo's programme: accélérateur M's morning next week in the Agora, full with a waiting list, and a few more
public events (a workshop, Blue Harbour Lab's meetup, a demo day) and a members-only breakfast; and two events of
the last weeks, with who came and what they thought, so that the attendance pages and the operators' report have
something true to show.

Loaded by `spaces.demo` once the venue exists (a part's `demo` module would run before it). The events go
through `service.create_event`, so their spaces are booked like any; their registrations are written directly,
as `registrations.register` would e-mail made-up people.
"""
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.events import service
from spaces.events.enums import Audience, EventKind, RegistrationStatus
from spaces.events.models import Event, EventFeedback, Registration
from spaces.events.registrations import new_code
from spaces.operators import queries as operator_queries
from spaces.operators.models import DEFAULT_OPERATOR_NAME
from spaces.venues.models import ClosureDay, Space, Venue
from spaces.venues.rules import is_open_for, local_moment, local_time
from totem.identity import service as identity
from totem.identity.models import User
from totem.permissions import can

ADMIN_EMAIL = "admin@cite-innovation.fr"
MANAGERS = {DEFAULT_OPERATOR_NAME: "lea.martin@cite-innovation.fr", "Armement Phocéen": "marc.ferrand@armement-phoceen.fr"}


@dataclass(frozen=True)
class DemoEvent:
    operator: str
    days_ahead: int  # from the venue's today, moved to the next open day; below 0, an event already held
    space: str
    starts: time
    ends: time
    kind: str
    title: str
    description_fr: str
    description_en: str
    capacity: int
    registered: int  # made-up people registered; past the capacity they wait
    tags: tuple[str, ...] = ()
    audience: str = Audience.PUBLIC


EVENTS = (
    DemoEvent(DEFAULT_OPERATOR_NAME, 7, "Agora", time(9), time(11, 30), EventKind.MEETUP,
              "Matinale de l'économie bleue",
              "Trois start-ups de la filière Mer présentent leurs pilotes portuaires, suivies d'un café networking "
              "avec le Grand Port Maritime.\n\nEntrée libre sur inscription.",
              "Three start-ups of the Sea track present their harbour pilots, followed by networking coffee with "
              "the Port of Marseille.\n\nFree entry, registration required.",
              40, 46, ("Mer",)),
    DemoEvent(DEFAULT_OPERATOR_NAME, 9, "Vieux-Port", time(14), time(16), EventKind.WORKSHOP,
              "Atelier : lever ses premiers fonds",
              "Un atelier pratique sur la préparation d'un tour de table seed : deck, valorisation, term sheet.",
              "A hands-on workshop on preparing a seed round: deck, valuation, term sheet.",
              12, 5, ("Industries créatives", "Aménagement urbain")),
    DemoEvent("Armement Phocéen", 12, "Agora", time(17), time(19, 30), EventKind.COMMUNITY_EVENT,
              "Blue Harbour Night",
              "Le programme d'Armement Phocéen ouvre ses portes : démonstrations et rencontres autour du shipping.",
              "Armement Phocéen's programme opens its doors: demos and meetings around shipping.",
              150, 23, ("Mer",)),
    DemoEvent(DEFAULT_OPERATOR_NAME, 21, "Agora", time(14), time(18), EventKind.DEMO_DAY,
              "Demo day — promotion 2026",
              "Les start-ups de la promotion présentent leurs avancées aux investisseurs et partenaires.",
              "The cohort's start-ups present their progress to investors and partners.",
              180, 64, ("Mer", "Industries créatives", "Aménagement urbain")),
    DemoEvent(DEFAULT_OPERATOR_NAME, 8, "Canebière", time(8, 30), time(9, 30), EventKind.COMMUNITY_EVENT,
              "Petit-déjeuner des résidents",
              "Un moment entre résidents de la Cité pour se présenter et s'entraider.",
              "A moment among the Cité's residents to introduce themselves and help one another.",
              16, 6, (), Audience.MEMBERS),
)
PAST_EVENTS = (
    DemoEvent(DEFAULT_OPERATOR_NAME, -12, "Agora", time(18), time(20), EventKind.MEETUP,
              "Afterwork des fondateurs",
              "Les fondateurs des trois parcours se retrouvent autour d'un verre et de trois pitchs de cinq minutes.",
              "The founders of the three tracks meet for a drink and three five-minute pitches.",
              60, 48, ("Mer", "Industries créatives")),
    DemoEvent("Armement Phocéen", -5, "Agora", time(8, 30), time(10), EventKind.CONFERENCE,
              "Décarboner le transport maritime",
              "Une conférence d'Armement Phocéen sur les carburants alternatifs et les ports à quai électrifiés.",
              "Armement Phocéen's talk on alternative fuels and shore power in ports.",
              40, 31, ("Mer",)),
)
COMMENTS = ("Très bons échanges, à refaire.", "Great pitches, the room was a bit small.", "",
            "Merci pour l'organisation !", "")
FIRST_NAMES = ("Camille", "Léo", "Manon", "Hugo", "Inès", "Lucas", "Chloé", "Nathan", "Sarah", "Yanis", "Emma",
               "Louis", "Jade", "Adam", "Lina", "Noah")
LAST_NAMES = ("Martin", "Bernard", "Rossi", "Garcia", "Faure", "Mercier", "Blanc", "Guerin", "Muller", "Roux", "Fabre")
ORGANISATIONS = ("Grand Port Maritime", "Région Sud", "Cap Mer Invest", "Aix-Marseille Université", "CMA CGM Lab",
                 "", "Ville de Marseille", "Kedge")


def load_demo(db: Session, *, venue: Venue, spaces: dict[str, Space], now: datetime) -> None:
    """The programme on the venue's calendar from `now` (called by `spaces.demo`), once."""
    if db.scalar(select(Event.id).where(Event.venue_id == venue.id).limit(1)) is not None:
        return
    admin = identity.get_user_by_email(db, ADMIN_EMAIL)
    if admin is None:  # the core's demo accounts were not loaded
        return
    today = local_time(now, venue).date()
    people = 0
    for entry in PAST_EVENTS + EVENTS:
        operator = operator_queries.get_operator_by_name(db, entry.operator)
        if operator is None or entry.space not in spaces:
            continue
        actor = identity.get_user_by_email(db, MANAGERS.get(entry.operator, ADMIN_EMAIL)) or admin
        if not can(actor, "events.manage", operator):
            actor = admin
        day = _open_day_from(db, venue, today + timedelta(days=entry.days_ahead))
        # An event already held was created, and registered for, a fortnight before it, through the same rules.
        created = local_moment(day - timedelta(days=14), time(9), venue) if day < today else now
        event = service.create_event(db, actor=actor, now=created, data=service.EventData(
            title=entry.title, kind=entry.kind, audience=entry.audience, space_id=spaces[entry.space].id,
            starts_at=local_moment(day, entry.starts, venue), ends_at=local_moment(day, entry.ends, venue),
            capacity=entry.capacity, description_fr=entry.description_fr, description_en=entry.description_en,
            tags=entry.tags, operator_id=operator.id))
        for n in range(entry.registered):
            _register(db, event, people + n, created - timedelta(hours=entry.registered - n))
        people += entry.registered
        if day < today:
            db.flush()
            _held(db, event, actor)
    db.flush()


def _held(db: Session, event: Event, staff: User) -> None:
    """The space was used; three in four of the seated came (checked in at the door as they arrived), and some of
    them gave feedback."""
    booking = db.get(Booking, event.booking_id) if event.booking_id is not None else None
    if booking is not None:
        booking.status, booking.checked_in_at = BookingStatus.CHECKED_IN, event.starts_at
    seated = db.scalars(select(Registration).where(Registration.event_id == event.id,
                                                    Registration.status == RegistrationStatus.REGISTERED)
                        .order_by(Registration.id)).all()
    for n, registration in enumerate(seated):
        registration.feedback_sent_at = registration.reminder_sent_at = event.ends_at + timedelta(hours=12)
        if n % 4 == 3:
            continue  # a no-show
        registration.checked_in_at = event.starts_at + timedelta(minutes=n % 25 - 5)
        registration.checked_in_by = staff.id
        if n % 3 == 0:
            db.add(EventFeedback(registration_id=registration.id, rating=5 - n % 7 // 3, comment=COMMENTS[n % 5],
                                 created_at=event.ends_at + timedelta(hours=14 + n % 10)))


def _register(db: Session, event: Event, n: int, at: datetime) -> None:
    first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]
    seated = event.seats_taken < event.capacity
    email = f"{first}.{last}.{n}@demo.example".lower().replace("é", "e").replace("è", "e").replace("ï", "i")
    db.add(Registration(
        event_id=event.id, name=f"{first} {last}", email=email, email_key=email,
        organisation=ORGANISATIONS[n % len(ORGANISATIONS)], consent_at=at, locale="fr" if n % 4 else "en",
        status=RegistrationStatus.REGISTERED if seated else RegistrationStatus.WAITLISTED, queued_at=at,
        code=new_code(), page_token=secrets.token_urlsafe(32), created_at=at,
    ))
    if seated:
        event.seats_taken += 1


def _open_day_from(db: Session, venue: Venue, day: date) -> date:
    """`day`, or the first day after it that the venue opens (no weekend, closure or public holiday)."""
    hours = {h.weekday: h for h in venue.opening_hours}
    closures = {c.day for c in db.scalars(select(ClosureDay).where(ClosureDay.venue_id == venue.id))}
    for offset in range(21):
        candidate = day + timedelta(days=offset)
        opening = hours.get(candidate.weekday())
        if opening is None or candidate in closures:
            continue
        if is_open_for(venue, local_moment(candidate, opening.opens_at, venue),
                       local_moment(candidate, opening.closes_at, venue), opening, None):
            return candidate
    return day
