"""Registrations for events are anonymised once their event ended more than `TOTEM_RETENTION_EVENT_REGISTRATIONS_DAYS`
ago (180 by default): the name, e-mail and organisation go, as on an erasure; the row stays, so that the events'
attendance counts and the operators' reports keep their figures."""
from datetime import datetime, timedelta

from sqlalchemy import String, cast, literal, select, update
from sqlalchemy.orm import Session

from spaces.events.models import Event, Registration
from totem import erasure
from totem.erasure import Purged, register_purge
from totem.i18n import said_n
from totem.settings import Settings, get_settings

REGISTRATION = "event_registration"
ANONYMISED = f"@{erasure.ERASED_DOMAIN}"
ANONYMOUS_NAME = "—"


def purge(db: Session, *, now: datetime, settings: Settings, dry_run: bool = False) -> list[Purged]:
    """Anonymise the registrations of the events ended before the period (or, in a dry run, list them)."""
    cutoff = now - timedelta(days=settings.retention_event_registrations_days)
    due = db.execute(select(Registration.id, Registration.name, Event.ends_at)
                     .join(Event, Event.id == Registration.event_id)
                     .where(Event.ends_at < cutoff, Registration.email_key.not_like(f"%{ANONYMISED}"))
                     .order_by(Event.ends_at, Registration.id)).all()
    purged = [Purged(REGISTRATION, row.id, f"{row.name}, {row.ends_at:%Y-%m-%d}") for row in due]
    if dry_run or not purged:
        return purged
    placeholder = literal("registration-") + cast(Registration.id, String) + literal(ANONYMISED)
    db.execute(update(Registration).where(Registration.id.in_([item.id for item in purged])).values(
        name=ANONYMOUS_NAME, organisation="", email=placeholder, email_key=placeholder))
    return purged


def describe(purged: list[Purged]) -> str:
    """The job's summary: a count, never a name (the summary is stored)."""
    return said_n("anonymised {n} event registration", "anonymised {n} event registrations", len(purged))


def _purge_for_cli(db: Session, now: datetime, dry_run: bool) -> list[Purged]:
    return purge(db, now=now, settings=get_settings(), dry_run=dry_run)


register_purge(_purge_for_cli)
