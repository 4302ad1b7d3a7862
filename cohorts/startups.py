"""Start-ups as the program sees them: profile, enrolments and members; staff see all, members their own."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from cohorts import permissions as _permissions  # noqa: F401  (registers the rules checked here)
from cohorts import queries
from cohorts.enums import EnrolmentStatus
from cohorts.models import Application, Enrolment, StartupProfile
from totem.errors import NotFound
from totem.identity.models import Organisation, User
from totem.identity.service import load_memberships
from totem.permissions import can, member_organisation_ids


@dataclass(frozen=True)
class Startup:
    organisation: Organisation
    profile: StartupProfile | None
    enrolments: list[Enrolment]  # latest cohort first
    members: int

    @property
    def current(self) -> Enrolment | None:
        """The active enrolment, else the latest."""
        active = [e for e in self.enrolments if e.status == EnrolmentStatus.ACTIVE]
        return (active or self.enrolments or [None])[0]


def list_startups(db: Session, *, actor: User) -> list[Startup]:
    """Every start-up for staff; a member's own start-ups for others."""
    if can(actor, "startup.list_all"):
        organisations = queries.list_startups(db)
    else:
        organisations = queries.list_startups(db, organisation_ids=member_organisation_ids(load_memberships(db, actor)))
    return _assemble(db, organisations)


def get_startup(db: Session, *, actor: User, organisation_id: int) -> Startup:
    """The start-up; NotFound for those who may not see it (members of another start-up)."""
    organisation = queries.get_organisation(db, organisation_id)
    if organisation is None or not can(load_memberships(db, actor), "startup.read", organisation):
        raise NotFound("No such start-up.")
    return _assemble(db, [organisation])[0]


def _assemble(db: Session, organisations: list[Organisation]) -> list[Startup]:
    ids = [organisation.id for organisation in organisations]
    profiles = queries.profiles_of(db, ids)
    enrolments: dict[int, list[Enrolment]] = {}
    for enrolment in queries.list_enrolments(db, organisation_ids=ids) if ids else []:
        enrolments.setdefault(enrolment.organisation_id, []).append(enrolment)
    members = queries.members_count(db, ids) if ids else {}
    return [Startup(o, profiles.get(o.id), enrolments.get(o.id, []), members.get(o.id, 0)) for o in organisations]


def save_profile_from(db: Session, *, organisation_id: int, application: Application, now: datetime) -> StartupProfile:
    """Fill the start-up's profile from its application."""
    return save_profile(db, organisation_id=organisation_id, now=now, stage=application.stage,
                        sector=application.sector, website=application.website, description=application.pitch,
                        team_size=application.team_size, country=application.country)


def save_profile(
    db: Session, *, organisation_id: int, now: datetime, stage: str | None = None, sector: str = "",
    website: str = "", description: str = "", team_size: int | None = None, country: str | None = None,
) -> StartupProfile:
    """Create or update the start-up's profile; a field left blank keeps the value it had."""
    profile = db.get(StartupProfile, organisation_id)
    if profile is None:
        profile = StartupProfile(organisation_id=organisation_id, sector="", website="", description="")
        db.add(profile)
    profile.stage = stage or profile.stage
    profile.sector = sector or profile.sector
    profile.website = website or profile.website
    profile.description = description or profile.description
    profile.team_size = team_size or profile.team_size
    profile.country = country or profile.country
    profile.updated_at = now
    db.flush()
    return profile
