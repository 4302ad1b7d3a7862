"""Who may run which program, and who may read which start-up.

Admins run every program; a manager runs the programs that list them among
their managers (a program's creator is listed). Start-ups are read by staff
and by their own members.
"""
from typing import Any

from cohorts.programs.models import Program
from totem.identity.enums import Role
from totem.identity.models import Organisation, User
from totem.permissions import is_staff, member_organisation_ids, rule


@rule("program.create")
def _create_program(user: User, _obj: Any) -> bool:
    return is_staff(user)


@rule("program.manage")
def _manage_program(user: User, program: Program) -> bool:
    """Edit the program, its tracks and cohorts; review and decide its applications (managers loaded)."""
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.MANAGER) and program is not None and user.id in program.manager_ids


@rule("startup.list_all")
def _list_all_startups(user: User, _obj: Any) -> bool:
    return is_staff(user)


@rule("startup.read")
def _read_startup(user: User, organisation: Organisation) -> bool:
    """Staff, and the start-up's members (memberships loaded)."""
    return is_staff(user) or (organisation is not None and organisation.id in member_organisation_ids(user))
