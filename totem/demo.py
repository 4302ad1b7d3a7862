"""The demo venue's people: accounts of every role; domains add their own data."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from totem.auth.secrets import hash_password
from totem.domains import import_domain_modules
from totem.identity import service as identity

DEMO_PASSWORD = "totem-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    name: str
    startup: str | None = None
    locale: str = "fr"


ACCOUNTS = (
    DemoAccount("admin", "admin@cite-innovation.fr", "Camille Admin"),
    DemoAccount("manager", "lea.martin@cite-innovation.fr", "Léa Martin"),
    DemoAccount("manager", "marc.ferrand@armement-phoceen.fr", "Marc Ferrand"),
    DemoAccount("manager", "ines.morel@maison-lavande.fr", "Inès Morel"),
    DemoAccount("member", "nadia@oceanwatt.fr", "Nadia Benali", startup="OceanWatt"),
    DemoAccount("member", "hugo@kelpstudio.fr", "Hugo Fabre", startup="Kelp Studio"),
    DemoAccount("member", "sam@urbaflux.io", "Sam Okafor", startup="UrbaFlux", locale="en"),
    DemoAccount("mentor", "yves.roux@mentors-sud.fr", "Yves Roux"),
    DemoAccount("mentor", "claire.dubois@mentors-sud.fr", "Claire Dubois"),
)


def load_demo(db: Session, now: datetime) -> list[DemoAccount]:
    """Create the demo accounts and every domain's demo data, each once; return the accounts."""
    if identity.get_user_by_email(db, ACCOUNTS[0].email) is None:
        password_hash = hash_password(DEMO_PASSWORD)
        for account in ACCOUNTS:
            user = identity.create_user(db, actor=None, email=account.email, name=account.name,
                                        roles=[account.role], now=now, password_hash=password_hash,
                                        locale=account.locale)
            if account.startup:
                organisation = identity.get_or_create_organisation(db, actor=None, name=account.startup, now=now)
                identity.add_membership(db, actor=None, user=user, organisation=organisation, now=now)
    # Each domain loads its own demo once, so that a demo database gains a newly added domain's data.
    modules = import_domain_modules("demo")
    for module in modules:
        if hasattr(module, "load_demo"):
            module.load_demo(db, now)
    # Then what reads every domain's data finishes it (the occupancy roll-up of the history the others wrote).
    for module in modules:
        if hasattr(module, "finish_demo"):
            module.finish_demo(db, now)
    return list(ACCOUNTS)
