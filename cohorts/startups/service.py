"""Start-ups as the program sees them: profile, enrolments and members; staff see all, members their own."""
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.programs import permissions as _permissions  # noqa: F401  (registers the rules checked here)
from cohorts.programs import queries as program_queries
from cohorts.programs.enums import EnrolmentStatus
from cohorts.programs.models import Enrolment, Program, ProgramManager
from cohorts.startups import queries
from cohorts.startups.forms import ProfileForm
from cohorts.startups.models import Application, StartupProfile
from spaces.operators.models import OperatorManager
from totem import audit
from totem.errors import NotFound
from totem.i18n import N_, said
from totem.identity.enums import Role
from totem.identity.models import Organisation, User
from totem.identity.service import load_memberships
from totem.permissions import can, member_organisation_ids, require, rule


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
        organisations = program_queries.list_startups(db)
    else:
        organisations = program_queries.list_startups(db, organisation_ids=member_organisation_ids(load_memberships(db, actor)))
    return _assemble(db, organisations)


def get_startup(db: Session, *, actor: User, organisation_id: int) -> Startup:
    """The start-up; NotFound for those who may not see it (members of another start-up)."""
    organisation = program_queries.get_organisation(db, organisation_id)
    if organisation is None or not can(load_memberships(db, actor), "startup.read", organisation):
        raise NotFound("No such start-up.")
    return _assemble(db, [organisation])[0]


def _assemble(db: Session, organisations: list[Organisation]) -> list[Startup]:
    ids = [organisation.id for organisation in organisations]
    profiles = queries.profiles_of(db, ids)
    enrolments: dict[int, list[Enrolment]] = {}
    for enrolment in program_queries.list_enrolments(db, organisation_ids=ids) if ids else []:
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


# -- editing the profile --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileRights:
    """Who may edit a start-up's profile: its members, and the managers of the programs it is or was in."""

    organisation_id: int
    program_manager_ids: frozenset[int]


# Registered here, beside the only code that asks it (cohorts.permissions holds the other start-up rules).
@rule("startup.edit")
def _edit_startup(user: User, rights: Any) -> bool:
    """Its members (memberships loaded), admins, and managers of a program it is or was enrolled in."""
    if rights is None:
        return False
    return (rights.organisation_id in member_organisation_ids(user) or user.has_role(Role.ADMIN)
            or (user.has_role(Role.MANAGER) and user.id in rights.program_manager_ids))


def profile_rights(db: Session, startup: Startup) -> ProfileRights:
    program_ids = {enrolment.cohort.program_id for enrolment in startup.enrolments}
    if not program_ids:
        return ProfileRights(startup.organisation.id, frozenset())
    listed = db.scalars(select(ProgramManager.user_id).where(ProgramManager.program_id.in_(program_ids)))
    operators = db.scalars(select(OperatorManager.user_id)
                           .join(Program, Program.operator_id == OperatorManager.operator_id)
                           .where(Program.id.in_(program_ids)))
    return ProfileRights(startup.organisation.id, frozenset(listed) | frozenset(operators))


def can_edit_profile(db: Session, *, actor: User, startup: Startup) -> bool:
    return can(load_memberships(db, actor), "startup.edit", profile_rights(db, startup))


def require_profile_editor(db: Session, *, actor: User, startup: Startup) -> None:
    """Forbidden for those who may read the start-up but not edit it (staff of other programs)."""
    require(load_memberships(db, actor), "startup.edit", profile_rights(db, startup))


def get_followed_startup(db: Session, *, actor: User, organisation_id: int) -> Startup:
    """The start-up, for those who follow its milestones and figures: the profile's editors.

    Staff of other programs may see the start-up but not what it reports to its own programs (Forbidden).
    """
    startup = get_startup(db, actor=actor, organisation_id=organisation_id)
    require_profile_editor(db, actor=actor, startup=startup)
    return startup


def edit_profile(db: Session, *, actor: User, organisation_id: int, form: ProfileForm, now: datetime) -> Startup:
    """The start-up's members (and its programs' managers) set its profile; a blank field is cleared.

    NotFound for those who may not see the start-up, Forbidden for staff who do not run its programs;
    a bad field raises Invalid before anything is written.
    """
    startup = get_startup(db, actor=actor, organisation_id=organisation_id)
    require_profile_editor(db, actor=actor, startup=startup)
    values = form.cleaned()
    profile = startup.profile
    if profile is None:
        profile = StartupProfile(organisation_id=organisation_id)
        db.add(profile)
    profile.stage, profile.sector, profile.website = values.stage, values.sector, values.website
    profile.description, profile.team_size, profile.country = values.description, values.team_size, values.country
    profile.updated_at = now
    db.flush()
    audit.record(db, actor=actor, action="startup.profile", obj=startup.organisation, now=now,
                 summary=said(N_("profile of {startup}"), startup=startup.organisation.name))
    return get_startup(db, actor=actor, organisation_id=organisation_id)
