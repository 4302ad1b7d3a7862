"""Who may set up the building, and give start-ups access grants and dedicated desks."""
from typing import Any

from totem.identity.models import User
from totem.permissions import is_staff, rule


@rule("access.grant")
def _grant_access(user: User, _obj: Any) -> bool:
    """Give start-ups access grants and dedicated desks."""
    return is_staff(user)


@rule("space.manage")
def _manage_spaces(user: User, _obj: Any) -> bool:
    """Set up venues, floors, spaces and rules, and decide on bookings awaiting approval."""
    return is_staff(user)
