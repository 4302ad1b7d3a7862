"""Record every write made through the services, and read the log back, filtered."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, or_, select
from sqlalchemy.orm import Session

from totem.audit.models import AuditEntry
from totem.identity.models import User

PAGE_SIZE = 50


def record(
    db: Session, *, actor: User | None, action: str, obj: object, summary: str, now: datetime
) -> AuditEntry:
    """Append one line to the audit log, in the caller's transaction."""
    entry = AuditEntry(
        at=now,
        actor_id=actor.id if actor else None,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=str(getattr(obj, "id", "")) or None,
        summary=summary[:500],
    )
    db.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    """What the reader narrows the log to; None or "" means any. `starts_at`/`ends_at` are a half-open period."""

    person: str = ""  # part of the actor's e-mail or name
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    text: str = ""  # part of the summary


def list_entries(
    db: Session, *, limit: int = PAGE_SIZE, before_id: int | None = None, where: AuditFilter = AuditFilter()
) -> list[tuple[AuditEntry, str | None]]:
    """Newest first, with the actor's e-mail: None for the system (a job, an import, the demo)."""
    query: Select = (
        select(AuditEntry, case((User.is_system, None), else_=User.email))
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if where.person:
        pattern = _contains(where.person)
        query = query.where(or_(User.email.ilike(pattern, escape="\\"), User.name.ilike(pattern, escape="\\")))
    if where.action:
        query = query.where(AuditEntry.action == where.action)
    if where.object_type:
        query = query.where(AuditEntry.object_type == where.object_type)
    if where.object_id:
        query = query.where(AuditEntry.object_id == where.object_id)
    if where.starts_at is not None:
        query = query.where(AuditEntry.at >= where.starts_at)
    if where.ends_at is not None:
        query = query.where(AuditEntry.at < where.ends_at)
    if where.text:
        query = query.where(AuditEntry.summary.ilike(_contains(where.text), escape="\\"))
    return [(entry, email) for entry, email in db.execute(query)]


def _contains(text: str) -> str:
    """A LIKE pattern for `text` anywhere, its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
