"""Roles a user can hold and kinds of organisation."""
from enum import StrEnum

from totem.i18n import N_


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    MEMBER = "member"
    MENTOR = "mentor"


STAFF_ROLES = frozenset({Role.ADMIN, Role.MANAGER})

# What the pages call each role.
ROLE_LABELS = {Role.ADMIN: N_("Admin"), Role.MANAGER: N_("Manager"), Role.MEMBER: N_("Member"), Role.MENTOR: N_("Mentor")}


class OrganisationKind(StrEnum):
    STARTUP = "startup"
    PARTNER = "partner"


class Locale(StrEnum):
    FR = "fr"
    EN = "en"
