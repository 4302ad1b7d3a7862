"""Who may set up operators and their quotas (the building's admins), and who may read one (also its managers)."""
from typing import Any

from totem.identity.enums import Role
from totem.identity.models import User
from totem.permissions import rule


@rule("operator.manage")
def _manage_operators(user: User, _obj: Any) -> bool:
    """Create and edit operators, name their managers, set their quotas and the peak hours."""
    return user.has_role(Role.ADMIN)


@rule("operator.read")
def _read_operator(user: User, operator: Any) -> bool:
    """An operator's page, quotas and usage: the admins, and its own managers (managers loaded)."""
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.MANAGER) and operator is not None and user.id in operator.manager_ids


@rule("operator.list")
def _list_operators(user: User, _obj: Any) -> bool:
    """The operators' pages: the building's staff (a manager sees only the operators they manage)."""
    return user.has_role(Role.ADMIN, Role.MANAGER)
