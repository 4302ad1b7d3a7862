"""The composition root's list of domain packages, in dependency order, and the walk through their parts.

Each domain's `__init__` names its parts (`PARTS`: sub-packages, in dependency order). The app factory,
the scheduler, the CLI and Alembic's env.py find every part's pages, API, jobs, models and registrations
here; nothing else in `totem` names a domain.
"""
import importlib
from types import ModuleType

DOMAINS = ("spaces", "cohorts")


def domain_parts(domain: str) -> tuple[str, ...]:
    """The domain's parts as dotted names, in its dependency order ("spaces.venues", "spaces.booking", ...)."""
    return tuple(f"{domain}.{part}" for part in importlib.import_module(domain).PARTS)


def packages() -> list[str]:
    """Every part of every domain, then the domain itself, domain by domain in dependency order."""
    return [name for domain in DOMAINS for name in (*domain_parts(domain), domain)]


def import_domain_modules(module: str) -> list[ModuleType]:
    """Import `<part>.<module>` and `<domain>.<module>` wherever one exists, in dependency order."""
    found = []
    for package in packages():
        try:
            found.append(importlib.import_module(f"{package}.{module}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{module}":
                raise
    return found
