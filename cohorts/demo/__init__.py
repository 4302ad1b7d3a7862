"""The demo's programs: the metropolitan accelerator with its three tracks and a running cohort of twenty
start-ups (some from abroad, the demo accounts' among them), its next cohort taking applications with some
to review, and the corporate accelerators of a shipping group and of a cosmetics group, each program under its
operator (see `spaces.operators.demo`).

Everything goes through the services, derived from `now` and fixed tables,
never from randomness. Only the demo accounts' start-ups have members; made-up
applicants get no e-mail.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.demo import history
from cohorts.demo import mentors as mentor_demo
from cohorts.programs import enrolment, events, phase_rights
from cohorts.programs import cohorts as cohort_service
from cohorts.programs import service as programs
from cohorts.programs.enums import Phase
from cohorts.programs.models import Cohort, Program
from cohorts.programs.phases import PhaseDates
from cohorts.startups import applications, milestones
from cohorts.startups import service as startups
from cohorts.startups.forms import ApplicationForm
from spaces.booking import availability
from spaces.demo import MANAGER_EMAIL, VENUE_NAME
from spaces.operators import demo as operator_demo
from spaces.operators import queries as operator_queries
from spaces.venues.models import Venue
from spaces.venues.rules import local_time
from totem.identity import service as identity
from totem.identity.models import Organisation, User

METROPOLE = "Accélérateur Métropole"
CORPORATE = "Blue Harbour Lab"
COSMETICS = "Lavande Beauty Lab"
ADMIN_EMAIL = "admin@cite-innovation.fr"


@dataclass(frozen=True)
class DemoStartup:
    name: str
    track: str
    country: str
    stage: str
    sector: str
    team: int
    pitch: str


MER, CREATIVE, URBAN = "Mer", "Industries créatives", "Aménagement urbain"
RUNNING = (
    DemoStartup("OceanWatt", MER, "FR", "seed", "Énergies marines", 9, "Des hydroliennes flottantes pour les ports."),
    DemoStartup("Sillage Robotics", MER, "FR", "prototype", "Robotique sous-marine", 5,
                "Des drones qui inspectent les coques et les quais."),
    DemoStartup("Posidonia Lab", MER, "FR", "first_customers", "Biodiversité", 4,
                "Replanter les herbiers de posidonie au large des calanques."),
    DemoStartup("Halieutix", MER, "SN", "first_customers", "Pêche durable", 6,
                "La traçabilité de la pêche artisanale, de Dakar à Marseille."),
    DemoStartup("Marinna", MER, "IT", "seed", "Nautisme", 7, "Des moteurs électriques pour bateaux de plaisance."),
    DemoStartup("Corail Data", MER, "FR", "idea", "Données océaniques", 2,
                "Des capteurs bon marché pour suivre la température de la mer."),
    DemoStartup("Tidal Loop", MER, "PT", "prototype", "Énergies marines", 3,
                "Récupérer l'énergie de la houle sur les digues."),
    DemoStartup("Kelp Studio", CREATIVE, "FR", "first_customers", "Design", 6,
                "Des objets design en algues récoltées en Méditerranée."),
    DemoStartup("Studio Mistral", CREATIVE, "FR", "seed", "Jeu vidéo", 12,
                "Un jeu d'aventure dans la Marseille de 1900."),
    DemoStartup("Fabrique Galets", CREATIVE, "FR", "prototype", "Mode", 3, "Des baskets en plastique marin recyclé."),
    DemoStartup("Cinétik", CREATIVE, "FR", "first_customers", "Audiovisuel", 5,
                "Le montage vidéo assisté pour les petites rédactions."),
    DemoStartup("Atlas Sound", CREATIVE, "MA", "seed", "Musique", 8, "Un studio de musique à distance pour artistes."),
    DemoStartup("Pixel Calanque", CREATIVE, "FR", "idea", "Édition", 2, "Des livres illustrés en réalité augmentée."),
    DemoStartup("Nordlys XR", CREATIVE, "NO", "prototype", "Réalité virtuelle", 4,
                "Visiter les sites patrimoniaux en réalité virtuelle."),
    DemoStartup("UrbaFlux", URBAN, "FR", "seed", "Mobilité", 10, "Modéliser les flux piétons pour les aménageurs."),
    DemoStartup("Canopée Urbaine", URBAN, "FR", "first_customers", "Végétalisation", 6,
                "Des toitures végétalisées qui rafraîchissent les écoles."),
    DemoStartup("Ombre & Frais", URBAN, "FR", "prototype", "Îlots de fraîcheur", 3,
                "Des ombrières modulables pour les places minérales."),
    DemoStartup("Vélo Phocée", URBAN, "FR", "first_customers", "Logistique urbaine", 7,
                "La livraison du dernier kilomètre en vélo cargo."),
    DemoStartup("Smart Souk", URBAN, "TN", "prototype", "Commerce de proximité", 4,
                "Relier les commerçants des marchés à leurs clients."),
    DemoStartup("CityPulse", URBAN, "BE", "seed", "Données urbaines", 9,
                "Mesurer le bruit et la qualité de l'air, rue par rue."),
)
CORPORATE_RUNNING = (
    DemoStartup("Quai Numérique", "Logistique portuaire", "FR", "first_customers", "Logiciel portuaire", 6,
                "Planifier les escales au quart d'heure près."),
    DemoStartup("Soute Verte", "Décarbonation", "FR", "prototype", "Carburants", 4,
                "Du méthanol vert pour les navires de ligne."),
    DemoStartup("ContainAI", "Logistique portuaire", "DE", "seed", "Intelligence artificielle", 8,
                "Prévoir les retards des conteneurs."),
    DemoStartup("Voile Cargo", "Décarbonation", "ES", "prototype", "Propulsion vélique", 5,
                "Des voiles rigides pour les porte-conteneurs."),
)
COSMETICS_RUNNING = (
    DemoStartup("Algue Bleue", "Cosmétique naturelle", "FR", "first_customers", "Cosmétique", 5,
                "Des soins à la spiruline cultivée en Camargue."),
    DemoStartup("Savon Clair", "Cosmétique naturelle", "FR", "prototype", "Hygiène", 3,
                "Des savons solides rechargeables, sans emballage."),
    DemoStartup("SkinSight", "Beauty tech", "CH", "seed", "Diagnostic de la peau", 7,
                "Diagnostiquer la peau au smartphone, conseiller le bon soin."),
)
# (start-up, founder, country, stage, track, pitch, reviews as (team, market, product, fit) by Léa and the admin)
APPLICANTS = (
    ("Hydrogène Bleu", "Marc Lemaire", "FR", "prototype", MER, "Des piles à hydrogène pour les navettes du port.",
     ((4, 4, 3, 5), (5, 4, 3, 4))),
    ("Algaïa", "Sofia Benali", "MA", "first_customers", MER, "Des bioplastiques à base d'algues.",
     ((5, 4, 4, 5), (4, 5, 4, 4))),
    ("Ciné Quartier", "Paul Garnier", "FR", "idea", CREATIVE, "Des cinémas éphémères dans les quartiers nord.",
     ((3, 2, 2, 4), (3, 3, 2, 3))),
    ("Lumen Atelier", "Elena Rossi", "IT", "seed", CREATIVE, "La lumière scénographique pour les musées.",
     ((4, 3, 4, 4),)),
    ("Rue Partagée", "Karim Mansouri", "FR", "prototype", URBAN, "Une application pour partager l'espace de la rue.",
     ((3, 4, 3, 3),)),
    ("Toits Solaires", "Anaïs Perrin", "FR", "first_customers", URBAN, "Des centrales solaires sur les toits HLM.",
     ()),
    ("Accra Mobility", "Kwame Mensah", "GH", "seed", URBAN, "Des minibus électriques partagés.", ()),
    ("Écume", "Julie Marchand", "FR", "idea", MER, "Nettoyer les plages avec des robots légers.", ()),
)


def load_demo(db: Session, now: datetime) -> None:
    """Create the demo's programs, cohorts, enrolments and applications, once."""
    venue = db.scalar(select(Venue).where(Venue.name == VENUE_NAME))
    manager = identity.get_user_by_email(db, MANAGER_EMAIL)
    if venue is None or manager is None:  # the spaces or core demo was not loaded
        return
    if db.scalar(select(Program.id).where(Program.venue_id == venue.id, Program.name == METROPOLE)) is not None:
        return
    today = local_time(now, venue).date()
    metropole = _program(db, manager, venue, now, METROPOLE, (MER, CREATIVE, URBAN), monthly_credits=40,
                         operator=operator_demo.METROPOLE.name,
                         description="Le programme d'accélération de la Métropole Aix-Marseille-Provence : "
                                     "six mois d'accompagnement, trois parcours sectoriels.")
    # Demo day gives more credits, and the event space, for rehearsals: the phase job applies it on the day.
    phase_rights.set_phase_rights(db, actor=manager, program_id=metropole.id, phase=Phase.DEMO_DAY, now=now,
                                  data=phase_rights.PhaseRightsData(60, ()))
    running = _cohort(db, manager, metropole, now, "Promo 2026", capacity=24,
                      dates=_dates(today, opens=-200, selects=-150, starts=-90, demo=60, ends=90))
    _enrol(db, manager, running, RUNNING, now)
    upcoming = _cohort(db, manager, metropole, now, "Promo 2027", capacity=20,
                       dates=_dates(today, opens=-14, selects=21, starts=45, demo=225, ends=240))
    _applications(db, upcoming, now)
    _calendar_template(db, manager, upcoming, now)

    for program_name, operator, tracks, credits, description, cohort_name, roster, dates in (
        (CORPORATE, operator_demo.SHIPPING, ("Logistique portuaire", "Décarbonation"), 60,
         "L'accélérateur corporate d'un armateur marseillais : la logistique portuaire et la décarbonation du "
         "transport maritime.", "Saison 4", CORPORATE_RUNNING,
         _dates(today, opens=-120, selects=-75, starts=-30, demo=120, ends=150)),
        (COSMETICS, operator_demo.COSMETICS, ("Cosmétique naturelle", "Beauty tech"), 30,
         "L'accélérateur d'un groupe de cosmétiques provençal : la cosmétique naturelle et la beauty tech.",
         "Saison 1", COSMETICS_RUNNING, _dates(today, opens=-100, selects=-60, starts=-20, demo=100, ends=130)),
    ):
        # Each corporate programme is set up by its operator's own manager, whom the Métropole's cannot stand in for.
        corporate_manager = identity.get_user_by_email(db, operator.managers[0]) or manager
        corporate = _program(db, corporate_manager, venue, now, program_name, tracks, monthly_credits=credits,
                             description=description, operator=operator.name)
        cohort = _cohort(db, corporate_manager, corporate, now, cohort_name, capacity=6, dates=dates)
        _enrol(db, corporate_manager, cohort, roster, now)
    milestones.load_demo(db, manager=manager, cohort=running, now=now)
    mentor_demo.load_demo(db, manager=manager, venue=venue, now=now)
    history.load_history(db, venue=venue, manager=manager, now=now)


def _dates(today: date, *, opens: int, selects: int, starts: int, demo: int, ends: int) -> PhaseDates:
    """Dates around today; the start on a Monday."""
    start = today + timedelta(days=starts)
    start -= timedelta(days=start.weekday())
    return PhaseDates(today + timedelta(days=opens), today + timedelta(days=selects), start,
                      today + timedelta(days=demo), today + timedelta(days=ends))


def _program(db: Session, manager: User, venue: Venue, now: datetime, name: str, tracks: tuple[str, ...], *,
             monthly_credits: int, description: str, operator: str, desks_per_startup: int = 0) -> Program:
    runner = operator_queries.get_operator_by_name(db, operator)
    program = programs.create_program(db, actor=manager, now=now, data=programs.ProgramData(
        name=name, venue_id=venue.id, description=description, monthly_credits=monthly_credits,
        desks_per_startup=desks_per_startup, operator_id=runner.id if runner else None))
    for track in tracks:
        programs.add_track(db, actor=manager, program_id=program.id, name=track, description="", now=now)
    return programs.get_program(db, program.id)


def _cohort(db: Session, manager: User, program: Program, now: datetime, name: str, *, capacity: int,
            dates: PhaseDates) -> Cohort:
    return cohort_service.create_cohort(db, actor=manager, program_id=program.id, now=now,
                                 data=cohort_service.CohortData(name, capacity, dates))


def _enrol(db: Session, manager: User, cohort: Cohort, roster: tuple[DemoStartup, ...], now: datetime) -> None:
    tracks = {track.name: track for track in cohort.program.tracks}
    for entry in roster:
        organisation = identity.get_or_create_organisation(db, actor=manager, name=entry.name, now=now)
        _profile(db, organisation, entry, now)
        enrolment.enrol_startup(db, actor=manager, cohort=cohort, organisation=organisation,
                                track=tracks[entry.track], now=now)


def _profile(db: Session, organisation: Organisation, entry: DemoStartup, now: datetime) -> None:
    startups.save_profile(db, organisation_id=organisation.id, now=now, stage=entry.stage, sector=entry.sector,
                          website=f"https://{_slug(entry.name)}.example", description=entry.pitch,
                          team_size=entry.team, country=entry.country)


def _applications(db: Session, cohort: Cohort, now: datetime) -> None:
    tracks = {track.name: track for track in cohort.program.tracks}
    reviewers = [identity.get_user_by_email(db, MANAGER_EMAIL), identity.get_user_by_email(db, ADMIN_EMAIL)]
    for index, (name, founder, country, stage, track, pitch, reviews) in enumerate(APPLICANTS):
        application = applications.submit_application(
            db, cohort_id=cohort.id, now=now - timedelta(days=len(APPLICANTS) - index), acknowledge=False,
            form=ApplicationForm(
                startup_name=name, founder_name=founder,
                founder_email=f"{_slug(founder.split()[0])}@{_slug(name)}.example",
                website=f"{_slug(name)}.example", country=country, stage=stage, track_id=str(tracks[track].id),
                pitch=pitch, team_size=str(2 + index % 5), locale="fr",
                answers={"problem": pitch, "traction": "Deux pilotes en cours.",
                         "expectations": "Des clients, des mentors et un lieu."}))
        for reviewer, scores in zip(reviewers, reviews):
            if reviewer is None:
                continue
            applications.review_application(
                db, actor=reviewer, application_id=application.id, now=now, comment="",
                scores=dict(zip(("team", "market", "product", "fit"), scores)))


def _calendar_template(db: Session, manager: User, cohort: Cohort, now: datetime) -> None:
    """The next cohort's recurring events, for the manager to preview and book at kick-off."""
    rooms = {space.name: space.id for space in availability.list_spaces(db)}
    tracks = {track.name: track.id for track in cohort.program.tracks}
    rehearsals = cohort.demo_day_on - timedelta(days=14)
    for title, room, weekday, start, minutes, every, track, first, last in (
        ("Réunion du parcours Mer", "Calanques", 1, time(10), 60, 1, MER, None, None),
        ("Réunion du parcours Industries créatives", "Belle de Mai", 1, time(14), 60, 1, CREATIVE, None, None),
        ("Réunion du parcours Aménagement urbain", "Joliette", 3, time(10), 60, 1, URBAN, None, None),
        ("Atelier pitch", "Canebière", 3, time(14), 120, 2, None, None, None),
        ("Répétition du demo day", "Agora", 4, time(16), 90, 1, None, rehearsals, cohort.demo_day_on),
    ):
        events.add_event(db, actor=manager, cohort_id=cohort.id, now=now, data=events.EventData(
            title=title, space_id=rooms[room], weekday=weekday, start_time=start, duration_minutes=minutes,
            every_weeks=every, track_id=tracks.get(track or ""), first_day=first, last_day=last))


def _slug(name: str) -> str:
    table = str.maketrans("éèêëàâîïôöûüçÉ&' ", "eeeeaaiioouucE---")
    return "".join(c for c in name.lower().translate(table) if c.isalnum() or c == "-").strip("-").replace("--", "-")
