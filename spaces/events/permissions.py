"""Who may run an operator's events (its managers, the building's admins) and who sees members-only ones."""
from typing import Any

from spaces.operators.models import Operator
from totem.identity.enums import Role
from totem.identity.models import User
from totem.permissions import rule


@rule("events.manage")
def _manage_events(user: User, operator: Operator | None) -> bool:
    """Create, edit and cancel the operator's events and read who registered: its managers (loaded) and the admins."""
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.MANAGER) and (operator is None or user.id in operator.manager_ids)


@rule("events.members_only")
def _see_members_only(user: User, _event: Any) -> bool:
    """A members-only event shows to anyone signed in: the building's members, mentors and staff."""
    return not user.is_system
