"""The demo's mentors: expertise tags mapped to the metropolitan accelerator's tracks, fifteen mentors (the two
demo mentor accounts among them) with office hours, three months of past sessions with feedback from both
sides, upcoming sessions of the demo members' start-ups with their rooms, and requests waiting for a mentor.

Derived from `now` and fixed tables, never from randomness. Profiles, tags,
office hours and upcoming sessions go through the services; past sessions are
written directly, since the services refuse times gone by. Requests for
"anyone who fits" are written directly too: made-up mentors get no e-mail.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.demo import speed_meeting as speed_meeting_demo
from cohorts.mentoring import availability, mentors, reliability, session_requests, sessions
from cohorts.mentoring.enums import MentorMode, NoShow, RequestStatus, SessionMode, SessionStatus, Side, Urgency
from cohorts.mentoring.models import ExpertiseTag, MentorSession, SessionFeedback, SessionRequest
from cohorts.programs.enums import EnrolmentStatus
from cohorts.programs.models import Enrolment, Program, Track
from spaces.venues.models import Venue
from spaces.venues.rules import local_moment, local_time
from totem.errors import DomainError
from totem.identity import service as identity
from totem.identity.models import Organisation, User

MER, CREATIVE, URBAN = "Mer", "Industries créatives", "Aménagement urbain"
ALL = (MER, CREATIVE, URBAN)
TAGS = {
    "économie maritime": (MER,), "énergies marines": (MER,), "logistique portuaire": (MER,),
    "biodiversité marine": (MER,), "nautisme": (MER,),
    "design produit": (CREATIVE,), "jeu vidéo": (CREATIVE,), "audiovisuel": (CREATIVE,), "musique": (CREATIVE,),
    "propriété intellectuelle": (CREATIVE,),
    "urbanisme": (URBAN,), "mobilité": (URBAN,), "bâtiment durable": (URBAN,), "smart city": (URBAN,),
    # Across the tracks.
    "levée de fonds": ALL, "go-to-market": ALL, "droit des start-up": ALL, "finance": ALL, "recrutement": ALL,
    "marketing digital": ALL, "international": ALL,
}
YVES, CLAIRE = "yves.roux@mentors-sud.fr", "claire.dubois@mentors-sud.fr"
NADIA, HUGO, SAM = "nadia@oceanwatt.fr", "hugo@kelpstudio.fr", "sam@urbaflux.io"


@dataclass(frozen=True)
class DemoMentor:
    email: str
    name: str
    company: str
    bio: str
    languages: tuple[str, ...]
    capacity: int
    mode: str
    tags: tuple[str, ...]
    weekdays: tuple[int, ...]  # office hours, 0 is Monday
    hours: tuple[int, int]  # from, until (local)


E, P, O = MentorMode.EITHER, MentorMode.IN_PERSON, MentorMode.ONLINE
MENTORS = (
    DemoMentor(YVES, "Yves Roux", "Armateur, ancien directeur des lignes Méditerranée",
               "Trente ans dans le transport maritime, du quai à la direction commerciale. J'aide les start-up de la "
               "mer à parler aux ports et aux armateurs, et à préparer leur première levée.",
               ("fr", "en"), 10, E, ("économie maritime", "logistique portuaire", "levée de fonds"), (1, 3), (14, 17)),
    DemoMentor(CLAIRE, "Claire Dubois", "Studio Dubois Design",
               "Designer industrielle, fondatrice d'un studio de quinze personnes. Du prototype à la série, de la "
               "protection des dessins à la première commande d'un distributeur.",
               ("fr", "en", "es"), 8, E, ("design produit", "propriété intellectuelle", "go-to-market"), (0, 2),
               (9, 12)),
    DemoMentor("sofia.marchetti@mentors.example", "Sofia Marchetti", "Fincantieri Innovation",
               "Ingénieure navale, elle pilote l'open innovation d'un chantier naval italien.",
               ("it", "fr", "en"), 6, O, ("nautisme", "énergies marines"), (2,), (14, 17)),
    DemoMentor("karim.haddad@mentors.example", "Karim Haddad", "Banque Populaire Méditerranée",
               "Chargé d'affaires innovation : prêts d'honneur, BPI, premiers tours en région.",
               ("fr", "ar", "en"), 6, P, ("levée de fonds", "finance"), (1,), (9, 12)),
    DemoMentor("emma.laurent@mentors.example", "Emma Laurent", "Ubisoft Montpellier",
               "Productrice de jeux vidéo depuis quinze ans ; recrute et fait grandir des équipes créatives.",
               ("fr", "en"), 4, E, ("jeu vidéo", "recrutement"), (3,), (9, 12)),
    DemoMentor("james.oconnor@mentors.example", "James O'Connor", "Atlantic Ventures",
               "Partner at a Dublin seed fund; twenty deals in climate and ocean tech.",
               ("en",), 5, O, ("levée de fonds", "international"), (0,), (15, 18)),
    DemoMentor("lucia.fernandez@mentors.example", "Lucía Fernández", "Ferrovial",
               "Urbaniste, responsable des projets de ville durable en Espagne et en France.",
               ("es", "en", "fr"), 6, E, ("urbanisme", "mobilité", "bâtiment durable"), (4,), (9, 12)),
    DemoMentor("youssef.elamrani@mentors.example", "Youssef El Amrani", "Orange Business",
               "Directeur des offres ville intelligente : capteurs, données, collectivités.",
               ("fr", "ar", "en"), 4, E, ("smart city", "marketing digital"), (2,), (9, 12)),
    DemoMentor("helene.garnier@mentors.example", "Hélène Garnier", "Garnier Avocats",
               "Avocate d'affaires : pactes d'associés, contrats clients, propriété intellectuelle.",
               ("fr", "en"), 4, O, ("droit des start-up", "propriété intellectuelle"), (3,), (14, 17)),
    DemoMentor("thomas.nguyen@mentors.example", "Thomas Nguyen", "Ifremer",
               "Chercheur en écologie marine ; relie les start-up aux laboratoires et aux campagnes en mer.",
               ("fr", "en"), 4, P, ("biodiversité marine", "énergies marines"), (0,), (9, 12)),
    DemoMentor("isabelle.moreau@mentors.example", "Isabelle Moreau", "Arte France",
               "Productrice audiovisuelle et musicale ; financements du CNC et coproductions.",
               ("fr", "en", "de"), 4, E, ("audiovisuel", "musique"), (1,), (14, 17)),
    DemoMentor("pa.lefevre@mentors.example", "Pierre-Antoine Lefèvre", "Eiffage Aménagement",
               "Directeur de programmes d'aménagement ; connaît les appels d'offres publics de l'intérieur.",
               ("fr",), 4, P, ("urbanisme", "bâtiment durable"), (3,), (9, 12)),
    DemoMentor("anna.schmidt@mentors.example", "Anna Schmidt", "Hapag-Lloyd",
               "Head of digital logistics; ports, containers and the software that moves them.",
               ("de", "en", "fr"), 4, O, ("logistique portuaire", "international"), (4,), (14, 17)),
    DemoMentor("omar.diallo@mentors.example", "Omar Diallo", "Partech Africa",
               "Investisseur entre Dakar et Paris ; go-to-market en Afrique de l'Ouest.",
               ("fr", "en"), 5, O, ("levée de fonds", "go-to-market", "international"), (2,), (15, 18)),
    DemoMentor("chiara.rossi@mentors.example", "Chiara Rossi", "Marseille Innovation",
               "Ancienne directrice marketing d'une scale-up ; pricing, acquisition, premiers commerciaux.",
               ("it", "fr", "en"), 6, E, ("go-to-market", "marketing digital", "recrutement"), (0,), (14, 17)),
)
# Past sessions: (mentor, start-up, days ago, hour, topic, (start-up's rating, notes), (mentor's rating, notes,
# private), no-show). A rating of 0: that side gave no feedback.
PAST = (
    (YVES, "OceanWatt", 20, 14, "Premier rendez-vous avec le port de Marseille-Fos",
     (5, "Yves nous a ouvert deux portes en une heure."), (4, "Équipe solide, le prix reste à travailler.", False),
     None),
    (YVES, "Halieutix", 41, 15, "Vendre aux criées", (4, "Très concret."), (4, "À revoir dans un mois.", False), None),
    (YVES, "Tidal Loop", 63, 14, "Levée d'amorçage", (5, ""), (3, "Valorisation irréaliste, je l'ai dit.", True), None),
    (YVES, "Marinna", 3, 16, "Distribution dans les ports de plaisance", (4, "Merci !"), (0, "", False), None),
    (CLAIRE, "Kelp Studio", 12, 10, "Du prototype à la petite série", (5, "Claire connaît tous les ateliers."),
     (5, "Très bon produit, marge à surveiller.", False), None),
    (CLAIRE, "Fabrique Galets", 33, 9, "Protéger nos modèles", (4, "Clair et utile."), (4, "", False), None),
    (CLAIRE, "Pixel Calanque", 54, 11, "Trouver un éditeur", (0, ""), (2, "Pas venus, pas prévenu.", True),
     NoShow.STARTUP),
    ("sofia.marchetti@mentors.example", "Marinna", 15, 14, "Motorisation électrique : homologation",
     (5, "Grazie mille !"), (5, "", False), None),
    ("sofia.marchetti@mentors.example", "Tidal Loop", 44, 15, "Partenariat chantier naval", (4, ""), (4, "", False),
     None),
    ("karim.haddad@mentors.example", "Posidonia Lab", 9, 10, "Prêt d'honneur et BPI", (5, "Dossier bouclé."),
     (4, "", False), None),
    ("karim.haddad@mentors.example", "Vélo Phocée", 37, 9, "Financer la flotte", (4, ""), (4, "", False), None),
    ("emma.laurent@mentors.example", "Studio Mistral", 17, 10, "Recruter un lead developer", (5, "Top."),
     (5, "", False), None),
    ("emma.laurent@mentors.example", "Nordlys XR", 58, 11, "Éditeurs et plateformes", (0, ""), (0, "", False),
     NoShow.MENTOR),
    ("james.oconnor@mentors.example", "CityPulse", 24, 15, "Pitching to European VCs", (5, "Very sharp feedback."),
     (4, "Good team, crowded market.", False), None),
    ("james.oconnor@mentors.example", "OceanWatt", 70, 16, "Data room review", (4, ""), (4, "", False), None),
    ("lucia.fernandez@mentors.example", "UrbaFlux", 30, 10, "Vendre aux aménageurs", (5, "Muy útil, merci."),
     (5, "", False), None),
    ("lucia.fernandez@mentors.example", "Ombre & Frais", 51, 9, "Premiers chantiers pilotes", (4, ""), (4, "", False),
     None),
    ("youssef.elamrani@mentors.example", "Smart Souk", 19, 10, "Acquisition des commerçants", (4, ""), (4, "", False),
     None),
    ("helene.garnier@mentors.example", "Atlas Sound", 27, 14, "Pacte d'associés", (5, "Indispensable."),
     (5, "Clauses de sortie à revoir.", True), None),
    ("helene.garnier@mentors.example", "Cinétik", 48, 15, "Contrats clients", (4, ""), (4, "", False), None),
    ("thomas.nguyen@mentors.example", "Corail Data", 22, 10, "Campagne de mesures en mer", (5, ""), (5, "", False),
     None),
    ("isabelle.moreau@mentors.example", "Cinétik", 13, 14, "Financements CNC", (4, ""), (4, "", False), None),
    ("pa.lefevre@mentors.example", "Canopée Urbaine", 34, 9, "Répondre à un appel d'offres", (5, ""), (4, "", False),
     None),
    ("anna.schmidt@mentors.example", "Halieutix", 26, 15, "Export cold chain", (4, ""), (5, "", False), None),
    ("omar.diallo@mentors.example", "Halieutix", 45, 15, "Go-to-market à Dakar", (5, ""), (4, "", False), None),
    ("chiara.rossi@mentors.example", "Kelp Studio", 40, 14, "Prix et canaux de vente", (4, "Très concret."),
     (4, "", False), None),
    ("chiara.rossi@mentors.example", "Studio Mistral", 8, 15, "Lancer la campagne Kickstarter", (5, ""),
     (5, "", False), None),
)
# Over, its attendance not recorded yet: (mentor, start-up, days ago, hour, topic).
AWAITING = ((YVES, "Sillage Robotics", 1, 15, "Inspection des quais : un premier client"),)
# Requests for anyone who fits: (start-up, asker, topic, tags, urgency, days ago).
OPEN_TO_ANYONE = (
    ("Posidonia Lab", None, "Financer notre campagne de replantation", ("levée de fonds", "biodiversité marine"),
     Urgency.HIGH, 9),
    ("OceanWatt", NADIA, "Certifier nos hydroliennes", ("énergies marines",), Urgency.NORMAL, 2),
    ("Fabrique Galets", None, "Trouver un distributeur en Espagne", ("go-to-market",), Urgency.NORMAL, 5),
    ("Studio Mistral", None, "Recruter des développeurs seniors", ("recrutement",), Urgency.LOW, 3),
    ("Canopée Urbaine", None, "Répondre à l'appel d'offres des écoles", ("urbanisme",), Urgency.HIGH, 12),
)


def load_demo(db: Session, *, manager: User, venue: Venue, now: datetime) -> None:
    """Load the mentors' demo once (its tags mark it as loaded)."""
    if db.scalar(select(ExpertiseTag.id).limit(1)) is not None:
        return
    tracks = _tracks(db)
    for name, served in TAGS.items():
        mentors.add_tag(db, actor=manager, name=name, track_ids=[tracks[track] for track in served], now=now)
    people = _mentors(db, manager, venue, now)
    enrolments = {organisation_id: enrolment for organisation_id, enrolment in db.execute(
        select(Enrolment.organisation_id, Enrolment).where(Enrolment.status == EnrolmentStatus.ACTIVE)).tuples()}
    startups = dict(db.execute(select(Organisation.name, Organisation.id)).tuples().all())
    members = {email: identity.get_user_by_email(db, email) for email in (NADIA, HUGO, SAM)}
    _past_sessions(db, people, startups, enrolments, members, venue, now)
    _open_requests(db, startups, members, now)
    _upcoming(db, people, members, now)
    speed_meeting_demo.load_demo(db, manager=manager, venue=venue, now=now)


def _tracks(db: Session) -> dict[str, int]:
    return dict(db.execute(select(Track.name, Track.id).join(Program)
                           .where(Program.name == "Accélérateur Métropole")).tuples().all())


def _mentors(db: Session, manager: User, venue: Venue, now: datetime) -> dict[str, User]:
    people = {}
    today = local_time(now, venue).date()
    for entry in MENTORS:
        user = identity.get_user_by_email(db, entry.email) or identity.create_user(
            db, actor=None, email=entry.email, name=entry.name, roles=["mentor"], now=now)
        slug = entry.email.split("@")[0].replace(".", "-")
        mentors.create_profile(db, actor=manager, user_id=user.id, now=now, data=mentors.ProfileData(
            venue_id=venue.id, bio=entry.bio, company=entry.company, expertise=entry.tags, languages=entry.languages,
            monthly_capacity_hours=entry.capacity, mode=entry.mode, online_url=f"https://meet.jit.si/totem-{slug}"))
        start, end = entry.hours
        availability.add_office_hours(db, actor=manager, mentor_id=user.id, now=now, data=availability.OfficeHoursData(
            weekdays=list(entry.weekdays), starts_at=time(start), ends_at=time(end), first_day=today))
        people[entry.email] = user
    return people


def _past_day(today: date, days_ago: int) -> date:
    """That many days ago, moved back to a weekday."""
    day = today - timedelta(days=days_ago)
    return day - timedelta(days=max(0, day.weekday() - 4))


def _past_sessions(db: Session, people: dict[str, User], startups: dict[str, int], enrolments: dict[int, Enrolment],
                   members: dict[str, User | None], venue: Venue, now: datetime) -> None:
    today = local_time(now, venue).date()
    attendees = {"OceanWatt": members[NADIA], "Kelp Studio": members[HUGO], "UrbaFlux": members[SAM]}

    def held(email: str, startup: str, days_ago: int, hour: int, topic: str, status: str,
             no_show: str | None = None) -> MentorSession:
        organisation_id, mentor = startups[startup], people[email]
        enrolment, attendee = enrolments.get(organisation_id), attendees.get(startup)
        starts_at = local_moment(_past_day(today, days_ago), time(hour), venue)
        session = MentorSession(
            mentor_id=mentor.id, organisation_id=organisation_id, attendee_id=attendee.id if attendee else None,
            cohort_id=enrolment.cohort_id if enrolment else None, track_id=enrolment.track_id if enrolment else None,
            topic=topic, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), mode=SessionMode.ONLINE,
            online_url=f"https://meet.jit.si/totem-{mentor.id}", status=status, no_show=no_show,
            created_at=starts_at - timedelta(days=7))
        db.add(session)
        db.flush()
        return session

    for email, startup, days_ago, hour, topic, startup_says, mentor_says, no_show in PAST:
        session = held(email, startup, days_ago, hour, topic,
                       SessionStatus.NO_SHOW if no_show else SessionStatus.COMPLETED, no_show)
        given = session.ends_at + timedelta(hours=2)
        session.feedback_requested_at = session.ends_at
        rating, notes = startup_says
        if rating:
            db.add(SessionFeedback(session_id=session.id, side=Side.STARTUP, author_id=session.attendee_id,
                                   rating=rating, notes=notes, private=False, created_at=given))
        rating, notes, private = mentor_says
        if rating:
            db.add(SessionFeedback(session_id=session.id, side=Side.MENTOR, author_id=session.mentor_id,
                                   rating=rating, notes=notes, private=private, created_at=given))
        if no_show:
            reliability.record_session_no_show(db, session, given)
    for entry in AWAITING:
        held(*entry, status=SessionStatus.AWAITING_ATTENDANCE)
    db.flush()


def _open_requests(db: Session, startups: dict[str, int], members: dict[str, User | None], now: datetime) -> None:
    tags = {tag.name: tag for tag in db.scalars(select(ExpertiseTag))}
    enrolled = dict(db.execute(select(Enrolment.organisation_id, Enrolment.track_id)).tuples().all())
    for startup, asker, topic, wanted, urgency, days_ago in OPEN_TO_ANYONE:
        organisation_id, member = startups[startup], members.get(asker or "")
        asked = now - timedelta(days=days_ago, hours=3)
        db.add(SessionRequest(
            organisation_id=organisation_id, requested_by=member.id if member else None, topic=topic,
            details="", track_id=enrolled.get(organisation_id), urgency=urgency, mode=MentorMode.EITHER,
            duration_minutes=60, status=RequestStatus.OPEN, proposed_times=[], created_at=asked, updated_at=asked,
            expertise=[tags[name] for name in wanted], declines=[]))
    db.flush()


def _ask(db: Session, member: User, mentor: User, topic: str, tags: tuple[str, ...], now: datetime, *,
         mode: str = MentorMode.EITHER, language: str | None = None) -> SessionRequest:
    return session_requests.create_request(db, actor=member, now=now, data=session_requests.RequestData(
        topic=topic, expertise=tags, preferred_mentor_id=mentor.id, mode=mode, language=language))


def _free(db: Session, mentor: User, now: datetime) -> list[datetime]:
    """The mentor's free hours from tomorrow, for two weeks."""
    venue = availability.get_profile(db, mentor.id).venue
    tomorrow = local_moment(local_time(now, venue).date() + timedelta(days=1), time(0), venue)
    return [slot.starts_at for slot in availability.free_slots(
        db, mentor_id=mentor.id, duration_minutes=60, now=tomorrow, until=tomorrow + timedelta(days=14))]


def _accept(db: Session, mentor: User, request: SessionRequest, now: datetime, mode: str | None = None) -> None:
    """The mentor takes the first of their free hours that works (a room may be full)."""
    for starts_at in _free(db, mentor, now):
        try:
            with db.begin_nested():
                session_requests.accept_request(db, actor=mentor, request_id=request.id, starts_at=starts_at, mode=mode,
                                                now=now)
            return
        except DomainError:
            continue


def _upcoming(db: Session, people: dict[str, User], members: dict[str, User | None], now: datetime) -> None:
    """The demo members' sessions and requests, made as they would make them."""
    nadia, hugo, sam = members[NADIA], members[HUGO], members[SAM]
    yves, claire = people[YVES], people[CLAIRE]
    if nadia is None or hugo is None or sam is None:
        return
    _accept(db, yves, _ask(db, nadia, yves, "Préparer notre levée de fonds seed", ("levée de fonds",), now), now)
    _accept(db, claire, _ask(db, sam, claire, "Pricing our data product for cities", ("go-to-market",), now,
                             mode=MentorMode.ONLINE, language="en"), now, mode=SessionMode.ONLINE)
    # Claire proposes two times and Hugo picks the first; Yves proposes times Nadia has yet to pick from.
    for mentor, member, topic, tags, picks in (
        (claire, hugo, "Protéger nos modèles avant le salon", ("propriété intellectuelle",), True),
        (yves, nadia, "Trouver un premier client portuaire", ("logistique portuaire",), False),
    ):
        request = _ask(db, member, mentor, topic, tags, now)
        free = _free(db, mentor, now)
        if len(free) < 3:
            continue
        session_requests.propose_times(db, actor=mentor, request_id=request.id, times=[free[1], free[2]], now=now)
        if picks:
            try:
                with db.begin_nested():
                    session_requests.pick_time(db, actor=member, request_id=request.id, starts_at=free[1], now=now)
            except DomainError:
                pass
    _ask(db, hugo, yves, "Exporter nos objets en algues par la mer", ("économie maritime",), now)
