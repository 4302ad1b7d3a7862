"""Visitors' records are deleted once their visit is older than `TOTEM_RETENTION_VISITORS_DAYS` (90 by
default): the front desk needs them for the day, the building's security for a while, nobody for longer."""
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from spaces.visitors.models import Visitor
from totem.erasure import Purged, register_purge
from totem.i18n import said_n
from totem.settings import Settings, get_settings

VISITOR = "visitor"


def purge(db: Session, *, now: datetime, settings: Settings, dry_run: bool = False) -> list[Purged]:
    """Delete the visitors expected before the period (or, in a dry run, list them)."""
    cutoff = now - timedelta(days=settings.retention_visitors_days)
    due = db.execute(select(Visitor.id, Visitor.name, Visitor.expected_at)
                     .where(Visitor.expected_at < cutoff).order_by(Visitor.expected_at, Visitor.id)).all()
    purged = [Purged(VISITOR, row.id, f"{row.name}, {row.expected_at:%Y-%m-%d}") for row in due]
    if dry_run or not purged:
        return purged
    db.execute(delete(Visitor).where(Visitor.id.in_([item.id for item in purged])))
    return purged


def describe(purged: list[Purged]) -> str:
    """The job's summary: a count, never a name (the summary is stored)."""
    return said_n("deleted {n} visitor record", "deleted {n} visitor records", len(purged))


def _purge_for_cli(db: Session, now: datetime, dry_run: bool) -> list[Purged]:
    return purge(db, now=now, settings=get_settings(), dry_run=dry_run)


register_purge(_purge_for_cli)
