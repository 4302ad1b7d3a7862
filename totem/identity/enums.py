"""Roles a user can hold and kinds of organisation."""
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    MEMBER = "member"
    MENTOR = "mentor"


STAFF_ROLES = frozenset({Role.ADMIN, Role.MANAGER})


class OrganisationKind(StrEnum):
    STARTUP = "startup"
    PARTNER = "partner"


class Locale(StrEnum):
    FR = "fr"
    EN = "en"
