"""The composition root's list of domain packages, in dependency order.

The app factory, the scheduler and Alembic's env.py read it; nothing else in
`totem` names a domain.
"""
import importlib
from types import ModuleType

DOMAINS = ("spaces", "cohorts")


def import_domain_modules(module: str) -> list[ModuleType]:
    """Import `<domain>.<module>` for every domain that has one."""
    found = []
    for domain in DOMAINS:
        try:
            found.append(importlib.import_module(f"{domain}.{module}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{domain}.{module}":
                raise
    return found
