"""Navigation by role; each package registers its own entries, in a few named menus.

The bar shows a handful of entries: the pages people open every day stand alone, the others are grouped in
menus (a `<details>` element, which opens without JavaScript). A menu of which a person sees one entry only
shows that entry alone.
"""
from collections.abc import Callable
from dataclasses import dataclass

from totem.i18n import N_
from totem.identity.models import User
from totem.permissions import can

# The menus, by their English msgid.
BUILDING = N_("Building")
ACCELERATOR = N_("Accelerator")
ADMINISTRATION = N_("Administration")


@dataclass(frozen=True)
class NavItem:
    label: str  # an English msgid
    route: str  # a route name, for url_for
    permission: str | None = None  # shown only if `can(user, permission)`
    order: int = 100
    group: str | None = None  # the menu it belongs to; None: it stands alone in the bar


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    is_current: bool


@dataclass(frozen=True)
class NavEntry:
    """One entry of the bar: a link, or a menu of links (`label` is then the menu's)."""
    label: str
    links: tuple[NavLink, ...]
    is_menu: bool

    @property
    def is_current(self) -> bool:
        return any(link.is_current for link in self.links)


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


def menu_for(user: User | None, href: Callable[[str], str], path: str) -> list[NavEntry]:
    """The bar's entries in order (a menu where its first item would be); `href` turns a route name into a
    path, and the link that `path` is under is the current one."""
    entries: list[NavEntry] = []
    menus: dict[str, list[NavLink]] = {}
    for item in items_for(user):
        target = href(item.route)
        link = NavLink(item.label, target, path.startswith(target))
        if item.group is None:
            entries.append(NavEntry(item.label, (link,), is_menu=False))
        elif item.group in menus:
            menus[item.group].append(link)
        else:
            menus[item.group] = [link]
            entries.append(NavEntry(item.group, (), is_menu=True))  # its place; filled below
    return [_filled(entry, menus) for entry in entries]


def _filled(entry: NavEntry, menus: dict[str, list[NavLink]]) -> NavEntry:
    if not entry.is_menu:
        return entry
    links = tuple(menus[entry.label])
    if len(links) == 1:
        return NavEntry(links[0].label, links, is_menu=False)
    return NavEntry(entry.label, links, is_menu=True)
