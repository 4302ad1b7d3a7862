"""The demo's territory: the building's start-ups and operators as actors (most of them listed), and about 120
made-up organisations of Aix-Marseille around them — companies, investors, labs, clubs and public bodies —
built from fixed tables, never from randomness. A few keep their city or their needs to themselves."""
from datetime import datetime
from itertools import cycle, product
from math import gcd

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.startups.models import StartupProfile
from cohorts.territory import service, signup
from cohorts.territory.enums import ActorKind, ActorSize
from cohorts.territory.models import Actor
from totem.identity.models import User
from totem.identity.service import system_actor

CITIES = ("Marseille", "Aix-en-Provence", "La Ciotat", "Aubagne", "Martigues", "Vitrolles", "Gémenos",
          "Marignane", "Fos-sur-Mer", "Istres", "Salon-de-Provence", "Gardanne")
# (kind, size, name stems, sectors, offers, needs, what it does)
FAMILIES = (
    (ActorKind.SME, ActorSize.SMALL,
     ("Calanques", "Mistral", "Vieux-Port", "Estaque", "Canebière", "Pointe Rouge", "Frioul", "Sainte-Victoire",
      "Garlaban", "Cassis", "Joliette", "Belsunce", "Endoume", "Goudes", "Vallon"),
     ("Ingénierie", "Logistique", "Numérique", "Conseil", "Industries", "Services", "Systèmes"),
     ("mer", "industrie", "numerique", "mobilite"), ("clients", "pilotes", "expertise"), ("talents", "financement"),
     "PME de la métropole qui ouvre ses chantiers aux jeunes pousses et cherche des solutions pour ses clients."),
    (ActorKind.CORPORATE, ActorSize.LARGE,
     ("Méditerranée", "Provence", "Rhône", "Phocée", "Sud"),
     ("Énergies", "Maritime", "Aéro", "Santé", "Distribution"),
     ("energie", "mer", "industrie", "sante"), ("pilotes", "clients", "financement"), ("pilotes", "recherche"),
     "Grand groupe implanté sur le territoire, qui teste avec des start-ups des solutions pour ses sites."),
    (ActorKind.INVESTOR, ActorSize.MICRO,
     ("Massilia", "Lacydon", "Calanque", "Garrigue", "Olivier", "Cigale"),
     ("Capital", "Ventures", "Invest", "Angels", "Partenaires"),
     ("numerique", "sante", "energie", "finance"), ("financement", "mentorat", "reseau"), ("clients",),
     "Investisseurs en amorçage et en série A, attentifs aux projets qui naissent entre Marseille et Aix."),
    (ActorKind.LAB, ActorSize.MEDIUM,
     ("Luminy", "Château-Gombert", "Saint-Jérôme", "Arbois", "Timone"),
     ("Lab", "Institut", "École", "Centre de recherche"),
     ("sante", "mer", "numerique", "education", "energie"), ("recherche", "talents", "expertise"),
     ("pilotes", "financement"),
     "Laboratoire et école qui transfèrent leurs travaux vers l'industrie et accueillent des doctorants."),
    (ActorKind.CLUB, ActorSize.MICRO,
     ("Entrepreneurs", "Dirigeants", "Femmes de la tech", "Réseau", "Club"),
     ("du Sud", "de Provence", "Marseille", "Aix", "Méditerranée"),
     ("numerique", "industries-creatives", "tourisme"), ("reseau", "mentorat", "visibilite"), ("visibilite",),
     "Réseau d'entrepreneurs qui organise rencontres, parrainages et petits-déjeuners thématiques."),
    (ActorKind.PUBLIC_BODY, ActorSize.MEDIUM,
     ("Agence", "Mission", "Service", "Pôle"),
     ("du développement économique", "de l'innovation", "de l'export", "de l'emploi"),
     ("amenagement-urbain", "tourisme", "mobilite"), ("financement", "locaux", "export", "donnees"),
     ("pilotes", "donnees"),
     "Service public qui accompagne les entreprises du territoire : aides, locaux, données ouvertes, export."),
    (ActorKind.INCUBATOR, ActorSize.SMALL,
     ("Incubateur", "Pépinière", "Fabrique", "Accélérateur"),
     ("Belle de Mai", "Euroméditerranée", "Luminy", "Arbois", "La Ciotat"),
     ("industries-creatives", "numerique", "agroalimentaire", "amenagement-urbain"),
     ("mentorat", "locaux", "reseau"), ("financement", "visibilite"),
     "Structure d'accompagnement qui héberge et suit des projets en création."),
)
# Two organisations that signed themselves up this week, waiting for a manager (no e-mail leaves: made up).
SIGN_UPS = (
    (service.ActorDescription(kind=ActorKind.SME, name="Atelier Voiles du Frioul", city="Marseille",
                              sectors=("mer", "industrie"), offers=("pilotes",), needs=("clients", "export"),
                              about="Voilerie et gréement pour la plaisance et les navires à propulsion vélique.",
                              listed=True),
     signup.Applicant("Marion Castel", "marion@voiles-frioul.example", "fr", True)),
    (service.ActorDescription(kind=ActorKind.INVESTOR, name="Calanque Angels Club", city="Cassis",
                              sectors=("numerique", "tourisme"), offers=("financement", "mentorat"),
                              needs=("clients",), about="Business angels of the Provence coast.", listed=True),
     signup.Applicant("Tom Becker", "tom@calanque-angels.example", "en", True)),
)
HOW_MANY = {ActorKind.SME: 40, ActorKind.CORPORATE: 12, ActorKind.INVESTOR: 16, ActorKind.LAB: 14,
            ActorKind.CLUB: 12, ActorKind.PUBLIC_BODY: 12, ActorKind.INCUBATOR: 14}
LANGUAGE_SETS = (("fr",), ("fr", "en"), ("fr", "en", "it"), ("fr", "en", "es"), ("fr", "ar"))


def finish_demo(db: Session, now: datetime) -> None:
    """After every part's demo (the start-ups and operators exist): the territory, once."""
    if db.scalar(select(Actor.id).where(Actor.name.is_not(None)).limit(1)) is not None:
        return
    if not service.link_the_building(db, now=now):
        return  # no building demo
    system = system_actor(db, now=now)
    _list_the_building(db, system, now)
    for description in _territory():
        service.create_actor(db, actor=system, description=description, now=now)
    for description, applicant in SIGN_UPS:
        signup.sign_up(db, description=description, applicant=applicant, client="demo", now=now,
                       acknowledge=False)


def _list_the_building(db: Session, system: User, now: datetime) -> None:
    """Most of the building's start-ups and every operator chose to be listed; every fifth start-up did not."""
    linked = db.scalars(select(Actor.id).where(Actor.name.is_(None)).order_by(Actor.id)).all()
    tags = cycle((("pilotes", "clients"), ("financement",), ("talents", "clients"), ("financement", "pilotes")))
    for n, actor_id in enumerate(linked):
        actor = service.get_actor(db, actor_id)
        is_startup = actor.kind == ActorKind.STARTUP
        profile = db.get(StartupProfile, actor.organisation_id) if is_startup else None
        about = (profile.description if profile and profile.description
                 else f"{actor.display_name}, à la Cité de l'innovation.")
        needs = next(tags) if is_startup else ()
        service.update_actor(db, actor=system, target=actor, now=now, description=service.ActorDescription(
            kind=actor.kind, city="Marseille", size=ActorSize.MICRO if is_startup else ActorSize.SMALL,
            about=about, languages=LANGUAGE_SETS[n % 3], sectors=[sector.code for sector in actor.sectors],
            offers=("mentorat", "locaux", "reseau") if not is_startup else ("expertise",) if n % 3 == 0 else (),
            needs=needs, listed=not is_startup or n % 5 != 4))


def _territory() -> list[service.ActorDescription]:
    descriptions = []
    for kind, size, stems, endings, sectors, offers, needs, about in FAMILIES:
        pairs = list(product(stems, endings))
        # A stride prime to the count walks every pair once, mixing the stems and the endings.
        stride = next(step for step in (7, 11, 13, 17) if gcd(step, len(pairs)) == 1)
        names = [" ".join(pairs[(n * stride) % len(pairs)]) for n in range(len(pairs))]
        for n, name in enumerate(names[:HOW_MANY[kind]]):
            descriptions.append(service.ActorDescription(
                kind=kind, name=name, city=CITIES[(n * 5 + len(name)) % len(CITIES)], size=size, about=about,
                languages=LANGUAGE_SETS[n % len(LANGUAGE_SETS)],
                sectors=(sectors[n % len(sectors)], sectors[(n + 1) % len(sectors)]),
                offers=offers[: 1 + n % len(offers)], needs=needs[: 1 + n % len(needs)],
                listed=n % 9 != 8,  # a few wait to be listed
                # Some keep a part to themselves: the directory neither shows nor searches it.
                shown={"city": n % 7 != 3, "tags": n % 11 != 5}))
    return descriptions
