"""Navigation by role; each package registers its own entries."""
from dataclasses import dataclass

from totem.identity.models import User
from totem.permissions import can


@dataclass(frozen=True)
class NavItem:
    label: str  # an English msgid
    route: str  # a route name, for url_for
    permission: str | None = None  # shown only if `can(user, permission)`
    order: int = 100


_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _ITEMS:
            _ITEMS.append(item)


def items_for(user: User | None) -> list[NavItem]:
    if user is None:
        return []
    visible = [i for i in _ITEMS if i.permission is None or can(user, i.permission)]
    return sorted(visible, key=lambda i: i.order)
